"""The posts app's models, one module per concern; importing them here registers them."""

from posts.models.post import Post, PostDailyViews, PostQuerySet, author_display_name
from posts.models.terms import PostTerm

__all__ = ["Post", "PostDailyViews", "PostQuerySet", "PostTerm", "author_display_name"]
