"""Reporting: members and visitors, one open report per item, rate limits, the honeypot,
bad input, the confirmation page and "Your reports"."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.services import account_delete
from posts.models import Report, ReportEvent
from posts.services.report_queue import report_dismiss, report_resolve
from posts.services.reports import ReportTarget, report_submit
from posts.views.reports import SENT_SESSION_KEY
from tests.factories import (
    CommentFactory,
    PostFactory,
    UserFactory,
    moderator,
    verified_member,
)

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def visitor(address="203.0.113.7"):
    return Client(REMOTE_ADDR=address)


def report_url(kind, ref):
    return reverse(f"reports:{kind}", args=[ref])


# --- Members -------------------------------------------------------------------------
def test_a_member_reports_a_comment_and_lands_on_a_confirmation():
    ana = verified_member(username="ana")
    comment = CommentFactory(body="Rude words.")

    response = signed_in(ana).post(
        report_url("comment", comment.pk),
        {"reason": "abuse", "description": "Insults a colleague."},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("reports:sent")
    report = Report.objects.get()
    assert (report.kind, report.comment, report.reporter, report.reason) == (
        "comment",
        comment,
        ana,
        "abuse",
    )
    assert report.description == "Insults a colleague."
    assert report.status == "open"
    assert report.item_key == f"comment:{comment.pk}"
    assert list(report.events.values_list("action", "actor_name")) == [("created", "reporter")]


def test_the_confirmation_page_names_the_report_and_what_happens_next():
    ana = verified_member(username="ana")
    post = PostFactory(title="Facet joint injections.")
    client = signed_in(ana)
    client.post(report_url("post", post.pk), {"reason": "inaccurate"})

    page = client.get(reverse("reports:sent"))

    report = Report.objects.get()
    assertContains(page, "Thank you: your report is in")
    assertContains(page, f"#{report.pk}")
    assertContains(page, "Facet joint injections.")
    assertContains(page, "Inaccurate or misleading")
    assertContains(page, 'href="/reports/mine/"')


def test_a_member_gets_an_email_receipt():
    ana = verified_member(username="ana")
    post = PostFactory()

    signed_in(ana).post(report_url("post", post.pk), {"reason": "copyright"})

    report = Report.objects.get()
    [receipt] = mail.outbox
    assert receipt.to == [ana.email]
    assert receipt.subject == f"[radRounds] We received your report #{report.pk}"
    assert "Reason: Copyright" in receipt.body
    assert "http://127.0.0.1:8000/reports/mine/" in receipt.body


def test_a_member_without_a_confirmed_address_gets_no_receipt_but_the_report_counts():
    member = UserFactory()  # email never confirmed

    signed_in(member).post(report_url("post", PostFactory().pk), {"reason": "spam"})

    assert Report.objects.count() == 1
    assert mail.outbox == []


def test_reporting_again_updates_the_open_report_instead_of_adding_one():
    ana = verified_member(username="ana")
    comment = CommentFactory()
    client = signed_in(ana)
    client.post(report_url("comment", comment.pk), {"reason": "spam"})

    client.post(
        report_url("comment", comment.pk), {"reason": "abuse", "description": "Also insulting."}
    )

    report = Report.objects.get()
    assert (report.reason, report.description) == ("abuse", "Also insulting.")
    assert list(report.events.values_list("action", flat=True)) == ["created", "updated"]
    assertContains(client.get(reverse("reports:sent")), "Your report is updated")
    assert len(mail.outbox) == 1  # one receipt, for the report that was opened


def test_a_decided_report_does_not_stop_a_new_one():
    ana = verified_member(username="ana")
    post = PostFactory()
    client = signed_in(ana)
    client.post(report_url("post", post.pk), {"reason": "spam"})
    report_dismiss(report=Report.objects.get(), by=moderator(), note="Not spam.")

    client.post(report_url("post", post.pk), {"reason": "inaccurate"})

    assert list(Report.objects.order_by("pk").values_list("status", "reason")) == [
        ("dismissed", "spam"),
        ("open", "inaccurate"),
    ]


def test_the_database_keeps_one_open_report_per_reporter_and_item():
    ana = UserFactory()
    post = PostFactory()
    report_submit(target=ReportTarget(kind="post", post=post), reason="spam", reporter=ana)

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            kind="post",
            post=post,
            item_key=f"post:{post.pk}",
            item_label="x",
            reason="abuse",
            reporter=ana,
            reporter_key=f"user:{ana.pk}",
        )


def test_the_database_refuses_an_item_that_does_not_match_its_kind():
    post = PostFactory()
    comment = CommentFactory(post=post)

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            kind="post",
            post=post,
            comment=comment,
            item_key=f"post:{post.pk}",
            item_label="x",
            reason="spam",
            reporter_key="email:a@example.org",
        )


# --- Visitors ----------------------------------------------------------------------------
def test_a_visitor_reports_a_post_with_an_email_address():
    post = PostFactory(title="Spinal injections.")
    client = visitor()

    response = client.post(
        report_url("post", post.pk),
        {"reason": "inaccurate", "description": "Wrong year.", "email": "reader@example.net"},
    )

    assert response.status_code == HTTPStatus.FOUND
    report = Report.objects.get()
    assert report.reporter is None
    assert report.reporter_email == "reader@example.net"
    assert report.reporter_key == "email:reader@example.net"
    [receipt] = mail.outbox
    assert receipt.to == ["reader@example.net"]
    assert "Spinal injections." in receipt.body
    page = client.get(reverse("reports:sent"))
    assertContains(page, "We sent a receipt to reader@example.net")


def test_a_visitor_must_give_an_email_address():
    response = visitor().post(report_url("post", PostFactory().pk), {"reason": "spam"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assertContains(
        response, "Give your email address so the decision can reach you.", status_code=400
    )
    assert Report.objects.count() == 0


def test_a_visitor_reporting_again_with_the_same_address_updates_their_report():
    post = PostFactory()
    visitor().post(report_url("post", post.pk), {"reason": "spam", "email": "Reader@Example.net"})

    visitor("198.51.100.2").post(
        report_url("post", post.pk), {"reason": "abuse", "email": "reader@example.net"}
    )

    assert list(Report.objects.values_list("reason", flat=True)) == ["abuse"]


def test_the_report_form_for_visitors_asks_for_an_email_and_carries_a_csrf_token():
    response = visitor().get(report_url("post", PostFactory().pk))

    assertContains(response, 'name="email"')
    assertContains(response, 'name="csrfmiddlewaretoken"')
    assertContains(response, 'name="homepage"')  # the honeypot
    assert "no-store" in response["Cache-Control"]


def test_the_report_form_for_members_has_no_email_field_or_honeypot(member_client):
    response = member_client.get(report_url("post", PostFactory().pk))

    assertNotContains(response, 'name="email"')
    assertNotContains(response, 'name="homepage"')


def test_a_filled_honeypot_shows_the_confirmation_but_stores_and_sends_nothing():
    client = visitor()

    response = client.post(
        report_url("post", PostFactory().pk),
        {"reason": "spam", "email": "bot@example.net", "homepage": "http://spam.example"},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Report.objects.count() == 0
    assert mail.outbox == []
    assertContains(client.get(reverse("reports:sent")), "A moderator will review it")


# --- Rate limits -------------------------------------------------------------------------
def test_members_are_limited_to_ten_reports_an_hour_with_a_clear_message(member_client):
    posts = PostFactory.create_batch(11)
    for post in posts[:10]:
        assert (
            member_client.post(report_url("post", post.pk), {"reason": "spam"}).status_code == 302
        )

    response = member_client.post(
        report_url("post", posts[10].pk), {"reason": "other", "description": "Keep my words."}
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assertContains(response, "radRounds accepts 10 per hour per member", status_code=429)
    assertContains(response, "Keep my words.", status_code=429)
    assert Report.objects.count() == 10


def test_visitors_are_limited_per_address_more_strictly_than_members():
    posts = PostFactory.create_batch(4)
    client = visitor("203.0.113.9")
    for n, post in enumerate(posts[:3]):
        data = {"reason": "spam", "email": f"reader{n}@example.net"}
        assert client.post(report_url("post", post.pk), data).status_code == 302

    response = client.post(
        report_url("post", posts[3].pk), {"reason": "spam", "email": "reader9@example.net"}
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assertContains(response, "3 per hour from one address", status_code=429)
    other_address = visitor("198.51.100.20").post(
        report_url("post", posts[3].pk), {"reason": "spam", "email": "reader9@example.net"}
    )
    assert other_address.status_code == HTTPStatus.FOUND


def test_one_email_address_gets_at_most_three_receipts_a_day():
    posts = PostFactory.create_batch(4)
    for n, post in enumerate(posts[:3]):
        visitor(f"198.51.100.{n + 1}").post(
            report_url("post", post.pk), {"reason": "spam", "email": "victim@example.net"}
        )

    response = visitor("198.51.100.99").post(
        report_url("post", posts[3].pk), {"reason": "spam", "email": "victim@example.net"}
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert len([m for m in mail.outbox if m.to == ["victim@example.net"]]) == 3


# --- Bad input ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "ref"), [("post", 999999), ("comment", 999999), ("member", "nobody")]
)
def test_an_unknown_item_answers_a_clear_404(member_client, kind, ref):
    for method in (member_client.get, member_client.post):
        response = method(report_url(kind, ref), {"reason": "spam"})

        assert response.status_code == HTTPStatus.NOT_FOUND
        assertContains(response, "cannot be reported", status_code=404)
    assert Report.objects.count() == 0


def _hidden_items():
    hidden_post = PostFactory(is_hidden=True)
    return {
        "hidden post": ("post", hidden_post.pk),
        "hidden comment": ("comment", CommentFactory(is_hidden=True).pk),
        "deleted comment": ("comment", CommentFactory(is_deleted=True, body="").pk),
        "comment on a hidden post": ("comment", CommentFactory(post=hidden_post).pk),
        "hidden profile": ("member", UserFactory(profile_hidden=True).username),
        "closed account": ("member", UserFactory(is_active=False).username),
    }


@pytest.mark.parametrize(
    "case",
    [
        "hidden post",
        "hidden comment",
        "deleted comment",
        "comment on a hidden post",
        "hidden profile",
        "closed account",
    ],
)
def test_an_item_that_is_hidden_or_gone_cannot_be_reported(member_client, case):
    kind, ref = _hidden_items()[case]

    response = member_client.post(report_url(kind, ref), {"reason": "spam"})

    assert response.status_code == HTTPStatus.NOT_FOUND
    assertContains(response, "a moderator has hidden it already", status_code=404)
    assert Report.objects.count() == 0


def test_details_over_2000_characters_are_a_form_error_and_nothing_is_saved(member_client):
    response = member_client.post(
        report_url("post", PostFactory().pk), {"reason": "other", "description": "x" * 2001}
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assertContains(
        response, "Details can be at most 2,000 characters; these have 2,001.", status_code=400
    )
    assert Report.objects.count() == 0


def test_a_line_break_counts_as_one_character(member_client):
    text = "\r\n".join(["a" * 9] * 200)  # 1,999 characters once CRLF is one character

    response = member_client.post(
        report_url("post", PostFactory().pk), {"reason": "other", "description": text}
    )

    assert response.status_code == HTTPStatus.FOUND
    assert Report.objects.get().description == text.replace("\r\n", "\n")


def test_other_needs_details(member_client):
    response = member_client.post(report_url("post", PostFactory().pk), {"reason": "other"})

    assertContains(response, "details are needed when you choose “Other”", status_code=400)


def test_an_unknown_reason_is_a_form_error(member_client):
    response = member_client.post(report_url("post", PostFactory().pk), {"reason": "boredom"})

    assertContains(response, "Select a valid choice", status_code=400)
    assert Report.objects.count() == 0


def test_a_report_without_a_reason_is_a_form_error(member_client):
    response = member_client.post(report_url("post", PostFactory().pk), {})

    assertContains(response, "Choose what is wrong.", status_code=400)


# --- The site and its pages ----------------------------------------------------------------
def test_the_footer_of_every_page_links_to_report_an_issue_about_that_page(client):
    for path in ("/", "/terms/", "/members/", "/badges/"):
        assertContains(client.get(path), f'href="/report/?page={path}"')


def test_the_footer_link_fills_in_the_page(member_client):
    response = member_client.get(reverse("reports:site"), {"page": "/terms/"})

    assertContains(response, 'value="/terms/"')


def test_a_page_on_another_site_in_the_link_is_left_out(member_client):
    response = member_client.get(reverse("reports:site"), {"page": "https://evil.example/x"})

    assert response.status_code == HTTPStatus.OK
    assertNotContains(response, "evil.example")


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("/posts/1/spine/", "/posts/1/spine/"),
        ("/search/?q=spine#results", "/search/?q=spine"),
        ("http://testserver/terms/", "/terms/"),
        ("", ""),
    ],
)
def test_a_report_about_a_page_keeps_a_path_on_this_site(member_client, given, stored):
    response = member_client.post(
        reverse("reports:site"), {"reason": "broken", "page": given, "description": "Blank."}
    )

    assert response.status_code == HTTPStatus.FOUND
    report = Report.objects.get()
    assert (report.kind, report.page_path, report.item_key) == ("page", stored, f"page:{stored}")


@pytest.mark.parametrize(
    "given",
    ["https://evil.example/x", "//evil.example/x", "javascript:alert(1)", "posts/1/", "/a\\b"],
)
def test_a_report_about_a_page_elsewhere_is_a_form_error(member_client, given):
    response = member_client.post(reverse("reports:site"), {"reason": "broken", "page": given})

    assertContains(response, "Give the address of a page on this site", status_code=400)
    assert Report.objects.count() == 0


def test_report_links_sit_beside_posts_comments_and_profiles(client):
    comment = CommentFactory()
    post = comment.post

    page = client.get(post.get_absolute_url())
    profile = client.get(comment.author.get_absolute_url())

    assertContains(page, f'href="{report_url("post", post.pk)}"')
    assertContains(page, f'href="{report_url("comment", comment.pk)}"')
    assertContains(profile, f'href="{report_url("member", comment.author.username)}"')


def test_the_post_page_stays_the_same_for_every_visitor(client):
    comment = CommentFactory()
    url = comment.post.get_absolute_url()

    # No user agent: not counted as a view, so the counter does not differ either.
    first = Client(REMOTE_ADDR="203.0.113.1").get(url).content
    second = Client(REMOTE_ADDR="198.51.100.1").get(url).content

    assert first == second
    assert b"csrfmiddlewaretoken" not in first


# --- Privacy: the confirmation page and "Your reports" -------------------------------------
def test_the_confirmation_page_never_shows_someone_elses_report():
    ana, bob = verified_member(username="ana"), verified_member(username="bob")
    signed_in(ana).post(
        report_url("post", PostFactory().pk), {"reason": "other", "description": "Ana's words."}
    )
    report = Report.objects.get()
    for client in (signed_in(bob), visitor()):
        session = client.session
        session[SENT_SESSION_KEY] = {"id": report.pk, "created": True}
        session.save()

        page = client.get(reverse("reports:sent"))

        assertNotContains(page, "Ana's words.")
        assertNotContains(page, f"#{report.pk}")


def test_your_reports_lists_your_reports_and_their_outcomes_only():
    ana, bob = verified_member(username="ana"), verified_member(username="bob")
    post = PostFactory(title="Spinal injections.")
    signed_in(ana).post(report_url("post", post.pk), {"reason": "inaccurate"})
    signed_in(bob).post(
        report_url("post", post.pk), {"reason": "other", "description": "Bob's own words."}
    )
    report_resolve(
        report=Report.objects.get(reporter=ana), by=moderator(), note="Corrected the year."
    )

    page = signed_in(ana).get(reverse("reports:mine"))

    assertContains(page, "Spinal injections.")
    assertContains(page, "Resolved (action taken)")
    assertContains(page, "Corrected the year.")
    assertNotContains(page, "Bob's own words.")
    assertContains(signed_in(bob).get(reverse("reports:mine")), "Waiting for a moderator.")


def test_your_reports_says_when_you_updated_a_report_but_not_when_a_moderator_acted():
    ana = UserFactory()
    first, second = PostFactory(), PostFactory()
    client = signed_in(ana)
    client.post(report_url("post", first.pk), {"reason": "spam"})
    client.post(report_url("post", second.pk), {"reason": "spam"})
    client.post(report_url("post", second.pk), {"reason": "abuse"})
    report_dismiss(
        report=Report.objects.get(post=first), by=moderator(), note="Not spam.", whole_item=False
    )

    page = client.get(reverse("reports:mine"))

    assert page.content.decode().count("(updated ") == 1


def test_your_reports_needs_signing_in(client):
    response = client.get(reverse("reports:mine"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_your_reports_runs_a_fixed_number_of_queries(django_assert_num_queries):
    ana = UserFactory()
    client = signed_in(ana)

    def add(n):
        for _ in range(n):
            comment = CommentFactory()
            for target in (
                ReportTarget(kind="comment", comment=comment),
                ReportTarget(kind="post", post=comment.post),
                ReportTarget(kind="member", member=comment.author),
                ReportTarget(kind="page", page_path=f"/posts/{comment.post_id}/"),
            ):
                report_submit(target=target, reason="spam", reporter=ana)
            cache.clear()  # a busy reporter: keep the rate limit out of this test

    add(1)
    client.get(reverse("reports:mine"))
    with django_assert_num_queries(5) as few:  # session, member, bell, count, the page
        client.get(reverse("reports:mine"))
    add(4)

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("reports:mine"))

    assert len(response.context["page_obj"].object_list) == 20


def test_a_members_data_download_includes_their_reports():
    ana = UserFactory()
    report_submit(
        target=ReportTarget(kind="page", page_path="/terms/"),
        reason="broken",
        description="Heading missing.",
        reporter=ana,
    )

    data = signed_in(ana).get(reverse("accounts:export")).json()

    assert [(r["about"], r["details"], r["status"]) for r in data["reports"]] == [
        ("Page /terms/", "Heading missing.", "Open")
    ]


def test_a_deleted_account_leaves_its_reports_on_record_linked_to_nobody():
    ana, bob = UserFactory(), UserFactory()
    post = PostFactory()
    report_submit(target=ReportTarget(kind="post", post=post), reason="spam", reporter=ana)
    report_submit(target=ReportTarget(kind="post", post=post), reason="spam", reporter=bob)

    account_delete(user=ana)

    report = Report.objects.get(reporter__isnull=True)
    assert report.reporter_key == f"former:{report.pk}"
    assert report.reporter_display == "Former member"
    assert ReportEvent.objects.filter(report=report).exists()


# --- Terms and Privacy say how reports work -------------------------------------------------
def _pages_migration():
    """The data migration that rewrote the default texts (found by name, not number)."""
    import importlib.util
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "posts" / "migrations"
    path = next(folder.glob("*_moderators_and_report_pages.py"))
    spec = importlib.util.spec_from_file_location("pages_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_terms_say_how_reports_work(client):
    page = client.get("/terms/")

    for words in (
        "Report an Issue",
        "A report of patient-identifiable information hides the item at once",
        "a third report of the same item by three different members",
        "/reports/mine/",
        "statement of reasons",
        "We never tell you who reported it.",
    ):
        assertContains(page, words)


def test_the_privacy_page_says_what_a_report_keeps(client):
    page = client.get("/privacy/")

    assertContains(page, "<h2>Reports</h2>", html=False)
    assertContains(page, "A visitor&#x27;s email address is used only to send the receipt")
    assertContains(page, "the reports you sent")


def test_the_new_texts_replace_only_pages_an_admin_has_not_edited():
    from django.apps import apps

    from posts.models import SitePage

    migration = _pages_migration()
    SitePage.objects.filter(slug="terms").update(body=migration.OLD_TERMS)
    SitePage.objects.filter(slug="privacy").update(body="Our own privacy text.")

    migration.update_pages(apps, None)

    assert SitePage.objects.get(slug="terms").body == migration.NEW_TERMS
    assert SitePage.objects.get(slug="privacy").body == "Our own privacy text."
