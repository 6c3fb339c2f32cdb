from django import template
from django.utils.html import format_html

from accounts.avatars import default_avatar_data_uri
from accounts.models import FORMER_MEMBER

register = template.Library()


@register.filter
def member_name(user) -> str:
    """A member's shown name; content whose author deleted their account says "Former member"."""
    if user is None:
        return FORMER_MEMBER
    if user.profile_hidden:
        # A hidden profile's display name may be what was wrong with it.
        return f"@{user.username}"
    return user.name


@register.simple_tag
def avatar(user, size: int = 64, css_class: str = "", reveal: bool = False):
    """The member's picture, or generated initials; decorative next to a visible name.

    A profile hidden by a moderator shows initials, unless ``reveal`` (its own page,
    seen by the member or staff)."""
    classes = f"avatar avatar--{size} {css_class}".strip()
    if user is None:
        src = default_avatar_data_uri("", "former")
    elif user.profile_hidden and not reveal:
        # A hidden profile's picture is not shown anywhere.
        src = default_avatar_data_uri(user.username[:1].upper(), user.username)
    elif size > 64 and user.avatar:
        src = user.avatar.url
    elif user.avatar_small:
        src = user.avatar_small.url
    elif user.avatar:
        src = user.avatar.url
    else:
        src = default_avatar_data_uri(user.initials, user.username)
    return format_html(
        '<img class="{}" src="{}" width="{}" height="{}" alt="" loading="lazy" decoding="async">',
        classes,
        src,
        size,
        size,
    )


@register.inclusion_tag("accounts/_verified_mark.html")
def verified_mark(user):
    return {"show": bool(user and user.verified)}
