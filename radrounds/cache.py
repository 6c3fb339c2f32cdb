"""Cache backends that survive an outage of the cache store.

Every radRounds cache alias uses one of these (database or Redis flavour). They behave
exactly like Django's own backends until the store fails (Redis unreachable, the cache
table missing, the database refusing a write). Then:

- an alias configured with ``"FALLBACK": "local"`` (the rate-limit cache, ``default``)
  keeps working on a per-process in-memory cache, so sign-in and sign-up stay limited
  (per process) instead of answering 500;
- any other alias raises :class:`CacheUnavailable`, one exception its callers catch
  to degrade on purpose (views are not counted, an import preview asks to start again).

Either way the outage is logged (at most once a minute per alias and process), and for
a few seconds afterwards the store is not tried again, so a cache that hangs on connect
costs one timeout, not one per request. :func:`cache_ping` bypasses all of this for
``/readyz``.
"""

from __future__ import annotations

import base64
import logging
import pickle
import threading
import time

from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone

logger = logging.getLogger("radrounds.cache")

# After a failure, serve from the fallback for this long before trying the store again.
RETRY_AFTER_SECONDS = 5.0
LOG_EVERY_SECONDS = 60.0


class CacheUnavailable(Exception):
    """The cache store cannot be reached; the caller should degrade, not fail."""


class _ResilientMixin:
    """Wraps each cache operation: on a store error, log and fall back (or raise)."""

    store_errors: tuple[type[BaseException], ...] = ()

    def __init__(self, location, params):
        params = dict(params)
        self.fallback_mode = params.pop("FALLBACK", None)
        super().__init__(location, params)
        self._alias_label = params.get("KEY_PREFIX") or str(location)
        self._fallback = None
        if self.fallback_mode == "local":
            self._fallback = LocMemCache(
                f"radrounds-fallback-{location}",
                {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 10_000}},
            )
        elif self.fallback_mode not in (None, "none"):
            raise ValueError("FALLBACK must be 'local' or 'none'.")
        self._down_until = 0.0
        self._last_logged = 0.0
        self._lock = threading.Lock()

    # -- the guard -------------------------------------------------------------

    def _store_call(self, method, *args, **kwargs):
        return method(*args, **kwargs)

    def _guarded(self, name: str, *args, **kwargs):
        method = getattr(super(), name)
        if time.monotonic() >= self._down_until:
            try:
                return self._store_call(method, *args, **kwargs)
            except self.store_errors as error:
                self._mark_down(error)
        if self._fallback is None:
            raise CacheUnavailable(f"cache {self._alias_label!r} is unavailable")
        return getattr(self._fallback, name)(*args, **kwargs)

    def _mark_down(self, error: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self._down_until = now + RETRY_AFTER_SECONDS
            should_log = now - self._last_logged >= LOG_EVERY_SECONDS or not self._last_logged
            if should_log:
                self._last_logged = now
        if should_log:
            degraded = "a per-process cache" if self._fallback else "nothing (callers degrade)"
            logger.error(
                "Cache %r is unavailable (%s: %s); using %s until it is back.",
                self._alias_label,
                type(error).__name__,
                error,
                degraded,
            )

    def reset_outage(self) -> None:
        """Forget a recorded outage: the next operation tries the store again."""
        self._down_until = 0.0
        if self._fallback is not None:
            self._fallback.clear()

    def ping(self) -> None:
        """Touch the real store (no fallback, no pause); raises what the store raises."""
        # has_key runs one query / command itself in both backends (get would go
        # through the guarded get_many of the database cache).
        self._store_call(super().has_key, "radrounds:readyz")

    # -- every operation Django's backends implement --------------------------

    def add(self, *args, **kwargs):
        return self._guarded("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._guarded("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._guarded("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._guarded("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._guarded("delete", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._guarded("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._guarded("incr", *args, **kwargs)

    def decr(self, *args, **kwargs):
        return self._guarded("decr", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._guarded("get_many", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._guarded("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._guarded("delete_many", *args, **kwargs)

    def clear(self, *args, **kwargs):
        return self._guarded("clear", *args, **kwargs)


class CountingDatabaseCache(DatabaseCache):
    """Django's database cache with an ``incr()`` that keeps the entry's expiry.

    Django's own ``incr()`` here is a ``get()`` and a ``set()`` with the default timeout
    (five minutes), unlike Redis, memcached and the local-memory cache, which keep it.
    So a rate limit's hourly or daily count vanished five minutes after its last attempt
    (and the limit started again), and a sponsor's impressions, stored without expiry
    until the next flush, expired. This one rewrites the value in place in one
    transaction with the row locked, so parallel increments from several processes are
    exact as well.
    """

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with transaction.atomic(using=db), connection.cursor() as cursor:
            # A write that changes nothing first: it finds the live entry (expired is
            # "expires < now", as Django's get() has it) and locks its row until commit
            # (on SQLite the write transaction itself keeps other writers out).
            # (The table name is the alias's LOCATION from settings, quoted: no input.)
            cursor.execute(
                f"UPDATE {table} SET expires = expires "  # noqa: S608
                "WHERE cache_key = %s AND expires >= %s",
                [key, now],
            )
            if cursor.rowcount != 1:
                raise ValueError(f"Key '{key}' not found")
            cursor.execute(f"SELECT value FROM {table} WHERE cache_key = %s", [key])  # noqa: S608
            new_value = pickle.loads(base64.b64decode(cursor.fetchone()[0].encode())) + delta  # noqa: S301
            pickled = pickle.dumps(new_value, self.pickle_protocol)
            cursor.execute(
                f"UPDATE {table} SET value = %s WHERE cache_key = %s",  # noqa: S608
                [base64.b64encode(pickled).decode("latin1"), key],
            )
        return new_value


class ResilientDatabaseCache(_ResilientMixin, CountingDatabaseCache):
    """Django's database cache (one table per alias) that survives a missing table."""

    store_errors = (DatabaseError,)

    def get(self, key, default=None, version=None):
        # Django's get() is get_many() of one key: guard that once, not twice.
        return self.get_many([key], version=version).get(key, default)

    def _store_call(self, method, *args, **kwargs):
        # On PostgreSQL a failed query aborts the surrounding transaction; inside one,
        # run the cache query in a savepoint so a missing table cannot poison it.
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            with transaction.atomic(using=db):
                return method(*args, **kwargs)
        return method(*args, **kwargs)


def _redis_errors() -> tuple[type[BaseException], ...]:
    from redis.exceptions import RedisError

    return (RedisError, OSError)


class ResilientRedisCache(_ResilientMixin, RedisCache):
    """Django's Redis cache that survives Redis being unreachable or out of memory."""

    store_errors = _redis_errors()


def cache_ping(alias: str) -> str:
    """``"ok"`` or a short description of why the cache ``alias`` cannot be used."""
    from django.core.cache import caches

    cache = caches[alias]
    try:
        if hasattr(cache, "ping"):
            cache.ping()
        else:
            cache.get("radrounds:readyz")
    except Exception as error:  # noqa: BLE001 - any failure means "not ok", reported as text
        return f"error: {type(error).__name__}"
    return "ok"
