"""Commenting on a post: who may, what is shown, and what the database holds."""

import re
import uuid
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from posts.models import Comment, Post, PostFollow
from posts.models.discussion import THREADS_PER_PAGE
from posts.services.discussion import RateLimited, comment_create
from radrounds.ratelimit import Rate, rate_limit_hit
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.posts.test_comment_text import XSS

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def comment_url(post):
    return reverse("posts:comment_create", args=[post.pk])


def test_member_comments_and_is_brought_back_to_the_comment(member_client, user):
    post = PostFactory()

    response = member_client.post(comment_url(post), {"body": "Great review of facet blocks."})

    comment = Comment.objects.get()
    assertRedirects(
        response, f"{post.get_absolute_url()}#comment-{comment.pk}", fetch_redirect_response=False
    )
    assert comment.author == user
    assert comment.body == "Great review of facet blocks."
    page = member_client.get(post.get_absolute_url(), **BROWSER)
    assertContains(page, "Great review of facet blocks.")
    assertContains(page, f'id="comment-{comment.pk}"')


def test_comment_updates_the_posts_counters(member_client):
    post = PostFactory()

    member_client.post(comment_url(post), {"body": "One."})
    member_client.post(comment_url(post), {"body": "Two."})

    post.refresh_from_db()
    assert post.comment_count == 2
    assert post.last_commented_at == Comment.objects.order_by("-pk").first().created_at


def test_commenting_follows_the_post(member_client, user):
    post = PostFactory()

    member_client.post(comment_url(post), {"body": "Following this."})

    assert PostFollow.objects.filter(user=user, post=post).exists()


def test_visitors_cannot_comment(client):
    post = PostFactory()

    response = client.post(comment_url(post), {"body": "Anonymous words."})

    assert response.status_code == HTTPStatus.FOUND
    assert reverse("account_login") in response["Location"]
    assert not Comment.objects.exists()


def test_visitors_read_the_discussion_and_get_a_sign_in_link_back_to_it(client):
    comment = CommentFactory(body="Visible to everyone.")

    response = client.get(comment.post.get_absolute_url(), **BROWSER)

    assertContains(response, "Visible to everyone.")
    next_url = comment.post.get_absolute_url()
    assertContains(response, f'href="{reverse("account_login")}?next={next_url}%23comments"')
    assertContains(response, "Sign in to join the discussion")
    assertNotContains(response, 'method="post"')  # no comment, reply or like form


def test_sign_in_link_brings_the_visitor_back_to_the_discussion(client, user):
    post = PostFactory()
    target = post.get_absolute_url() + "#comments"

    response = client.post(
        reverse("account_login") + "?next=" + target.replace("#", "%23"),
        {"login": user.username, "password": "correct horse battery staple"},
    )

    assert response["Location"] == target


def test_anonymous_post_page_is_the_same_html_for_every_visitor(client):
    comment = CommentFactory()
    url = comment.post.get_absolute_url()
    first = client.get(url, HTTP_USER_AGENT="Mozilla/5.0 one", REMOTE_ADDR="198.51.100.1")
    other = Client().get(url, HTTP_USER_AGENT="Mozilla/5.0 two", REMOTE_ADDR="198.51.100.2")

    def without_views(html):
        return html.replace("Views: 1", "").replace("Views: 2", "")

    assert without_views(first.content.decode()) == without_views(other.content.decode())
    assertNotContains(first, "csrfmiddlewaretoken")
    assert "csrftoken" not in first.cookies


def test_empty_comment_is_a_form_error(member_client):
    post = PostFactory()

    response = member_client.post(comment_url(post), {"body": "   \n\t "})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assertContains(response, "Write something before posting.", status_code=400)
    assert not Comment.objects.exists()


def test_too_long_comment_is_an_error_that_keeps_the_text(member_client):
    post = PostFactory()
    text = "Long thoughts. " * 400  # 6,000 characters

    response = member_client.post(comment_url(post), {"body": text})

    assertContains(response, "at most 5,000 characters", status_code=400)
    assertContains(response, "Long thoughts. Long thoughts.", status_code=400)
    assert not Comment.objects.exists()


def test_windows_line_endings_do_not_count_twice_toward_the_limit(member_client):
    post = PostFactory()
    text = ("x" * 99 + "\r\n") * 50  # 5,000 characters typed, 5,050 sent

    response = member_client.post(comment_url(post), {"body": text})

    assert response.status_code == HTTPStatus.FOUND
    assert "\r" not in Comment.objects.get().body


def test_the_same_form_sent_twice_posts_one_comment(member_client):
    post = PostFactory()
    data = {"body": "Sent twice.", "client_token": str(uuid.uuid4())}

    member_client.post(comment_url(post), data)
    member_client.post(comment_url(post), data)

    assert Comment.objects.count() == 1
    post.refresh_from_db()
    assert post.comment_count == 1


def test_reply_goes_under_its_comment(member_client):
    parent = CommentFactory(body="Root comment.")

    member_client.post(reverse("posts:comment_reply", args=[parent.pk]), {"body": "A reply."})

    reply = Comment.objects.get(body="A reply.")
    assert reply.parent == parent
    assert reply.post == parent.post


def test_a_reply_to_a_reply_joins_the_same_thread(member_client):
    root = CommentFactory()
    reply = CommentFactory(post=root.post, parent=root)

    member_client.post(reverse("posts:comment_reply", args=[reply.pk]), {"body": "Deeper."})

    assert Comment.objects.get(body="Deeper.").parent == root


def test_replies_are_shown_in_order_under_their_comment(client):
    root = CommentFactory(body="Root.")
    other = CommentFactory(post=root.post, body="Another thread.")
    now = timezone.now()
    CommentFactory(post=root.post, parent=root, body="Second reply.", created_at=now)
    CommentFactory(
        post=root.post, parent=root, body="First reply.", created_at=now - timedelta(minutes=1)
    )

    html = client.get(root.post.get_absolute_url(), **BROWSER).content.decode()

    assert html.index("Root.") < html.index("First reply.") < html.index("Second reply.")
    assert html.index("Second reply.") < html.index(other.body)


def test_reply_page_prefills_a_mention_of_the_reply_author(member_client):
    root = CommentFactory()
    reply = CommentFactory(post=root.post, parent=root, author=UserFactory(username="bob"))

    response = member_client.get(reverse("posts:comment_reply", args=[reply.pk]))

    assertContains(response, "@bob </textarea>")


def test_mentions_link_to_existing_members_only(member_client):
    UserFactory(username="ana")
    post = PostFactory()

    member_client.post(comment_url(post), {"body": "Ask @ana or @ghost."})

    html = Comment.objects.get().body_html
    assert '<a class="mention" href="/members/ana/">@ana</a>' in html
    assert "@ghost" in html
    assert "/members/ghost/" not in html


def test_permalink_redirects_to_the_page_that_shows_the_comment(client):
    post = PostFactory()
    start = timezone.now() - timedelta(days=1)
    Comment.objects.bulk_create(
        [
            Comment(post=post, body=f"c{i}", body_html=f"<p>c{i}</p>", created_at=start)
            for i in range(THREADS_PER_PAGE + 3)
        ]
    )
    last = Comment.objects.order_by("-pk").first()
    reply = CommentFactory(post=post, parent=last)

    response = client.get(reverse("posts:comment", args=[reply.pk]))

    assertRedirects(
        response,
        f"{post.get_absolute_url()}?page=2#comment-{reply.pk}",
        fetch_redirect_response=False,
    )
    page = client.get(f"{post.get_absolute_url()}?page=2", **BROWSER)
    assertContains(page, f'id="comment-{reply.pk}"')
    assertContains(page, "Page 2 of 2")


def test_a_long_discussion_shows_fifty_threads_a_page(client):
    post = PostFactory()
    Comment.objects.bulk_create(
        [Comment(post=post, body=f"c{i}", body_html=f"<p>c{i}</p>") for i in range(120)]
    )

    first = client.get(post.get_absolute_url(), **BROWSER)
    last = client.get(post.get_absolute_url() + "?page=99", **BROWSER)

    assert len(first.context["discussion"].threads) == THREADS_PER_PAGE
    assertContains(first, "Later comments")
    assert last.context["discussion"].number == 3
    assert len(last.context["discussion"].threads) == 20


def test_comment_counts_show_on_post_cards(client):
    post = PostFactory(title="A discussed post.")
    Post.objects.filter(pk=post.pk).update(comment_count=3)

    for url in ("/", "/search/?q=discussed"):
        assertContains(client.get(url), "3 comments")


# --- Editing ----------------------------------------------------------------------


def test_author_edits_within_fifteen_minutes_and_it_shows_edited(user):
    comment = CommentFactory(author=user, body="Typo.")
    client = signed_in(user)

    response = client.post(reverse("posts:comment_edit", args=[comment.pk]), {"body": "Fixed."})

    assert response.status_code == HTTPStatus.FOUND
    comment.refresh_from_db()
    assert comment.body == "Fixed."
    assert comment.body_html == "<p>Fixed.</p>"
    page = client.get(comment.post.get_absolute_url(), **BROWSER)
    assertContains(page, '<span class="comment__edited muted">edited</span>')


def test_author_cannot_edit_after_fifteen_minutes(user):
    comment = CommentFactory(author=user, created_at=timezone.now() - timedelta(minutes=16))

    response = signed_in(user).post(
        reverse("posts:comment_edit", args=[comment.pk]), {"body": "Too late."}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    comment.refresh_from_db()
    assert comment.body != "Too late."


def test_members_cannot_edit_others_comments(member_client):
    comment = CommentFactory(body="Not yours.")

    response = member_client.post(
        reverse("posts:comment_edit", args=[comment.pk]), {"body": "Changed."}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    comment.refresh_from_db()
    assert comment.body == "Not yours."


def test_edit_link_is_shown_to_the_author_only_within_the_window(user):
    mine = CommentFactory(author=user)
    old = CommentFactory(
        post=mine.post, author=user, created_at=timezone.now() - timedelta(minutes=20)
    )
    page = signed_in(user).get(mine.post.get_absolute_url(), **BROWSER)

    assertContains(page, reverse("posts:comment_edit", args=[mine.pk]))
    assertNotContains(page, reverse("posts:comment_edit", args=[old.pk]))


# --- Deleting ----------------------------------------------------------------------


def test_deleting_a_comment_without_replies_removes_it(user):
    comment = CommentFactory(author=user, body="Regret.")
    Post.objects.filter(pk=comment.post_id).update(comment_count=1)

    signed_in(user).post(reverse("posts:comment_delete", args=[comment.pk]))

    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert Post.objects.get(pk=comment.post_id).comment_count == 0


def test_deleting_a_comment_with_replies_leaves_deleted_in_its_place(user, client):
    comment = CommentFactory(author=user, body="Regret.")
    CommentFactory(post=comment.post, parent=comment, body="But I answered.")

    signed_in(user).post(reverse("posts:comment_delete", args=[comment.pk]))

    page = client.get(comment.post.get_absolute_url(), **BROWSER)
    assertContains(page, "[deleted]")
    assertNotContains(page, "Regret.")
    assertContains(page, "But I answered.")
    assert Comment.objects.get(pk=comment.pk).body == ""


def test_the_last_reply_deleted_takes_the_deleted_placeholder_with_it(user):
    root = CommentFactory(is_deleted=True, body="", body_html="")
    reply = CommentFactory(post=root.post, parent=root, author=user)

    signed_in(user).post(reverse("posts:comment_delete", args=[reply.pk]))

    assert not Comment.objects.exists()


def test_members_cannot_delete_others_comments(member_client):
    comment = CommentFactory()

    response = member_client.post(reverse("posts:comment_delete", args=[comment.pk]))

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_delete_page_asks_first_and_a_get_deletes_nothing(user):
    comment = CommentFactory(author=user)

    response = signed_in(user).get(reverse("posts:comment_delete", args=[comment.pk]))

    assertContains(response, "Delete your comment?")
    assert Comment.objects.filter(pk=comment.pk).exists()


# --- Moderation -------------------------------------------------------------------


def test_staff_hide_a_comment_with_a_reason(staff_user):
    comment = CommentFactory(body="Rude words.")

    signed_in(staff_user).post(
        reverse("posts:comment_hide", args=[comment.pk]), {"reason": "Personal attack"}
    )

    comment.refresh_from_db()
    assert comment.is_hidden
    assert comment.hidden_reason == "Personal attack"
    assert comment.hidden_by == staff_user


def test_members_cannot_hide_comments(member_client):
    comment = CommentFactory()

    response = member_client.post(
        reverse("posts:comment_hide", args=[comment.pk]), {"reason": "I disagree"}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_hidden_text_stays_hidden_from_visitors_and_other_members(client, member_client):
    comment = CommentFactory(body="Rude words.", is_hidden=True, hidden_reason="Rude")

    for viewer in (client, member_client):
        page = viewer.get(comment.post.get_absolute_url(), **BROWSER)
        assertContains(page, "hidden by a moderator")
        assertNotContains(page, "Rude words.")


def test_the_author_and_staff_still_see_hidden_text(staff_user):
    comment = CommentFactory(body="Rude words.", is_hidden=True, hidden_reason="Rude")

    for viewer in (comment.author, staff_user):
        page = signed_in(viewer).get(comment.post.get_absolute_url(), **BROWSER)
        assertContains(page, "Rude words.")
        assertContains(page, "Hidden by a moderator: Rude.")


def test_hidden_comments_are_left_out_of_the_authors_profile(client):
    comment = CommentFactory(body="Rude words.", is_hidden=True)

    page = client.get(comment.author.get_absolute_url())

    assertNotContains(page, "Rude words.")


def test_staff_unhide_a_comment(staff_user):
    comment = CommentFactory(is_hidden=True, hidden_reason="Mistake")

    signed_in(staff_user).post(reverse("posts:comment_unhide", args=[comment.pk]))

    comment.refresh_from_db()
    assert not comment.is_hidden
    assert comment.hidden_reason == ""


# --- Rate limits ------------------------------------------------------------------


def test_posting_is_limited_to_five_a_minute_with_a_clear_message(member_client):
    post = PostFactory()
    for n in range(5):
        member_client.post(comment_url(post), {"body": f"Comment {n}."})

    response = member_client.post(comment_url(post), {"body": "The sixth, kept."})

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assertContains(response, "5 per minute", status_code=429)
    assertContains(response, "The sixth, kept.", status_code=429)
    assert Comment.objects.count() == 5


def _use_up_a_day_of_comments(author):
    for _ in range(50):
        rate_limit_hit(scope="comment", key=f"user:{author.pk}", rates=[Rate(50, 86400)])


def test_new_accounts_are_limited_to_fifty_comments_a_day():
    newcomer = UserFactory()
    _use_up_a_day_of_comments(newcomer)

    with pytest.raises(RateLimited) as limited:
        comment_create(author=newcomer, post=PostFactory(), body="One too many.")

    assert "50 per day" in limited.value.message
    assert not Comment.objects.exists()


def test_accounts_older_than_a_day_have_no_daily_cap():
    regular = UserFactory(date_joined=timezone.now() - timedelta(days=2))
    _use_up_a_day_of_comments(regular)

    comment, created = comment_create(author=regular, post=PostFactory(), body="Still fine.")

    assert created


def test_with_javascript_a_comment_answers_with_its_html_and_a_fresh_token(member_client):
    post = PostFactory()

    response = member_client.post(
        comment_url(post), {"body": "Posted in place."}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == HTTPStatus.CREATED
    data = response.json()
    comment = Comment.objects.get()
    assert f'id="comment-{comment.pk}"' in data["html"]
    assert "Posted in place." in data["html"]
    assert data["count_text"] == "1 comment"
    assert uuid.UUID(data["token"])


def test_with_javascript_an_empty_comment_answers_with_the_error(member_client):
    response = member_client.post(
        comment_url(PostFactory()), {"body": " "}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response.json() == {"errors": ["Write something before posting."]}


@pytest.mark.parametrize("attack", XSS)
def test_the_xss_corpus_posted_as_comments_renders_inert_on_the_page(user, attack):
    UserFactory(username="ana")
    post = PostFactory()
    client = signed_in(user)

    client.post(comment_url(post), {"body": attack})
    html = client.get(post.get_absolute_url(), **BROWSER).content.decode()

    body = html[html.index('class="comment__body"') : html.index("</article>")]
    assert "<script" not in body.lower()
    assert "<img" not in body.lower() and "<svg" not in body.lower()
    assert "<iframe" not in body.lower() and "<style" not in body.lower()
    assert not re.search(r"<[^>]*\son\w+\s*=", body, re.IGNORECASE)
    assert 'href="javascript' not in body.lower() and 'href="data' not in body.lower()
