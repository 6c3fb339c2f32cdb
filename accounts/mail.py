"""Every email leaves through the background worker, and none is lost on the way.

``QueuedEmailBackend`` is Django's ``EMAIL_BACKEND``: ``send_mail()``, allauth and
everything else hand their messages to it, and it only stores them
(:class:`~accounts.models.OutgoingEmail`) and enqueues a delivery task, so a slow or
broken mail server never holds or fails a web request. The task hands the message to
``EMAIL_DELIVERY_BACKEND`` (SMTP, or the console locally); a failure is retried with
back-off and, after the last attempt, the message stays ``failed`` for an admin to
send again.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import OutgoingEmail
from radrounds.background import enqueue

logger = logging.getLogger(__name__)

# Seconds to wait before attempt 2, 3, ...; after the last one the message is "failed".
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 3 * 60 * 60)
# A delivery that has said "sending" this long died with its worker; it may go again.
STALE_SENDING = timedelta(minutes=15)


class QueuedEmailBackend(BaseEmailBackend):
    """Stores each message and enqueues its delivery; sends nothing itself."""

    def send_messages(self, email_messages) -> int:
        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            email_store(message=message)
            count += 1
        return count


@transaction.atomic
def email_store(*, message) -> OutgoingEmail:
    """Keep ``message`` and enqueue its delivery (in the caller's transaction)."""
    if getattr(message, "attachments", None):
        raise ValueError("radRounds sends no attachments; the outbox does not store them.")
    html = ""
    for content, mimetype in getattr(message, "alternatives", ()) or ():
        if mimetype == "text/html":
            html = str(content)
    email = OutgoingEmail.objects.create(
        subject=str(message.subject),
        from_email=str(message.from_email or settings.DEFAULT_FROM_EMAIL),
        to=[str(a) for a in message.to],
        cc=[str(a) for a in message.cc],
        bcc=[str(a) for a in message.bcc],
        reply_to=[str(a) for a in message.reply_to],
        headers={str(k): str(v) for k, v in (message.extra_headers or {}).items()},
        body=str(message.body or ""),
        html_body=html,
    )
    from accounts.tasks import email_deliver_task

    enqueue(email_deliver_task, email.pk)
    return email


def _as_message(email: OutgoingEmail, connection) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email,
        to=email.to,
        cc=email.cc,
        bcc=email.bcc,
        reply_to=email.reply_to,
        headers=email.headers,
        connection=connection,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def email_deliver(*, email_id: int) -> str:
    """Send one stored email now. Returns what happened: sent, retry, failed or skipped.

    The message is claimed with one conditional UPDATE (queued → sending), so two
    workers given the same message never both send it.
    """
    now = timezone.now()
    claimed = OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.QUEUED).update(
        status=OutgoingEmail.Status.SENDING, attempts=F("attempts") + 1, attempted_at=now
    )
    if not claimed:
        return "skipped"
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
        _as_message(email, connection).send()
    except Exception as error:  # SMTP, DNS, TLS, refused ...: all mean "try again later"
        return _attempt_failed(email, error)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _attempt_failed(email: OutgoingEmail, error: Exception) -> str:
    detail = f"{type(error).__name__}: {error}"[:2000]
    attempt = email.attempts
    if attempt > len(RETRY_DELAYS):
        logger.error("Gave up on email %s after %s attempts: %s", email.pk, attempt, detail)
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=OutgoingEmail.Status.FAILED, last_error=detail
        )
        return "failed"
    logger.warning("Email %s, attempt %s failed, will retry: %s", email.pk, attempt, detail)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.QUEUED, last_error=detail
    )
    _schedule(email.pk, delay=RETRY_DELAYS[attempt - 1])
    return "retry"


def _schedule(email_id: int, *, delay: float) -> None:
    from accounts.tasks import email_deliver_task

    if email_deliver_task.get_backend().supports_defer:
        run_after = timezone.now() + timedelta(seconds=delay)
        enqueue(email_deliver_task.using(run_after=run_after), email_id)
    # A backend that cannot defer (tests' immediate one) leaves the message queued;
    # `manage.py send_queued_email` sends whatever is waiting.


def emails_requeue(*, include_failed: bool = False) -> int:
    """Enqueue delivery of every waiting message (and stuck or, if asked, failed ones).

    For an outage that outlived the retries, or a worker that died mid-send.
    """
    stale = timezone.now() - STALE_SENDING
    OutgoingEmail.objects.filter(
        status=OutgoingEmail.Status.SENDING, attempted_at__lt=stale
    ).update(status=OutgoingEmail.Status.QUEUED)
    if include_failed:
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED).update(
            status=OutgoingEmail.Status.QUEUED, attempts=0
        )
    from accounts.tasks import email_deliver_task

    ids = list(
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).values_list(
            "pk", flat=True
        )
    )
    for email_id in ids:
        enqueue(email_deliver_task, email_id)
    return len(ids)
