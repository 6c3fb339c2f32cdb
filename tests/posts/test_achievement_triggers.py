"""The achievement badges earned by taking part: first comment, 10 comments, first like
and "Sharp eye" (a report the moderators upheld). Each is awarded where it is earned and
by ``recompute_badges``, and both agree."""

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from posts.achievements import COMMENTS_FOR_TEN
from posts.models import Comment, MemberBadge
from posts.services.achievements import badges_recompute
from posts.services.discussion import comment_create, comment_delete, comments_hide
from posts.services.engagement import comment_like_set, post_like_set
from posts.services.report_queue import report_dismiss, report_resolve
from posts.services.reports import ReportTarget, report_submit
from tests.concurrency import in_parallel
from tests.factories import CommentFactory, PostFactory, UserFactory, moderator
from tests.posts.test_discussion_concurrency import client_for

SLUGS = ["first-comment", "ten-comments", "first-like", "report-upheld"]


def _badges(user) -> set[str]:
    return set(MemberBadge.objects.filter(user=user).values_list("badge", flat=True))


def _write(author, n, post=None):
    """``n`` comments by ``author`` through the real service (rate limit set aside)."""
    post = post or PostFactory()
    written = []
    for i in range(n):
        cache.clear()
        written.append(comment_create(author=author, post=post, body=f"Comment {i}.")[0])
    return written


def _recompute_awards() -> dict[str, int]:
    return {r.slug: r.awarded for r in badges_recompute(slugs=SLUGS)}


# --- First comment and 10 comments -------------------------------------------------------
@pytest.mark.django_db
def test_the_first_comment_earns_the_first_comment_badge(member_client, user):
    post = PostFactory()
    assert "first-comment" not in _badges(user)

    member_client.post(reverse("posts:comment_create", args=[post.pk]), {"body": "Hello."})

    assert "first-comment" in _badges(user)


@pytest.mark.django_db
def test_the_tenth_comment_earns_the_ten_comments_badge(user):
    _write(user, COMMENTS_FOR_TEN - 1)
    assert "ten-comments" not in _badges(user)

    _write(user, 1)

    assert "ten-comments" in _badges(user)
    assert MemberBadge.objects.filter(user=user, badge="first-comment").count() == 1


@pytest.mark.django_db
def test_deleted_and_hidden_comments_do_not_count_towards_ten(user):
    written = _write(user, COMMENTS_FOR_TEN - 1)
    comment_delete(comment=written[0], user=user)
    comments_hide(comments=Comment.objects.filter(pk=written[1].pk), by=moderator(), reason="x")

    _write(user, 2)  # 11 written, 9 that others can read

    assert "ten-comments" not in _badges(user)
    assert _recompute_awards()["ten-comments"] == 0


@pytest.mark.django_db
def test_recompute_gives_no_comment_badge_for_deleted_or_hidden_comments():
    deleted = CommentFactory(is_deleted=True, body="")
    hidden = CommentFactory(is_hidden=True)

    _recompute_awards()

    assert _badges(deleted.author) == set()
    assert _badges(hidden.author) == set()


@pytest.mark.django_db(transaction=True)
def test_two_comments_written_at_once_as_the_ninth_and_tenth_earn_the_badge():
    author = UserFactory()
    post = PostFactory()
    Comment.objects.bulk_create(
        [Comment(post=post, author=author, body=f"c{i}", body_html="<p>c</p>") for i in range(8)]
    )
    clients = [client_for(author) for _ in range(2)]
    url = reverse("posts:comment_create", args=[post.pk])

    in_parallel(
        [lambda c=c, n=n: c.post(url, {"body": f"Parallel {n}."}) for n, c in enumerate(clients)]
    )

    assert Comment.objects.filter(author=author).count() == 10
    assert MemberBadge.objects.filter(user=author, badge="ten-comments").count() == 1


# --- First like ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_colleagues_like_of_a_comment_earns_its_author_the_first_like_badge():
    comment = CommentFactory()
    colleague = UserFactory()

    comment_like_set(user=colleague, comment=comment, liked=True)
    comment_like_set(user=colleague, comment=comment, liked=False)
    comment_like_set(user=UserFactory(), comment=comment, liked=True)

    assert "first-like" in _badges(comment.author)
    assert "first-like" not in _badges(colleague)
    assert MemberBadge.objects.filter(badge="first-like").count() == 1


@pytest.mark.django_db
def test_a_like_of_a_post_does_not_earn_the_member_who_posted_it_the_first_like_badge():
    poster = UserFactory()
    post = PostFactory(posted_by=poster)

    post_like_set(user=UserFactory(), post=post, liked=True)

    assert "first-like" not in _badges(poster)
    assert _recompute_awards()["first-like"] == 0


@pytest.mark.django_db
def test_a_hidden_comment_cannot_be_liked_and_its_likes_do_not_count():
    comment = CommentFactory(is_hidden=True)
    with pytest.raises(PermissionDenied):
        comment_like_set(user=UserFactory(), comment=comment, liked=True)

    liked_then_hidden = CommentFactory()
    from posts.models import CommentLike

    CommentLike.objects.create(user=UserFactory(), comment=liked_then_hidden)
    Comment.objects.filter(pk=liked_then_hidden.pk).update(is_hidden=True)

    assert _recompute_awards()["first-like"] == 0
    assert _badges(liked_then_hidden.author) == set()


# --- Sharp eye: a report the moderators upheld -------------------------------------------------
@pytest.mark.django_db
def test_a_resolved_report_earns_its_reporter_the_sharp_eye_badge():
    reporter = UserFactory()
    report, _ = report_submit(
        target=ReportTarget(kind="comment", comment=CommentFactory()),
        reason="abuse",
        reporter=reporter,
    )

    report_resolve(report=report, by=moderator(), note="Hidden.")

    assert "report-upheld" in _badges(reporter)


@pytest.mark.django_db
def test_a_dismissed_report_earns_nothing():
    reporter = UserFactory()
    report, _ = report_submit(
        target=ReportTarget(kind="post", post=PostFactory()), reason="spam", reporter=reporter
    )

    report_dismiss(report=report, by=moderator(), note="Not spam.")

    assert "report-upheld" not in _badges(reporter)
    assert _recompute_awards()["report-upheld"] == 0


@pytest.mark.django_db
def test_every_reporter_of_an_item_decided_together_earns_the_badge():
    comment = CommentFactory()
    reporters = UserFactory.create_batch(2)
    reports = [
        report_submit(
            target=ReportTarget(kind="comment", comment=comment), reason="spam", reporter=r
        )[0]
        for r in reporters
    ]

    report_resolve(report=reports[0], by=moderator(), note="Spam.", whole_item=True)

    assert all("report-upheld" in _badges(r) for r in reporters)


# --- Recompute agrees with the triggers --------------------------------------------------
@pytest.mark.django_db
def test_recompute_finds_nothing_to_add_after_the_triggers_ran():
    chatty, quiet, liked, reporter = UserFactory.create_batch(4)
    _write(chatty, COMMENTS_FOR_TEN)
    _write(quiet, 1)
    [comment] = _write(liked, 1)
    comment_like_set(user=chatty, comment=comment, liked=True)
    report, _ = report_submit(
        target=ReportTarget(kind="comment", comment=comment), reason="spam", reporter=reporter
    )
    report_resolve(report=report, by=moderator(), note="Fine, hidden.")
    earned = set(MemberBadge.objects.values_list("user_id", "badge"))

    assert _recompute_awards() == {slug: 0 for slug in SLUGS}
    assert set(MemberBadge.objects.values_list("user_id", "badge")) == earned
    assert {(chatty.pk, "ten-comments"), (liked.pk, "first-like")} <= earned
    assert (reporter.pk, "report-upheld") in earned


@pytest.mark.django_db
def test_recompute_awards_what_was_earned_before_the_badges_were_automatic():
    author, colleague, reporter = UserFactory.create_batch(3)
    comments = CommentFactory.create_batch(COMMENTS_FOR_TEN, author=author)
    from posts.models import CommentLike, Report

    CommentLike.objects.create(user=colleague, comment=comments[0])
    report, _ = report_submit(
        target=ReportTarget(kind="comment", comment=comments[1]), reason="spam", reporter=reporter
    )
    Report.objects.filter(pk=report.pk).update(status="resolved", decided_at=report.created_at)
    MemberBadge.objects.all().delete()

    awards = _recompute_awards()

    assert awards == {"first-comment": 1, "ten-comments": 1, "first-like": 1, "report-upheld": 1}
    assert _badges(author) == {"first-comment", "ten-comments", "first-like"}
    assert _badges(reporter) == {"report-upheld"}
