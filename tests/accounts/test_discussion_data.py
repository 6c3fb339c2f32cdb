"""A deleted account leaves the discussion readable; the export carries the member's part."""

import json

from django.test import Client
from django.urls import reverse

from posts.models import Comment, CommentLike, MemberFollow, Post, PostFollow, PostLike, SavedPost
from posts.services.engagement import comment_like_set, post_like_set
from tests.accounts.conftest import PASSWORD
from tests.factories import CommentFactory, PostFactory, UserFactory

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0"}


def test_comments_of_a_deleted_member_stay_as_former_member(client, verified_user):
    comment = CommentFactory(author=verified_user, body="Still worth reading.")
    client.force_login(verified_user)

    client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})

    comment.refresh_from_db()
    assert comment.author is None
    assert comment.author_left
    page = Client().get(comment.post.get_absolute_url(), **BROWSER).content.decode()
    assert "Still worth reading." in page
    assert "Former member" in page


def test_a_deleted_members_likes_leave_the_counters(client, verified_user):
    post = PostFactory()
    comment = CommentFactory(post=post)
    post_like_set(user=verified_user, post=post, liked=True)
    comment_like_set(user=verified_user, comment=comment, liked=True)
    client.force_login(verified_user)

    client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})

    assert Post.objects.get(pk=post.pk).like_count == 0
    assert Comment.objects.get(pk=comment.pk).like_count == 0
    assert not PostLike.objects.exists()
    assert not CommentLike.objects.exists()


def test_export_includes_comments_likes_saves_and_follows(client, verified_user):
    post = PostFactory()
    other = UserFactory(username="bob")
    CommentFactory(author=verified_user, post=post, body="My own words.")
    PostLike.objects.create(user=verified_user, post=post)
    CommentLike.objects.create(user=verified_user, comment=CommentFactory(post=post))
    SavedPost.objects.create(user=verified_user, post=post)
    PostFollow.objects.create(user=verified_user, post=post)
    MemberFollow.objects.create(follower=verified_user, followed=other)
    client.force_login(verified_user)

    data = json.loads(client.get(reverse("accounts:export")).content)

    assert [c["text"] for c in data["comments"]] == ["My own words."]
    assert [p["post"] for p in data["liked_posts"]] == [post.get_absolute_url()]
    assert len(data["liked_comments"]) == 1
    assert [p["post"] for p in data["saved_posts"]] == [post.get_absolute_url()]
    assert [p["post"] for p in data["followed_posts"]] == [post.get_absolute_url()]
    assert [m["username"] for m in data["followed_members"]] == ["bob"]


def test_profile_lists_recent_comments_newest_first_linked_to_them(client, verified_user):
    older = CommentFactory(author=verified_user, body="Older remark.")
    newer = CommentFactory(author=verified_user, body="Newer remark.")
    Comment.objects.filter(pk=older.pk).update(created_at=newer.created_at.replace(year=2020))

    html = client.get(verified_user.get_absolute_url()).content.decode()

    assert html.index("Newer remark.") < html.index("Older remark.")
    assert f'href="{newer.get_absolute_url()}"' in html
