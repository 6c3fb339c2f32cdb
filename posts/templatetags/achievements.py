"""Achievement badges beside member names and on profiles.

Both tags read ``member.member_badges.all()``: list views prefetch it
(``prefetch_related("member_badges")``) so a page of members costs one query more,
however many members or badges it shows.
"""

from django import template

from posts.achievements import CATALOGUE

register = template.Library()


def _held(member) -> list:
    if member is None:
        return []
    held = [b for b in member.member_badges.all() if b.badge in CATALOGUE]
    return sorted(held, key=lambda b: CATALOGUE.position(b.badge))


@register.inclusion_tag("posts/achievements/_emblems.html")
def badge_emblems(member, limit: int = 4):
    """Up to ``limit`` emblems beside a name; each names its badge for screen readers."""
    held = [b for b in _held(member) if b.rule.beside_name]
    return {"rules": [b.rule for b in held[:limit]], "more": max(len(held) - limit, 0)}


@register.inclusion_tag("posts/achievements/_profile_list.html")
def profile_badges(member, is_own: bool = False):
    return {"held": _held(member), "is_own": is_own, "member": member}
