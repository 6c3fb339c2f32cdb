"""Keeping the search index and the term rows in step with the posts.

Every write path calls these: imports (``post_import``), the admin (save, hide, unhide,
delete, bulk actions), ``seed_demo``, and the rebuild command/task. Hidden posts are
taken out of the full-text index, so they can never be found; their term rows stay
(they mirror the post) and every read filters on visibility too.
"""

from django.core.cache import cache
from django.db import connection, transaction

from posts.models import Post, PostTerm
from posts.search import backend
from posts.search.documents import document_for, term_rows
from posts.search.results import SUGGESTIONS_CACHE_KEY
from radrounds.pagecache import pages_changed

BATCH = 500


def _write_terms(posts: list[Post]) -> None:
    PostTerm.objects.filter(post__in=[p.pk for p in posts]).delete()
    PostTerm.objects.bulk_create(
        PostTerm(post=post, kind=kind, value=value, key=value.lower()[:255], major=major)
        for post in posts
        for kind, value, major in term_rows(post)
    )


def _forget_suggestions() -> None:
    # The empty search page's topics are counted from these rows; count them again.
    transaction.on_commit(lambda: cache.delete(SUGGESTIONS_CACHE_KEY))
    cache.delete(SUGGESTIONS_CACHE_KEY)


@transaction.atomic
def posts_index(*, posts: list[Post]) -> None:
    """Bring the index entries and term rows of ``posts`` in line with what they hold now."""
    if not posts:
        return
    _forget_suggestions()
    pages_changed()
    _write_terms(posts)
    engine = backend()
    with connection.cursor() as cursor:
        engine.delete(cursor, [p.pk for p in posts])
        engine.write(cursor, [(p.pk, document_for(p)) for p in posts if not p.is_hidden])


def post_index(*, post: Post) -> None:
    posts_index(posts=[post])


@transaction.atomic
def posts_unindex(*, post_ids: list[int]) -> None:
    """Remove the index entries of posts about to be deleted (term rows go with the post)."""
    _forget_suggestions()
    with connection.cursor() as cursor:
        backend().delete(cursor, list(post_ids))


@transaction.atomic
def posts_set_hidden(*, post_ids: list[int], hidden: bool) -> int:
    """Hide or show posts, in the index too. Returns how many changed."""
    changed = Post.objects.filter(pk__in=post_ids).exclude(is_hidden=hidden)
    posts = list(changed)
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(is_hidden=hidden)
    pages_changed()
    for post in posts:
        post.is_hidden = hidden
    posts_index(posts=posts)
    return len(posts)


@transaction.atomic
def search_index_rebuild() -> int:
    """Rebuild the whole index from the posts (after a restore, or if it ever drifts)."""
    engine = backend()
    _forget_suggestions()
    with connection.cursor() as cursor:
        engine.clear(cursor)
    PostTerm.objects.all().delete()
    count = 0
    queryset = Post.objects.order_by("pk")
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last)[:BATCH])
        if not batch:
            return count
        posts_index(posts=batch)
        count += len(batch)
        last = batch[-1].pk
