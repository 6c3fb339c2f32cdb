"""Hiding and restoring what members and visitors see: posts, comments, member profiles.

A moderator hides an item with a reason; reports hide one automatically until a
moderator decides (``pending_review``). Either way the item leaves every list, search,
feed, sitemap, badge and count; its author still sees it, with the reason, and gets a
statement of reasons by email (``posts.services.statements``).

- Posts: ``is_hidden`` (404 to everyone but staff and the member who posted it).
- Comments: ``posts.services.discussion.comments_hide`` (a "hidden by a moderator"
  placeholder in the thread).
- Member profiles: ``User.profile_hidden``: the profile page is not public, the member
  leaves the directory and has no badge image, and their picture and display name are
  not shown beside what they wrote (``@username`` and initials instead).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from posts.models import Comment, Post
from posts.models.reports import ReportKind
from posts.services.discussion import comments_hide, comments_unhide
from posts.services.search_index import posts_index
from posts.services.statements import (
    ModeratedItem,
    restoration_notice_send,
    statement_after_hiding,
)
from radrounds.pagecache import pages_changed

# Which permission hiding or restoring each kind of item takes.
HIDE_PERMISSIONS = {
    ReportKind.POST: "posts.hide_post",
    ReportKind.COMMENT: "posts.hide_comment",
    ReportKind.MEMBER: "accounts.hide_profile",
}


def post_moderated_item(post: Post) -> ModeratedItem:
    return ModeratedItem(
        what="post", label=f"“{post.title_text[:150]}”", path=post.get_absolute_url()
    )


def profile_moderated_item(member) -> ModeratedItem:
    return ModeratedItem(
        what="profile", label=f"Your profile (@{member.username})", path=member.get_absolute_url()
    )


@transaction.atomic
def posts_hide(*, posts, by, reason: str = "", pending_review: bool = False) -> int:
    """Hide ``posts``; returns how many this call hid or re-decided.

    ``by`` None with ``pending_review``: hidden by reports until a moderator decides,
    which never overrides a moderator's own hiding. The member who posted each gets a
    statement of reasons.
    """
    rows = posts.filter(is_hidden=False) if pending_review else posts.all()
    rows = list(rows.select_related("posted_by"))
    if not rows:
        return 0
    Post.objects.filter(pk__in=[p.pk for p in rows]).update(
        is_hidden=True,
        hidden_reason=reason.strip()[:300],
        hidden_by=by,
        hidden_at=timezone.now(),
        hidden_pending_review=pending_review,
    )
    pages_changed()
    _reindex(rows, hidden=True)
    for post in rows:
        if post.posted_by_id != getattr(by, "pk", None):
            statement_after_hiding(
                author=post.posted_by,
                item=post_moderated_item(post),
                was_hidden=post.is_hidden,
                was_pending=post.hidden_pending_review,
                reason=reason,
                pending=pending_review,
            )
    return len(rows)


def _reindex(posts: list[Post], *, hidden: bool) -> None:
    """Search finds visible posts only: take hidden ones out of the index, put restored
    ones back (the status snapshot in ``posts`` is restored afterwards for the emails)."""
    was = [post.is_hidden for post in posts]
    for post in posts:
        post.is_hidden = hidden
    posts_index(posts=posts)
    for post, hidden_before in zip(posts, was, strict=True):
        post.is_hidden = hidden_before


@transaction.atomic
def posts_restore(*, posts) -> int:
    """Make hidden ``posts`` visible again; the members who posted them are told."""
    rows = list(posts.filter(is_hidden=True).select_related("posted_by"))
    Post.objects.filter(pk__in=[p.pk for p in rows]).update(
        is_hidden=False,
        hidden_reason="",
        hidden_by=None,
        hidden_at=None,
        hidden_pending_review=False,
    )
    pages_changed()
    _reindex(rows, hidden=False)
    for post in rows:
        restoration_notice_send(author=post.posted_by, item=post_moderated_item(post))
    return len(rows)


@transaction.atomic
def profiles_hide(*, members, reason: str, pending_review: bool = False) -> int:
    """Hide the public profiles of ``members`` (a statement of reasons goes to each)."""
    rows = members.filter(profile_hidden=False) if pending_review else members.all()
    rows = list(rows)
    if not rows:
        return 0
    get_user_model().objects.filter(pk__in=[m.pk for m in rows]).update(
        profile_hidden=True,
        profile_hidden_reason=reason.strip()[:300],
        profile_hidden_at=timezone.now(),
        profile_hidden_pending_review=pending_review,
    )
    pages_changed()
    for member in rows:
        statement_after_hiding(
            author=member,
            item=profile_moderated_item(member),
            was_hidden=member.profile_hidden,
            was_pending=member.profile_hidden_pending_review,
            reason=reason,
            pending=pending_review,
        )
    return len(rows)


@transaction.atomic
def profiles_restore(*, members) -> int:
    rows = list(members.filter(profile_hidden=True))
    get_user_model().objects.filter(pk__in=[m.pk for m in rows]).update(
        profile_hidden=False,
        profile_hidden_reason="",
        profile_hidden_at=None,
        profile_hidden_pending_review=False,
    )
    pages_changed()
    for member in rows:
        restoration_notice_send(author=member, item=profile_moderated_item(member))
    return len(rows)


# --- One item, whatever its kind (for the report queue) -----------------------------
def _one(kind: str, item):
    model = {
        ReportKind.POST: Post,
        ReportKind.COMMENT: Comment,
        ReportKind.MEMBER: get_user_model(),
    }[kind]
    return model.objects.filter(pk=item.pk)


def item_hide(*, kind: str, item, by, reason: str, pending_review: bool = False) -> bool:
    """Hide one reported item (see the functions above); True if this call changed it."""
    rows = _one(kind, item)
    if kind == ReportKind.POST:
        return bool(posts_hide(posts=rows, by=by, reason=reason, pending_review=pending_review))
    if kind == ReportKind.COMMENT:
        return bool(
            comments_hide(comments=rows, by=by, reason=reason, pending_review=pending_review)
        )
    return bool(profiles_hide(members=rows, reason=reason, pending_review=pending_review))


def item_restore(*, kind: str, item) -> bool:
    rows = _one(kind, item)
    if kind == ReportKind.POST:
        return bool(posts_restore(posts=rows))
    if kind == ReportKind.COMMENT:
        return bool(comments_unhide(comments=rows))
    return bool(profiles_restore(members=rows))


def item_is_hidden(*, kind: str, item) -> tuple[bool, bool]:
    """(hidden, pending review) of the item as the database has it now."""
    if kind == ReportKind.MEMBER:
        hidden, pending = _one(kind, item).values_list(
            "profile_hidden", "profile_hidden_pending_review"
        )[0]
    else:
        hidden, pending = _one(kind, item).values_list("is_hidden", "hidden_pending_review")[0]
    return hidden, pending
