"""Sponsors: saving with a re-encoded image, and counting impressions and clicks cheaply.

Impressions and clicks are counted in the shared cache (one increment, no database
write on the request path) and added to the database by ``sponsor_stats_flush``,
which a background task runs a few minutes after counting starts, the admin runs
before showing the numbers, and ``manage.py flush_sponsor_stats`` runs on demand.
With Redis every increment is atomic; Django's database cache increments by read and
write, so two hits in the same instant may count once.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from posts.models import Sponsor
from radrounds.background import enqueue
from radrounds.images import random_name

logger = logging.getLogger(__name__)

KINDS = ("impressions", "clicks")
FLUSH_PENDING_KEY = "sponsor:flush-pending"


def _key(kind: str, sponsor_id: int) -> str:
    return f"sponsor:{kind}:{sponsor_id}"


def sponsor_save(*, sponsor: Sponsor, image: tuple[bytes, tuple[int, int]] | None = None):
    """Save a sponsor and, when given, its new re-encoded image; the old file goes on commit."""
    old = sponsor.image.name if image is not None and sponsor.pk else ""
    if image is not None:
        data, (width, height) = image
        sponsor.image.name = default_storage.save(
            "sponsors/" + random_name("ad", "webp"), ContentFile(data)
        )
        sponsor.image_width, sponsor.image_height = width, height
    try:
        with transaction.atomic():
            sponsor.save()
    except Exception:
        if image is not None:
            default_storage.delete(sponsor.image.name)
        raise
    if old and old != sponsor.image.name:
        transaction.on_commit(lambda: _delete_file(old))
    return sponsor


def _delete_file(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("Could not delete sponsor image %s", name, exc_info=True)


def sponsor_event_count(*, sponsor_id: int, kind: str) -> None:
    """Count one impression or click in the cache, and make sure a flush is on its way."""
    if kind not in KINDS:
        raise ValueError(f"Unknown sponsor event {kind!r}")
    key = _key(kind, sponsor_id)
    if not cache.add(key, 1, timeout=None):
        try:
            cache.incr(key)
        except ValueError:  # flushed and deleted in between
            cache.add(key, 1, timeout=None)
    if cache.add(FLUSH_PENDING_KEY, 1, timeout=settings.SPONSOR_FLUSH_SECONDS):
        _schedule_flush()


def _schedule_flush() -> None:
    from posts.tasks import sponsor_stats_flush_task

    task = sponsor_stats_flush_task
    if task.get_backend().supports_defer:
        delay = timedelta(seconds=settings.SPONSOR_FLUSH_SECONDS)
        task = task.using(run_after=timezone.now() + delay)
    enqueue(task)


def sponsor_stats_flush() -> int:
    """Move the counts waiting in the cache into the database; returns how many events moved."""
    ids = list(Sponsor.objects.values_list("pk", flat=True))
    keys = [_key(kind, pk) for pk in ids for kind in KINDS]
    waiting = cache.get_many(keys)
    moved = 0
    for pk in ids:
        changes = {}
        for kind in KINDS:
            count = int(waiting.get(_key(kind, pk)) or 0)
            if count <= 0:
                continue
            # Subtract what we read rather than delete: a hit counted meanwhile stays.
            try:
                cache.decr(_key(kind, pk), count)
            except ValueError:
                continue
            changes[kind] = F(kind) + count
            moved += count
        if changes:
            Sponsor.objects.filter(pk=pk).update(**changes)
    cache.delete(FLUSH_PENDING_KEY)
    return moved
