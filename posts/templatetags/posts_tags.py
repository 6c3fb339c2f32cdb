import uuid

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from posts import citations
from posts.comment_forms import EmailPreferencesForm
from posts.markup import sanitize_inline
from posts.models import MemberFollow, Post
from posts.selectors import popular_posts_list, recent_comments_of
from posts.services.notifications import email_preferences_for, unread_count
from posts.sponsors import slot_data, slot_sponsors

register = template.Library()


@register.filter
def inline_markup(value: str) -> str:
    """Render PubMed inline markup (<i>, <sup> ...); everything else is escaped."""
    return mark_safe(sanitize_inline(value or ""))  # noqa: S308 - sanitised by allow-list


@register.inclusion_tag("posts/_popular.html")
def popular_posts(limit: int = 5):
    return {"popular": popular_posts_list(limit=limit)}


@register.simple_tag
def fresh_token() -> str:
    """A one-time token for a comment form: sending that form twice posts once."""
    return str(uuid.uuid4())


@register.inclusion_tag("posts/_notification_bell.html", takes_context=True)
def notification_bell(context):
    """The header bell, for members only: one indexed count query."""
    user = context["user"]
    count = unread_count(user=user) if user.is_authenticated else 0
    return {"user": user, "unread": count}


@register.inclusion_tag("posts/_email_preferences.html", takes_context=True)
def email_preferences_form(context):
    user = context["user"]
    return {
        "form": EmailPreferencesForm(instance=email_preferences_for(user=user)),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("posts/_member_activity.html", takes_context=True)
def member_activity(context, member):
    """A member's recent comments and the posts they shared, for their profile."""
    viewer = context["user"]
    return {
        "member": member,
        "user": viewer,
        "comments": list(recent_comments_of(member)),
        "shared": list(
            Post.objects.visible_to(viewer).filter(posted_by=member).order_by("-created_at")[:5]
        ),
    }


@register.inclusion_tag("posts/_member_follow.html", takes_context=True)
def member_follow_button(context, member):
    """Follow / Following on a profile, for other signed-in members only."""
    viewer = context["user"]
    show = viewer.is_authenticated and viewer.pk != member.pk
    following = show and MemberFollow.objects.filter(follower=viewer, followed=member).exists()
    return {
        "show": show,
        "member": member,
        "following": following,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.filter
def pluralize_likes(count: int) -> str:
    return f"{count} like{'' if count == 1 else 's'}"


@register.filter
def likes_label(count: int) -> str:
    """Beside a Like button: nothing for none, else "1 like", "2 likes"."""
    return pluralize_likes(count) if count else ""


@register.filter
def pluralize_comments(count: int) -> str:
    return f"{count} comment{'' if count == 1 else 's'}"


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
