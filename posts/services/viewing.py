"""Counting distinct views of a post.

Marks and caps live in the ``views`` cache alias, apart from rate limits and import
previews, so no flood of views can evict a sign-in lockout. When that cache is down
views are simply not counted (and that is logged): a page always renders.
"""

import logging

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from posts.models import Post
from posts.services.achievements import post_read_record
from posts.services.view_buffer import buffered_view_record, buffering, daily_views_add
from posts.visitors import Visitor
from radrounds.cache import CacheUnavailable

logger = logging.getLogger(__name__)

VIEWS_CACHE_ALIAS = "views"
# One address adds at most this many views to a post per hour, whatever user agents
# it sends (signed-in members are counted by account, so a hospital's readers behind
# one proxy still count separately when they sign in).
ADDRESS_VIEWS_PER_HOUR = 3


def post_view_record(*, post: Post, visitor: Visitor) -> bool:
    return post_id_view_record(post_id=post.pk, posted_by_id=post.posted_by_id, visitor=visitor)


def post_id_view_record(*, post_id: int, posted_by_id: int | None, visitor: Visitor) -> bool:
    """Count ``visitor``'s view of ``post`` unless it was already counted in the window.

    Returns True when the view was counted. The poster's own views never count, nor
    views from an anonymous address past ``ADDRESS_VIEWS_PER_HOUR`` for this post.
    A member's counted view is also remembered as a read (for the "25 posts read"
    badge): two or three small queries, only when the view counts, never on a repeat.
    ``cache.add`` is atomic in every shared backend (database, Redis), so two
    parallel requests from one visitor count once; a repeat view inside the window
    is a single cache read and writes nothing. Increments use F() so parallel views
    from different visitors never lose one. With a Redis views cache the mark, the cap
    and the increment are one atomic script and the count waits in Redis for a flush
    (posts.services.view_buffer): no database write unless a member's read is new.
    """
    if visitor.user_id is not None and visitor.user_id == posted_by_id:
        return False
    try:
        if buffering():
            counted = _buffered(post_id=post_id, visitor=visitor)
            if counted and visitor.user_id is not None:
                post_read_record(user_id=visitor.user_id, post_id=post_id)
            return counted
        return _counted_at_once(post_id=post_id, visitor=visitor)
    except CacheUnavailable:
        logger.warning("View of post %s not counted: the views cache is unavailable.", post_id)
        return False


def _counted_at_once(*, post_id: int, visitor: Visitor) -> bool:
    """Mark, cap and count in one database transaction (the database cache).

    The repeat check is a plain read first. After it, everything is one transaction:
    on SQLite one write lock instead of four (the mark, the cap's add and increment,
    and the counters each took it before), which is what parallel new visitors queue
    for; the cap's read-and-write increment is atomic inside it, too.
    """
    cache = caches[VIEWS_CACHE_ALIAS]
    if cache.get(_mark_key(post_id, visitor)) is not None:
        return False
    with transaction.atomic():
        if not _first_view(post_id=post_id, visitor=visitor):
            return False
        _increment_views(post_id=post_id)
        if visitor.user_id is not None:
            post_read_record(user_id=visitor.user_id, post_id=post_id)
    return True


def _mark_key(post_id: int, visitor: Visitor) -> str:
    return f"postview:{post_id}:{visitor.key}"


def _buffered(*, post_id: int, visitor: Visitor) -> bool:
    from redis.exceptions import RedisError

    try:
        return buffered_view_record(
            post_id=post_id,
            visitor_key=visitor.key,
            address_key=visitor.address_key,
            cap=ADDRESS_VIEWS_PER_HOUR,
        )
    except (RedisError, OSError) as error:
        raise CacheUnavailable(str(error)) from error


def _first_view(*, post_id: int, visitor: Visitor) -> bool:
    """Set the visitor's mark (atomic ``add``) and apply the address cap.

    The caller reads the mark first, so a repeat view is a single SELECT (the
    database cache's add() would attempt an INSERT, and on SQLite take the write
    lock, every time).
    """
    cache = caches[VIEWS_CACHE_ALIAS]
    if not cache.add(_mark_key(post_id, visitor), 1, timeout=settings.VIEW_DEDUPE_SECONDS):
        return False
    return not visitor.address_key or _address_within_cap(
        cache, post_id=post_id, address_key=visitor.address_key
    )


def _address_within_cap(cache, *, post_id: int, address_key: str) -> bool:
    hour = int(timezone.now().timestamp() // 3600)
    key = f"postview-address:{post_id}:{address_key}:{hour}"
    if isinstance(cache, DatabaseCache):
        # Inside the caller's transaction, which holds the write lock on SQLite: one read
        # and one write, where add() then incr() would be two writes and two reads.
        count = (cache.get(key) or 0) + 1
        cache.set(key, count, timeout=3600 + 60)
        return count <= ADDRESS_VIEWS_PER_HOUR
    cache.add(key, 0, timeout=3600 + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=3600 + 60)
        count = 1
    return count <= ADDRESS_VIEWS_PER_HOUR


@transaction.atomic
def _increment_views(*, post_id: int) -> None:
    Post.objects.filter(pk=post_id).update(view_count=F("view_count") + 1)
    daily_views_add(post_id=post_id, day=timezone.localdate(), count=1)
