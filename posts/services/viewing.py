"""Counting distinct views of a post."""

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from posts.models import Post, PostDailyViews
from posts.services.achievements import post_read_record
from posts.visitors import Visitor


def post_view_record(*, post: Post, visitor: Visitor) -> bool:
    """Count ``visitor``'s view of ``post`` unless it was already counted in the window.

    Returns True when the view was counted. The poster's own views never count.
    A member's counted view is also remembered as a read (for the "25 posts read"
    badge): two or three small queries, only when the view counts, never on a repeat.
    ``cache.add`` is atomic in every shared backend (database, Redis), so two
    parallel requests from one visitor count once; a repeat view inside the window
    is a single cache read and writes nothing. Increments use F() so parallel views
    from different visitors never lose one.
    """
    if visitor.user_id is not None and visitor.user_id == post.posted_by_id:
        return False
    key = f"postview:{post.pk}:{visitor.key}"
    # The read first: a repeat view is then a single SELECT. (The database cache's
    # add() would attempt an INSERT, and on SQLite take the write lock, every time.)
    if cache.get(key) is not None:
        return False
    if not cache.add(key, 1, timeout=settings.VIEW_DEDUPE_SECONDS):
        return False
    _increment_views(post_id=post.pk)
    if visitor.user_id is not None:
        post_read_record(user_id=visitor.user_id, post_id=post.pk)
    return True


@transaction.atomic
def _increment_views(*, post_id: int) -> None:
    Post.objects.filter(pk=post_id).update(view_count=F("view_count") + 1)
    today = timezone.localdate()
    if PostDailyViews.objects.filter(post_id=post_id, day=today).update(views=F("views") + 1):
        return
    try:
        with transaction.atomic():
            PostDailyViews.objects.create(post_id=post_id, day=today, views=1)
    except IntegrityError:
        # Another request created today's row between our update and insert.
        PostDailyViews.objects.filter(post_id=post_id, day=today).update(views=F("views") + 1)
