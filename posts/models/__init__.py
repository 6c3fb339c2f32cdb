"""The posts app's models, one module per concern; importing them here registers them."""

from posts.models.achievements import MemberBadge, PostRead
from posts.models.discussion import Comment, CommentQuerySet
from posts.models.engagement import CommentLike, MemberFollow, PostFollow, PostLike, SavedPost
from posts.models.notifications import (
    EmailPreferences,
    Notification,
    NotificationEmailWindow,
    NotificationKind,
)
from posts.models.pages import SitePage
from posts.models.post import Post, PostDailyViews, PostQuerySet, author_display_name
from posts.models.reports import (
    Report,
    ReportEvent,
    ReportEventAction,
    ReportKind,
    ReportReason,
    ReportStatus,
)
from posts.models.sponsor import Sponsor
from posts.models.terms import PostTerm

__all__ = [
    "Comment",
    "CommentLike",
    "CommentQuerySet",
    "EmailPreferences",
    "MemberBadge",
    "MemberFollow",
    "Notification",
    "NotificationEmailWindow",
    "NotificationKind",
    "Post",
    "PostDailyViews",
    "PostFollow",
    "PostLike",
    "PostQuerySet",
    "PostRead",
    "PostTerm",
    "Report",
    "ReportEvent",
    "ReportEventAction",
    "ReportKind",
    "ReportReason",
    "ReportStatus",
    "SavedPost",
    "SitePage",
    "Sponsor",
    "author_display_name",
]
