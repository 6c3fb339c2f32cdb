"""Recording one view (posts.services.viewing), called directly: what it answers, what it
remembers, and what it does when the views cache is down."""

import logging
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from posts.models import Post, PostRead
from posts.services.view_buffer import pending_views, view_buffer_flush
from posts.services.viewing import post_view_record
from posts.visitors import Visitor
from tests.cache_ttl import seconds_left
from tests.factories import PostFactory, UserFactory
from tests.views_cache import redis_views_cache

pytestmark = pytest.mark.django_db

# Every test here runs three times: on the views cache this run configures (the database
# cache on SQLite); on a Redis views cache, where a view is counted by the buffer's script
# and flushed later (posts.services.view_buffer); and on a Redis views cache of its own
# (REDIS_VIEWS_URL, so no buffer: marks and caps in Redis, counts written at once). So
# every branch of the service is checked in every run that can reach a Redis server
# (mutation runs included). The Redis ones skip where no Redis answers; `make
# test-scale` covers the buffered one with its own Redis.


@pytest.fixture(autouse=True, params=["configured", "redis-buffered", "redis-unbuffered"])
def views_store(request, settings):
    if request.param == "configured":
        yield request.param
        return
    if settings.VIEW_BUFFER and request.param == "redis-buffered":
        pytest.skip("this run buffers views in its own Redis already")
    with redis_views_cache(settings, buffered=request.param == "redis-buffered"):
        yield request.param


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
    post = PostFactory()

    post_view_record(post=post, visitor=_anonymous())

    left = seconds_left(caches["views"], f"postview:{post.pk}:anon:")
    assert settings.VIEW_DEDUPE_SECONDS - 60 < left <= settings.VIEW_DEDUPE_SECONDS


def test_an_addresss_count_is_kept_an_hour_and_a_minute():
    # Longer than its clock hour, so it cannot vanish inside it; not much longer.
    post = PostFactory()

    post_view_record(post=post, visitor=_anonymous())

    left = seconds_left(caches["views"], f"postview-address:{post.pk}:")
    assert 3600 < left <= 3660


def _at(monkeypatch, moment: datetime) -> None:
    """Move this process's clock (Django's timezone.now) to ``moment``."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_the_address_cap_holds_for_a_clock_hour_and_starts_again_with_the_next(monkeypatch):
    post = PostFactory()
    hour = datetime.fromtimestamp((time.time() // 3600) * 3600, tz=UTC)
    visitors = iter(Visitor(key=f"anon:{n:032x}", address_key="c" * 32) for n in range(6))

    def view_at(moment):
        _at(monkeypatch, moment)
        return post_view_record(post=post, visitor=next(visitors))

    assert [view_at(hour + timedelta(minutes=m)) for m in (1, 2, 3)] == [True, True, True]
    assert view_at(hour + timedelta(minutes=59, seconds=59)) is False  # still that hour
    assert view_at(hour + timedelta(hours=1)) is True  # the next clock hour
    assert _views(post) == 4


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
    assert 3600 < seconds_left(caches["views"], f"postview-address:{post.pk}:") <= 3660


def test_a_members_repeat_view_writes_nothing_to_the_database():
    post, reader = PostFactory(), UserFactory()
    post_view_record(post=post, visitor=_member(reader))

    with CaptureQueriesContext(connection) as queries:
        assert post_view_record(post=post, visitor=_member(reader)) is False

    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
    assert writes == []


def test_members_views_are_not_held_to_an_address_cap():
    post = PostFactory()
    members = [_member(UserFactory()) for _ in range(5)]

    assert [post_view_record(post=post, visitor=m) for m in members] == [True] * 5
    assert _views(post) == 5


def test_views_wait_for_a_flush_only_when_they_are_buffered(views_store, settings):
    post, quiet = PostFactory(), PostFactory()
    buffered = views_store == "redis-buffered" or (
        views_store == "configured" and settings.VIEW_BUFFER
    )
    # The flush waits until this test asks for it (not run at once by the test queue).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    post_view_record(post=post, visitor=_anonymous(1))
    post_view_record(post=post, visitor=_anonymous(2))

    assert pending_views([post.pk, quiet.pk]) == ({post.pk: 2} if buffered else {})
    assert view_buffer_flush() == (2 if buffered else 0)
    assert pending_views([post.pk, quiet.pk]) == {}
    assert Post.objects.get(pk=post.pk).view_count == 2
