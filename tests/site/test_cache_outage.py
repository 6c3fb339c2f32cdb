"""A cache outage (Redis unreachable, cache tables missing) is never a 500."""

import logging
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from posts.models import Post
from radrounds.ratelimit import Rate, rate_limit_hit
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
PASSWORD = "correct horse battery staple"
ALIASES = ("default", "views", "previews", "pages")


def _fallback(alias):
    return "local" if alias == "default" else "none"


def redis_unreachable():
    # Port 1 on loopback: nothing listens, the connection is refused at once.
    return {
        alias: {
            "BACKEND": "radrounds.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "KEY_PREFIX": f"outage:{alias}",
            "FALLBACK": _fallback(alias),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        for alias in ALIASES
    }


def cache_tables_missing():
    return {
        alias: {
            "BACKEND": "radrounds.cache.ResilientDatabaseCache",
            "LOCATION": f"no_such_cache_table_{alias}",
            "FALLBACK": _fallback(alias),
        }
        for alias in ALIASES
    }


@pytest.fixture(params=["redis unreachable", "cache tables missing"])
def outage(request, settings):
    settings.CACHES = (
        redis_unreachable() if request.param == "redis unreachable" else (cache_tables_missing())
    )
    return request.param


@pytest.fixture
def member(db):
    user = UserFactory(username="ana", email="ana@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_the_post_page_renders_and_the_view_is_not_counted(client, outage, caplog):
    post = PostFactory()

    with caplog.at_level(logging.WARNING):
        response = client.get(post.get_absolute_url(), HTTP_USER_AGENT=BROWSER)

    assert response.status_code == HTTPStatus.OK
    assert "Views: 0" in response.content.decode()
    assert Post.objects.get(pk=post.pk).view_count == 0
    assert "not counted" in caplog.text
    assert "unavailable" in caplog.text


def test_the_home_page_renders(client, outage):
    PostFactory()

    assert client.get("/").status_code == HTTPStatus.OK


def test_sign_in_still_works(client, outage, member):
    response = client.post("/accounts/login/", {"login": "ana", "password": PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(member.pk)


def test_failed_sign_ins_are_still_limited_per_process(client, outage, member):
    for _ in range(5):
        client.post("/accounts/login/", {"login": "ana", "password": "wrong password!!"})

    response = client.post("/accounts/login/", {"login": "ana", "password": PASSWORD})

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_up_still_works(client, outage):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "username": "newcomer",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    assert get_user_model().objects.filter(username="newcomer").exists()


def test_our_rate_limits_fall_back_too(outage):
    results = [rate_limit_hit(scope="t", key="k", rates=[Rate(2, 60)]) for _ in range(3)]

    assert results == [None, None, Rate(2, 60)]


def test_readyz_reports_the_outage_and_stays_ready(client, outage):
    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == HTTPStatus.OK
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok"
    assert all(body["checks"][f"cache:{alias}"].startswith("error") for alias in ALIASES)


def test_healthz_answers(client, outage):
    assert client.get("/healthz").status_code == HTTPStatus.OK
