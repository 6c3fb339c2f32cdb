"""Awarding, revoking and recomputing achievement badges (catalogue: ``posts.achievements``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from posts.achievements import (
    CATALOGUE,
    COMMENTS_FOR_TEN,
    MEMBERSHIP_DAYS,
    READS_FOR_READER,
    readable_comments,
)
from posts.models import MemberBadge, PostRead
from radrounds.pagecache import pages_changed

BATCH = 1000


def _rule(slug: str):
    if slug not in CATALOGUE:
        raise ValueError(f"There is no badge called {slug!r}.")
    return CATALOGUE[slug]


def badge_award(*, user_id: int, slug: str, granted_by_id: int | None = None) -> bool:
    """Give a member a badge unless they hold it already; True when it is new.

    Safe under concurrency: the (user, badge) unique constraint lets one insert win;
    ``get_or_create`` turns the loser's IntegrityError into a read of the winner's row.
    """
    _rule(slug)
    _, created = MemberBadge.objects.get_or_create(
        user_id=user_id, badge=slug, defaults={"granted_by_id": granted_by_id}
    )
    return created


def badge_grant(*, user_id: int, slug: str, granted_by_id: int) -> MemberBadge:
    """Staff give a member a badge by hand; a badge already held is returned unchanged."""
    _rule(slug)
    badge, _ = MemberBadge.objects.get_or_create(
        user_id=user_id, badge=slug, defaults={"granted_by_id": granted_by_id}
    )
    return badge


def badge_revoke(*, user_id: int, slug: str) -> bool:
    """Take a badge away; True when the member held it."""
    _rule(slug)
    deleted, _ = MemberBadge.objects.filter(user_id=user_id, badge=slug).delete()
    return bool(deleted)


def badges_sync_verified(*, user_ids) -> None:
    """Make the "Verified radiologist" badge match the verified mark of these members.

    Called wherever staff set or remove the mark. A hand grant stays.
    """
    from accounts.models import User

    members = User.objects.filter(pk__in=user_ids)
    verified = list(members.filter(verified=True, is_active=True).values_list("pk", flat=True))
    _award_many(slug="verified", user_ids=verified)
    MemberBadge.objects.filter(
        badge="verified", granted_by__isnull=True, user__in=members.filter(verified=False)
    ).delete()


def badge_check_membership(*, user) -> bool:
    """Award "One year on radRounds" if ``user`` joined at least a year ago (e.g. at sign-in)."""
    if user.date_joined > timezone.now() - timedelta(days=MEMBERSHIP_DAYS):
        return False
    return badge_award(user_id=user.pk, slug="one-year")


def post_read_record(*, user_id: int, post_id: int) -> None:
    """Remember that a member read a post, and award "25 posts read" at the 25th.

    Called when a member's view is counted, i.e. at most once per post per
    de-duplication window: an INSERT that ignores a repeat and a bounded COUNT.
    """
    PostRead.objects.bulk_create(
        [PostRead(user_id=user_id, post_id=post_id)], ignore_conflicts=True
    )
    read = PostRead.objects.filter(user_id=user_id)[:READS_FOR_READER].count()
    if read >= READS_FOR_READER:
        _award_many(slug="reader", user_ids=[user_id])


def badges_for_comment(*, author_id: int) -> None:
    """At a member's new comment: "First comment", and "10 comments" once ten of their
    comments others can read exist. Called in the transaction that writes the comment.

    The author's row is locked first (FOR NO KEY UPDATE, which the comment's own
    foreign-key lock does not block), so two comments written at once count each
    other: the later transaction sees the earlier one's comment and awards at ten.
    """
    from accounts.models import User

    list(User.objects.select_for_update(no_key=True).filter(pk=author_id).values_list("pk"))
    written = readable_comments().filter(author_id=author_id)[:COMMENTS_FOR_TEN].count()
    if written >= 1:
        _award_many(slug="first-comment", user_ids=[author_id])
    if written >= COMMENTS_FOR_TEN:
        _award_many(slug="ten-comments", user_ids=[author_id])


def badge_for_comment_like(*, author_id: int | None, liker_id: int) -> None:
    """A colleague liked a member's comment: "First like" (idempotent)."""
    from accounts.models import User

    if author_id is None or author_id == liker_id:
        return
    if User.objects.filter(pk=author_id, is_active=True).exists():
        _award_many(slug="first-like", user_ids=[author_id])


def badge_for_upheld_report(*, reporter_id: int | None) -> None:
    """The moderators resolved a member's report (action taken): "Sharp eye"."""
    from accounts.models import User

    if reporter_id is not None and User.objects.filter(pk=reporter_id, is_active=True).exists():
        _award_many(slug="report-upheld", user_ids=[reporter_id])


def _award_many(*, slug: str, user_ids) -> int:
    """Insert badges for many members, skipping those who hold it; returns how many tried."""
    rows = [MemberBadge(user_id=pk, badge=slug) for pk in user_ids]
    MemberBadge.objects.bulk_create(rows, ignore_conflicts=True, batch_size=BATCH)
    pages_changed()  # badges show beside members' names
    return len(rows)


@dataclass(frozen=True)
class RecomputeResult:
    slug: str
    awarded: int
    revoked: int
    automatic: bool


@transaction.atomic
def badges_recompute(*, slugs: list[str] | None = None) -> list[RecomputeResult]:
    """Bring every automatic badge in line with its rule. Idempotent: run it as often as you like.

    Members who qualify and lack a badge get it; for badges that follow a state
    (verified) automatic holders who no longer qualify lose it. Milestones are kept
    once earned and hand grants are never touched. Badges without a rule yet are
    reported and left alone.
    """
    rules = [_rule(slug) for slug in slugs] if slugs else list(CATALOGUE)
    results = []
    for rule in rules:
        if not rule.automatic:
            results.append(RecomputeResult(rule.slug, 0, 0, automatic=False))
            continue
        qualifying = set(rule.holders())
        held = set(MemberBadge.objects.filter(badge=rule.slug).values_list("user_id", flat=True))
        missing = qualifying - held
        _award_many(slug=rule.slug, user_ids=sorted(missing))
        revoked = 0
        if rule.follows_state:
            revoked, _ = (
                MemberBadge.objects.filter(badge=rule.slug, granted_by__isnull=True)
                .exclude(user_id__in=rule.holders())
                .delete()
            )
        results.append(RecomputeResult(rule.slug, len(missing), revoked, automatic=True))
    return results
