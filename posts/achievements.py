"""The catalogue of achievement badges members earn, and the rule behind each.

A rule is two things:

- ``holders()``: the members who qualify now, as a queryset of user ids. The
  ``recompute_badges`` command awards the badge to each of them (idempotently) and,
  for a badge that follows a state rather than a milestone (``follows_state``),
  takes it back from those who no longer qualify.
- a service call at the trigger (``posts.services.achievements``), so a member gets
  the badge the moment they earn it, e.g. ``badge_award`` when a view is counted.

Badges whose trigger belongs to a feature that is not built yet have
``holders=None``: they are described on /badges/ and staff may grant them by hand,
but nothing awards them automatically. Wiring one is a ``holders`` function here
plus one call to ``badge_award`` where the action happens.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, QuerySet
from django.utils import timezone

READS_FOR_READER = 25
MEMBERSHIP_DAYS = 365


@dataclass(frozen=True)
class BadgeRule:
    slug: str
    name: str
    how_to_earn: str
    # A few characters drawn in the little round emblem beside names.
    emblem: str
    holders: Callable[[], QuerySet] | None = None
    # True: the badge mirrors a state (verified) and goes when the state goes.
    # False: a milestone, kept once earned.
    follows_state: bool = False
    # False where the name already carries the same sign (the verified mark).
    beside_name: bool = True

    @property
    def automatic(self) -> bool:
        return self.holders is not None


def _members():
    from accounts.models import User

    return User.objects.members()


def _verified_holders() -> QuerySet:
    return _members().filter(verified=True).values_list("pk", flat=True)


def _one_year_holders() -> QuerySet:
    joined_by = timezone.now() - timedelta(days=MEMBERSHIP_DAYS)
    return _members().filter(date_joined__lte=joined_by).values_list("pk", flat=True)


def _reader_holders() -> QuerySet:
    from posts.models import PostRead

    return (
        PostRead.objects.filter(user__is_active=True)
        .values("user")
        .annotate(n=Count("pk"))
        .filter(n__gte=READS_FOR_READER)
        .values_list("user", flat=True)
    )


class Catalogue:
    """The badges in the order they are shown."""

    def __init__(self, rules: list[BadgeRule]):
        self._rules = {rule.slug: rule for rule in rules}

    def __iter__(self) -> Iterator[BadgeRule]:
        return iter(self._rules.values())

    def __contains__(self, slug: object) -> bool:
        return slug in self._rules

    def __getitem__(self, slug: str) -> BadgeRule:
        return self._rules[slug]

    def get(self, slug: str) -> BadgeRule | None:
        return self._rules.get(slug)

    def position(self, slug: str) -> int:
        return list(self._rules).index(slug) if slug in self._rules else len(self._rules)


CATALOGUE = Catalogue(
    [
        BadgeRule(
            slug="verified",
            name="Verified radiologist",
            how_to_earn="Staff have confirmed your professional identity (the verified mark).",
            emblem="✓",
            holders=_verified_holders,
            follows_state=True,
            beside_name=False,
        ),
        BadgeRule(
            slug="first-comment",
            name="First comment",
            how_to_earn="Join the discussion: post your first comment on a post.",
            emblem="1",
        ),
        BadgeRule(
            slug="ten-comments",
            name="10 comments",
            how_to_earn="Post ten comments.",
            emblem="10",
        ),
        BadgeRule(
            slug="reader",
            name="25 posts read",
            how_to_earn=f"Read {READS_FOR_READER} different posts while signed in.",
            emblem="25",
            holders=_reader_holders,
        ),
        BadgeRule(
            slug="first-like",
            name="First like",
            how_to_earn="A colleague likes one of your comments.",
            emblem="♥",
        ),
        BadgeRule(
            slug="report-upheld",
            name="Sharp eye",
            how_to_earn="You reported a problem and the moderators upheld your report.",
            emblem="⚑",
        ),
        BadgeRule(
            slug="one-year",
            name="One year on radRounds",
            how_to_earn="Be a member for a year.",
            emblem="1y",
            holders=_one_year_holders,
        ),
    ]
)
