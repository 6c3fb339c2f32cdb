"""Hiding by reports and by moderators: automatic hiding until a decision, restoring,
the author's statement of reasons, and hidden items gone from everything others see."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from posts.models import Comment, Post, Report
from posts.services.discussion import comment_create, comments_hide
from posts.services.moderation import posts_hide, profiles_hide
from posts.services.report_queue import (
    report_dismiss,
    report_hide_item,
    report_resolve,
    report_restore_item,
)
from posts.services.reports import ReportTarget, ReportUnavailable, report_submit
from tests.factories import CommentFactory, PostFactory, UserFactory, moderator, verified_member

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def report(item, *, by=None, reason="spam", email=""):
    kind = {Post: "post", Comment: "comment"}.get(type(item), "member")
    target = ReportTarget(kind=kind, **{kind: item})
    created, _ = report_submit(
        target=target, reason=reason, reporter=by, email=email, client_key="test"
    )
    return created


def mails_to(address):
    return [m for m in mail.outbox if address in m.to]


# --- Hidden at once: patient-identifiable information ---------------------------------
def test_a_report_of_patient_information_hides_a_comment_at_once():
    comment = CommentFactory(body="Mrs Jones, born 1950, MRN 12345.")

    report(comment, by=UserFactory(), reason="patient")

    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_pending_review
    assert comment.hidden_by is None
    assert comment.hidden_reason == "reported as containing patient-identifiable information"
    page = Client().get(comment.post.get_absolute_url(), **BROWSER)
    assertNotContains(page, "MRN 12345")
    assertContains(page, "This comment was hidden by a moderator.")


def test_a_visitors_report_of_patient_information_hides_the_item_too():
    post = PostFactory()

    report(post, email="reader@example.net", reason="patient")

    assert Post.objects.get(pk=post.pk).is_hidden


def test_a_report_of_patient_information_hides_a_profile_at_once():
    member = UserFactory(display_name="Dr. Patient Name", bio="Scan of Mr X attached.")

    report(member, by=UserFactory(), reason="patient")

    member.refresh_from_db()
    assert member.profile_hidden and member.profile_hidden_pending_review
    assert Client().get(member.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_the_automatic_hiding_is_in_the_audit_log_of_the_report():
    comment = CommentFactory()

    created = report(comment, by=UserFactory(), reason="patient")

    assert list(created.events.values_list("action", "actor_name")) == [
        ("created", "reporter"),
        ("auto_hidden", "automatic"),
    ]


def test_the_author_of_an_item_hidden_automatically_gets_a_statement_of_reasons():
    author = verified_member(username="ana")
    comment = CommentFactory(author=author)
    reporter = UserFactory(username="reporter-name")

    report(comment, by=reporter, reason="patient")

    [statement] = mails_to(author.email)
    assert statement.subject == "[radRounds] Your comment is hidden until a moderator reviews it"
    assert "Why: Reported as containing patient-identifiable information" in statement.body
    assert "This happened automatically" in statement.body
    assert f"/comments/{comment.pk}/" in statement.body
    assert "reporter-name" not in statement.body  # never who reported it
    assert comment.body not in statement.body


# --- Hidden at once: the third member -------------------------------------------------------
def test_the_third_report_by_three_different_members_hides_the_item():
    comment = CommentFactory()
    members = UserFactory.create_batch(3)

    report(comment, by=members[0])
    report(comment, by=members[1])
    comment.refresh_from_db()
    assert not comment.is_hidden
    report(comment, by=members[2], reason="abuse")

    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_pending_review
    assert comment.hidden_reason == "reported by 3 members"
    assert Report.objects.filter(events__action="auto_hidden").count() == 3


def test_one_member_reporting_three_times_does_not_hide_the_item():
    comment = CommentFactory()
    member = UserFactory()

    for reason in ("spam", "abuse", "inaccurate"):
        report(comment, by=member, reason=reason)

    comment.refresh_from_db()
    assert not comment.is_hidden


def test_visitors_do_not_count_towards_the_three_members():
    post = PostFactory()

    for n in range(3):
        report(post, email=f"reader{n}@example.net")
    report(post, by=UserFactory())

    assert not Post.objects.get(pk=post.pk).is_hidden


# --- Restoring and deciding ----------------------------------------------------------------
def test_a_moderator_restores_an_item_hidden_by_reports_and_its_author_is_told():
    author = verified_member(username="ana")
    comment = CommentFactory(author=author, body="Fine words.")
    opened = report(comment, by=UserFactory(), reason="patient")
    mail.outbox.clear()

    report_restore_item(report=opened, by=moderator(), note="No patient details in it.")

    comment.refresh_from_db()
    assert not comment.is_hidden and not comment.hidden_pending_review
    assertContains(Client().get(comment.post.get_absolute_url(), **BROWSER), "Fine words.")
    [notice] = mails_to(author.email)
    assert notice.subject == "[radRounds] Your comment is visible again"
    assert list(opened.events.values_list("action", flat=True))[-1] == "restored"


def test_dismissing_the_last_open_report_brings_back_an_item_hidden_by_reports():
    post = PostFactory()
    members = UserFactory.create_batch(3)
    for member in members:
        report(post, by=member)
    assert Post.objects.get(pk=post.pk).is_hidden
    first = Report.objects.order_by("pk").first()

    report_dismiss(report=first, by=moderator(), note="Only a disagreement.", whole_item=False)
    assert Post.objects.get(pk=post.pk).is_hidden  # two reports still open

    report_dismiss(
        report=Report.objects.open().first(), by=moderator(), note="No.", whole_item=True
    )
    assert not Post.objects.get(pk=post.pk).is_hidden


def test_resolving_keeps_an_item_hidden_by_reports_hidden_as_the_moderators_decision():
    author = verified_member(username="ana")
    comment = CommentFactory(author=author)
    opened = report(comment, by=UserFactory(), reason="patient")
    mail.outbox.clear()
    mod = moderator(username="mod")

    report_resolve(report=opened, by=mod, note="Names a patient.")

    comment.refresh_from_db()
    assert comment.is_hidden and not comment.hidden_pending_review
    assert (comment.hidden_by, comment.hidden_reason) == (mod, "Names a patient.")
    [statement] = mails_to(author.email)
    assert statement.subject == "[radRounds] Your comment stays hidden"
    assert "Why: Names a patient." in statement.body


def test_a_moderators_hiding_is_not_undone_by_dismissing_the_reports():
    comment = CommentFactory()
    opened = report(comment, by=UserFactory())
    mod = moderator()
    report_hide_item(report=opened, by=mod, note="Off-topic advertising")

    report_dismiss(report=opened, by=mod, note="Handled by hiding it.")

    assert Comment.objects.get(pk=comment.pk).is_hidden


def test_automatic_hiding_never_replaces_a_moderators_reason():
    post = PostFactory()
    mod = moderator()
    posts_hide(posts=Post.objects.filter(pk=post.pk), by=mod, reason="Retracted article")

    # A hidden post can no longer be reported, so nothing automatic touches it.
    with pytest.raises(ReportUnavailable):
        report(post, by=UserFactory(), reason="patient")

    post.refresh_from_db()
    assert (post.hidden_reason, post.hidden_pending_review) == ("Retracted article", False)


# --- The author sees it is hidden, and why -------------------------------------------------------
def test_the_author_sees_their_hidden_comment_with_the_reason():
    author = UserFactory()
    comment = CommentFactory(author=author, body="My words.")
    report(comment, by=UserFactory(), reason="patient")

    page = signed_in(author).get(comment.post.get_absolute_url(), **BROWSER)

    assertContains(page, "My words.")
    assertContains(
        page,
        "Hidden until a moderator has reviewed it: reported as containing "
        "patient-identifiable information.",
    )


def test_the_member_who_posted_a_hidden_post_still_sees_it_with_the_reason():
    poster = UserFactory()
    post = PostFactory(posted_by=poster, title="My shared article.")
    posts_hide(posts=Post.objects.filter(pk=post.pk), by=moderator(), reason="Wrong journal")

    mine = signed_in(poster).get(post.get_absolute_url())
    others = signed_in(UserFactory()).get(post.get_absolute_url())

    assertContains(mine, "This post is hidden by a moderator: Wrong journal")
    assertContains(mine, "Only you and the moderators can see it.")
    assert others.status_code == HTTPStatus.NOT_FOUND


def test_a_member_sees_their_own_hidden_profile_with_the_reason():
    member = UserFactory(display_name="Dr. Ana Ortiz")
    profiles_hide(members=type(member).objects.filter(pk=member.pk), reason="Impersonation")

    own = signed_in(member).get(member.get_absolute_url())
    staff = signed_in(moderator()).get(member.get_absolute_url())
    visitor = Client().get(member.get_absolute_url())

    assertContains(own, "This profile is hidden by a moderator: Impersonation")
    assertContains(staff, "Dr. Ana Ortiz")
    assertContains(visitor, "This profile is not available", status_code=404)
    assertNotContains(visitor, "Dr. Ana Ortiz", status_code=404)


# --- Hidden items leave everything others see ----------------------------------------------------
def test_a_hidden_post_leaves_lists_search_feeds_sitemap_and_badges(client):
    kept = PostFactory(title="Kept post about the spine.")
    gone = PostFactory(title="Hidden post about the spine.")
    opened = report(gone, by=UserFactory(), reason="patient")
    assert opened.post.pk == gone.pk
    gone.refresh_from_db()
    assert gone.is_hidden

    pages = {
        "home": client.get("/"),
        "search": client.get("/search/", {"q": "spine"}),
        "rss": client.get("/feed/rss/"),
        "atom": client.get("/feed/atom/"),
        "sitemap": client.get("/sitemap.xml"),
    }
    for name, page in pages.items():
        assertContains(page, kept.get_absolute_url(), msg_prefix=name)
        assertNotContains(page, gone.get_absolute_url(), msg_prefix=name)
    assert client.get(gone.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"/badges/posts/{gone.pk}.png").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"/posts/{gone.pk}/cite.ris").status_code == HTTPStatus.NOT_FOUND


def test_a_hidden_comment_leaves_the_posts_count_and_the_authors_profile(client):
    post = PostFactory()
    author = UserFactory()
    comment_create(author=author, post=post, body="A fine comment.")
    bad, _ = comment_create(author=author, post=post, body="Patient Jane Doe.")
    post.refresh_from_db()
    assert post.comment_count == 2

    report(bad, by=UserFactory(), reason="patient")

    post.refresh_from_db()
    assert post.comment_count == 1
    assert post.last_commented_at == Comment.objects.get(body="A fine comment.").created_at
    assertNotContains(client.get(author.get_absolute_url()), "Patient Jane Doe.")
    assertContains(client.get("/"), "1 comment")


def test_restoring_a_comment_counts_it_again():
    post = PostFactory()
    comment, _ = comment_create(author=UserFactory(), post=post, body="Fine.")
    opened = report(comment, by=UserFactory(), reason="patient")
    assert Post.objects.get(pk=post.pk).comment_count == 0

    report_restore_item(report=opened, by=moderator(), note="Fine after all.")

    post.refresh_from_db()
    assert post.comment_count == 1
    assert post.last_commented_at == comment.created_at


def test_deleting_a_hidden_comment_does_not_count_it_twice():
    from posts.services.discussion import comment_delete

    post = PostFactory()
    author = UserFactory()
    keep, _ = comment_create(author=author, post=post, body="Stays.")
    gone, _ = comment_create(author=author, post=post, body="Goes.")
    comments_hide(comments=Comment.objects.filter(pk=gone.pk), by=moderator(), reason="Rude")

    comment_delete(comment=Comment.objects.get(pk=gone.pk), user=author)

    assert Post.objects.get(pk=post.pk).comment_count == 1


def test_a_hidden_profile_leaves_the_directory_and_has_no_badge_and_no_picture_or_name(client):
    member = UserFactory(username="ortiz", display_name="Dr. Abusive Name")
    comment = CommentFactory(author=member)
    profiles_hide(members=type(member).objects.filter(pk=member.pk), reason="Offensive name")

    directory = client.get("/members/")
    post_page = client.get(comment.post.get_absolute_url(), **BROWSER)

    assertNotContains(directory, "Dr. Abusive Name")
    assertNotContains(post_page, "Dr. Abusive Name")
    assertContains(post_page, "@ortiz")
    assert client.get("/badges/members/ortiz.png").status_code == HTTPStatus.NOT_FOUND


def test_a_moderator_hiding_a_comment_on_the_site_sends_a_statement_of_reasons():
    author = verified_member(username="ana")
    comment = CommentFactory(author=author)

    signed_in(moderator()).post(
        reverse("posts:comment_hide", args=[comment.pk]), {"reason": "Personal attack"}
    )

    [statement] = mails_to(author.email)
    assert statement.subject == "[radRounds] A moderator hid your comment"
    assert "Why: Personal attack" in statement.body
    assert "This was decided by a moderator." in statement.body
