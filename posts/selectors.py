"""Reads the discussion pages share: a page of threads, feeds, a member's comments.

Every function here runs a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.cache import caches
from django.db.models import Count, DateTimeField, Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from posts.models import (
    Comment,
    CommentLike,
    MemberFollow,
    Post,
    PostFollow,
    PostLike,
    SavedPost,
)
from posts.models.discussion import THREADS_PER_PAGE
from radrounds.cache import CacheUnavailable

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class Thread:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


@dataclass
class DiscussionPage:
    threads: list[Thread]
    number: int
    num_pages: int
    thread_count: int
    # Whether this viewer may comment, reply and like here (see discussion_open).
    open: bool = False

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _page_number(raw, num_pages: int) -> int:
    try:
        number = int(raw)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), num_pages)


def discussion_open(post: Post, user) -> bool:
    """Whether ``user`` may take part in ``post``'s discussion: members, on a visible post.

    A hidden post's own author can still read it (and why it is hidden), but every
    action on it answers 404 to anyone but staff, so none is offered.
    """
    return user.is_authenticated and (user.is_staff or not post.is_hidden)


def discussion_page(*, post: Post, user, page=None) -> DiscussionPage:
    """One page of ``post``'s threads with all their replies, in one query (the number
    of threads rides along as a subquery), plus one for a signed-in member's likes."""
    number = _page_number(page, num_pages=10**9)
    comments = _page_comments(post, number)
    if not comments and number > 1:
        # A page past the end (an old link): show the last one instead.
        threads = Comment.objects.filter(post=post).threads().count()
        number = max(1, -(-threads // THREADS_PER_PAGE))
        comments = _page_comments(post, number)
    thread_count = comments[0].thread_total if comments else 0
    num_pages = max(1, -(-thread_count // THREADS_PER_PAGE))
    liked: set[int] = set()
    if user.is_authenticated:
        liked = set(
            CommentLike.objects.filter(user=user, comment__post=post).values_list(
                "comment_id", flat=True
            )
        )
    taking_part = discussion_open(post, user)
    by_id: dict[int, Thread] = {}
    ordered: list[Thread] = []
    for comment in comments:
        annotate_for_viewer(comment, user, liked, taking_part=taking_part)
        if comment.parent_id is None:
            by_id[comment.pk] = Thread(comment)
            ordered.append(by_id[comment.pk])
    for comment in comments:
        if comment.parent_id is not None and comment.parent_id in by_id:
            by_id[comment.parent_id].replies.append(comment)
    return DiscussionPage(ordered, number, num_pages, thread_count, open=taking_part)


def _page_comments(post: Post, number: int) -> list[Comment]:
    threads = Comment.objects.filter(post=post).threads()
    offset = (number - 1) * THREADS_PER_PAGE
    page_ids = threads.values("pk")[offset : offset + THREADS_PER_PAGE]
    thread_total = (
        Comment.objects.filter(post=post, parent__isnull=True)
        .values("post")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return list(
        Comment.objects.filter(Q(pk__in=page_ids) | Q(parent__in=page_ids))
        .annotate(thread_total=Subquery(thread_total))
        .select_related("author")
        .order_by("created_at", "pk")
    )


def annotate_for_viewer(comment: Comment, user, liked: set[int], *, taking_part: bool) -> None:
    """What this viewer may see and do with ``comment``, for the template.

    ``taking_part``: the viewer may act in this discussion at all (discussion_open).
    """
    comment.viewer_sees_text = comment.text_visible_to(user)
    comment.viewer_liked = comment.pk in liked
    comment.viewer_can_edit = taking_part and comment.can_edit(user)
    comment.viewer_can_delete = taking_part and comment.can_delete(user)
    comment.viewer_can_reply = taking_part
    comment.viewer_can_like = (
        taking_part
        and comment.author_id != user.pk
        and not comment.is_deleted
        and not comment.is_hidden
    )


def comment_page_number(comment: Comment) -> int:
    """The page of its post's discussion that shows ``comment``."""
    root = comment.parent or comment
    before = (
        Comment.objects.filter(post_id=comment.post_id, parent__isnull=True)
        .filter(Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk))
        .count()
    )
    return before // THREADS_PER_PAGE + 1


def with_member_state(posts, user):
    """Annotate liked/saved/following for ``user`` on a post queryset (no extra query)."""
    if not user.is_authenticated:
        return posts
    return posts.annotate(
        viewer_liked=Exists(PostLike.objects.filter(post=OuterRef("pk"), user=user)),
        viewer_saved=Exists(SavedPost.objects.filter(post=OuterRef("pk"), user=user)),
        viewer_following=Exists(PostFollow.objects.filter(post=OuterRef("pk"), user=user)),
    )


def discussed_posts(user):
    """Posts with the most recent discussion first."""
    return (
        Post.objects.visible_to(user)
        .filter(last_commented_at__isnull=False)
        .select_related("posted_by")
        .order_by("-last_commented_at", "-pk")
    )


def following_posts(user):
    """Posts that members ``user`` follows posted, commented on or liked, most recent
    of those acts first."""
    followed = MemberFollow.objects.filter(follower=user).values("followed_id")
    last_comment = (
        Comment.objects.filter(
            post=OuterRef("pk"), author__in=followed, is_deleted=False, is_hidden=False
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    last_like = (
        PostLike.objects.filter(post=OuterRef("pk"), user__in=followed)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    never = Value(EPOCH, output_field=DateTimeField())
    return (
        Post.objects.visible_to(user)
        .filter(Q(posted_by__in=followed) | Q(Exists(last_comment)) | Q(Exists(last_like)))
        .annotate(
            followed_activity=Greatest(
                Coalesce(Subquery(last_comment), never),
                Coalesce(Subquery(last_like), never),
                Coalesce(
                    Subquery(
                        Post.objects.filter(pk=OuterRef("pk"), posted_by__in=followed).values(
                            "created_at"
                        )[:1]
                    ),
                    never,
                ),
            )
        )
        .select_related("posted_by")
        .order_by("-followed_activity", "-pk")
    )


def saved_posts(user):
    """The member's saved posts, newest saved first."""
    latest_save = SavedPost.objects.filter(post=OuterRef("pk"), user=user).values("created_at")[:1]
    return (
        Post.objects.visible_to(user)
        .filter(saves__user=user)
        .annotate(saved_at=Subquery(latest_save))
        .select_related("posted_by")
        .order_by("-saved_at", "-pk")
    )


def recent_comments_of(member, *, limit: int = 10):
    """A member's latest comments that others may read, newest first."""
    return (
        Comment.objects.filter(author=member)
        .listed()
        .select_related("post")
        .order_by("-created_at", "-pk")[:limit]
    )


POPULAR_CACHE_SECONDS = 60


def popular_posts_list(*, limit: int = 5) -> list[Post]:
    """The "Popular" list: its ranking is reused for a minute, its posts are read fresh.

    Ranking sums a month of daily views (tens of milliseconds on a large site) and is
    the same for everyone, so the ids are kept in the ``pages`` cache; the posts are
    read each time, so an edit shows and a hidden post leaves the list at once.
    """
    cache = caches["pages"]
    key = f"popular:{limit}:{timezone.localdate().isoformat()}"
    try:
        ids = cache.get(key)
    except CacheUnavailable:
        ids = None
    if ids is None:
        posts = list(Post.objects.popular(limit=limit))
        with contextlib.suppress(CacheUnavailable):
            cache.set(key, [post.pk for post in posts], POPULAR_CACHE_SECONDS)
        return posts
    found = Post.objects.visible().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
