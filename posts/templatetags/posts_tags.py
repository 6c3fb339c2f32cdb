from django import template
from django.utils.safestring import mark_safe

from posts.markup import sanitize_inline
from posts.models import Post

register = template.Library()


@register.filter
def inline_markup(value: str) -> str:
    """Render PubMed inline markup (<i>, <sup> ...); everything else is escaped."""
    return mark_safe(sanitize_inline(value or ""))  # noqa: S308 - sanitised by allow-list


@register.inclusion_tag("posts/_popular.html")
def popular_posts(limit: int = 5):
    return {"popular": list(Post.objects.popular(limit=limit))}
