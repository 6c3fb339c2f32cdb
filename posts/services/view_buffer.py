"""Counting views in Redis and moving them into the database in batches.

With a Redis ``views`` cache a counted view is one Lua script: the de-duplication
mark, the per-address cap and the increment happen atomically in Redis, and the
database is not written on the request path. ``view_buffer_flush`` (a task queued at
most once per ``VIEW_FLUSH_SECONDS``, ``manage.py flush_views``, and the admin when it
shows counts) moves the counts into ``Post.view_count`` and ``PostDailyViews``.

Keys, all under the ``views`` cache's prefix:

- ``viewbuf:<post>:<day>``: views of a post on a day not yet in the database. A flush
  takes each with GETDEL, so a view counted while it runs lands in a new key and is
  taken by the next flush: none is lost, none is moved twice, also when two flushes
  run at once. If the database write fails the taken counts are put back.
- ``viewbuf:dirty``: the set of ``<post>:<day>`` that have a counter.
- ``viewbuf:total:<post>``: the post's views not yet in the database, for the page to
  show ``stored + waiting``. It is lowered only after the flush commits, so a reader
  never sees fewer views than were counted (for the instant between the commit and
  the decrement a reader sees those views twice).

A process killed between taking the counters and committing loses those counts (a
``kill -9`` of the worker in that window of milliseconds); anything short of that
(an exception, a database outage) puts them back.

With the database cache (the SQLite default) there is no buffer: a counted view is
written at once with F() increments (posts.services.viewing), because a counter in
the database cache would itself be a database write.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from posts.models import Post, PostDailyViews
from radrounds.background import enqueue

logger = logging.getLogger(__name__)

VIEWS_CACHE_ALIAS = "views"
DIRTY_KEY = "viewbuf:dirty"
FLUSH_PENDING_KEY = "viewbuf:flush-pending"
FLUSH_BATCH = 5_000

# KEYS: mark, cap ("" when there is no cap), counter, total, dirty set, flush-pending.
# ARGV: dedupe seconds, cap seconds, cap limit, dirty member, flush interval seconds.
# Returns 0 (not counted), 1 (counted) or 2 (counted, and a flush must be scheduled).
_COUNT_SCRIPT = """
if not redis.call('SET', KEYS[1], 1, 'NX', 'EX', ARGV[1]) then return 0 end
if KEYS[2] ~= '' then
  local seen = redis.call('INCR', KEYS[2])
  if seen == 1 then redis.call('EXPIRE', KEYS[2], ARGV[2]) end
  if seen > tonumber(ARGV[3]) then return 0 end
end
redis.call('INCR', KEYS[3])
redis.call('INCR', KEYS[4])
redis.call('SADD', KEYS[5], ARGV[4])
if redis.call('SET', KEYS[6], 1, 'NX', 'EX', ARGV[5]) then return 2 end
return 1
"""


def buffering() -> bool:
    """Whether views are counted in Redis and flushed in batches (``VIEW_BUFFER``)."""
    return settings.VIEW_BUFFER and isinstance(caches[VIEWS_CACHE_ALIAS], RedisCache)


def _cache() -> RedisCache:
    return caches[VIEWS_CACHE_ALIAS]


def _key(name: str) -> str:
    return _cache().make_and_validate_key(name)


def _client():
    return _cache()._cache.get_client(write=True)


def _redis_errors():
    from redis.exceptions import RedisError

    return (RedisError, OSError)


def buffered_view_record(*, post_id: int, visitor_key: str, address_key: str, cap: int) -> bool:
    """Mark, cap and count one view atomically in Redis; True when it counted.

    Raises the store's error when Redis is unreachable (the caller degrades).
    """
    day = timezone.localdate().isoformat()
    hour = int(timezone.now().timestamp() // 3600)
    cap_key = _key(f"postview-address:{post_id}:{address_key}:{hour}") if address_key else ""
    keys = [
        _key(f"postview:{post_id}:{visitor_key}"),
        cap_key,
        _key(f"viewbuf:{post_id}:{day}"),
        _key(f"viewbuf:total:{post_id}"),
        _key(DIRTY_KEY),
        _key(FLUSH_PENDING_KEY),
    ]
    args = [settings.VIEW_DEDUPE_SECONDS, 3600 + 60, cap, f"{post_id}:{day}"]
    args.append(settings.VIEW_FLUSH_SECONDS)
    result = _client().eval(_COUNT_SCRIPT, len(keys), *keys, *args)
    if result == 2:
        _schedule_flush()
    return result > 0


def _schedule_flush() -> None:
    from posts.tasks import view_buffer_flush_task

    task = view_buffer_flush_task
    try:
        if task.get_backend().supports_defer:
            delay = timedelta(seconds=settings.VIEW_FLUSH_SECONDS)
            task = task.using(run_after=timezone.now() + delay)
        enqueue(task)
    except Exception:  # a queue outage must not fail the page; the next interval retries
        logger.exception("Could not schedule the view flush")
        _client().delete(_key(FLUSH_PENDING_KEY))


def pending_views(post_ids) -> dict[int, int]:
    """Views of each post counted but not yet in the database (0 without a buffer)."""
    post_ids = list(post_ids)
    if not post_ids or not buffering():
        return {}
    try:
        values = _client().mget([_key(f"viewbuf:total:{pk}") for pk in post_ids])
    except _redis_errors():
        return {}
    waiting = {pk: int(value or 0) for pk, value in zip(post_ids, values, strict=True)}
    return {pk: count for pk, count in waiting.items() if count > 0}


def view_buffer_flush() -> int:
    """Move the views waiting in Redis into the database; returns how many moved."""
    if not buffering():
        return 0
    client = _client()
    moved = 0
    while True:
        members = client.spop(_key(DIRTY_KEY), FLUSH_BATCH) or []
        if not members:
            break
        moved += _flush_members(client, [m.decode() for m in members])
    client.delete(_key(FLUSH_PENDING_KEY))
    if moved:
        from radrounds.pagecache import pages_changed

        pages_changed()  # cards on cached pages show the stored counts
    return moved


def _flush_members(client, members: list[str]) -> int:
    pipe = client.pipeline(transaction=False)
    for member in members:
        pipe.getdel(_key(f"viewbuf:{member}"))
    taken: dict[tuple[int, date], int] = {}
    for member, value in zip(members, pipe.execute(), strict=True):
        if value and int(value) > 0:
            post_id, day = member.split(":")
            taken[(int(post_id), date.fromisoformat(day))] = int(value)
    if not taken:
        return 0
    try:
        _store(taken)
    except BaseException:
        # Put every taken count back, so the next flush moves it.
        pipe = client.pipeline(transaction=False)
        for (post_id, day), count in taken.items():
            member = f"{post_id}:{day.isoformat()}"
            pipe.incrby(_key(f"viewbuf:{member}"), count)
            pipe.sadd(_key(DIRTY_KEY), member)
        pipe.execute()
        raise
    per_post: dict[int, int] = defaultdict(int)
    for (post_id, _day), count in taken.items():
        per_post[post_id] += count
    pipe = client.pipeline(transaction=False)
    for post_id, count in per_post.items():
        pipe.decrby(_key(f"viewbuf:total:{post_id}"), count)
    pipe.execute()
    return sum(per_post.values())


@transaction.atomic
def _store(taken: dict[tuple[int, date], int]) -> None:
    # Views of a post deleted since have nothing left to count against.
    existing = set(
        Post.objects.filter(pk__in={pk for pk, _day in taken}).values_list("pk", flat=True)
    )
    per_post: dict[int, int] = defaultdict(int)
    for (post_id, day), count in taken.items():
        if post_id in existing:
            per_post[post_id] += count
            daily_views_add(post_id=post_id, day=day, count=count)
    for post_id, count in per_post.items():
        Post.objects.filter(pk=post_id).update(view_count=F("view_count") + count)


def daily_views_add(*, post_id: int, day: date, count: int) -> None:
    """Add ``count`` to a post's views on ``day`` (F() increments; safe in parallel)."""
    rows = PostDailyViews.objects.filter(post_id=post_id, day=day)
    if rows.update(views=F("views") + count):
        return
    try:
        with transaction.atomic():
            PostDailyViews.objects.create(post_id=post_id, day=day, views=count)
    except IntegrityError:
        # Another request created the row between our update and insert.
        rows.update(views=F("views") + count)
