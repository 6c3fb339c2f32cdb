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
        page.get_by_text("Biochim Biophys Acta. 1976 Sep 28;446(1):179-91.", exact=True)
    ).to_be_visible()
    assert Post.objects.get(pmid=9997).posted_by == site_admin
