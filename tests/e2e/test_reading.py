"""A visitor reads radRounds: home, search, a post and its view counter."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from posts.models import Post

SECOND_VISITOR = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1"


@pytest.fixture
def demo_site(live_site):
    call_command("seed_demo")
    return live_site


def test_visitor_searches_opens_a_post_and_is_counted(demo_site, page, new_page, screenshot):
    page.goto(demo_site.url + "/")
    expect(page.get_by_role("heading", name="Latest posts")).to_be_visible()
    screenshot(page, "home-desktop")

    page.get_by_label("Search posts").fill("spinal injections")
    page.get_by_label("Search posts").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=spinal\+injections"))
    screenshot(page, "search-desktop")
    page.get_by_role("link", name=re.compile("Management of chronic low back pain")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Management of chronic low back")
    expect(
        page.get_by_text("Radiographics. 2007 Nov-Dec;27(6):1751-71.", exact=True)
    ).to_be_visible()
    expect(page.locator("#view-count")).to_have_text("Views: 1")
    expect(page.get_by_role("link", name="Link to PubMed Reference")).to_be_visible()
    screenshot(page, "post-desktop")

    second = new_page(user_agent=SECOND_VISITOR)
    second.goto(page.url)
    expect(second.locator("#view-count")).to_have_text("Views: 2")

    page.reload()  # the first visitor again, inside the window: still two
    expect(page.locator("#view-count")).to_have_text("Views: 2")
    assert Post.objects.get(pmid=None).view_count == 2


def test_post_page_fits_a_phone_and_is_keyboard_usable(demo_site, new_page, screenshot):
    phone = new_page(width=360, height=740)
    post = Post.objects.get(pmid=30819493)  # long title, structured abstract, MeSH terms
    phone.goto(demo_site.url + post.get_absolute_url())

    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(phone, "post-phone")

    phone.keyboard.press("Tab")
    expect(phone.get_by_role("link", name="Skip to main content")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(phone.locator("#main-content")).to_be_focused()


def test_dark_mode_uses_the_dark_palette(demo_site, browser, screenshot):
    context = browser.new_context(color_scheme="dark", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(demo_site.url + "/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    screenshot(page, "home-dark")
    context.close()

    assert background == "rgb(14, 20, 27)"
