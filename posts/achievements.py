"""The catalogue of achievement badges members earn, and the rule behind each.

A rule is two things:

- ``holders()``: the members who qualify now, as a queryset of user ids. The
  ``recompute_badges`` command awards the badge to each of them (idempotently) and,
  for a badge that follows a state rather than a milestone (``follows_state``),
  takes it back from those who no longer qualify.
- a service call at the trigger (``posts.services.achievements``), so a member gets
  the badge the moment they earn it, e.g. ``badge_award`` when a view is counted.

A badge with ``holders=None`` is described on /badges/ and granted by staff only.
Wiring one is a ``holders`` function here plus one award call where the action
happens, in the same transaction.

What counts: comments others can read (not deleted, not hidden by a moderator);
likes of a member's comments by someone else. A like of a post does not count
towards "First like": a post is a published article that staff import, so its like
praises the article's authors, not the member who posted it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, F, QuerySet
from django.utils import timezone

READS_FOR_READER = 25
MEMBERSHIP_DAYS = 365
COMMENTS_FOR_TEN = 10


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


def readable_comments():
    """Comments that count towards the comment badges: not deleted, not hidden, by an
    active member."""
    from posts.models import Comment

    return Comment.objects.filter(is_deleted=False, is_hidden=False, author__is_active=True)


def _first_comment_holders() -> QuerySet:
    return readable_comments().order_by().values_list("author", flat=True).distinct()


def _ten_comments_holders() -> QuerySet:
    return (
        readable_comments()
        .order_by()
        .values("author")
        .annotate(n=Count("pk"))
        .filter(n__gte=COMMENTS_FOR_TEN)
        .values_list("author", flat=True)
    )


def _first_like_holders() -> QuerySet:
    from posts.models import CommentLike

    return (
        CommentLike.objects.filter(
            comment__is_deleted=False, comment__is_hidden=False, comment__author__is_active=True
        )
        .exclude(user=F("comment__author"))
        .order_by()
        .values_list("comment__author", flat=True)
        .distinct()
    )


def _report_upheld_holders() -> QuerySet:
    from posts.models import Report, ReportStatus

    return (
        Report.objects.filter(status=ReportStatus.RESOLVED, reporter__is_active=True)
        .order_by()
        .values_list("reporter", flat=True)
        .distinct()
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
            holders=_first_comment_holders,
        ),
        BadgeRule(
            slug="ten-comments",
            name="10 comments",
            how_to_earn=f"Post {COMMENTS_FOR_TEN} comments (deleted or hidden ones do not count).",
            emblem="10",
            holders=_ten_comments_holders,
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
            holders=_first_like_holders,
        ),
        BadgeRule(
            slug="report-upheld",
            name="Sharp eye",
            how_to_earn="You reported a problem and the moderators upheld your report.",
            emblem="⚑",
            holders=_report_upheld_holders,
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
