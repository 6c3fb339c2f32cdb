"""Who may edit, delete and hide a comment, decided by the services themselves.

The views check first and answer 403; the services check again, so no other caller
(an admin action, a task, a future API) can skip the rule. These call them directly.
"""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from posts.models import Comment, CommentLike, Post
from posts.services.discussion import comment_delete, comment_edit, comment_hide
from tests.factories import CommentFactory, PostFactory, UserFactory, moderator

pytestmark = pytest.mark.django_db


def _count(post) -> int:
    return Post.objects.values_list("comment_count", flat=True).get(pk=post.pk)


# --- Editing -------------------------------------------------------------------------------


def test_only_the_author_may_edit_a_comment():
    comment = CommentFactory(body="Original.")

    with pytest.raises(
        PermissionDenied, match=r"^Comments can be edited by their author for 15 minutes\.$"
    ):
        comment_edit(comment=comment, user=UserFactory(), body="Changed.")

    comment.refresh_from_db()
    assert comment.body == "Original."


def test_nobody_edits_a_comment_after_fifteen_minutes():
    comment = CommentFactory(body="Original.")
    later = comment.created_at + timedelta(minutes=16)

    with pytest.raises(PermissionDenied):
        comment_edit(comment=comment, user=comment.author, body="Changed.", now=later)


def test_an_edit_rerenders_the_text_and_records_when():
    comment = CommentFactory(body="Original.")
    when = comment.created_at + timedelta(minutes=5)

    comment_edit(comment=comment, user=comment.author, body="  See www.rsna.org  ", now=when)

    comment.refresh_from_db()
    assert comment.body == "See www.rsna.org"
    assert 'href="https://www.rsna.org"' in comment.body_html
    assert comment.edited_at == when


def test_an_edit_without_a_time_is_stamped_now():
    comment = CommentFactory(body="Original.")

    comment_edit(comment=comment, user=comment.author, body="Changed.")

    comment.refresh_from_db()
    assert abs((timezone.now() - comment.edited_at).total_seconds()) < 60


def test_saving_the_same_text_is_not_an_edit():
    comment = CommentFactory(body="Same.")

    comment_edit(comment=comment, user=comment.author, body="Same.\n")

    comment.refresh_from_db()
    assert comment.edited_at is None


# --- Deleting ------------------------------------------------------------------------------


def test_only_the_author_may_delete_a_comment():
    comment = CommentFactory()

    with pytest.raises(PermissionDenied, match=r"^Only its author can delete a comment\.$"):
        comment_delete(comment=comment, user=UserFactory())

    assert Comment.objects.filter(pk=comment.pk).exists()


def test_deleting_a_comment_takes_it_off_the_posts_count():
    post = PostFactory()
    comment = CommentFactory(post=post)
    CommentFactory(post=post)
    Post.objects.filter(pk=post.pk).update(comment_count=2)

    assert comment_delete(comment=comment, user=comment.author) is True

    assert _count(post) == 1
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_a_count_that_drifted_to_zero_stays_at_zero():
    comment = CommentFactory()
    Post.objects.filter(pk=comment.post_id).update(comment_count=0)

    comment_delete(comment=comment, user=comment.author)

    assert _count(comment.post) == 0


def test_deleting_a_hidden_comment_leaves_the_count_alone():
    comment = CommentFactory(is_hidden=True)
    Post.objects.filter(pk=comment.post_id).update(comment_count=3)

    comment_delete(comment=comment, user=comment.author)

    assert _count(comment.post) == 3


def test_a_thread_head_with_replies_becomes_an_empty_shell_without_its_likes():
    head = CommentFactory(body="Head.")
    CommentFactory(post=head.post, parent=head)
    CommentLike.objects.create(user=UserFactory(), comment=head)
    Comment.objects.filter(pk=head.pk).update(like_count=1)

    assert comment_delete(comment=head, user=head.author) is False

    assert head.is_deleted is True
    head.refresh_from_db()
    assert (head.is_deleted, head.body, head.body_html, head.like_count) == (True, "", "", 0)
    assert not CommentLike.objects.filter(comment=head).exists()


def test_the_last_reply_takes_a_deleted_heads_shell_with_it_but_not_a_live_head():
    shell = CommentFactory(is_deleted=True, body="")
    reply = CommentFactory(post=shell.post, parent=shell)
    live = CommentFactory(post=shell.post)
    live_reply = CommentFactory(post=shell.post, parent=live)

    comment_delete(comment=reply, user=reply.author)
    comment_delete(comment=live_reply, user=live_reply.author)

    assert not Comment.objects.filter(pk=shell.pk).exists()
    assert Comment.objects.filter(pk=live.pk).exists()


def test_a_reply_under_a_shell_with_other_replies_keeps_the_shell():
    shell = CommentFactory(is_deleted=True, body="")
    reply = CommentFactory(post=shell.post, parent=shell)
    CommentFactory(post=shell.post, parent=shell)

    comment_delete(comment=reply, user=reply.author)

    assert Comment.objects.filter(pk=shell.pk).exists()


# --- Hiding --------------------------------------------------------------------------------


def test_only_moderators_may_hide_a_comment():
    comment = CommentFactory()

    with pytest.raises(PermissionDenied, match=r"^Only moderators can hide comments\.$"):
        comment_hide(comment=comment, by=UserFactory(is_staff=True), reason="No.")

    comment.refresh_from_db()
    assert not comment.is_hidden


def test_a_moderator_hides_a_comment_and_gets_it_back_fresh():
    comment = CommentFactory()
    by = moderator()

    hidden = comment_hide(comment=comment, by=by, reason="Personal attack")

    assert (hidden.is_hidden, hidden.hidden_reason, hidden.hidden_by) == (
        True,
        "Personal attack",
        by,
    )


# --- Comments on hidden posts ----------------------------------------------------------------


def test_a_comment_on_a_hidden_post_is_not_found_except_by_staff():
    comment = CommentFactory(post=PostFactory(is_hidden=True))
    url = reverse("posts:comment", args=[comment.pk])
    member, staff = Client(), Client()
    member.force_login(UserFactory())
    staff.force_login(UserFactory(is_staff=True))

    assert Client().get(url).status_code == HTTPStatus.NOT_FOUND
    assert member.get(url).status_code == HTTPStatus.NOT_FOUND
    assert staff.get(url).status_code == HTTPStatus.FOUND


def _page_of(post, client) -> str:
    response = client.get(post.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_the_author_of_a_hidden_post_reads_it_without_actions_that_would_not_be_found():
    poster = UserFactory()
    post = PostFactory(is_hidden=True, posted_by=poster)
    thread = CommentFactory(post=post, author=poster)
    CommentFactory(post=post, parent=thread, author=UserFactory())
    CommentFactory(post=post, parent=thread, author=poster)
    client = Client()
    client.force_login(poster)

    page = _page_of(post, client)

    assert "The discussion is closed while this post is hidden." in page
    assert 'id="comment-form"' not in page
    for name, args in [
        ("posts:comment_create", [post.pk]),
        ("posts:post_like", [post.pk]),
        ("posts:post_save", [post.pk]),
        ("posts:post_follow", [post.pk]),
        ("posts:comment_like", [thread.pk]),
        ("posts:comment_edit", [thread.pk]),
        ("posts:comment_delete", [thread.pk]),
        ("reports:comment", [thread.pk]),
    ]:
        url = reverse(name, args=args)
        assert url not in page, name
        assert client.post(url).status_code == HTTPStatus.NOT_FOUND, name
    assert "/reply/" not in page


def test_staff_keep_the_discussion_of_a_hidden_post_open():
    post = PostFactory(is_hidden=True)
    thread = CommentFactory(post=post)
    reply = CommentFactory(post=post, parent=thread)
    client = Client()
    client.force_login(UserFactory(is_staff=True))

    page = _page_of(post, client)

    assert 'id="comment-form"' in page
    assert reverse("posts:post_like", args=[post.pk]) in page
    assert reverse("posts:comment_reply", args=[reply.pk]) in page
    assert "The discussion is closed" not in page


def test_a_member_on_a_visible_post_gets_the_form_and_replies():
    post = PostFactory()
    reply = CommentFactory(post=post, parent=CommentFactory(post=post))
    client = Client()
    client.force_login(UserFactory())

    page = _page_of(post, client)

    assert 'id="comment-form"' in page
    assert reverse("posts:comment_reply", args=[reply.pk]) in page
    assert "The discussion is closed" not in page


def test_a_comment_that_does_not_exist_is_not_found():
    assert Client().get(reverse("posts:comment", args=[999_999])).status_code == 404


def test_a_hidden_post_cannot_be_liked_except_by_staff():
    post = PostFactory(is_hidden=True)
    member, staff = Client(), Client()
    member.force_login(UserFactory())
    staff.force_login(UserFactory(is_staff=True))
    url = reverse("posts:post_like", args=[post.pk])

    assert member.post(url, {"state": "on"}).status_code == HTTPStatus.NOT_FOUND
    assert staff.post(url, {"state": "on"}).status_code == HTTPStatus.FOUND


def test_an_edit_writes_only_the_text_so_a_like_given_meanwhile_is_kept():
    comment = CommentFactory(body="Original.")
    Comment.objects.filter(pk=comment.pk).update(like_count=5)  # liked since it was loaded

    comment_edit(comment=comment, user=comment.author, body="Changed.")

    comment.refresh_from_db()
    assert (comment.body, comment.like_count) == ("Changed.", 5)


def test_deleting_a_reply_leaves_other_threads_empty_shells_alone():
    elsewhere = CommentFactory(is_deleted=True, body="")  # its replies were removed in the admin
    reply = CommentFactory(parent=CommentFactory())

    comment_delete(comment=reply, user=reply.author)

    assert Comment.objects.filter(pk=elsewhere.pk).exists()


def test_a_permalink_goes_to_that_comment():
    first = CommentFactory()
    second = CommentFactory(post=first.post)

    response = Client().get(reverse("posts:comment", args=[second.pk]))

    assert response["Location"].endswith(f"#{second.anchor}")


def test_a_like_goes_to_the_post_liked():
    PostFactory()
    second = PostFactory()
    member = UserFactory()
    client = Client()
    client.force_login(member)

    client.post(reverse("posts:post_like", args=[second.pk]), {"state": "on"})

    assert list(member.post_likes.values_list("post_id", flat=True)) == [second.pk]
