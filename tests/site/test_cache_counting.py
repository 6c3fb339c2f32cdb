"""Counters in the database cache (radrounds.cache.CountingDatabaseCache): an increment
keeps the entry's expiry and is exact when several processes count at once.

Each test runs on a database cache table of its own, so it runs on SQLite and under
`make test-scale` on PostgreSQL alike."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.cache_ttl import expires_at, seconds_left
from tests.concurrency import in_parallel

ALIAS = "counting-test"
TABLE = "radrounds_cache_counting_test"


@pytest.fixture
def counting_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        ALIAS: {"BACKEND": "radrounds.cache.ResilientDatabaseCache", "LOCATION": TABLE},
    }
    call_command("createcachetable", TABLE, verbosity=0)
    yield caches[ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(TABLE)}")


@pytest.mark.django_db
def test_an_increment_keeps_the_entrys_expiry(counting_cache):
    counting_cache.set("count", 1, timeout=3600)

    assert counting_cache.incr("count") == 2

    assert 3590 < seconds_left(counting_cache, "count") <= 3600
    assert counting_cache.get("count") == 2


@pytest.mark.django_db
def test_an_entry_stored_without_expiry_stays_without_it(counting_cache):
    counting_cache.set("count", 1, timeout=None)

    counting_cache.incr("count", 5)

    assert seconds_left(counting_cache, "count") > 100 * 365 * 86400
    assert counting_cache.get("count") == 6


@pytest.mark.django_db
def test_a_decrement_counts_down_and_keeps_the_expiry(counting_cache):
    counting_cache.set("count", 10, timeout=600)

    assert counting_cache.decr("count", 3) == 7
    assert 590 < seconds_left(counting_cache, "count") <= 600


@pytest.mark.django_db
def test_a_missing_entry_cannot_be_incremented(counting_cache):
    with pytest.raises(ValueError, match="not found"):
        counting_cache.incr("never-set")


@pytest.mark.django_db
def test_an_expired_entry_cannot_be_incremented_or_brought_back(counting_cache):
    counting_cache.set("count", 1, timeout=0)  # expires at once

    with pytest.raises(ValueError, match="not found"):
        counting_cache.incr("count")
    assert counting_cache.get("count") is None


@pytest.mark.django_db
def test_entries_are_counted_apart(counting_cache):
    counting_cache.set("a", 1)
    counting_cache.set("b", 100)

    counting_cache.incr("a")

    assert counting_cache.get_many(["a", "b"]) == {"a": 2, "b": 100}


@pytest.mark.django_db(transaction=True)
def test_parallel_increments_are_all_counted(counting_cache):
    counting_cache.set("count", 0, timeout=3600)
    workers, each = 8, 10

    def work():
        for _ in range(each):
            caches[ALIAS].incr("count")

    in_parallel([work] * workers)

    assert counting_cache.get("count") == workers * each


@pytest.mark.django_db
def test_a_count_is_kept_apart_per_cache_version(counting_cache):
    counting_cache.set("count", 1, version=2)

    assert counting_cache.incr("count", version=2) == 2
    with pytest.raises(ValueError, match="not found"):
        counting_cache.incr("count")  # version 1 was never set
    assert counting_cache.get("count", version=2) == 2


@pytest.mark.django_db
def test_an_entry_can_be_counted_up_to_its_last_instant(counting_cache, monkeypatch):
    # As Django's get() has it: an entry has expired once "expires" is in the past.
    counting_cache.set("count", 1, timeout=60)
    expires = expires_at(counting_cache, "count")
    monkeypatch.setattr(timezone, "now", lambda: expires)

    assert counting_cache.incr("count") == 2

    monkeypatch.setattr(timezone, "now", lambda: expires + timedelta(microseconds=1))
    with pytest.raises(ValueError, match="not found"):
        counting_cache.incr("count")
