"""A radiologist searches for "spine", narrows by MeSH term, opens a result from its
highlighted snippet, then follows a MeSH chip and a related post."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect


@pytest.fixture
def demo_site(live_site):
    call_command("seed_demo")
    return live_site


def test_search_spine_narrow_by_mesh_open_snippet_follow_chip_and_related_post(
    demo_site, page, screenshot
):
    page.goto(demo_site.url + "/")
    page.get_by_label("Search posts").fill("spine")
    page.get_by_label("Search posts").press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=spine"))
    results = page.locator(".post-card")
    expect(results.first).to_be_visible()
    expect(page.locator(".post-card mark").first).to_be_visible()  # "spinal", "vertebral" ...
    found = results.count()
    assert found >= 3
    expect(
        page.get_by_role("heading", name=re.compile("Management of chronic low back"))
    ).to_be_visible()

    facet = page.locator(".facet").filter(has_text="MeSH term")
    facet.get_by_role("link", name=re.compile("Tuberculosis, Spinal")).click()
    expect(page).to_have_url(re.compile(r"mesh=Tuberculosis"))
    expect(page.get_by_role("link", name=re.compile("MeSH: Tuberculosis, Spinal"))).to_be_visible()
    assert 0 < results.count() < found
    screenshot(page, "search-spine-narrowed")

    snippet = page.locator(".post-card__snippet-link").filter(has=page.locator("mark")).first
    title = snippet.locator("xpath=ancestor::article").locator("h2").inner_text()
    snippet.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    chip = page.locator(".post__terms a.tag--major").first
    term = parse_qs(urlsplit(chip.get_attribute("href")).query)["mesh"][0]
    chip.click()
    expect(page).to_have_url(re.compile(r"/search/\?mesh="))
    expect(page.get_by_role("heading", name=re.compile(re.escape(title[:40])))).to_be_visible()
    expect(page.locator(".active-filters")).to_contain_text(term)

    page.go_back()
    related = page.locator(".related__title").first
    expect(related).to_be_visible()
    related_title = related.inner_text()
    related.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(related_title)
