"""What is measured: the pages each scenario asks for, and who asks."""

from __future__ import annotations

from urllib.parse import urlencode

from bench.load import MIXED_MEMBERS
from bench.load.data import HOT_POSTS


def bench_sessions(count: int) -> list[tuple[str, int]]:
    """Signed-in sessions for ``count`` bench members: (session key, user id)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User

    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    for user in User.objects.filter(username__startswith="bench").order_by("pk")[:count]:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append((session.session_key, user.pk))
    return sessions


def plan():
    from django.conf import settings

    from posts.models import Post

    posts = list(Post.objects.visible().order_by("pk").only("pk", "slug", "title"))
    sessions = bench_sessions(1 + MIXED_MEMBERS)
    cookie = f"{settings.SESSION_COOKIE_NAME}={sessions[0][0]}"
    hot = posts[0]
    assert Post.objects.get(pk=hot.pk).comment_count >= 500, "the 500-comment post is missing"
    member = Post._meta.get_field("posted_by").related_model.objects.get(pk=sessions[0][1])
    counted = posts[HOT_POSTS + 200 : HOT_POSTS + 250]  # new visitors' posts, nothing else
    return {
        "posts": posts,
        "hot": hot,
        "read": posts[HOT_POSTS + 50],
        "counted": counted,
        "cookie": cookie,
        "member": member.username,
        "sessions": sessions[1:],
    }


def scenarios(p) -> list[dict]:
    member = {"Cookie": p["cookie"]}
    return [
        {"key": "floor", "name": "floor: /healthz", "paths": ["/healthz"]},
        {"key": "home", "name": "home, anonymous", "paths": ["/"]},
        {
            "key": "post",
            "name": "post, anonymous returning visitor",
            "paths": [p["read"].get_absolute_url()],
        },
        {
            "key": "post_new_visitor",
            "name": "post, a new visitor every request",
            "paths": [post.get_absolute_url() for post in p["counted"]],
            "new_visitors": True,
        },
        {
            "key": "post_500_member",
            "name": "post with 500+ comments, signed in",
            "paths": [p["hot"].get_absolute_url()],
            "headers": member,
        },
        {"key": "search", "name": "search 'lung', anonymous", "paths": ["/search/?q=lung"]},
        {
            "key": "search_mesh",
            "name": "search MeSH filter, anonymous",
            "paths": ["/search/?" + urlencode({"q": "imaging", "mesh": "Humans"})],
        },
        {
            "key": "search_member",
            "name": "search 'lung', signed in (no page cache)",
            "paths": ["/search/?q=lung"],
            "headers": member,
        },
        {
            "key": "search_mesh_member",
            "name": "search MeSH filter, signed in",
            "paths": ["/search/?" + urlencode({"q": "imaging", "mesh": "Humans"})],
            "headers": member,
        },
        {
            "key": "badge",
            "name": "member badge PNG",
            "paths": [f"/badges/members/{p['member']}.png"],
        },
    ]
