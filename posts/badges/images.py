"""What each badge shows, its ETag, and the drawn PNG kept in the cache under it.

A badge's ETag is a hash of everything drawn on it (plus the drawing version and the
scale). The PNG is cached under that hash with the time it was drawn (the
Last-Modified), so a badge is drawn once per distinct content: a new member count,
a renamed member or a new view count makes a new hash and a new drawing; everything
else is a cache read.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from accounts.avatars import default_avatar_colour
from posts.badges import drawing, fonts

logger = logging.getLogger(__name__)

# Bump when the drawing code changes, so every badge is drawn again.
DRAWING_VERSION = 1
CACHE_SECONDS = 30 * 24 * 60 * 60
SCALES = (1, 2)


@dataclass(frozen=True)
class Badge:
    kind: str
    content: dict[str, Any]
    # Not part of the content: how to get at the avatar file named in it.
    avatar_name: str = field(default="", compare=False)

    def etag(self, scale: int) -> str:
        payload = json.dumps(
            [DRAWING_VERSION, self.kind, scale, self.content], sort_keys=True, ensure_ascii=False
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:32]

    @property
    def size(self) -> tuple[int, int]:
        return drawing.SIZES[self.kind]


def _count(n: int, word: str) -> str:
    return f"{intcomma(n)} {word}{'' if n == 1 else 's'}"


def network_badge(*, members: int, posts: int) -> Badge:
    return Badge(
        "network",
        {
            "site_name": settings.SITE_NAME,
            "tagline": settings.SITE_TAGLINE,
            "members": _count(members, "member"),
            "posts": _count(posts, "post"),
        },
    )


def shown_member_name(member) -> str:
    """The member's name if the fonts can draw it, else their username, else a neutral label."""
    for candidate in (member.name, f"@{member.username}"):
        if fonts.drawable(candidate):
            return candidate
    return "radRounds member"


def member_badge(member) -> Badge:
    role = " · ".join(
        label for label in (member.get_role_display(), member.get_subspecialty_display()) if label
    )
    return Badge(
        "member",
        {
            "name": shown_member_name(member),
            "role": role,
            "verified": member.verified,
            # The random file name changes whenever the picture does.
            "avatar": member.avatar.name or "",
            "initials": member.initials,
            "colour": default_avatar_colour(member.username),
            "site_name": "radRounds",
        },
        avatar_name=member.avatar.name or "",
    )


def post_badge(post) -> Badge:
    title = post.title_text if fonts.drawable(post.title_text) else f"radRounds post {post.pk}"
    citation = post.citation if fonts.drawable(post.citation, bold=False) else ""
    return Badge(
        "post",
        {
            "title": title,
            "citation": citation,
            "views": f"Views: {intcomma(post.view_count)}",
            "site_name": "radRounds",
        },
    )


def _draw(badge: Badge, scale: int) -> bytes:
    c = badge.content
    if badge.kind == "network":
        return drawing.draw_network(scale=scale, **c)
    if badge.kind == "post":
        return drawing.draw_post(scale=scale, **c)
    avatar = None
    if badge.avatar_name:
        try:
            with default_storage.open(badge.avatar_name) as handle:
                avatar = Image.open(handle)
                avatar.load()
        except (OSError, ValueError):
            logger.warning("Badge: could not read avatar %s", badge.avatar_name, exc_info=True)
    return drawing.draw_member(
        name=c["name"],
        role=c["role"],
        verified=c["verified"],
        avatar=avatar,
        initials=c["initials"],
        colour=c["colour"],
        site_name=c["site_name"],
        scale=scale,
    )


@dataclass(frozen=True)
class Rendered:
    etag: str
    drawn_at: datetime
    png: bytes


def badge_png(badge: Badge, *, scale: int) -> Rendered:
    """The badge's PNG: from the cache when this exact content was drawn before."""
    etag = badge.etag(scale)
    key = f"badgepng:{etag}"
    cached = cache.get(key)
    if cached is not None:
        drawn_at, png = cached
        return Rendered(etag, drawn_at, png)
    png = _draw(badge, scale)
    drawn_at = timezone.now().replace(microsecond=0)
    cache.set(key, (drawn_at, png), timeout=CACHE_SECONDS)
    return Rendered(etag, drawn_at, png)
