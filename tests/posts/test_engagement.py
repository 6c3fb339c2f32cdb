"""Likes, saves and follows, and the lists they feed (Saved, Discussed, Following)."""

import json
import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from posts.models import Comment, CommentLike, MemberFollow, Post, PostFollow, PostLike, SavedPost
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}
JSON = {"HTTP_ACCEPT": "application/json"}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def like(client, post, state="on", **extra):
    return client.post(reverse("posts:post_like", args=[post.pk]), {"state": state}, **extra)


def test_member_likes_a_post_and_the_count_shows(member_client):
    post = PostFactory()

    like(member_client, post)

    assert Post.objects.get(pk=post.pk).like_count == 1
    page = member_client.get(post.get_absolute_url(), **BROWSER)
    assertContains(page, "1 like")
    assertContains(page, 'aria-pressed="true">Like</button>')


def test_liking_twice_counts_once(member_client):
    post = PostFactory()

    like(member_client, post)
    like(member_client, post)

    assert PostLike.objects.count() == 1
    assert Post.objects.get(pk=post.pk).like_count == 1


def test_unliking_takes_the_like_back(member_client):
    post = PostFactory()
    like(member_client, post)

    like(member_client, post, state="off")
    like(member_client, post, state="off")

    assert not PostLike.objects.exists()
    assert Post.objects.get(pk=post.pk).like_count == 0


def test_without_javascript_a_like_redirects_back_to_the_same_place(member_client):
    post = PostFactory()
    back = post.get_absolute_url() + "?page=2#post-actions"

    response = member_client.post(
        reverse("posts:post_like", args=[post.pk]), {"state": "on", "next": back}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == back


def test_a_next_address_on_another_site_is_ignored(member_client):
    post = PostFactory()

    response = member_client.post(
        reverse("posts:post_like", args=[post.pk]),
        {"state": "on", "next": "https://evil.example/"},
    )

    assert response["Location"] == post.get_absolute_url() + "#post-actions"


def test_with_javascript_a_like_answers_with_the_new_state_and_count(member_client):
    post = PostFactory()

    response = like(member_client, post, **JSON)

    assert json.loads(response.content) == {"active": True, "count": 1, "count_text": "1 like"}


def test_visitors_cannot_like_save_or_follow(client):
    post = PostFactory()
    member = UserFactory()
    comment = CommentFactory(post=post)

    urls = [
        reverse("posts:post_like", args=[post.pk]),
        reverse("posts:post_save", args=[post.pk]),
        reverse("posts:post_follow", args=[post.pk]),
        reverse("posts:comment_like", args=[comment.pk]),
        reverse("posts:member_follow", args=[member.username]),
    ]
    for url in urls:
        response = client.post(url, {"state": "on"})
        assert response.status_code == HTTPStatus.FOUND
        assert reverse("account_login") in response["Location"]
    assert not PostLike.objects.exists()
    assert not SavedPost.objects.exists()
    assert not PostFollow.objects.exists()
    assert not CommentLike.objects.exists()
    assert not MemberFollow.objects.exists()


def test_a_get_changes_nothing(member_client):
    post = PostFactory()

    response = member_client.get(reverse("posts:post_like", args=[post.pk]))

    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert not PostLike.objects.exists()


def test_member_likes_a_comment(member_client):
    comment = CommentFactory()

    member_client.post(reverse("posts:comment_like", args=[comment.pk]), {"state": "on"})

    assert Comment.objects.get(pk=comment.pk).like_count == 1
    page = member_client.get(comment.post.get_absolute_url(), **BROWSER)
    assertContains(page, "1 like")


def test_nobody_likes_their_own_comment(user):
    comment = CommentFactory(author=user)
    client = signed_in(user)

    response = client.post(reverse("posts:comment_like", args=[comment.pk]), {"state": "on"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Comment.objects.get(pk=comment.pk).like_count == 0
    page = client.get(comment.post.get_absolute_url(), **BROWSER)
    assertNotContains(page, reverse("posts:comment_like", args=[comment.pk]))


def test_saved_posts_list_newest_saved_first(user):
    first = PostFactory(title="Saved first.")
    second = PostFactory(title="Saved second.")
    client = signed_in(user)
    client.post(reverse("posts:post_save", args=[first.pk]), {"state": "on"})
    client.post(reverse("posts:post_save", args=[second.pk]), {"state": "on"})
    SavedPost.objects.filter(post=first).update(created_at=timezone.now() - timedelta(hours=1))

    html = client.get(reverse("posts:saved")).content.decode()

    assert html.index("Saved second.") < html.index("Saved first.")


def test_unsaving_removes_a_post_from_saved(user):
    post = PostFactory(title="Changed my mind.")
    client = signed_in(user)
    client.post(reverse("posts:post_save", args=[post.pk]), {"state": "on"})

    client.post(reverse("posts:post_save", args=[post.pk]), {"state": "off"})

    assertNotContains(client.get(reverse("posts:saved")), "Changed my mind.")


def test_saved_needs_sign_in(client):
    assert client.get(reverse("posts:saved")).status_code == HTTPStatus.FOUND


def test_member_follows_and_unfollows_a_post(member_client, user):
    post = PostFactory()

    member_client.post(reverse("posts:post_follow", args=[post.pk]), {"state": "on"})
    assert PostFollow.objects.filter(user=user, post=post).exists()

    member_client.post(reverse("posts:post_follow", args=[post.pk]), {"state": "off"})
    assert not PostFollow.objects.filter(user=user, post=post).exists()


def test_member_follows_another_member_from_their_profile(member_client, user):
    other = UserFactory(username="ana")

    member_client.post(reverse("posts:member_follow", args=["ana"]), {"state": "on"})

    assert MemberFollow.objects.filter(follower=user, followed=other).exists()
    profile = member_client.get(other.get_absolute_url())
    assertContains(profile, 'aria-pressed="true">Follow</button>')


def test_nobody_follows_themselves(member_client, user):
    response = member_client.post(
        reverse("posts:member_follow", args=[user.username]), {"state": "on"}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not MemberFollow.objects.exists()


def test_discussed_lists_posts_with_the_most_recent_discussion_first(client):
    quiet = PostFactory(title="Never discussed.")
    older = PostFactory(title="Discussed yesterday.")
    newer = PostFactory(title="Discussed today.")
    CommentFactory(post=older, created_at=timezone.now() - timedelta(days=1))
    CommentFactory(post=newer)

    html = client.get(reverse("posts:discussed")).content.decode()

    assert html.index("Discussed today.") < html.index("Discussed yesterday.")
    assert quiet.title not in html


def test_following_shows_what_followed_members_posted_commented_on_or_liked(user):
    ana = UserFactory()
    stranger = UserFactory()
    MemberFollow.objects.create(follower=user, followed=ana)
    posted = PostFactory(title="Ana posted.", posted_by=ana)
    commented = PostFactory(title="Ana commented.")
    CommentFactory(post=commented, author=ana)
    liked = PostFactory(title="Ana liked.")
    PostLike.objects.create(user=ana, post=liked)
    PostFactory(title="Stranger posted.", posted_by=stranger)

    html = signed_in(user).get(reverse("posts:following")).content.decode()

    for title in ("Ana posted.", "Ana commented.", "Ana liked."):
        assert title in html
    assert "Stranger posted." not in html
    # The latest thing Ana did comes first.
    assert html.index("Ana liked.") < html.index("Ana commented.") < html.index("Ana posted.")
    assert posted.pk != liked.pk


def test_following_needs_sign_in(client):
    assert client.get(reverse("posts:following")).status_code == HTTPStatus.FOUND


def test_home_offers_discussed_to_everyone_and_following_to_members(user):
    visitor = Client()
    assertContains(visitor.get("/"), f'href="{reverse("posts:discussed")}"')
    assertNotContains(visitor.get("/"), f'href="{reverse("posts:following")}"')
    assertContains(signed_in(user).get("/"), f'href="{reverse("posts:following")}"')


def test_the_profile_follow_form_carries_a_working_csrf_token(user):
    UserFactory(username="ana")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get("/members/ana/").content.decode()
    form = page[page.index('action="/members/ana/follow/"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]

    response = client.post("/members/ana/follow/", {"csrfmiddlewaretoken": token, "state": "on"})

    assert response.status_code == HTTPStatus.FOUND
    assert MemberFollow.objects.filter(follower=user, followed__username="ana").exists()
