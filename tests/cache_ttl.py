"""When a cache entry expires, read from the store itself (database table or Redis).

Tests use it to check that a counter or mark lives exactly as long as its promise (an
hour's cap, a rate window) in every store a run configures.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import connections, router
from django.utils import timezone
from django.utils.dateparse import parse_datetime


def expires_at(cache, fragment: str) -> datetime:
    """When the one entry of ``cache`` whose key contains ``fragment`` expires."""
    pattern = cache.make_key(f"*{fragment}*")
    if isinstance(cache, DatabaseCache):
        db = router.db_for_read(cache.cache_model_class)
        table = connections[db].ops.quote_name(cache._table)
        with connections[db].cursor() as cursor:
            cursor.execute(
                f"SELECT expires FROM {table} WHERE cache_key LIKE %s",  # noqa: S608
                [pattern.replace("*", "%")],
            )
            rows = cursor.fetchall()
        assert len(rows) == 1, f"{len(rows)} entries match {fragment!r}"
        expires = rows[0][0]
        if isinstance(expires, str):
            expires = parse_datetime(expires)
        if timezone.is_naive(expires):
            expires = timezone.make_aware(expires, timezone.get_fixed_timezone(0))
        return expires
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client()
        keys = list(client.scan_iter(match=pattern))
        assert len(keys) == 1, f"{len(keys)} entries match {fragment!r}"
        return timezone.now() + timedelta(milliseconds=client.pttl(keys[0]))
    raise AssertionError(f"cannot read expiry times from {type(cache).__name__}")


def seconds_left(cache, fragment: str) -> float:
    """Seconds until the one entry of ``cache`` whose key contains ``fragment`` expires."""
    return (expires_at(cache, fragment) - timezone.now()).total_seconds()
