"""One log line per request; unhandled errors logged with their traceback and mailed."""

import json
import logging
from http import HTTPStatus

import pytest
from django.core import mail

from accounts.models import OutgoingEmail
from radrounds.logs import JSONFormatter

pytestmark = pytest.mark.django_db


def test_each_request_is_logged_with_method_path_status_duration_and_user(
    member_client, user, caplog
):
    with caplog.at_level(logging.INFO, logger="radrounds.request"):
        member_client.get("/members/")

    record = next(r for r in caplog.records if r.name == "radrounds.request")
    assert (record.method, record.path, record.status) == ("GET", "/members/", 200)
    assert record.user_id == user.pk
    assert record.duration_ms >= 0


def test_the_json_format_is_one_object_per_line(member_client, caplog):
    with caplog.at_level(logging.INFO, logger="radrounds.request"):
        member_client.get("/")
    record = next(r for r in caplog.records if r.name == "radrounds.request")

    line = JSONFormatter().format(record)

    data = json.loads(line)
    assert "\n" not in line
    assert {"time", "level", "message", "method", "path", "status", "duration_ms"} <= set(data)


@pytest.mark.urls("tests.site.urls_stub")
def test_an_unhandled_error_is_logged_with_its_traceback_and_mailed_to_admins(
    client, settings, caplog
):
    settings.ADMINS = [("Ops", "ops@example.org")]
    client.raise_request_exception = False

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/broken/")

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.exc_info and "failed on purpose" in str(record.exc_info[1])
    formatted = JSONFormatter().format(record)
    assert "RuntimeError: the stub view failed on purpose" in json.loads(formatted)["traceback"]
    assert [m.to for m in mail.outbox] == [["ops@example.org"]]
    assert "the stub view failed on purpose" in mail.outbox[0].body
    # Straight to the delivery backend: an error mail must not need the database.
    assert not OutgoingEmail.objects.exists()


def test_reset_and_confirmation_keys_in_paths_are_not_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger="radrounds.request"):
        client.get("/accounts/password/reset/key/1-abc123-secretkey/")
        client.get("/accounts/confirm-email/MTU:1secretkey/")

    paths = [r.path for r in caplog.records if r.name == "radrounds.request"]
    assert paths == [
        "/accounts/password/reset/key/[redacted]/",
        "/accounts/confirm-email/[redacted]/",
    ]
    assert "secretkey" not in caplog.text
