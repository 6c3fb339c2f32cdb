"""Reports: submitting one, and telling the moderators.

Submitting (``report_submit``) keeps one open report per reporter per item: a second
report updates the open one (the database's conditional unique constraint settles a
double submit). A report of patient-identifiable information, or the third report of
an item by three different members, hides the item until a moderator decides.
Working the queue to a decision is ``posts.services.report_queue``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import CharField, Max, Value
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
)
from posts.services import moderation
from posts.services.report_emails import (
    moderators_alert_send,
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


def report_event_add(
    report: Report, action: str, *, actor=None, actor_name: str, note: str = "", now=None
):
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
            report_event_add(
                report, ReportEventAction.CREATED, actor=reporter, actor_name=REPORTER, now=now
            )
    if not created:
        Report.objects.filter(pk=report.pk).update(
            reason=reason, description=description, updated_at=now
        )
        report.reason, report.description, report.updated_at = reason, description, now
        report_event_add(
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
        report_event_add(
            other, ReportEventAction.AUTO_HIDDEN, actor_name=AUTOMATIC, note=why, now=now
        )
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


# --- Members' own reports ---------------------------------------------------------------
def reports_forget_reporter(*, user) -> int:
    """Before an account is deleted: its reports stay on record for the moderators,
    attributed to nobody (the key that kept them unique no longer names the account)."""
    return Report.objects.filter(reporter=user).update(
        reporter=None,
        reporter_key=Concat(Value("former:"), Cast("pk", output_field=CharField())),
    )
