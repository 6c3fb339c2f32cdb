"""After the load: nothing counted twice or lost, nothing acknowledged missing."""

from __future__ import annotations

from bench.load.mixed import Member
from bench.load.server import Server


def views_of(posts) -> tuple[int, int]:
    from django.db.models import Sum

    from posts.models import Post, PostDailyViews
    from posts.services.view_buffer import pending_views

    ids = [p.pk for p in posts]
    stored = Post.objects.filter(pk__in=ids).aggregate(n=Sum("view_count"))["n"] or 0
    daily = PostDailyViews.objects.filter(post_id__in=ids).aggregate(n=Sum("views"))["n"] or 0
    return stored + sum(pending_views(ids).values()), daily


def flush_views() -> None:
    from posts.services.view_buffer import view_buffer_flush

    view_buffer_flush()


def views_before(server: Server, posts) -> tuple[int, int, int]:
    """Before the counted run: the counters, once the server is idle, and where its log ends."""
    server.settle()
    flush_views()
    views, daily = views_of(posts)
    return views, daily, server.log_offset()


def views_check(server: Server, posts, paths: set[str], before: tuple[int, int, int]) -> dict:
    """The counters moved by exactly the number of visitors the server answered (its log
    counts requests still in flight when wrk stopped, which wrk does not)."""
    views_before, daily_before, log_start = before
    server.settle()  # requests still in flight when wrk stopped
    flush_views()
    views_after, daily_after = views_of(posts)
    answered = sum(
        1
        for line in server.log_lines(log_start, server.log_offset())
        if line.get("path") in paths and line.get("status") == 200
    )
    return {
        "distinct_visitors_answered": answered,
        "view_count_added": views_after - views_before,
        "daily_views_added": daily_after - daily_before,
        "exact": answered == views_after - views_before == daily_after - daily_before,
    }


def check_writes(members: list[Member]) -> dict:
    from posts.models import Comment, PostLike, Report, SavedPost

    comments = [c for m in members for c in m.comments]
    found = set(Comment.objects.filter(body__in=comments).values_list("body", flat=True))
    reports = [r for m in members for r in m.reports]
    found_reports = set(
        Report.objects.filter(description__in=reports).values_list("description", flat=True)
    )
    wrong_likes = wrong_saves = 0
    for m in members:
        for post_id, on in m.likes.items():
            held = PostLike.objects.filter(user_id=m.user_id, post_id=post_id).exists()
            wrong_likes += held != on
        for post_id, on in m.saves.items():
            held = SavedPost.objects.filter(user_id=m.user_id, post_id=post_id).exists()
            wrong_saves += held != on
    return {
        "comments_acknowledged": len(comments),
        "comments_missing": len(set(comments) - found),
        "reports_acknowledged": len(reports),
        "reports_missing": len(set(reports) - found_reports),
        "likes_acknowledged": sum(len(m.likes) for m in members),
        "likes_wrong": wrong_likes,
        "saves_acknowledged": sum(len(m.saves) for m in members),
        "saves_wrong": wrong_saves,
        "refused_by_rate_limits": sum(m.refused for m in members),
    }


def log_checks(server: Server) -> dict[str, int]:
    """What the server's log says went wrong over the whole run."""
    log_text = server.log_path.read_text(errors="replace")
    return {
        "database_is_locked": log_text.count("database is locked"),
        "server_errors_logged": sum(
            1 for line in log_text.splitlines() if '"status": 5' in line or "Traceback" in line
        ),
    }


def failed(checks: dict, rows: list[dict]) -> bool:
    return bool(
        not checks.get("views", {}).get("exact", True)
        or checks["database_is_locked"]
        or any(v for k, v in checks.get("writes", {}).items() if k.endswith(("missing", "wrong")))
        or any(row["status_5xx"] for row in rows)
    )
