"""Reports: submitting one, and working it through the queue to a decision.

Submitting (``report_submit``) keeps one open report per reporter per item: a second
report updates the open one (the database's conditional unique constraint settles a
double submit). A report of patient-identifiable information, or the third report of
an item by three different members, hides the item until a moderator decides.

Working the queue: a moderator claims a report (open → in review) with one conditional
UPDATE, so two moderators never both hold it; a claim older than
``REPORT_CLAIM_STALE_SECONDS`` can be taken over. Hiding or restoring the item,
resolving and dismissing all need the claim (taking it when the report is free).
Deciding one report can decide every open report of the same item. Every change adds
an entry to the report's audit log (``ReportEvent``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import CharField, Max, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.templatetags.members import member_name
from posts.models import Comment, Post
from posts.models.reports import (
    MAX_DESCRIPTION_LENGTH,
    Report,
    ReportEvent,
    ReportEventAction,
    ReportKind,
    ReportReason,
    ReportStatus,
)
from posts.services import moderation
from posts.services.achievements import badge_for_upheld_report
from posts.services.report_emails import (
    moderators_alert_send,
    report_decision_send,
    report_receipt_send,
)
from radrounds.background import enqueue
from radrounds.ratelimit import Rate, rate_limit_hit

# Members: generous, reports are rare. Visitors: stricter, per (hashed) address, and per
# email address given, so nobody can flood a stranger's inbox with receipts.
MEMBER_RATES = (Rate(10, 60 * 60), Rate(30, 24 * 60 * 60))
VISITOR_RATES = (Rate(3, 60 * 60), Rate(10, 24 * 60 * 60))
VISITOR_EMAIL_RATES = (Rate(3, 24 * 60 * 60),)
# The third open report of an item by three different members hides it.
AUTO_HIDE_REPORTERS = 3

AUTOMATIC = "automatic"
REPORTER = "reporter"


class ReportRateLimited(Exception):
    def __init__(self, rate: Rate, *, visitor: bool):
        self.rate = rate
        self.visitor = visitor
        super().__init__(self.message)

    @property
    def message(self) -> str:
        who = "from one address" if self.visitor else "per member"
        return (
            f"Too many reports: radRounds accepts {self.rate.describe()} {who}. "
            "Please try again later; your text is still here."
        )


class ReportUnavailable(Exception):
    """The item cannot be reported: it does not exist (any more) or is hidden already."""


class ReportConflict(Exception):
    """Another moderator holds the report, or it is decided already."""


# --- What is reported ----------------------------------------------------------------
@dataclass(frozen=True)
class ReportTarget:
    kind: str
    post: Post | None = None
    comment: Comment | None = None
    member: object | None = None
    page_path: str = ""

    @property
    def item(self):
        return self.post or self.comment or self.member

    @property
    def item_key(self) -> str:
        if self.kind == ReportKind.PAGE:
            return f"page:{self.page_path}"
        return f"{self.kind}:{self.item.pk}"

    @property
    def label(self) -> str:
        if self.kind == ReportKind.POST:
            text = f"Post “{self.post.title_text[:150]}”"
        elif self.kind == ReportKind.COMMENT:
            text = (
                f"Comment by {member_name(self.comment.author)} on "
                f"“{self.comment.post.title_text[:120]}”"
            )
        elif self.kind == ReportKind.MEMBER:
            text = f"Profile of @{self.member.username}"
        else:
            text = f"Page {self.page_path}" if self.page_path else "The site as a whole"
        return text if len(text) <= 200 else text[:199] + "…"

    @property
    def url(self) -> str:
        if self.kind == ReportKind.PAGE:
            return self.page_path or "/"
        return self.item.get_absolute_url()


def _reportable(kind: str, item) -> bool:
    if kind == ReportKind.POST:
        return not item.is_hidden
    if kind == ReportKind.COMMENT:
        return not (item.is_deleted or item.is_hidden or item.post.is_hidden)
    if kind == ReportKind.MEMBER:
        return item.is_active and not item.profile_hidden
    return True


def report_target(*, kind: str, pk=None, username: str = "", page_path: str = "") -> ReportTarget:
    """The item a report form is about; raises :class:`ReportUnavailable`."""
    if kind == ReportKind.PAGE:
        return ReportTarget(kind=kind, page_path=page_path)
    if kind == ReportKind.POST:
        item = Post.objects.filter(pk=pk).first()
    elif kind == ReportKind.COMMENT:
        item = Comment.objects.select_related("post", "author").filter(pk=pk).first()
    elif kind == ReportKind.MEMBER:
        item = get_user_model().objects.filter(username=username).first()
    else:
        raise ValueError(f"Unknown item type {kind!r}.")
    if item is None or not _reportable(kind, item):
        raise ReportUnavailable(kind)
    return ReportTarget(kind=kind, **{"member" if kind == "member" else kind: item})


def _locked(target: ReportTarget) -> ReportTarget:
    """Lock the reported row for this transaction and check it may still be reported.

    Reports of one item are thereby serialised, so "the third member's report" is
    counted right under parallel requests (PostgreSQL; SQLite serialises writers).
    FOR NO KEY UPDATE does not conflict with the key-share locks of rows that merely
    reference the item.
    """
    if target.kind == ReportKind.PAGE:
        return target
    if target.kind == ReportKind.POST:
        rows = Post.objects.all()
    elif target.kind == ReportKind.COMMENT:
        rows = Comment.objects.select_related("post", "author")
    else:
        rows = get_user_model().objects.all()
    item = rows.select_for_update(no_key=True, of=("self",)).filter(pk=target.item.pk).first()
    if item is None or not _reportable(target.kind, item):
        raise ReportUnavailable(target.kind)
    return ReportTarget(
        kind=target.kind, **{"member" if target.kind == "member" else target.kind: item}
    )


# --- Submitting ------------------------------------------------------------------------
def address_key(address: str) -> str:
    """A keyed hash of a client address, for rate limits (the address is never stored)."""
    return salted_hmac("radrounds.report.address", address).hexdigest()[:32]


def _check_rates(*, reporter, email: str, client_key: str) -> None:
    if reporter is not None:
        checks = [("report", f"user:{reporter.pk}", MEMBER_RATES)]
    else:
        email_key = salted_hmac("radrounds.report.email", email.lower()).hexdigest()[:32]
        checks = [
            ("report-visitor", client_key, VISITOR_RATES),
            ("report-email", email_key, VISITOR_EMAIL_RATES),
        ]
    for scope, key, rates in checks:
        exceeded = rate_limit_hit(scope=scope, key=key, rates=rates)
        if exceeded is not None:
            raise ReportRateLimited(exceeded, visitor=reporter is None)


def _event(report: Report, action: str, *, actor=None, actor_name: str, note: str = "", now=None):
    return ReportEvent.objects.create(
        report=report,
        action=action,
        actor=actor,
        actor_name=actor_name,
        note=note,
        status=report.status,
        created_at=now or timezone.now(),
    )


def normalise_text(text: str) -> str:
    """Line endings as one character (browsers send CRLF) and no outer blank space."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


@transaction.atomic
def report_submit(
    *,
    target: ReportTarget,
    reason: str,
    description: str = "",
    reporter=None,
    email: str = "",
    client_key: str = "",
    now=None,
) -> tuple[Report, bool]:
    """File ``reporter``'s (or a visitor's, with ``email``) report about ``target``.

    Returns ``(report, created)``: reporting an item again while one's report of it is
    open updates that report. Raises :class:`ReportRateLimited` and
    :class:`ReportUnavailable` (the item was deleted or hidden meanwhile).
    """
    now = now or timezone.now()
    description = normalise_text(description)
    email = email.strip()
    if reason not in ReportReason.values:
        raise ValueError(f"Unknown reason {reason!r}.")
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise ValueError("The description is too long.")
    if reason == ReportReason.OTHER and not description:
        raise ValueError("A report for another reason needs a description.")
    if reporter is None and not email:
        raise ValueError("A visitor's report needs an email address.")
    _check_rates(reporter=reporter, email=email, client_key=client_key)
    target = _locked(target)
    reporter_key = f"user:{reporter.pk}" if reporter is not None else f"email:{email.lower()}"
    mine = Report.objects.open().filter(reporter_key=reporter_key, item_key=target.item_key)
    report = mine.select_for_update().first()
    created = False
    if report is None:
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    kind=target.kind,
                    post=target.post,
                    comment=target.comment,
                    member=target.member,
                    page_path=target.page_path,
                    item_key=target.item_key,
                    item_label=target.label,
                    reason=reason,
                    description=description,
                    reporter=reporter,
                    reporter_email="" if reporter is not None else email,
                    reporter_key=reporter_key,
                    created_at=now,
                    updated_at=now,
                )
        except IntegrityError:
            # The same report sent twice at once: the other request created it.
            report = mine.select_for_update().get()
        else:
            created = True
            _event(report, ReportEventAction.CREATED, actor=reporter, actor_name=REPORTER, now=now)
    if not created:
        Report.objects.filter(pk=report.pk).update(
            reason=reason, description=description, updated_at=now
        )
        report.reason, report.description, report.updated_at = reason, description, now
        _event(
            report,
            ReportEventAction.UPDATED,
            actor=reporter,
            actor_name=REPORTER,
            note=f"Reason: {report.get_reason_display()}",
            now=now,
        )
    auto_hidden = _auto_hide(report=report, target=target, created=created, now=now)
    if created:
        _alert_schedule(report=report, now=now)
        report_receipt_send(report=report, auto_hidden=auto_hidden)
    return report, created


def _auto_hide(*, report: Report, target: ReportTarget, created: bool, now) -> bool:
    """Hide the item until a moderator decides, if the report calls for it."""
    if target.kind == ReportKind.PAGE:
        return False
    why = ""
    if report.reason == ReportReason.PATIENT:
        why = "reported as containing patient-identifiable information"
    elif created and report.reporter_id is not None:
        members = (
            Report.objects.open()
            .for_item(report.item_key)
            .filter(reporter__isnull=False)
            .values("reporter")
            .distinct()
            .count()
        )
        if members == AUTO_HIDE_REPORTERS:
            why = f"reported by {AUTO_HIDE_REPORTERS} members"
    if not why:
        return False
    if not moderation.item_hide(
        kind=target.kind, item=target.item, by=None, reason=why, pending_review=True
    ):
        return False
    for other in Report.objects.open().for_item(report.item_key):
        _event(other, ReportEventAction.AUTO_HIDDEN, actor_name=AUTOMATIC, note=why, now=now)
    return True


# --- Telling the moderators ----------------------------------------------------------
def _interval() -> timedelta:
    return timedelta(seconds=settings.REPORT_ALERT_INTERVAL_SECONDS)


def _alert_schedule(*, report: Report, now) -> None:
    """Plan the moderators' email about a new report: at once after a quiet spell,
    otherwise one email for everything that arrives within ``REPORT_ALERT_INTERVAL_SECONDS``
    of the last one. A planned email is recognised by reports still waiting for it; one
    waiting for twice the interval means its task was lost, so a new one is planned."""
    waiting_since = (
        Report.objects.filter(moderators_alerted_at__isnull=True)
        .exclude(pk=report.pk)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if waiting_since is not None and waiting_since > now - 2 * _interval():
        return
    last = Report.objects.aggregate(last=Max("moderators_alerted_at"))["last"]
    send_at = now if last is None else max(now, last + _interval())
    from posts.tasks import reports_alert_moderators_task

    if send_at <= now:
        enqueue(reports_alert_moderators_task)
    elif reports_alert_moderators_task.get_backend().supports_defer:
        enqueue(reports_alert_moderators_task.using(run_after=send_at))
    # Otherwise `manage.py send_report_alerts` (cron) sends it once it is due.


@transaction.atomic
def reports_alert_moderators(*, now=None, force: bool = False) -> int:
    """Email the moderators about every report not announced yet, unless the last
    email went out less than ``REPORT_ALERT_INTERVAL_SECONDS`` ago (``force`` ignores
    that). Returns how many reports the email announced.

    The waiting reports are locked and marked in the same transaction as the outbox
    rows, so two workers running this at once send one email, not two.
    """
    now = now or timezone.now()
    last = Report.objects.aggregate(last=Max("moderators_alerted_at"))["last"]
    if not force and last is not None and now < last + _interval():
        return 0
    waiting = list(
        Report.objects.filter(moderators_alerted_at__isnull=True)
        .select_for_update(of=("self",))
        .select_related("post", "comment", "member")
        .order_by("created_at", "pk")
    )
    if not waiting:
        return 0
    Report.objects.filter(pk__in=[r.pk for r in waiting]).update(moderators_alerted_at=now)
    moderators_alert_send(reports=waiting, open_count=Report.objects.open().count())
    return len(waiting)


# --- Working the queue -----------------------------------------------------------------
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
        _event(report, ReportEventAction.CLAIMED, actor=by, actor_name=by.username, now=now)
    else:
        _event(
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
        _event(each, action, actor=by, actor_name=by.username, note=note, now=now)


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
                _event(each, action, actor=by, actor_name=by.username, note=note, now=now)
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
            _event(
                each,
                ReportEventAction.RESTORED,
                actor_name=AUTOMATIC,
                note="Hidden until a decision; the reports were dismissed.",
                now=now,
            )
    for each in outcome.done:
        report_decision_send(report=each)
    return outcome


# --- Members' own reports ---------------------------------------------------------------
def reports_forget_reporter(*, user) -> int:
    """Before an account is deleted: its reports stay on record for the moderators,
    attributed to nobody (the key that kept them unique no longer names the account)."""
    return Report.objects.filter(reporter=user).update(
        reporter=None,
        reporter_key=Concat(Value("former:"), Cast("pk", output_field=CharField())),
    )
