"""Screenshots of the main pages, desktop and 360 px phone, light and dark, for people to
look at (saved to screenshots/look-*.png); plus the layout rules a screenshot would show."""

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.test import Client

from posts.models import Post
from tests.factories import UserFactory


@pytest.fixture
def look_site(live_site):
    call_command("seed_demo")
    staff = UserFactory(
        username="reader",
        display_name="Dr Maria Sanchez",
        is_staff=True,
        is_superuser=True,
        role="attending",
        subspecialty="interventional",
        city="Boston",
        country="US",
        institution="University Hospital, Reading Room 3",
        bio="Interventional radiologist. CT-guided lung biopsy, air embolism, ablation.",
    )
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    Post.objects.filter(pmid__in=[30819493, 24352861]).update(posted_by=staff)
    return live_site, staff


PAGES = {
    "home": "/",
    "post": None,  # the seed article, found at run time
    "post-imported": "/posts/pmid/30819493/",  # MeSH chips, keywords, related posts
    "search": "/search/?q=lung+biopsy&type=Journal+Article",
    "profile": "/members/reader/",
    "admin-posts": "/admin/posts/post/",
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 360])
def test_main_pages_look_right(look_site, browser, screenshot, scheme, width):
    site, staff = look_site
    client = Client()
    client.force_login(staff)
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site.url}]
    )
    page = context.new_page()
    post = Post.objects.get(pmid=None)
    try:
        for name, path in PAGES.items():
            page.goto(site.url + (path or post.get_absolute_url()))
            screenshot(page, f"look-{name}-{width}-{scheme}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways at {width}px"
            if name != "admin-posts":
                header = page.locator(".site-header__inner").bounding_box()
                assert header["height"] <= (60 if width == 360 else 80), f"{name}: header wraps"
    finally:
        context.close()
