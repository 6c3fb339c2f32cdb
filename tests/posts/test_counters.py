"""The like and comment counters, moved where they are decided (the services)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from posts.models import Comment, CommentLike, Post, PostLike
from posts.services.discussion import comments_hide, comments_unhide
from posts.services.engagement import comment_like_set, post_like_set
from tests.factories import CommentFactory, PostFactory, UserFactory, moderator

pytestmark = pytest.mark.django_db


def _post(post) -> Post:
    return Post.objects.get(pk=post.pk)


# --- Likes -----------------------------------------------------------------------------------


def test_a_like_counts_once_and_an_unlike_takes_it_back():
    post, member = PostFactory(), UserFactory()

    assert post_like_set(user=member, post=post, liked=True) == 1
    assert post_like_set(user=member, post=post, liked=True) == 1
    assert PostLike.objects.filter(post=post).count() == 1
    assert post_like_set(user=UserFactory(), post=post, liked=True) == 2
    assert post_like_set(user=member, post=post, liked=False) == 1
    assert post_like_set(user=member, post=post, liked=False) == 1
    assert _post(post).like_count == 1


def test_unliking_what_was_never_liked_changes_nothing():
    post = PostFactory()
    Post.objects.filter(pk=post.pk).update(like_count=4)

    assert post_like_set(user=UserFactory(), post=post, liked=False) == 4


def test_a_comment_like_counts_once_and_an_unlike_takes_it_back():
    comment, member = CommentFactory(), UserFactory()

    assert comment_like_set(user=member, comment=comment, liked=True) == 1
    assert comment_like_set(user=member, comment=comment, liked=True) == 1
    assert comment_like_set(user=UserFactory(), comment=comment, liked=True) == 2
    assert comment_like_set(user=member, comment=comment, liked=False) == 1
    assert comment_like_set(user=member, comment=comment, liked=False) == 1
    assert CommentLike.objects.filter(comment=comment).count() == 1


def test_nobody_likes_their_own_comment():
    comment = CommentFactory()

    with pytest.raises(PermissionDenied, match=r"^You cannot like your own comment\.$"):
        comment_like_set(user=comment.author, comment=comment, liked=True)

    assert comment_like_set(user=comment.author, comment=comment, liked=False) == 0


@pytest.mark.parametrize("state", ["is_deleted", "is_hidden"])
def test_a_deleted_or_hidden_comment_cannot_be_liked_but_a_like_can_be_taken_back(state):
    comment, member = CommentFactory(), UserFactory()
    comment_like_set(user=member, comment=comment, liked=True)
    Comment.objects.filter(pk=comment.pk).update(**{state: True})
    comment.refresh_from_db()

    with pytest.raises(PermissionDenied, match=r"^This comment cannot be liked\.$"):
        comment_like_set(user=UserFactory(), comment=comment, liked=True)

    assert comment_like_set(user=member, comment=comment, liked=False) == 0


# --- Hiding and the comment count --------------------------------------------------------------


def _with_count(post, n):
    Post.objects.filter(pk=post.pk).update(comment_count=n)


def test_hiding_comments_takes_them_off_their_posts_counts_once():
    first, second = PostFactory(), PostFactory()
    a, b = CommentFactory(post=first), CommentFactory(post=first)
    c = CommentFactory(post=second)
    _with_count(first, 2)
    _with_count(second, 1)
    by = moderator()

    hidden = comments_hide(
        comments=Comment.objects.filter(pk__in=[a.pk, b.pk, c.pk]), by=by, reason=" Spam "
    )
    again = comments_hide(comments=Comment.objects.filter(pk=a.pk), by=by, reason="Still spam")

    assert (hidden, again) == (3, 1)
    assert (_post(first).comment_count, _post(second).comment_count) == (0, 0)
    a.refresh_from_db()
    assert (a.is_hidden, a.hidden_reason, a.hidden_by, a.hidden_pending_review) == (
        True,
        "Still spam",
        by,
        False,
    )
    assert a.hidden_at is not None


def test_a_hide_pending_review_never_overrides_a_moderators_hiding():
    comment = CommentFactory()
    by = moderator()
    comments_hide(comments=Comment.objects.filter(pk=comment.pk), by=by, reason="Rude")

    assert (
        comments_hide(
            comments=Comment.objects.filter(pk=comment.pk),
            by=None,
            reason="Reported",
            pending_review=True,
        )
        == 0
    )
    comment.refresh_from_db()
    assert (comment.hidden_by, comment.hidden_reason, comment.hidden_pending_review) == (
        by,
        "Rude",
        False,
    )


def test_a_hide_pending_review_is_marked_so():
    comment = CommentFactory()
    _with_count(comment.post, 1)

    comments_hide(
        comments=Comment.objects.filter(pk=comment.pk), by=None, reason="x", pending_review=True
    )

    comment.refresh_from_db()
    assert (comment.is_hidden, comment.hidden_pending_review) == (True, True)
    assert _post(comment.post).comment_count == 0


def test_deleted_comments_are_not_hidden_or_counted():
    comment = CommentFactory(is_deleted=True)
    _with_count(comment.post, 0)

    assert (
        comments_hide(comments=Comment.objects.filter(pk=comment.pk), by=moderator(), reason="x")
        == 0
    )
    assert _post(comment.post).comment_count == 0


def test_a_hide_reason_is_cut_to_300_characters():
    comment = CommentFactory()

    comments_hide(comments=Comment.objects.filter(pk=comment.pk), by=moderator(), reason="x" * 400)

    comment.refresh_from_db()
    assert comment.hidden_reason == "x" * 300


def test_unhiding_puts_comments_back_in_the_count_once():
    post = PostFactory()
    a = CommentFactory(post=post)
    CommentFactory(post=post)
    _with_count(post, 2)
    comments_hide(comments=Comment.objects.filter(post=post), by=moderator(), reason="x")

    assert comments_unhide(comments=Comment.objects.filter(post=post)) == 2
    assert comments_unhide(comments=Comment.objects.filter(post=post)) == 0

    assert _post(post).comment_count == 2
    a.refresh_from_db()
    assert (a.is_hidden, a.hidden_reason, a.hidden_by, a.hidden_at, a.hidden_pending_review) == (
        False,
        "",
        None,
        None,
        False,
    )


def test_unhiding_a_comment_hidden_pending_review_ends_the_review():
    comment = CommentFactory()
    comments_hide(
        comments=Comment.objects.filter(pk=comment.pk), by=None, reason="x", pending_review=True
    )

    comments_unhide(comments=Comment.objects.filter(pk=comment.pk))

    comment.refresh_from_db()
    assert (comment.is_hidden, comment.hidden_pending_review) == (False, False)


def test_unhiding_a_deleted_comment_does_not_count_it():
    comment = CommentFactory()
    _with_count(comment.post, 1)
    comments_hide(comments=Comment.objects.filter(pk=comment.pk), by=moderator(), reason="x")
    Comment.objects.filter(pk=comment.pk).update(is_deleted=True)

    assert comments_unhide(comments=Comment.objects.filter(pk=comment.pk)) == 1
    assert _post(comment.post).comment_count == 0


def test_a_count_that_drifted_never_goes_below_zero():
    comment = CommentFactory()
    _with_count(comment.post, 0)

    comments_hide(comments=Comment.objects.filter(pk=comment.pk), by=moderator(), reason="x")

    assert _post(comment.post).comment_count == 0


def test_last_commented_follows_the_latest_comment_others_can_read():
    post = PostFactory()
    now = timezone.now()
    older = CommentFactory(post=post)
    newer = CommentFactory(post=post)
    Comment.objects.filter(pk=older.pk).update(created_at=now - timedelta(hours=2))
    Comment.objects.filter(pk=newer.pk).update(created_at=now - timedelta(hours=1))

    comments_hide(comments=Comment.objects.filter(pk=newer.pk), by=moderator(), reason="x")
    assert _post(post).last_commented_at == now - timedelta(hours=2)

    comments_hide(comments=Comment.objects.filter(pk=older.pk), by=moderator(), reason="x")
    assert _post(post).last_commented_at is None

    comments_unhide(comments=Comment.objects.filter(pk=newer.pk))
    assert _post(post).last_commented_at == now - timedelta(hours=1)


def test_hiding_one_comment_takes_exactly_one_off_the_count():
    comment = CommentFactory()
    _with_count(comment.post, 5)

    comments_hide(comments=Comment.objects.filter(pk=comment.pk), by=moderator(), reason="x")

    assert _post(comment.post).comment_count == 4


def _at(comment, when):
    Comment.objects.filter(pk=comment.pk).update(created_at=when)


def test_last_commented_is_never_taken_from_another_posts_comment():
    post, other = PostFactory(), PostFactory()
    now = timezone.now()
    older, newer = CommentFactory(post=post), CommentFactory(post=post)
    _at(older, now - timedelta(hours=3))
    _at(newer, now - timedelta(hours=2))
    _at(CommentFactory(post=other), now - timedelta(hours=1))

    comments_hide(comments=Comment.objects.filter(pk=newer.pk), by=moderator(), reason="x")

    assert _post(post).last_commented_at == now - timedelta(hours=3)


def test_a_deleted_comment_is_never_what_a_post_was_last_commented_on():
    post = PostFactory()
    now = timezone.now()
    visible = CommentFactory(post=post)
    deleted = CommentFactory(post=post, is_deleted=True, body="")
    hidden = CommentFactory(post=post)
    _at(visible, now - timedelta(hours=3))
    _at(deleted, now - timedelta(hours=2))
    _at(hidden, now - timedelta(hours=1))

    comments_hide(comments=Comment.objects.filter(pk=hidden.pk), by=moderator(), reason="x")

    assert _post(post).last_commented_at == now - timedelta(hours=3)


# --- Queries ---------------------------------------------------------------------------------
# Each statement of reasons costs a query (its author's confirmed address); a closed
# account gets no mail, so what is counted here is the hiding itself. Every post whose
# count moves costs one UPDATE, so the comments share a post.


def _comments_of(author, n):
    post = PostFactory()
    return Comment.objects.filter(
        pk__in=[CommentFactory(post=post, author=author).pk for _ in range(n)]
    )


def test_hiding_five_comments_runs_the_queries_hiding_one_does(django_assert_num_queries):
    closed = UserFactory(is_active=False)
    one, five = _comments_of(closed, 1), _comments_of(closed, 5)
    by = moderator()
    with CaptureQueriesContext(connection) as baseline:
        assert comments_hide(comments=one, by=by, reason="Spam") == 1

    with django_assert_num_queries(len(baseline.captured_queries)):
        assert comments_hide(comments=five, by=by, reason="Spam") == 5


def test_unhiding_five_comments_runs_the_queries_unhiding_one_does(django_assert_num_queries):
    closed = UserFactory(is_active=False)
    one, five = _comments_of(closed, 1), _comments_of(closed, 5)
    by = moderator()
    comments_hide(comments=one, by=by, reason="Spam")
    comments_hide(comments=five, by=by, reason="Spam")
    with CaptureQueriesContext(connection) as baseline:
        assert comments_unhide(comments=one) == 1

    with django_assert_num_queries(len(baseline.captured_queries)):
        assert comments_unhide(comments=five) == 5
