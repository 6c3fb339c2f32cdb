"""Recording one view (posts.services.viewing), called directly: what it answers, what it
remembers, and what it does when the views cache is down."""

import logging
import os
import uuid
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

from posts.models import Post, PostRead
from posts.services.view_buffer import view_buffer_flush
from posts.services.viewing import post_view_record
from posts.visitors import Visitor
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

# Every test here runs three times: on the views cache this run configures (the database
# cache on SQLite); on a Redis views cache, where a view is counted by the buffer's script
# and flushed later (posts.services.view_buffer); and on a Redis views cache of its own
# (REDIS_VIEWS_URL, so no buffer: marks and caps in Redis, counts written at once). So
# every branch of the service is checked in every run that can reach a Redis server
# (mutation runs included). The Redis ones skip where no Redis answers; `make
# test-scale` covers the buffered one with its own Redis.
VIEWS_TEST_REDIS_URL = os.environ.get("VIEWS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.fixture(autouse=True, params=["configured", "redis-buffered", "redis-unbuffered"])
def views_store(request, settings):
    if request.param == "configured":
        yield request.param
        return
    if settings.VIEW_BUFFER and request.param == "redis-buffered":
        pytest.skip("this run buffers views in its own Redis already")
    client = redis.Redis.from_url(VIEWS_TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"no Redis at {VIEWS_TEST_REDIS_URL} for the buffered views branch")
    prefix = f"rr-view-record-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "views": {
            "BACKEND": "radrounds.cache.ResilientRedisCache",
            "LOCATION": VIEWS_TEST_REDIS_URL,
            "KEY_PREFIX": prefix,
        },
    }
    settings.VIEW_BUFFER = request.param == "redis-buffered"
    # The flush is queued, not run at once: _views() flushes when a test reads counts.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    yield request.param
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def _anonymous(n=1) -> Visitor:
    return Visitor(key=f"anon:{n:032x}", address_key=f"{n:032x}")


def _member(user) -> Visitor:
    return Visitor(key=f"member:{user.pk}", user_id=user.pk)


def _views(post) -> int:
    view_buffer_flush()
    return Post.objects.values_list("view_count", flat=True).get(pk=post.pk)


def test_a_first_view_is_counted_and_a_repeat_is_not():
    post = PostFactory()

    assert post_view_record(post=post, visitor=_anonymous()) is True
    assert post_view_record(post=post, visitor=_anonymous()) is False
    assert _views(post) == 1


def test_the_posters_own_view_is_not_counted_but_another_members_is():
    poster = UserFactory()
    post = PostFactory(posted_by=poster)

    assert post_view_record(post=post, visitor=_member(poster)) is False
    assert post_view_record(post=post, visitor=_member(UserFactory())) is True
    assert _views(post) == 1


def test_views_past_the_address_cap_are_not_counted():
    post = PostFactory()
    visitors = [Visitor(key=f"anon:{n:032x}", address_key="a" * 32) for n in range(5)]

    assert [post_view_record(post=post, visitor=v) for v in visitors] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert _views(post) == 3


def test_a_members_counted_view_is_remembered_as_a_read_once():
    post, reader = PostFactory(), UserFactory()

    post_view_record(post=post, visitor=_member(reader))
    post_view_record(post=post, visitor=_member(reader))
    post_view_record(post=post, visitor=_anonymous())

    assert list(PostRead.objects.values_list("user_id", "post_id")) == [(reader.pk, post.pk)]


def test_the_posters_own_view_is_not_a_read():
    poster = UserFactory()
    post = PostFactory(posted_by=poster)

    post_view_record(post=post, visitor=_member(poster))

    assert not PostRead.objects.exists()


def test_a_view_mark_lasts_the_dedupe_window():
    backend = caches["views"]
    if not hasattr(backend, "_table"):
        pytest.skip("reads the database cache's table (Redis marks are in the buffer tests)")
    post = PostFactory()

    post_view_record(post=post, visitor=_anonymous())

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT expires FROM {backend._table} WHERE cache_key LIKE %s",  # noqa: S608
            ["%postview:%"],
        )
        (expires,) = [row[0] for row in cursor.fetchall()]
    if isinstance(expires, str):
        from django.utils.dateparse import parse_datetime

        expires = parse_datetime(expires)
    if timezone.is_naive(expires):
        expires = timezone.make_aware(expires, timezone.get_fixed_timezone(0))
    remaining = expires - timezone.now()
    window = timedelta(seconds=settings.VIEW_DEDUPE_SECONDS)
    assert window - timedelta(minutes=1) < remaining <= window


def test_with_the_views_cache_down_a_view_is_logged_and_not_counted(settings, caplog):
    settings.CACHES = {
        **settings.CACHES,
        "views": {
            "BACKEND": "radrounds.cache.ResilientDatabaseCache",
            "LOCATION": "no_such_cache_table_views",
        },
    }
    post = PostFactory()

    with caplog.at_level(logging.WARNING, logger="posts.services.viewing"):
        counted = post_view_record(post=post, visitor=_anonymous())

    assert counted is False
    assert Post.objects.get(pk=post.pk).view_count == 0
    assert f"View of post {post.pk} not counted: the views cache is unavailable." in caplog.messages


def test_an_address_cap_that_expires_between_counting_steps_starts_again_at_one(monkeypatch):
    # The hour's counter vanishes between add() and incr(): this view is the first of a
    # new count. Django's backend is wrapped to lose the first add of a cap, not our code.
    backend = type(caches["views"])
    original_add = backend.add
    lost = []

    def add(self, key, *args, **kwargs):
        if key.startswith("postview-address:") and not lost:
            lost.append(key)
            return True
        return original_add(self, key, *args, **kwargs)

    monkeypatch.setattr(backend, "add", add)
    post = PostFactory()
    visitors = [Visitor(key=f"anon:{n:032x}", address_key="b" * 32) for n in range(4)]

    assert [post_view_record(post=post, visitor=v) for v in visitors] == [True, True, True, False]
