"""An admin seeds posts from a (local, recorded) PubMed through the admin."""

import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from posts.models import Post
from tests.factories import UserFactory

FIXTURES = Path(__file__).resolve().parents[2] / "posts" / "fixtures" / "pubmed"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def fake_pubmed(httpserver, settings):
    settings.PUBMED_EUTILS_URL = httpserver.url_for("/entrez/eutils/")
    httpserver.expect_request("/entrez/eutils/efetch.fcgi").respond_with_data(
        (FIXTURES / "biopython" / "pubmed1.xml").read_bytes(), content_type="text/xml"
    )
    return httpserver


@pytest.fixture
def site_admin(live_site):
    admin = UserFactory(username="editor", is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    return admin


def test_admin_imports_two_pmids_and_opens_the_new_post(
    live_site, site_admin, fake_pubmed, page, screenshot
):
    page.goto(live_site.url + "/admin/")
    page.locator("input[name=login]").fill("editor")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit], input[type=submit]"
    ).first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto(live_site.url + "/admin/posts/post/")
    page.get_by_role("link", name="Import from PubMed").click()
    page.get_by_label("PMIDs or PubMed links").fill(
        "12091962\nhttps://pubmed.ncbi.nlm.nih.gov/9997/"
    )
    screenshot(page, "admin-import-start")
    page.get_by_role("button", name="Find records").click()

    expect(page.get_by_role("heading", name="Check what will be imported")).to_be_visible()
    expect(page.get_by_text("The treatment of AIDS behind the walls")).to_be_visible()
    expect(page.get_by_text("Soc Justice. 1990 Spring;17(1):113-25.")).to_be_visible()
    screenshot(page, "admin-import-preview")
    assert Post.objects.count() == 0
    page.get_by_role("button", name="Import 2 records").click()

    expect(page.get_by_role("heading", name="Import results")).to_be_visible()
    expect(page.get_by_text("Imported 2 of 2 records from PubMed.")).to_be_visible()
    screenshot(page, "admin-import-results")
    page.get_by_role("link", name=re.compile("Magnetic studies of Chromatium")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Magnetic studies of Chromatium")
    expect(
        page.get_by_text(
            "Biochim Biophys Acta. 1976 Sep 28;446(1):179-91. doi: 10.1016/0005-2795(76)90109-4.",
            exact=True,
        )
    ).to_be_visible()
    assert Post.objects.get(pmid=9997).posted_by == site_admin


def test_a_big_import_runs_in_the_background_with_progress(
    live_site, site_admin, fake_pubmed, page, screenshot, settings
):
    from django.core.management import call_command

    # The real database queue: the pages only enqueue, the worker does the work.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    page.goto(live_site.url + "/admin/login/")
    page.locator("input[name=login]").fill("editor")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator(
        "button[type=submit], input[type=submit]"
    ).first.click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto(live_site.url + "/admin/posts/post/import/")
    many = ["12091962", "9997", *(str(n) for n in range(1_000_000, 1_000_250))]
    page.get_by_label("PMIDs or PubMed links").fill("\n".join(many))
    page.get_by_role("button", name="Find records").click()

    expect(page.get_by_text("Gathering records for 252 PMIDs in the background")).to_be_visible()
    screenshot(page, "admin-import-gathering")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    # The page refreshes itself into the preview.
    expect(page.get_by_role("heading", name="Check what will be imported")).to_be_visible()
    expect(page.get_by_text("2 of 252")).to_be_visible()
    page.get_by_role("button", name="Import 2 records").click()
    expect(page.get_by_text("Saving 2 records")).to_be_visible()
    screenshot(page, "admin-import-saving")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    expect(page.get_by_role("heading", name="Import results")).to_be_visible()
    # 2 created; the other 250 PMIDs are reported as not found (and the recorded
    # answer's 2 records, served again for the second batch, as not requested).
    expect(page.get_by_text(re.compile(r"Imported 2 of \d+ records from PubMed\."))).to_be_visible()
    screenshot(page, "admin-import-background-results")
    assert Post.objects.count() == 2
