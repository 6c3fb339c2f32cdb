"""Comments in the admin: list, search, filters, hide with a reason, unhide."""

from http import HTTPStatus

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from posts.models import Comment
from tests.factories import CommentFactory, PostFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:posts_comment_changelist")


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_the_list_shows_post_author_excerpt_created_and_hidden(admin_client):
    CommentFactory(
        author=UserFactory(username="ana"),
        post=PostFactory(title="Facet joint injections."),
        body="A thoughtful remark.",
    )

    response = admin_client.get(CHANGELIST)

    assertContains(response, "A thoughtful remark.")
    assertContains(response, "Facet joint injections.")
    assertContains(response, "ana")
    assertContains(response, "column-created_at")
    assertContains(response, "column-is_hidden")


def test_search_finds_comments_by_text_and_author(admin_client):
    CommentFactory(body="About gadolinium.", author=UserFactory(username="ana"))
    CommentFactory(body="About contrast.", author=UserFactory(username="bob"))

    by_text = admin_client.get(CHANGELIST, {"q": "gadolinium"})
    by_author = admin_client.get(CHANGELIST, {"q": "bob"})

    assertContains(by_text, "About gadolinium.")
    assertNotContains(by_text, "About contrast.")
    assertContains(by_author, "About contrast.")


def test_filter_by_hidden(admin_client):
    CommentFactory(body="Shown.")
    CommentFactory(body="Hidden one.", is_hidden=True)

    response = admin_client.get(CHANGELIST, {"is_hidden__exact": "1"})

    assertContains(response, "Hidden one.")
    assertNotContains(response, "Shown.")


def test_hide_action_asks_for_a_reason_then_hides(admin_client, staff_user):
    comment = CommentFactory(body="Spam link.")
    data = {"action": "hide_comments", ACTION_CHECKBOX_NAME: [comment.pk]}

    ask = admin_client.post(CHANGELIST, data)
    assertContains(ask, "Reason")
    assert not Comment.objects.get(pk=comment.pk).is_hidden

    done = admin_client.post(CHANGELIST, {**data, "apply": "1", "reason": "Spam"})

    assert done.status_code == HTTPStatus.FOUND
    comment.refresh_from_db()
    assert comment.is_hidden
    assert comment.hidden_reason == "Spam"
    assert comment.hidden_by == staff_user


def test_hide_action_without_a_reason_hides_nothing(admin_client):
    comment = CommentFactory()
    data = {"action": "hide_comments", ACTION_CHECKBOX_NAME: [comment.pk], "apply": "1"}

    response = admin_client.post(CHANGELIST, {**data, "reason": ""})

    assertContains(response, "This field is required.")
    assert not Comment.objects.get(pk=comment.pk).is_hidden


def test_unhide_action(admin_client):
    comment = CommentFactory(is_hidden=True, hidden_reason="Oops")

    admin_client.post(CHANGELIST, {"action": "unhide_comments", ACTION_CHECKBOX_NAME: [comment.pk]})

    assert not Comment.objects.get(pk=comment.pk).is_hidden


def test_a_comment_page_opens_in_the_admin(admin_client):
    comment = CommentFactory()

    response = admin_client.get(reverse("admin:posts_comment_change", args=[comment.pk]))

    assert response.status_code == HTTPStatus.OK
