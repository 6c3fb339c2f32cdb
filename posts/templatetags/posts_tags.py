from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from posts import citations
from posts.markup import sanitize_inline
from posts.models import Post
from posts.sponsors import slot_data, slot_sponsors

register = template.Library()


@register.filter
def inline_markup(value: str) -> str:
    """Render PubMed inline markup (<i>, <sup> ...); everything else is escaped."""
    return mark_safe(sanitize_inline(value or ""))  # noqa: S308 - sanitised by allow-list


@register.inclusion_tag("posts/_popular.html")
def popular_posts(limit: int = 5):
    return {"popular": list(Post.objects.popular(limit=limit))}


@register.inclusion_tag("posts/_sponsor.html")
def sponsor_slot():
    """The Sponsor Ad slot: nothing at all when no sponsor is running."""
    sponsors, chosen = slot_sponsors()
    return {"chosen": chosen, "sponsor_data": slot_data(sponsors) if chosen else []}


@register.inclusion_tag("posts/_citation_meta.html", takes_context=True)
def citation_meta(context, post):
    """Highwire ``citation_*`` tags for reference managers and Google Scholar, plus
    Open Graph and Twitter tags for link previews."""
    request = context["request"]
    return {
        "SITE_NAME": context.get("SITE_NAME"),
        "post": post,
        "highwire": citations.highwire_tags(post),
        "url": request.build_absolute_uri(post.get_absolute_url()),
        "image": request.build_absolute_uri(reverse("badges:post", kwargs={"pk": post.pk}))
        + "?scale=2",
    }


@register.simple_tag
def cite_as(post, style: str) -> str:
    return {"ama": citations.ama, "vancouver": citations.vancouver}[style](post)
