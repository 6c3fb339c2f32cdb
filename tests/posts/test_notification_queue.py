"""Batched email on the real database queue: the hour's batch is a deferred task."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from posts.models import NotificationEmailWindow
from posts.services.discussion import comment_create
from tests.factories import PostFactory, UserFactory


@pytest.fixture
def database_queue(settings, transactional_db):
    # The worker closes connections between tasks, so these tests really commit.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def member(username):
    user = UserFactory(username=username)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_the_batch_waits_for_the_hour_on_the_database_queue(database_queue):
    ana, bob, post = member("ana"), member("bob"), PostFactory()
    root, _ = comment_create(author=ana, post=post, body="Question.")
    comment_create(author=bob, post=post, body="First answer.", parent=root)
    run_worker()
    assert len(to("ana@example.org")) == 1

    comment_create(author=bob, post=post, body="Second answer.", parent=root)
    run_worker()

    assert len(to("ana@example.org")) == 1  # nothing new inside the hour
    deferred = DBTaskResult.objects.filter(status="READY", run_after__isnull=False).get()
    assert deferred.run_after > timezone.now() + timedelta(minutes=55)

    DBTaskResult.objects.filter(pk=deferred.pk).update(
        run_after=timezone.now() - timedelta(seconds=1)
    )
    # The hour is over (moved back in time rather than waited for).
    NotificationEmailWindow.objects.update(
        last_sent_at=timezone.now() - timedelta(hours=1, seconds=5),
        scheduled_for=timezone.now() - timedelta(seconds=5),
    )
    run_worker()

    emails = to("ana@example.org")
    assert len(emails) == 2
    assert "Second answer." in emails[1].body
