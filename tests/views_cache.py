"""A Redis views cache of a test's own (posts.services.view_buffer and viewing)."""

import os
import uuid
from contextlib import contextmanager

import pytest
import redis

# Tests of the Redis branches of view counting use a Redis views cache of their own in
# every run that can reach a Redis server (plain `make test`, mutation runs), not only
# under `make test-scale`: a key prefix per test, removed afterwards.
VIEWS_TEST_REDIS_URL = os.environ.get("VIEWS_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@contextmanager
def redis_views_cache(settings, *, buffered: bool):
    """Count views in Redis for one test: buffered (the Lua script, flushed later) or
    not (marks and caps in Redis, counts written at once). Skips where no Redis answers.

    The flush task is queued, not run: a test flushes when it says so.
    """
    client = redis.Redis.from_url(VIEWS_TEST_REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"no Redis at {VIEWS_TEST_REDIS_URL} for the Redis views branch")
    prefix = f"rr-views-test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "views": {
            "BACKEND": "radrounds.cache.ResilientRedisCache",
            "LOCATION": VIEWS_TEST_REDIS_URL,
            "KEY_PREFIX": prefix,
        },
    }
    settings.VIEW_BUFFER = buffered
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    try:
        yield client
    finally:
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
        client.close()
