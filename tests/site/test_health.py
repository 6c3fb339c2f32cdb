"""/healthz (liveness, no I/O) and /readyz (database, caches, task queue)."""

from http import HTTPStatus

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")

    assert response.status_code == HTTPStatus.OK
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_healthz_for_a_signed_in_member_still_does_no_queries(
    member_client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert member_client.get("/healthz").status_code == HTTPStatus.OK


def test_readyz_reports_every_dependency(client):
    response = client.get("/readyz")

    assert response.status_code == HTTPStatus.OK
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "cache:default": "ok",
            "cache:views": "ok",
            "cache:previews": "ok",
            "cache:pages": "ok",
            "task_queue": "ok",
        },
    }


def test_readyz_is_503_when_the_database_is_down(client, monkeypatch):
    # Make every new cursor fail, as a dead database server does.
    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError("server closed the connection")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/readyz")

    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"].startswith("error")


def test_health_checks_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == HTTPStatus.OK
    assert client.get("/").status_code == HTTPStatus.MOVED_PERMANENTLY
