"""The emails of the report workflow: the reporter's receipt and decision, and the
batched alert to moderators. Every one goes through Django's mail API (the outbox)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from posts.models.reports import Report, ReportKind
from posts.services.notifications import site_url, verified_address

MODERATORS_GROUP = "Moderators"
# An alert lists this many new reports; the rest are counted.
ALERT_LISTED = 50


def reporter_address(report: Report) -> str:
    """Where the reporter hears back: a visitor's given address, a member's confirmed one."""
    if report.reporter_id is None:
        return report.reporter_email
    if not report.reporter.is_active:
        return ""
    return verified_address(report.reporter)


def _context(report: Report, **extra) -> dict:
    return {
        "report": report,
        "item_url": site_url(report.item_url) if report.item_url else "",
        "mine_url": site_url(reverse("reports:mine")),
        "is_member": report.reporter_id is not None,
        "SITE_NAME": settings.SITE_NAME,
        **extra,
    }


def report_receipt_send(*, report: Report, auto_hidden: bool = False) -> bool:
    address = reporter_address(report)
    if not address:
        return False
    body = render_to_string(
        "posts/email/reports/receipt.txt", _context(report, auto_hidden=auto_hidden)
    )
    EmailMessage(
        subject=f"[radRounds] We received your report #{report.pk}", body=body, to=[address]
    ).send()
    return True


def report_decision_send(*, report: Report) -> bool:
    address = reporter_address(report)
    if not address:
        return False
    body = render_to_string("posts/email/reports/decision.txt", _context(report))
    EmailMessage(
        subject=f"[radRounds] Your report #{report.pk}: {report.get_status_display().lower()}",
        body=body,
        to=[address],
    ).send()
    return True


def moderators():
    """Who works the queue and hears of new reports: active staff in the Moderators
    group, and superusers, with an email address."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__name=MODERATORS_GROUP))
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def moderators_alert_send(*, reports: list[Report], open_count: int) -> int:
    """One email per moderator about ``reports``; returns how many were sent.

    It names each report's reason and item and links to it in the admin, but never
    quotes the description (it may repeat what was wrong, patient details included).
    """
    recipients = list(moderators().values_list("email", flat=True))
    if not recipients or not reports:
        return 0
    listed = [
        {
            "report": report,
            "admin_url": site_url(reverse("admin:posts_report_change", args=[report.pk])),
            "is_page": report.kind == ReportKind.PAGE,
        }
        for report in reports[:ALERT_LISTED]
    ]
    count = len(reports)
    body = render_to_string(
        "posts/email/reports/alert.txt",
        {
            "listed": listed,
            "more": max(count - ALERT_LISTED, 0),
            "open_count": open_count,
            "queue_url": site_url(reverse("admin:posts_report_changelist")),
            "SITE_NAME": settings.SITE_NAME,
        },
    )
    subject = f"[radRounds] {count} new report{'' if count == 1 else 's'} to review"
    for address in recipients:
        EmailMessage(subject=subject, body=body, to=[address]).send()
    return len(recipients)
