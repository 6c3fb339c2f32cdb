"""Views counted in Redis and flushed to the database in batches: never one lost or
counted twice. Under `make test-scale` these use that run's Redis views cache; elsewhere
a Redis views cache of their own (tests.views_cache), and they skip where no Redis
answers. With the database cache views are written as they are counted
(tests/posts/test_view_counting.py)."""

import logging
from contextlib import contextmanager
from datetime import timedelta
from functools import partial

import pytest
from django.core.cache import caches
from django.db import connection
from django.db.models import QuerySet
from django.test import Client
from django.utils import timezone
from django_tasks import task_backends
from django_tasks_db.models import DBTaskResult

from posts.models import Post, PostDailyViews, PostRead
from posts.services import view_buffer
from posts.services.view_buffer import daily_views_add, pending_views, view_buffer_flush
from posts.services.viewing import post_view_record
from posts.visitors import Visitor
from tests.concurrency import in_parallel
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

    in_parallel([partial(_visit, post, n) for n in range(visitors)])

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

    in_parallel([partial(work, n) for n in range(visitors + flushers)])
    view_buffer_flush()

    assert _stored(post) == visitors
    assert PostDailyViews.objects.get(post=post).views == visitors


@contextmanager
def _database_refusing(operation: str, table: str):
    """A trigger that makes the database refuse ``operation`` (UPDATE, INSERT) on
    ``table`` while in the block: a real failure of a real write."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE OR REPLACE FUNCTION refuse() RETURNS trigger AS "
                "$$ BEGIN RAISE EXCEPTION 'database refuses'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER refuse_writes BEFORE {operation} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER refuse_writes BEFORE {operation} ON {table} "
                "BEGIN SELECT RAISE(ABORT, 'database refuses'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            on_table = f" ON {table}" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TRIGGER refuse_writes{on_table}")


@pytest.mark.django_db(transaction=True)
def test_a_flush_that_fails_puts_the_counts_back_for_the_next_one():
    post = PostFactory()
    for n in range(5):
        _visit(post, n)
    with (
        _database_refusing("UPDATE", "posts_post"),
        pytest.raises(Exception, match="database refuses"),
    ):
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


# --- Asking the worker for a flush -------------------------------------------------------


def _flushes_asked() -> list:
    return [r for r in task_backends["default"].results if r.task.name == "view_buffer_flush_task"]


def _count(post, n: int) -> bool:
    return post_view_record(
        post=post, visitor=Visitor(key=f"anon:{n:032x}", address_key=f"{n:032x}")
    )


@pytest.mark.django_db
def test_the_first_counted_view_asks_for_one_flush_after_the_flush_interval(settings):
    post = PostFactory()
    before = timezone.now()

    assert _count(post, 1) and _count(post, 2) and _count(post, 3)

    (asked,) = _flushes_asked()
    delay = timedelta(seconds=settings.VIEW_FLUSH_SECONDS)
    assert before + delay <= asked.task.run_after <= timezone.now() + delay


@pytest.mark.django_db
def test_after_a_flush_the_next_counted_view_asks_for_another():
    post = PostFactory()
    _count(post, 1)
    view_buffer_flush()

    _count(post, 2)

    assert len(_flushes_asked()) == 2


@pytest.mark.django_db
def test_a_view_not_counted_asks_for_no_flush():
    post = PostFactory()
    _count(post, 1)
    view_buffer_flush()

    assert _count(post, 1) is False  # a repeat

    assert len(_flushes_asked()) == 1


@pytest.mark.django_db(transaction=True)
def test_when_the_queue_refuses_the_flush_the_view_still_counts_and_the_next_one_asks_again(
    settings, caplog
):
    # The database queue, made to refuse new tasks by a trigger: a real enqueue failure.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.TASKS_ENQUEUE_ON_COMMIT = False
    post = PostFactory()
    table = DBTaskResult._meta.db_table

    with _database_refusing("INSERT", table), caplog.at_level(logging.ERROR):
        assert _count(post, 1) is True
    assert "Could not schedule the view flush" in caplog.messages
    assert not DBTaskResult.objects.exists()

    assert _count(post, 2) is True
    assert DBTaskResult.objects.count() == 1  # asked again at once, not an interval later
    assert view_buffer_flush() == 2


# --- Moving the counts ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_flush_moves_every_batch(monkeypatch):
    monkeypatch.setattr(view_buffer, "FLUSH_BATCH", 2)
    posts = [PostFactory() for _ in range(5)]
    for n, post in enumerate(posts):
        _count(post, n)

    assert view_buffer_flush() == 5

    assert [_stored(post) for post in posts] == [1] * 5


@pytest.mark.django_db
def test_views_of_one_post_on_two_days_are_stored_per_day_and_in_the_total(monkeypatch):
    post = PostFactory()
    today = timezone.now()
    yesterday = today - timedelta(days=1)
    for n, moment in enumerate([yesterday, yesterday, today]):
        monkeypatch.setattr(timezone, "now", lambda moment=moment: moment)
        _count(post, n)

    assert view_buffer_flush() == 3

    assert _stored(post) == 3
    days = dict(PostDailyViews.objects.filter(post=post).values_list("day", "views"))
    assert days == {timezone.localdate(yesterday): 2, timezone.localdate(today): 1}
    assert pending_views([post.pk]) == {}


@pytest.mark.django_db
def test_a_second_flush_on_the_same_day_adds_to_that_days_row_only():
    post, other = PostFactory(), PostFactory()
    yesterday = timezone.localdate() - timedelta(days=1)
    PostDailyViews.objects.create(post=post, day=yesterday, views=7)
    _count(other, 9)
    _count(post, 1)
    view_buffer_flush()

    _count(post, 2)
    _count(post, 3)
    view_buffer_flush()

    rows = PostDailyViews.objects.values_list("post_id", "day", "views")
    assert sorted(rows) == sorted(
        [
            (post.pk, yesterday, 7),
            (post.pk, timezone.localdate(), 3),
            (other.pk, timezone.localdate(), 1),
        ]
    )


@pytest.mark.django_db
def test_a_counter_another_flush_already_took_is_skipped():
    # Two flushes at once can leave a post-day in the set whose counter the other one
    # already moved (taken with GETDEL): the flush moves nothing for it and goes on.
    post = PostFactory()
    client = caches["views"]._cache.get_client(write=True)
    client.sadd(
        caches["views"].make_and_validate_key(view_buffer.DIRTY_KEY), f"{post.pk}:2026-01-01"
    )

    assert view_buffer_flush() == 0

    assert _stored(post) == 0
    assert not PostDailyViews.objects.exists()


@pytest.mark.django_db
def test_nothing_is_waiting_for_a_post_without_views():
    viewed, quiet = PostFactory(), PostFactory()
    _count(viewed, 1)

    assert pending_views([viewed.pk, quiet.pk]) == {viewed.pk: 1}
    assert pending_views([]) == {}


@pytest.mark.django_db
def test_a_days_row_another_writer_creates_in_between_gets_the_views_added_to_it(monkeypatch):
    # Two writers count the first views of a post's day at once: ours finds no row to
    # update, the other inserts it, so our insert fails and we add to that row instead.
    # Django's QuerySet.update is wrapped to let the other writer in at that moment.
    post, day = PostFactory(), timezone.localdate()
    original_update = QuerySet.update
    raced = []

    def update(self, **kwargs):
        changed = original_update(self, **kwargs)
        if self.model is PostDailyViews and not raced:
            raced.append(True)
            PostDailyViews.objects.create(post=post, day=day, views=5)
        return changed

    monkeypatch.setattr(QuerySet, "update", update)

    daily_views_add(post_id=post.pk, day=day, count=2)

    assert PostDailyViews.objects.get(post=post, day=day).views == 7
