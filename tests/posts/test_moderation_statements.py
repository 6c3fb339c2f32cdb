"""What the author of a comment is told when moderation hides or restores it: one
statement of reasons per decision, in the words that fit it, to the author alone."""

import pytest
from django.core import mail

from posts.models import Comment
from posts.services.discussion import comment_delete, comments_hide, comments_unhide
from tests.factories import CommentFactory, moderator, verified_member

pytestmark = pytest.mark.django_db


def _only(comment):
    return Comment.objects.filter(pk=comment.pk)


def _hidden_by_reports(comment):
    comments_hide(comments=_only(comment), by=None, reason="Reported", pending_review=True)


def test_the_author_of_a_comment_a_moderator_hides_gets_the_statement():
    author = verified_member(username="ana")
    comment = CommentFactory(author=author)

    comments_hide(comments=_only(comment), by=moderator(), reason="Personal attack")

    [statement] = mail.outbox
    assert statement.to == [author.email]
    assert statement.subject == "[radRounds] A moderator hid your comment"
    assert "Why: Personal attack" in statement.body
    assert f"/comments/{comment.pk}/" in statement.body


def test_a_comment_hidden_by_reports_gets_the_pending_review_statement():
    comment = CommentFactory(author=verified_member())

    _hidden_by_reports(comment)

    [statement] = mail.outbox
    assert statement.subject == "[radRounds] Your comment is hidden until a moderator reviews it"
    assert "This happened automatically" in statement.body


def test_a_moderator_hiding_a_comment_hidden_pending_review_confirms_it_stays_hidden():
    comment = CommentFactory(author=verified_member())
    _hidden_by_reports(comment)
    mail.outbox.clear()

    comments_hide(comments=_only(comment), by=moderator(), reason="Names a patient.")

    [statement] = mail.outbox
    assert statement.subject == "[radRounds] Your comment stays hidden"
    assert "It stays hidden." in statement.body
    assert "Why: Names a patient." in statement.body


def test_a_moderator_hiding_a_comment_again_sends_no_second_statement():
    comment = CommentFactory(author=verified_member())
    by = moderator()
    comments_hide(comments=_only(comment), by=by, reason="Rude")
    mail.outbox.clear()

    comments_hide(comments=_only(comment), by=by, reason="Rude, and off-topic")

    assert mail.outbox == []


def test_the_author_of_a_restored_comment_is_told_it_is_visible_again():
    author = verified_member(username="ana")
    comment = CommentFactory(author=author)
    comments_hide(comments=_only(comment), by=moderator(), reason="Rude")
    mail.outbox.clear()

    comments_unhide(comments=_only(comment))

    [notice] = mail.outbox
    assert notice.to == [author.email]
    assert notice.subject == "[radRounds] Your comment is visible again"
    assert f"/comments/{comment.pk}/" in notice.body


def test_the_author_of_a_deleted_comment_is_not_told_it_was_restored():
    author = verified_member()
    comment = CommentFactory(author=author)
    CommentFactory(post=comment.post, parent=comment)  # keeps it as "[deleted]"
    comments_hide(comments=_only(comment), by=moderator(), reason="Rude")
    comment_delete(comment=Comment.objects.get(pk=comment.pk), user=author)
    mail.outbox.clear()

    assert comments_unhide(comments=_only(comment)) == 1

    assert mail.outbox == []
