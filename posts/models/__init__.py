"""The posts app's models, one module per concern; importing them here registers them."""

from posts.models.discussion import Comment, CommentQuerySet
from posts.models.engagement import CommentLike, MemberFollow, PostFollow, PostLike, SavedPost
from posts.models.notifications import (
    EmailPreferences,
    Notification,
    NotificationEmailWindow,
    NotificationKind,
)
from posts.models.post import Post, PostDailyViews, PostQuerySet, author_display_name

__all__ = [
    "Comment",
    "CommentLike",
    "CommentQuerySet",
    "EmailPreferences",
    "MemberFollow",
    "Notification",
    "NotificationEmailWindow",
    "NotificationKind",
    "Post",
    "PostDailyViews",
    "PostFollow",
    "PostLike",
    "PostQuerySet",
    "SavedPost",
    "author_display_name",
]
