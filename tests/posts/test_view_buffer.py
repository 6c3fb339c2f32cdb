"""Views counted in Redis and flushed to the database in batches: never one lost or
counted twice. Under `make test-scale` these use that run's Redis views cache; elsewhere
a Redis views cache of their own (tests.views_cache), and they skip where no Redis
answers. With the database cache views are written as they are counted
(tests/posts/test_view_counting.py)."""

import threading
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client

from posts.models import Post, PostDailyViews, PostRead
from posts.services.view_buffer import pending_views, view_buffer_flush
from tests.factories import PostFactory, UserFactory
from tests.views_cache import redis_views_cache


@pytest.fixture(autouse=True)
def _buffered_views(settings):
    if not settings.VIEW_BUFFER:
        with redis_views_cache(settings, buffered=True):
            yield
        return
    # The flush task is queued, not run at once: each test flushes when it says so.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    yield


BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36"


def _stored(post) -> int:
    return Post.objects.values_list("view_count", flat=True).get(pk=post.pk)


def _visit(post, n: int):
    response = Client().get(
        post.get_absolute_url(), HTTP_USER_AGENT=BROWSER, REMOTE_ADDR=f"198.51.{n // 250}.{n % 250}"
    )
    assert response.status_code == 200
    return response


def _in_parallel(count: int, work) -> list[Exception]:
    barrier = threading.Barrier(count)
    errors: list[Exception] = []

    def run(n):
        try:
            barrier.wait()
            work(n)
        except Exception as error:  # noqa: BLE001 - collected and asserted by the caller
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.mark.django_db
def test_a_buffered_view_is_shown_at_once_and_stored_by_the_flush():
    post = PostFactory()

    page = _visit(post, 1)

    assert 'id="view-count">Views: 1</p>' in page.content.decode()
    assert _stored(post) == 0
    assert view_buffer_flush() == 1
    assert _stored(post) == 1
    assert PostDailyViews.objects.get(post=post).views == 1
    assert 'id="view-count">Views: 1</p>' in _visit(post, 1).content.decode()


@pytest.mark.django_db(transaction=True)
def test_parallel_visitors_then_a_flush_store_exactly_one_view_each():
    post = PostFactory()
    visitors = 24

    errors = _in_parallel(visitors, lambda n: _visit(post, n))

    assert errors == []
    assert pending_views([post.pk]) == {post.pk: visitors}
    assert view_buffer_flush() == visitors
    assert _stored(post) == visitors
    assert PostDailyViews.objects.get(post=post).views == visitors
    assert view_buffer_flush() == 0  # a second flush adds nothing
    assert _stored(post) == visitors
    assert pending_views([post.pk]) == {}


@pytest.mark.django_db(transaction=True)
def test_flushes_running_during_the_counting_lose_and_double_nothing():
    post = PostFactory()
    visitors, flushers = 30, 3

    def work(n):
        if n < flushers:
            for _ in range(5):
                view_buffer_flush()
        else:
            _visit(post, n)

    errors = _in_parallel(visitors + flushers, work)
    view_buffer_flush()

    assert errors == []
    assert _stored(post) == visitors
    assert PostDailyViews.objects.get(post=post).views == visitors


@contextmanager
def _database_refusing_post_updates():
    """A trigger that makes the database refuse the flush's write, while in the block."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION refuse() RETURNS trigger AS "
                "$$ BEGIN RAISE EXCEPTION 'database refuses'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER refuse_views BEFORE UPDATE ON posts_post "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_views BEFORE UPDATE ON posts_post "
                "BEGIN SELECT RAISE(ABORT, 'database refuses'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            on_table = " ON posts_post" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER refuse_views{on_table}")


@pytest.mark.django_db(transaction=True)
def test_a_flush_that_fails_puts_the_counts_back_for_the_next_one():
    post = PostFactory()
    for n in range(5):
        _visit(post, n)
    with _database_refusing_post_updates(), pytest.raises(Exception, match="database refuses"):
        view_buffer_flush()

    assert _stored(post) == 0
    assert 'id="view-count">Views: 5</p>' in _visit(post, 1).content.decode()
    assert view_buffer_flush() == 5
    assert _stored(post) == 5


@pytest.mark.django_db
def test_a_members_buffered_view_still_counts_as_a_read_for_badges():
    post = PostFactory()
    reader = UserFactory()
    client = Client()
    client.force_login(reader)

    client.get(post.get_absolute_url(), HTTP_USER_AGENT=BROWSER)

    assert PostRead.objects.filter(user=reader, post=post).exists()
    view_buffer_flush()
    assert _stored(post) == 1
