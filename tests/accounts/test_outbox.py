"""Email leaves through the outbox and the background worker, and is never lost."""

import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.mail import RETRY_DELAYS, email_deliver
from accounts.models import OutgoingEmail

pytestmark = pytest.mark.django_db

SMTP = "django.core.mail.backends.smtp.EmailBackend"


@pytest.fixture
def closed_port():
    """A local port nothing listens on: a real, immediate SMTP connection failure."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def broken_smtp(settings, closed_port):
    settings.EMAIL_DELIVERY_BACKEND = SMTP
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2


@pytest.fixture
def database_queue(settings, transactional_db):
    # The worker closes and reopens connections between tasks, as it does in
    # production, so these tests commit for real instead of running in a transaction.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_sent_mail_is_stored_and_delivered_by_the_task():
    send_mail("Welcome", "Hello there.", None, ["ana@example.org"])

    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.SENT
    assert email.attempts == 1
    assert [m.subject for m in mail.outbox] == ["Welcome"]
    assert mail.outbox[0].to == ["ana@example.org"]


def test_html_part_and_headers_reach_the_recipient():
    message = EmailMultiAlternatives(
        "Digest", "Plain text", to=["ana@example.org"], headers={"List-Unsubscribe": "<https://x/>"}
    )
    message.attach_alternative("<p>HTML</p>", "text/html")
    message.send()

    delivered = mail.outbox[0]
    assert delivered.extra_headers["List-Unsubscribe"] == "<https://x/>"
    assert delivered.alternatives[0][0] == "<p>HTML</p>"


def test_with_the_database_queue_nothing_is_sent_until_the_worker_runs(database_queue):
    send_mail("Queued", "Body", None, ["ana@example.org"])

    assert mail.outbox == []
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.QUEUED
    run_worker()
    assert [m.subject for m in mail.outbox] == ["Queued"]
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


def test_a_failed_attempt_keeps_the_email_and_schedules_a_retry(database_queue, broken_smtp):
    send_mail("Try again", "Body", None, ["ana@example.org"])
    run_worker()

    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.QUEUED
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.args_kwargs["args"] == [email.pk]
    expected = timezone.now() + timedelta(seconds=RETRY_DELAYS[0])
    assert abs((retry.run_after - expected).total_seconds()) < 30


def test_the_retry_delivers_once_the_mail_server_is_back(database_queue, broken_smtp, settings):
    send_mail("Eventually", "Body", None, ["ana@example.org"])
    run_worker()
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    # The retry is deferred; the operator's command hands waiting mail over at once.
    call_command("send_queued_email", verbosity=0)
    run_worker()

    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.SENT
    assert email.attempts == 2
    assert [m.subject for m in mail.outbox] == ["Eventually"]


def test_after_the_last_attempt_the_email_is_failed_but_kept(broken_smtp):
    send_mail("Give up", "Body", None, ["ana@example.org"])
    email = OutgoingEmail.objects.get()
    OutgoingEmail.objects.filter(pk=email.pk).update(attempts=len(RETRY_DELAYS))
    call_command("send_queued_email", verbosity=0)

    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.attempts == len(RETRY_DELAYS) + 1
    assert email.body == "Body"


def test_failed_emails_can_be_sent_again(broken_smtp, settings):
    send_mail("Second chance", "Body", None, ["ana@example.org"])
    OutgoingEmail.objects.update(status=OutgoingEmail.Status.FAILED)
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    call_command("send_queued_email", "--failed", verbosity=0)

    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT
    assert [m.subject for m in mail.outbox] == ["Second chance"]


def test_delivering_the_same_email_twice_sends_it_once():
    send_mail("Once", "Body", None, ["ana@example.org"])
    email = OutgoingEmail.objects.get()

    assert email_deliver(email_id=email.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_delivery_left_sending_by_a_dead_worker_goes_again(database_queue):
    send_mail("Stuck", "Body", None, ["ana@example.org"])
    OutgoingEmail.objects.update(
        status=OutgoingEmail.Status.SENDING, attempted_at=timezone.now() - timedelta(hours=1)
    )
    DBTaskResult.objects.all().delete()

    call_command("send_queued_email", verbosity=0)
    run_worker()

    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_a_delivery_in_progress_is_left_alone(database_queue):
    send_mail("Busy", "Body", None, ["ana@example.org"])
    OutgoingEmail.objects.update(status=OutgoingEmail.Status.SENDING, attempted_at=timezone.now())
    DBTaskResult.objects.all().delete()

    call_command("send_queued_email", verbosity=0)
    run_worker()

    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENDING
    assert mail.outbox == []


def test_outbox_admin_lists_emails_for_staff(admin_client):
    send_mail("Visible in admin", "Body", None, ["ana@example.org"])

    page = admin_client.get("/admin/accounts/outgoingemail/")

    assert page.status_code == 200
    assert b"Visible in admin" in page.content


def test_allauth_emails_go_through_the_outbox(client, verified_user):
    client.post("/accounts/password/reset/", {"email": "ana@example.org"})

    stored = OutgoingEmail.objects.get()
    assert stored.to == ["ana@example.org"]
    assert stored.status == OutgoingEmail.Status.SENT
    assert mail.outbox[0].subject == stored.subject
