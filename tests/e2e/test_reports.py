"""Report an Issue end to end: a member reports a comment; a moderator (not a superuser)
claims the report in the admin, hides the comment and resolves the report; the member
sees the decision under "Your reports"."""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from posts.models import Comment, Post, Report
from posts.services.discussion import comment_create
from tests.factories import moderator, verified_member

PASSWORD = "correct horse battery staple"


@pytest.fixture
def discussion(live_site):
    call_command("seed_demo")
    post = Post.objects.get(pmid=None)  # the hand-written Radiographics review
    ana = verified_member(username="ana", display_name="Dr. Ana Ortiz")
    carl = verified_member(username="carl", display_name="Carl Jensen")
    comment, _ = comment_create(
        author=carl, post=post, body="Whoever wrote this review is an idiot and a fraud."
    )
    return post, ana, carl, comment


def sign_in(page, site, username, next_path):
    page.goto(f"{site.url}/accounts/login/?next={next_path}")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.url}{next_path}*")


def fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_member_reports_a_comment_and_a_moderator_decides_it(
    live_site, discussion, new_page, screenshot
):
    post, ana, carl, comment = discussion
    moderator(username="mod", display_name="Moderator Mo")

    # The member reports the comment from beside it.
    member = new_page()
    sign_in(member, live_site, "ana", post.get_absolute_url())
    member.locator(f"#comment-{comment.pk}").get_by_role("link", name="Report this comment").click()
    expect(member.get_by_role("heading", name="Report an Issue")).to_be_visible()
    expect(member.get_by_text("A comment by Carl Jensen")).to_be_visible()
    member.get_by_label("Abusive or offensive").check()
    member.get_by_label("Details").fill("A personal attack on the authors.")
    screenshot(member, "report-form-desktop")
    member.get_by_role("button", name="Send report").click()
    expect(member.get_by_role("heading", name="Thank you: your report is in")).to_be_visible()
    report = Report.objects.get()
    expect(member.get_by_text(f"#{report.pk}", exact=True)).to_be_visible()
    assert any(m.to == [ana.email] and "received your report" in m.subject for m in mail.outbox)

    # The moderator signs in to the admin and finds it in the queue.
    mod = new_page()
    mod.goto(live_site.url + "/admin/")
    mod.locator("input[name=login]").fill("mod")
    mod.locator("input[name=password]").fill(PASSWORD)
    mod.locator("form").filter(has=mod.locator("input[name=password]")).locator(
        "button[type=submit], input[type=submit]"
    ).first.click()
    expect(mod).to_have_url(re.compile(r"/admin/$"))
    mod.get_by_role("link", name="Report queue: 1 open report").click()
    mod.get_by_role("link", name=f"#{report.pk}").click()
    expect(mod.get_by_role("heading", name="Work this report")).to_be_visible()
    expect(mod.get_by_text("A personal attack on the authors.")).to_be_visible()

    # Claim, hide the comment, resolve: each with its note.
    mod.get_by_role("button", name="Claim").click()
    expect(mod.get_by_text(f"Claimed report #{report.pk}.")).to_be_visible()
    mod.get_by_label("Note").fill("Personal attack on the authors")
    mod.get_by_role("button", name="Hide the item").click()
    expect(mod.get_by_text(f"Hid the item of report #{report.pk}.")).to_be_visible()
    mod.get_by_label("Note").fill("We hid the comment. Thank you for telling us.")
    mod.get_by_role("button", name="Resolve (action taken)").click()
    expect(mod.get_by_text(f"Resolved report #{report.pk}.")).to_be_visible()
    log = mod.locator(".inline-group")
    for entry in ("Reported", "Claimed", "Item hidden", "Resolved (action taken)"):
        expect(log.get_by_text(entry, exact=True).first).to_be_visible()
    screenshot(mod, "report-admin-page-desktop")
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "Personal attack on the authors"
    assert any(m.to == [carl.email] and "hid your comment" in m.subject for m in mail.outbox)

    # The member sees the decision.
    member.goto(live_site.url + "/reports/mine/")
    mine = member.locator(f"#report-{report.pk}")
    expect(mine.get_by_text("Resolved (action taken)")).to_be_visible()
    expect(mine.get_by_text("We hid the comment. Thank you for telling us.")).to_be_visible()
    screenshot(member, "reports-mine-desktop")

    # Everyone else sees the comment hidden.
    visitor = new_page(user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0")
    visitor.goto(live_site.url + post.get_absolute_url() + "#comments")
    expect(visitor.get_by_text("This comment was hidden by a moderator.")).to_be_visible()
    expect(visitor.get_by_text("is an idiot and a fraud")).to_have_count(0)
    assert Comment.objects.get(pk=comment.pk).is_hidden


def test_the_report_pages_fit_a_phone(live_site, discussion, new_page, screenshot):
    post, ana, carl, comment = discussion
    moderator(username="mod")

    # A visitor reports from the footer of a page, on a 360 px screen.
    visitor = new_page(width=360, height=800)
    visitor.goto(live_site.url + "/terms/")
    visitor.get_by_role("link", name="Report an Issue").click()
    expect(visitor.get_by_label("Page", exact=True)).to_have_value("/terms/")
    expect(visitor.get_by_label("Your email address")).to_be_visible()
    expect(visitor.get_by_label("Leave this field empty")).not_to_be_in_viewport()
    visitor.get_by_label("Broken page or bug").check()
    visitor.get_by_label("Details").fill("The last heading is cut off on my phone.")
    visitor.get_by_label("Your email address").fill("reader@example.net")
    fits(visitor, 360)
    screenshot(visitor, "report-form-phone")
    visitor.get_by_role("button", name="Send report").click()
    expect(visitor.get_by_text("We sent a receipt to reader@example.net")).to_be_visible()
    fits(visitor, 360)

    # A member's reports on a phone.
    member = new_page(width=360, height=800)
    sign_in(member, live_site, "ana", post.get_absolute_url())
    member.goto(f"{live_site.url}/report/comment/{comment.pk}/")
    member.get_by_label("Patient-identifiable information").check()
    member.get_by_role("button", name="Send report").click()
    expect(member.get_by_text("Until a moderator has looked at it")).to_be_visible()
    member.goto(live_site.url + "/reports/mine/")
    expect(member.get_by_text("Waiting for a moderator.")).to_be_visible()
    fits(member, 360)
    screenshot(member, "reports-mine-phone")

    # The report's page in the admin on a phone.
    mod = new_page(width=360, height=800)
    sign_in(mod, live_site, "mod", "/admin/")
    report = Report.objects.get(kind="comment")
    mod.goto(f"{live_site.url}/admin/posts/report/{report.pk}/change/")
    expect(mod.get_by_role("heading", name="Work this report")).to_be_visible()
    screenshot(mod, "report-admin-page-phone")


def test_a_post_reported_for_patient_information_is_hidden_and_its_poster_sees_why(
    live_site, discussion, new_page, screenshot
):
    post, ana, carl, comment = discussion
    Post.objects.filter(pk=post.pk).update(posted_by=ana)

    # Carl reports the post: patient information hides it at once.
    reporter = new_page()
    sign_in(reporter, live_site, "carl", post.get_absolute_url())
    reporter.get_by_role("link", name="Report this post").click()
    reporter.get_by_label("Patient-identifiable information").check()
    reporter.get_by_label("Details").fill("The second figure shows a patient's name.")
    reporter.get_by_role("button", name="Send report").click()
    expect(reporter.get_by_text("Until a moderator has looked at it")).to_be_visible()
    assert Post.objects.get(pk=post.pk).is_hidden

    # Ana, who posted it, still reads it, with the reason, and is offered nothing that
    # would fail: no comment box, no like or reply.
    poster = new_page()
    sign_in(poster, live_site, "ana", post.get_absolute_url())
    expect(
        poster.get_by_text("This post is hidden until a moderator has reviewed it")
    ).to_be_visible()
    expect(
        poster.get_by_text("The discussion is closed while this post is hidden.")
    ).to_be_visible()
    expect(poster.get_by_label("Add a comment")).to_have_count(0)
    expect(poster.get_by_role("button", name=re.compile("^Like"))).to_have_count(0)
    expect(poster.get_by_text("Reply to this thread")).to_have_count(0)
    expect(poster.get_by_role("link", name="Report this comment")).to_have_count(0)
    screenshot(poster, "hidden-post-poster-desktop")
    poster.set_viewport_size({"width": 360, "height": 800})
    poster.emulate_media(color_scheme="dark")
    fits(poster, 360)
    screenshot(poster, "hidden-post-poster-phone-dark")

    # Others no longer find it.
    visitor = new_page(user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0")
    response = visitor.goto(live_site.url + post.get_absolute_url())
    assert response.status == 404
