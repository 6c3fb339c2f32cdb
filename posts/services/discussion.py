"""Writing the discussion: comments, replies, edits, deletion and moderation."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from posts import comment_text
from posts.models import Comment, Post
from posts.services.achievements import badges_for_comment
from posts.services.statements import (
    ModeratedItem,
    restoration_notice_send,
    statement_after_hiding,
)
from radrounds.pagecache import pages_changed
from radrounds.ratelimit import Rate, rate_limit_hit

# Everyone: a burst limit. Accounts younger than a day: a daily cap too (spam waves
# come from fresh sign-ups).
COMMENT_RATES = (Rate(5, 60),)
NEW_ACCOUNT_RATES = (Rate(5, 60), Rate(50, 24 * 60 * 60))
NEW_ACCOUNT_AGE = timedelta(days=1)
# Mentions beyond this many in one comment are left as text (and notify nobody).
MAX_MENTIONS = 20


class RateLimited(Exception):
    def __init__(self, rate: Rate):
        self.rate = rate
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.rate.seconds >= 24 * 60 * 60:
            return (
                f"New accounts can post {self.rate.describe()}. You have reached that; "
                "you can comment again tomorrow. Your text is still here."
            )
        return (
            f"You are commenting quickly: radRounds allows {self.rate.describe()}. "
            "Please wait a moment and send it again; your text is still here."
        )


def comment_render(*, body: str) -> tuple[str, list]:
    """The stored HTML of ``body`` and the members it mentions (one query)."""
    names = comment_text.mentioned_usernames(body)
    members = []
    if names:
        lookup = {name.lower() for name in names}
        wanted = Q()
        for name in names[:MAX_MENTIONS]:
            wanted |= Q(username__iexact=name)
        members = [
            user
            for user in get_user_model().objects.members().filter(wanted)
            if user.username.lower() in lookup
        ]
    existing = {user.username.lower(): user.username for user in members}
    html = comment_text.render(
        body,
        profile_url=comment_text.profile_lookup(
            existing, lambda username: reverse("accounts:profile", args=[username])
        ),
    )
    return html, members


def _check_rate(author) -> None:
    young = timezone.now() - author.date_joined < NEW_ACCOUNT_AGE
    rates = NEW_ACCOUNT_RATES if young else COMMENT_RATES
    exceeded = rate_limit_hit(scope="comment", key=f"user:{author.pk}", rates=rates)
    if exceeded is not None:
        raise RateLimited(exceeded)


@transaction.atomic
def comment_create(
    *,
    author,
    post: Post,
    body: str,
    parent: Comment | None = None,
    client_token: uuid.UUID | None = None,
) -> tuple[Comment, bool]:
    """Add ``author``'s comment (or reply to ``parent``) to ``post``.

    Returns ``(comment, created)``. The same ``client_token`` twice (a double click, a
    resent form) gives back the first comment and counts nothing again. A reply to a
    reply joins its thread. The author follows the post from now on; replied-to,
    mentioned and following members are notified. Raises :class:`RateLimited`.
    """
    if client_token is not None:
        existing = Comment.objects.filter(author=author, client_token=client_token).first()
        if existing is not None:
            return existing, False
    if parent is not None and parent.post_id != post.pk:
        raise ValueError("A reply belongs to the post of the comment it answers.")
    _check_rate(author)
    body = comment_text.normalise(body)
    html, mentioned = comment_render(body=body)
    root = None
    if parent is not None:
        root = parent if parent.parent_id is None else parent.parent
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                post=post,
                author=author,
                parent=root,
                body=body,
                body_html=html,
                client_token=client_token,
            )
    except IntegrityError:
        if client_token is None:
            raise
        # The same form sent twice in parallel: the other request created it.
        return Comment.objects.get(author=author, client_token=client_token), False
    Post.objects.filter(pk=post.pk).update(
        comment_count=F("comment_count") + 1, last_commented_at=comment.created_at
    )
    pages_changed()
    from posts.services.engagement import post_follow_set
    from posts.services.notifications import notifications_for_comment

    post_follow_set(user=author, post=post, following=True)
    notifications_for_comment(comment=comment, replied_to=parent, mentioned=mentioned)
    badges_for_comment(author_id=author.pk)
    return comment, True


def comment_edit(*, comment: Comment, user, body: str, now=None) -> Comment:
    """Change the text of one's own comment, within the edit window."""
    if not comment.can_edit(user, now=now):
        raise PermissionDenied("Comments can be edited by their author for 15 minutes.")
    body = comment_text.normalise(body)
    if body == comment.body:
        return comment
    comment.body = body
    comment.body_html, _ = comment_render(body=body)
    comment.edited_at = now or timezone.now()
    comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user) -> bool:
    """Delete one's own comment. Returns True when it is gone, False when it stays as
    "[deleted]" because it heads a thread that has replies."""
    if not comment.can_delete(user):
        raise PermissionDenied("Only its author can delete a comment.")
    post_id, parent_id = comment.post_id, comment.parent_id
    pages_changed()
    # Greatest(): a counter that drifted (a row deleted behind the site's back) must not
    # turn one member's delete into an error. A hidden comment is not counted already.
    if not comment.is_hidden:
        Post.objects.filter(pk=post_id).update(comment_count=Greatest(F("comment_count") - 1, 0))
    if parent_id is None and comment.replies.exists():
        Comment.objects.filter(pk=comment.pk).update(
            is_deleted=True, body="", body_html="", like_count=0
        )
        comment.likes.all().delete()
        comment.is_deleted = True
        return False
    comment.delete()
    if parent_id is not None:
        # The last reply under a deleted comment takes the "[deleted]" shell with it.
        Comment.objects.filter(pk=parent_id, is_deleted=True, replies__isnull=True).delete()
    return True


def comment_hide(*, comment: Comment, by, reason: str) -> Comment:
    """A moderator hides a comment: others see "hidden by a moderator"; its author still
    sees it, with the reason, and gets it by email (a statement of reasons)."""
    if not by.has_perm("posts.hide_comment"):
        raise PermissionDenied("Only moderators can hide comments.")
    comments_hide(comments=Comment.objects.filter(pk=comment.pk), by=by, reason=reason)
    comment.refresh_from_db()
    return comment


def comment_moderated_item(comment: Comment) -> ModeratedItem:
    """How moderation emails name a comment: where it is, never what it says."""
    created = timezone.localtime(comment.created_at)
    when = f"{created.day} {created:%b %Y}"
    return ModeratedItem(
        what="comment",
        label=f"Your comment of {when} on “{comment.post.title_text[:120]}”",
        path=comment.get_absolute_url(),
    )


@transaction.atomic
def comments_hide(*, comments, by, reason: str, pending_review: bool = False) -> int:
    """Hide ``comments`` with a reason; returns how many are hidden by this call.

    ``by`` is the moderator, or None when reports hide a comment automatically until a
    moderator decides (``pending_review``), which never overrides a moderator's own
    hiding. Hidden comments leave their post's comment count (like deleted ones) and
    the "Discussed" order; their authors get a statement of reasons.
    """
    rows = comments.filter(is_deleted=False)
    if pending_review:
        rows = rows.filter(is_hidden=False)
    rows = list(rows.select_related("post", "author"))
    if not rows:
        return 0
    Comment.objects.filter(pk__in=[c.pk for c in rows]).update(
        is_hidden=True,
        hidden_reason=reason.strip()[:300],
        hidden_by=by,
        hidden_at=timezone.now(),
        hidden_pending_review=pending_review,
    )
    pages_changed()
    newly = [c for c in rows if not c.is_hidden]
    _recount_posts(newly, change=-1)
    for comment in rows:
        statement_after_hiding(
            author=comment.author,
            item=comment_moderated_item(comment),
            was_hidden=comment.is_hidden,
            was_pending=comment.hidden_pending_review,
            reason=reason,
            pending=pending_review,
        )
    return len(rows)


@transaction.atomic
def comments_unhide(*, comments) -> int:
    """Make hidden ``comments`` visible again (their authors are told); returns how many."""
    rows = list(comments.filter(is_hidden=True).select_related("post", "author"))
    if not rows:
        return 0
    Comment.objects.filter(pk__in=[c.pk for c in rows]).update(
        is_hidden=False,
        hidden_reason="",
        hidden_by=None,
        hidden_at=None,
        hidden_pending_review=False,
    )
    pages_changed()
    _recount_posts([c for c in rows if not c.is_deleted], change=+1)
    for comment in rows:
        if not comment.is_deleted:
            restoration_notice_send(author=comment.author, item=comment_moderated_item(comment))
    return len(rows)


def _recount_posts(comments: list[Comment], *, change: int) -> None:
    """Move the comment counters of the posts of ``comments`` by ``change`` each, and put
    "last commented" back on the latest comment others can read."""
    per_post: dict[int, int] = {}
    for comment in comments:
        per_post[comment.post_id] = per_post.get(comment.post_id, 0) + 1
    latest = (
        Comment.objects.filter(post=OuterRef("pk"), is_hidden=False, is_deleted=False)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    for post_id, n in per_post.items():
        Post.objects.filter(pk=post_id).update(
            comment_count=Greatest(F("comment_count") + change * n, 0),
            last_commented_at=Subquery(latest),
        )
