"""The posts app's models, one module per concern; importing them here registers them."""

from posts.models.achievements import MemberBadge, PostRead
from posts.models.pages import SitePage
from posts.models.post import Post, PostDailyViews, PostQuerySet, author_display_name
from posts.models.sponsor import Sponsor

__all__ = [
    "MemberBadge",
    "Post",
    "PostDailyViews",
    "PostQuerySet",
    "PostRead",
    "SitePage",
    "Sponsor",
    "author_display_name",
]
