import contextlib
import threading
from datetime import timedelta
from functools import partial

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from posts.models import Post, PostDailyViews
from posts.services.view_buffer import view_buffer_flush
from tests.concurrency import in_parallel
from tests.factories import PostFactory, UserFactory

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def _uses_redis() -> bool:
    return "Redis" in settings.CACHES["views"]["BACKEND"]


cache = caches["views"]
VIEWS_TABLE = "radrounds_cache_views"


def _stored_cache_keys() -> list[str]:
    """Every key as the cache backend stores it (what an attacker with the store sees)."""
    if _uses_redis():
        return [key.decode() for key in cache._cache.get_client().keys("*")]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key FROM {VIEWS_TABLE}")  # noqa: S608 - a constant
        return [row[0] for row in cursor.fetchall()]


def _expire_view_marks() -> None:
    """Age the de-duplication marks past their expiry instead of sleeping."""
    if _uses_redis():
        client = cache._cache.get_client()
        for key in client.keys("*postview*"):
            client.delete(key)  # what Redis does to a key whose TTL ran out
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {VIEWS_TABLE} SET expires = %s",  # noqa: S608 - a constant
            [timezone.now() - timedelta(seconds=5)],
        )


def _views(post) -> int:
    view_buffer_flush()  # with Redis, counted views wait there for a flush
    return Post.objects.values_list("view_count", flat=True).get(pk=post.pk)


def _visit(client, post, user_agent=BROWSER, address="203.0.113.7"):
    return client.get(post.get_absolute_url(), HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_first_view_by_a_visitor_is_counted_and_shown(client):
    post = PostFactory()

    response = _visit(client, post)

    assert 'id="view-count">Views: 1</p>' in response.content.decode()
    assert _views(post) == 1


@pytest.mark.django_db
def test_repeat_view_by_the_same_visitor_inside_the_window_counts_once(client):
    post = PostFactory()
    _visit(client, post)

    response = _visit(Client(), post)  # same address and browser, no cookies

    assert 'id="view-count">Views: 1</p>' in response.content.decode()
    assert _views(post) == 1


@pytest.mark.django_db
def test_repeat_view_inside_the_window_writes_nothing_to_the_database(client):
    post = PostFactory()
    _visit(client, post)

    with CaptureQueriesContext(connection) as queries:
        _visit(client, post)

    writes = [q["sql"] for q in queries if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}]
    assert writes == []


@pytest.mark.django_db
def test_view_after_the_window_counts_again(client, settings):
    settings.VIEW_DEDUPE_SECONDS = 1
    post = PostFactory()
    _visit(client, post)
    _expire_view_marks()

    _visit(client, post)

    assert _views(post) == 2


@pytest.mark.django_db
def test_different_visitors_each_count(client):
    post = PostFactory()

    _visit(client, post, address="203.0.113.7")
    _visit(client, post, address="198.51.100.4")
    _visit(client, post, address="198.51.100.4", user_agent=BROWSER + " Edg/130.0")

    assert _views(post) == 3


@pytest.mark.django_db
def test_a_member_counts_once_across_devices(client):
    post = PostFactory()
    client.force_login(UserFactory())

    _visit(client, post, address="203.0.113.7")
    _visit(client, post, address="198.51.100.4", user_agent="Mozilla/5.0 (iPhone) Safari/604.1")

    assert _views(post) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "",
    ],
)
def test_crawlers_and_scripts_are_not_counted(client, user_agent):
    post = PostFactory()

    response = _visit(client, post, user_agent=user_agent)

    assert 'id="view-count">Views: 0</p>' in response.content.decode()
    assert _views(post) == 0


@pytest.mark.django_db
def test_the_posters_own_views_are_not_counted(client):
    poster = UserFactory()
    post = PostFactory(posted_by=poster)
    client.force_login(poster)

    _visit(client, post)

    assert _views(post) == 0


@pytest.mark.django_db
def test_a_counted_view_is_added_to_todays_daily_count(client):
    post = PostFactory()

    _visit(client, post, address="203.0.113.7")
    _visit(client, post, address="203.0.113.8")

    view_buffer_flush()
    daily = PostDailyViews.objects.get(post=post)
    assert (daily.day, daily.views) == (timezone.localdate(), 2)


@pytest.mark.django_db
def test_the_raw_address_and_user_agent_are_never_stored(client):
    post = PostFactory()

    _visit(client, post, address="203.0.113.77", user_agent=BROWSER + " UniqueMarker/9")

    keys = " ".join(_stored_cache_keys())
    assert "postview" in keys  # the de-duplication mark exists ...
    assert "203.0.113.77" not in keys and "UniqueMarker" not in keys  # ... as a hash


@pytest.mark.django_db
def test_a_head_request_does_not_count(client):
    post = PostFactory()

    client.head(post.get_absolute_url(), HTTP_USER_AGENT=BROWSER)

    assert _views(post) == 0


@pytest.mark.django_db(transaction=True)
def test_parallel_views_from_different_visitors_lose_no_increment():
    # A real file-based SQLite database (see settings TEST NAME) and real threads:
    # every request is a different visitor, so every one must be counted.
    assert connection.vendor != "sqlite" or not connection.is_in_memory_db()
    post = PostFactory()
    visitors = 24

    def visit(n):
        response = _visit(Client(), post, address=f"198.51.100.{n + 1}")
        assert response.status_code == 200

    in_parallel([partial(visit, n) for n in range(visitors)])

    assert _views(post) == visitors
    assert PostDailyViews.objects.get(post=post).views == visitors


def _hold_first_cache_read(monkeypatch, parties: int) -> None:
    """Make ``parties`` parallel requests all read the views cache before any writes.

    The worst interleaving a busy server sees, made certain instead of likely: each
    thread's first read of the views cache waits, after reading, until every other
    thread has read too. (Django's cache backend is wrapped, not our code.) A check
    that is a read then a write (get, then set) counts every one of them; only an
    atomic add() counts one.
    """
    backend = type(caches["views"])
    original_get = backend.get
    barrier = threading.Barrier(parties)
    seen = threading.local()

    def get(self, *args, **kwargs):
        value = original_get(self, *args, **kwargs)
        if not getattr(seen, "read", False):
            seen.read = True
            # A thread that never reads (an add-only path) must not hang the others.
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=10)
        return value

    monkeypatch.setattr(backend, "get", get)


def _parallel_visits(post, clients, *, address="203.0.113.7"):
    errors = []

    def visit(client):
        try:
            response = _visit(client, post, address=address)
            assert response.status_code == 200
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=visit, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_from_one_visitor_count_once(monkeypatch):
    assert connection.vendor != "sqlite" or not connection.is_in_memory_db()
    post = PostFactory()
    _hold_first_cache_read(monkeypatch, parties=2)

    _parallel_visits(post, [Client(), Client()])

    assert _views(post) == 1
    assert PostDailyViews.objects.get(post=post).views == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_requests_from_one_member_on_two_devices_count_once(monkeypatch):
    post, member = PostFactory(), UserFactory()
    devices = [Client(), Client()]
    for device in devices:
        device.force_login(member)
    _hold_first_cache_read(monkeypatch, parties=2)

    _parallel_visits(post, devices)

    assert _views(post) == 1


@pytest.mark.django_db
def test_one_address_adds_at_most_three_views_an_hour_whatever_user_agents_it_sends(client):
    post = PostFactory()

    for n in range(20):
        _visit(Client(), post, user_agent=f"{BROWSER} rotating/{n}", address="203.0.113.9")

    assert _views(post) == 3


@pytest.mark.django_db
def test_an_ipv6_subscriber_cannot_escape_the_cap_by_rotating_addresses(client):
    post = PostFactory()

    for n in range(20):
        _visit(Client(), post, user_agent=f"{BROWSER} v/{n}", address=f"2001:db8:1:2::{n + 1:x}")

    assert _views(post) == 3


@pytest.mark.django_db
def test_signed_in_readers_behind_one_hospital_proxy_each_count(client):
    post = PostFactory()

    for _ in range(6):
        reader = Client()
        reader.force_login(UserFactory())
        _visit(reader, post, address="198.51.100.200")

    assert _views(post) == 6


@pytest.mark.django_db
def test_the_address_cap_is_per_post(client):
    first, second = PostFactory(), PostFactory()

    for n in range(5):
        _visit(Client(), first, user_agent=f"{BROWSER} a/{n}", address="203.0.113.9")
    _visit(Client(), second, address="203.0.113.9")

    assert (_views(first), _views(second)) == (3, 1)
