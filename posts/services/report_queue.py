"""Working the report queue: claims, hiding and restoring the item, decisions.

A moderator claims a report (open → in review) with one conditional UPDATE, so two
moderators never both hold it; a claim older than ``REPORT_CLAIM_STALE_SECONDS`` can
be taken over. Hiding or restoring the item, resolving and dismissing all need the
claim (taking it when the report is free). Deciding one report can decide every open
report of the same item. Every change adds an entry to the report's audit log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from posts.models import Comment, Post
from posts.models.reports import Report, ReportEventAction, ReportKind, ReportStatus
from posts.services import moderation
from posts.services.achievements import badge_for_upheld_report
from posts.services.report_emails import report_decision_send
from posts.services.reports import AUTOMATIC, normalise_text, report_event_add


class ReportConflict(Exception):
    """Another moderator holds the report, or it is decided already."""


@dataclass
class Outcome:
    """What an action did: the reports it changed, and those it left to others."""

    done: list[Report] = field(default_factory=list)
    skipped: list[tuple[Report, str]] = field(default_factory=list)


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied("You do not have permission to do that.")


def _stale_before(now):
    return now - timedelta(seconds=settings.REPORT_CLAIM_STALE_SECONDS)


def _conflict_message(report_pk: int) -> str:
    row = (
        Report.objects.filter(pk=report_pk)
        .select_related("claimed_by", "decided_by")
        .only("pk", "status", "claimed_at", "claimed_by__username", "decided_by__username")
        .first()
    )
    if row is None:
        return f"Report #{report_pk} does not exist."
    if not row.is_open:
        who = row.decided_by.username if row.decided_by else "a former moderator"
        return f"Report #{row.pk} is already {row.get_status_display().lower()} (by {who})."
    who = row.claimed_by.username if row.claimed_by else "another moderator"
    minutes = settings.REPORT_CLAIM_STALE_SECONDS // 60
    since = timezone.localtime(row.claimed_at).strftime("%H:%M")
    return (
        f"Report #{row.pk} is being reviewed by {who} (claimed at {since}). "
        f"A claim can be taken over once it is {minutes} minutes old."
    )


def _take(report: Report, *, by, now) -> Report:
    """Make sure ``by`` holds the claim on ``report``: claim it if it is open, unclaimed
    or stale; keep it if it is theirs. One conditional UPDATE decides, so of two
    moderators claiming at once exactly one wins. Raises :class:`ReportConflict`."""
    before = (
        Report.objects.filter(pk=report.pk)
        .values_list("claimed_by_id", "claimed_by__username")
        .first()
    )
    free = Q(claimed_by__isnull=True) | Q(claimed_by=by) | Q(claimed_at__lt=_stale_before(now))
    won = (
        Report.objects.filter(pk=report.pk)
        .open()
        .filter(free)
        .update(status=ReportStatus.IN_REVIEW, claimed_by=by, claimed_at=now, updated_at=now)
    )
    if not won:
        raise ReportConflict(_conflict_message(report.pk))
    previous_id, previous_name = before or (None, None)
    report.refresh_from_db()
    if previous_id == by.pk:
        return report  # still theirs; the claim is renewed
    if previous_id is None:
        report_event_add(
            report, ReportEventAction.CLAIMED, actor=by, actor_name=by.username, now=now
        )
    else:
        report_event_add(
            report,
            ReportEventAction.TAKEN_OVER,
            actor=by,
            actor_name=by.username,
            note=f"The claim of {previous_name} was older than "
            f"{settings.REPORT_CLAIM_STALE_SECONDS // 60} minutes.",
            now=now,
        )
    return report


@transaction.atomic
def report_claim(*, report: Report, by, now=None) -> Report:
    """Claim ``report`` for ``by`` (open → in review). Raises :class:`ReportConflict`."""
    _require(by, "posts.change_report")
    return _take(report, by=by, now=now or timezone.now())


def _item_of(report: Report):
    """The reported row, fresh from the database (None for a page or a deleted item)."""
    if report.kind == ReportKind.PAGE:
        return None
    if report.kind == ReportKind.POST:
        return Post.objects.filter(pk=report.post_id).first()
    if report.kind == ReportKind.COMMENT:
        return Comment.objects.select_related("post").filter(pk=report.comment_id).first()
    return get_user_model().objects.filter(pk=report.member_id).first()


def _item_events(report: Report, action: str, *, by, note: str, now) -> None:
    """An event about the item goes on every open report of it (and on this one)."""
    reports = {r.pk: r for r in Report.objects.open().for_item(report.item_key)}
    reports.setdefault(report.pk, report)
    for each in reports.values():
        report_event_add(each, action, actor=by, actor_name=by.username, note=note, now=now)


def _item_for_action(report: Report, by):
    if report.kind == ReportKind.PAGE:
        raise ReportConflict("A page cannot be hidden or restored; resolve or dismiss the report.")
    _require(by, moderation.HIDE_PERMISSIONS[report.kind])
    item = _item_of(report)
    if item is None:
        raise ReportConflict(
            f"The {report.get_kind_display().lower()} of report #{report.pk} no longer exists."
        )
    return item


@transaction.atomic
def report_hide_item(*, report: Report, by, note: str, now=None) -> Report:
    """Hide the reported item with ``note`` as the reason its author is given."""
    _require(by, "posts.change_report")
    note = _required_note(note)
    now = now or timezone.now()
    item = _item_for_action(report, by)
    report = _take(report, by=by, now=now)
    moderation.item_hide(kind=report.kind, item=item, by=by, reason=note)
    _item_events(report, ReportEventAction.HIDDEN, by=by, note=note, now=now)
    return report


@transaction.atomic
def report_restore_item(*, report: Report, by, note: str = "", now=None) -> Report:
    """Make the reported item visible again (its author is told)."""
    _require(by, "posts.change_report")
    now = now or timezone.now()
    item = _item_for_action(report, by)
    report = _take(report, by=by, now=now)
    if not moderation.item_restore(kind=report.kind, item=item):
        raise ReportConflict(f"The {report.get_kind_display().lower()} is not hidden.")
    _item_events(report, ReportEventAction.RESTORED, by=by, note=note.strip(), now=now)
    return report


def _required_note(note: str) -> str:
    note = normalise_text(note)
    if not note:
        raise ValueError("Write a note: it is what the reporter or the author is told.")
    return note


def _decide(*, report: Report, by, status: str, note: str, whole_item: bool, now) -> Outcome:
    outcome = Outcome()
    reports = [report]
    if whole_item:
        reports += list(
            Report.objects.open().for_item(report.item_key).exclude(pk=report.pk).order_by("pk")
        )
    action = (
        ReportEventAction.RESOLVED
        if status == ReportStatus.RESOLVED
        else ReportEventAction.DISMISSED
    )
    for each in reports:
        try:
            with transaction.atomic():
                each = _take(each, by=by, now=now)
                Report.objects.filter(pk=each.pk, claimed_by=by).update(
                    status=status, decided_by=by, decided_at=now, decision_note=note, updated_at=now
                )
                each.refresh_from_db()
                report_event_add(each, action, actor=by, actor_name=by.username, note=note, now=now)
        except ReportConflict as conflict:
            if each is report:
                raise
            outcome.skipped.append((each, str(conflict)))
        else:
            outcome.done.append(each)
    return outcome


@transaction.atomic
def report_resolve(*, report: Report, by, note: str, whole_item: bool = False, now=None) -> Outcome:
    """Resolve ``report`` (action taken) and, with ``whole_item``, the other open reports
    of its item that nobody else holds. Each reporter is emailed the decision and
    ``note``; members earn the "Sharp eye" badge. An item hidden pending review stays
    hidden, now as the moderator's decision (its author is told)."""
    _require(by, "posts.change_report")
    note = _required_note(note)
    now = now or timezone.now()
    outcome = _decide(
        report=report,
        by=by,
        status=ReportStatus.RESOLVED,
        note=note,
        whole_item=whole_item,
        now=now,
    )
    item = _item_of(report)
    if item is not None and moderation.item_is_hidden(kind=report.kind, item=item) == (True, True):
        moderation.item_hide(kind=report.kind, item=item, by=by, reason=note)
        _item_events(report, ReportEventAction.HIDDEN, by=by, note=note, now=now)
    for each in outcome.done:
        badge_for_upheld_report(reporter_id=each.reporter_id)
        report_decision_send(report=each)
    return outcome


@transaction.atomic
def report_dismiss(*, report: Report, by, note: str, whole_item: bool = False, now=None) -> Outcome:
    """Dismiss ``report`` (no action) and, with ``whole_item``, the other open reports of
    its item that nobody else holds; each reporter is emailed the decision and ``note``.
    An item hidden pending review comes back once no open report of it is left."""
    _require(by, "posts.change_report")
    note = _required_note(note)
    now = now or timezone.now()
    outcome = _decide(
        report=report,
        by=by,
        status=ReportStatus.DISMISSED,
        note=note,
        whole_item=whole_item,
        now=now,
    )
    item = _item_of(report)
    if (
        item is not None
        and moderation.item_is_hidden(kind=report.kind, item=item) == (True, True)
        and not Report.objects.open().for_item(report.item_key).exists()
    ):
        moderation.item_restore(kind=report.kind, item=item)
        for each in outcome.done:
            report_event_add(
                each,
                ReportEventAction.RESTORED,
                actor_name=AUTOMATIC,
                note="Hidden until a decision; the reports were dismissed.",
                now=now,
            )
    for each in outcome.done:
        report_decision_send(report=each)
    return outcome
