"""Forwarded headers: believed from the trusted proxy only, ignored from anyone else."""

from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from posts.models import Post
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"
PROXY = "10.0.0.2"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "10.0.1.0/24"]
    settings.TRUSTED_PROXY_COUNT = 0


def _through(peer, forwarded_for=None, proto=None):
    headers = {"REMOTE_ADDR": peer, "HTTP_USER_AGENT": BROWSER}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    if proto is not None:
        headers["HTTP_X_FORWARDED_PROTO"] = proto
    return headers


def _reset_link(client, **headers) -> str:
    user = UserFactory(email="ana@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post("/accounts/password/reset/", {"email": "ana@example.org"}, **headers)
    body = mail.outbox[-1].body
    return next(word for word in body.split() if "/accounts/password/reset/key/" in word)


def test_reset_links_say_https_when_the_trusted_proxy_says_so(client, behind_proxy):
    link = _reset_link(client, **_through(PROXY, "198.51.100.9", "https"))

    assert link.startswith("https://testserver/")


def test_a_spoofed_proto_header_from_a_stranger_changes_nothing(client, behind_proxy):
    link = _reset_link(client, **_through("203.0.113.50", "198.51.100.9", "https"))

    assert link.startswith("http://testserver/")


def test_without_trusted_proxies_no_forwarded_header_is_believed(client, settings):
    settings.TRUSTED_PROXIES = []
    link = _reset_link(client, **_through("127.0.0.1", "198.51.100.9", "https"))

    assert link.startswith("http://testserver/")


def _views(post) -> int:
    return Post.objects.values_list("view_count", flat=True).get(pk=post.pk)


def test_the_view_counter_sees_each_client_behind_the_proxy(client, behind_proxy):
    post = PostFactory()

    for n in range(1, 6):
        client.get(post.get_absolute_url(), **_through(PROXY, f"198.51.100.{n}"))

    assert _views(post) == 5


def test_spoofed_forwarded_for_cannot_inflate_views(client, behind_proxy):
    post = PostFactory()

    for n in range(1, 11):
        client.get(post.get_absolute_url(), **_through("203.0.113.50", f"198.51.100.{n}"))

    # One stranger's address: its own few views per hour, however many hops it invents.
    assert _views(post) == 1


def test_hops_added_by_trusted_proxies_are_skipped(client, behind_proxy):
    post = PostFactory()

    # client -> edge proxy 10.0.1.7 -> PROXY; a spoofed first hop is not the client.
    for spoofed in ("1.1.1.1", "8.8.8.8", "9.9.9.9"):
        client.get(
            post.get_absolute_url(),
            **_through(PROXY, f"{spoofed}, 198.51.100.77, 10.0.1.7"),
        )

    assert _views(post) == 1  # all three are the same client, 198.51.100.77


def test_a_proxy_count_takes_the_client_that_many_hops_from_the_right(client, settings):
    settings.TRUSTED_PROXIES = []
    settings.TRUSTED_PROXY_COUNT = 1
    link = _reset_link(client, **_through("10.9.9.9", "1.2.3.4, 198.51.100.9", "https"))

    assert link.startswith("https://")


def _failed_sign_in(client, login, headers):
    return client.post(
        "/accounts/login/", {"login": login, "password": "wrong password!"}, **headers
    )


def test_one_attacker_behind_the_proxy_cannot_lock_out_everyone_else(client, behind_proxy):
    victim = UserFactory(username="victim", email="victim@example.org")
    EmailAddress.objects.create(user=victim, email=victim.email, verified=True, primary=True)
    attacker = _through(PROXY, "203.0.113.66")
    for n in range(12):  # past allauth's 10 failed sign-ins per minute per address
        _failed_sign_in(client, f"nobody{n}", attacker)
    assert "Too many failed" in _failed_sign_in(client, "nobody99", attacker).content.decode()

    response = client.post(
        "/accounts/login/",
        {"login": "victim", "password": PASSWORD},
        **_through(PROXY, "198.51.100.20"),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert client.session.get("_auth_user_id") == str(victim.pk)
