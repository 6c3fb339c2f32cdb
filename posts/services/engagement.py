"""Likes, saves and follows: idempotent switches.

Each function takes the state the member asked for (``liked=True``), not "toggle",
so a form sent twice lands in the same state. The unique constraint decides who
wins a race; a counter changes only when a row really was added or removed, with
``F()`` in the same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F

from posts.models import (
    Comment,
    CommentLike,
    MemberFollow,
    Post,
    PostFollow,
    PostLike,
    SavedPost,
)
from posts.services.achievements import badge_for_comment_like
from radrounds.pagecache import pages_changed


def _switch(model, *, on: bool, **row) -> bool:
    """Make the row exist (``on``) or not; returns True when that changed anything."""
    if on:
        try:
            with transaction.atomic():
                model.objects.create(**row)
        except IntegrityError:
            return False
        return True
    deleted, _ = model.objects.filter(**row).delete()
    return bool(deleted)


@transaction.atomic
def post_like_set(*, user, post: Post, liked: bool) -> int:
    """Like or unlike ``post``; returns its like count."""
    if _switch(PostLike, on=liked, user=user, post=post):
        Post.objects.filter(pk=post.pk).update(like_count=F("like_count") + (1 if liked else -1))
        pages_changed()
    return Post.objects.values_list("like_count", flat=True).get(pk=post.pk)


@transaction.atomic
def comment_like_set(*, user, comment: Comment, liked: bool) -> int:
    """Like or unlike ``comment``; returns its like count. Nobody likes their own."""
    if liked and comment.author_id == user.pk:
        raise PermissionDenied("You cannot like your own comment.")
    if liked and (comment.is_deleted or comment.is_hidden):
        raise PermissionDenied("This comment cannot be liked.")
    if _switch(CommentLike, on=liked, user=user, comment=comment):
        Comment.objects.filter(pk=comment.pk).update(
            like_count=F("like_count") + (1 if liked else -1)
        )
        pages_changed()
        if liked:
            badge_for_comment_like(author_id=comment.author_id, liker_id=user.pk)
    return Comment.objects.values_list("like_count", flat=True).get(pk=comment.pk)


def post_save_set(*, user, post: Post, saved: bool) -> bool:
    """Save a post to (or remove it from) the member's /saved/ list."""
    _switch(SavedPost, on=saved, user=user, post=post)
    return saved


def post_follow_set(*, user, post: Post, following: bool) -> bool:
    """Follow a post's discussion (notified of new comments), or stop."""
    _switch(PostFollow, on=following, user=user, post=post)
    return following


def member_follow_set(*, follower, followed, following: bool) -> bool:
    """Follow another member: what they post, comment on or like fills "Following"."""
    if follower.pk == followed.pk:
        raise PermissionDenied("You cannot follow yourself.")
    _switch(MemberFollow, on=following, follower=follower, followed=followed)
    return following


@transaction.atomic
def member_engagement_remove(*, user) -> None:
    """Before an account is deleted: take its likes off the counters (the rows go with
    the account)."""
    Post.objects.filter(likes__user=user).update(like_count=F("like_count") - 1)
    Comment.objects.filter(likes__user=user).update(like_count=F("like_count") - 1)
    user.comments.update(author_left=True)
    pages_changed()
