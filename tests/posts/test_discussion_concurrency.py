"""Likes and comments under real concurrency: a real SQLite file (PostgreSQL in the
scale run) and real threads, each with its own connection."""

import uuid

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from posts.models import Comment, CommentLike, Post, PostLike
from tests.concurrency import in_parallel
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_twenty_members_liking_at_once_give_exactly_twenty_likes():
    assert connection.vendor != "sqlite" or not connection.is_in_memory_db()
    post = PostFactory()
    clients = [client_for(UserFactory()) for _ in range(20)]
    url = reverse("posts:post_like", args=[post.pk])

    responses = in_parallel([lambda c=c: c.post(url, {"state": "on"}) for c in clients])

    assert {r.status_code for r in responses} == {302}
    assert PostLike.objects.filter(post=post).count() == 20
    assert Post.objects.get(pk=post.pk).like_count == 20


def test_twenty_members_liking_a_comment_at_once_give_exactly_twenty_likes():
    comment = CommentFactory()
    clients = [client_for(UserFactory()) for _ in range(20)]
    url = reverse("posts:comment_like", args=[comment.pk])

    in_parallel([lambda c=c: c.post(url, {"state": "on"}) for c in clients])

    assert CommentLike.objects.filter(comment=comment).count() == 20
    assert Comment.objects.get(pk=comment.pk).like_count == 20


def test_a_like_submitted_several_times_at_once_counts_once():
    post = PostFactory()
    client = client_for(UserFactory())
    url = reverse("posts:post_like", args=[post.pk])

    in_parallel([lambda: client.post(url, {"state": "on"}) for _ in range(6)])

    assert PostLike.objects.filter(post=post).count() == 1
    assert Post.objects.get(pk=post.pk).like_count == 1


def test_a_comment_submitted_several_times_at_once_posts_once():
    post = PostFactory()
    member = UserFactory()
    clients = [client_for(member) for _ in range(4)]
    data = {"body": "Double click.", "client_token": str(uuid.uuid4())}
    url = reverse("posts:comment_create", args=[post.pk])

    responses = in_parallel([lambda c=c: c.post(url, data) for c in clients])

    assert {r.status_code for r in responses} == {302}
    assert Comment.objects.filter(post=post).count() == 1
    assert Post.objects.get(pk=post.pk).comment_count == 1
    # Every submit lands the member on the one comment.
    comment = Comment.objects.get(post=post)
    assert {r["Location"].rsplit("#", 1)[1] for r in responses} == {f"comment-{comment.pk}"}
