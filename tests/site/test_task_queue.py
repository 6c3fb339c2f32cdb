"""`manage.py worker` runs the queue TASKS names: the database queue, or RQ on Redis."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail import send_mail
from django.core.management import call_command

from accounts.models import OutgoingEmail

ROOT = Path(__file__).resolve().parents[2]


def test_the_worker_runs_the_database_queue(settings, transactional_db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    send_mail("Welcome", "Hello.", None, ["ana@example.org"])
    assert mail.outbox == []

    call_command("worker", batch=True, verbosity=0)

    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT
    assert mail.outbox[0].subject == "Welcome"


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="RQ needs Redis (make test-scale runs this)"
)
def test_the_worker_runs_the_rq_queue_on_redis(settings, transactional_db):
    import django_rq

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.TASKS_ENQUEUE_ON_COMMIT = True
    django_rq.get_queue("default").empty()

    send_mail("Welcome", "Hello.", None, ["ana@example.org"])  # enqueued on commit
    assert len(django_rq.get_queue("default")) == 1

    call_command("worker", batch=True, verbosity=0)

    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


def test_a_plain_migrate_creates_every_cache_table(tmp_path):
    if "Database" not in django_settings.CACHES["default"]["BACKEND"]:
        pytest.skip("the cache is Redis in this run")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["SQLITE_PATH"] = str(tmp_path / "fresh.sqlite3")

    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=300,
    )

    with sqlite3.connect(tmp_path / "fresh.sqlite3") as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert set(django_settings.CACHE_TABLES.values()) <= tables
