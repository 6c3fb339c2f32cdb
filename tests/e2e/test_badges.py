"""A member takes their badge to another page; visitors see the Sponsor Ad on a post."""

import io

from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from accounts.models import User
from accounts.services import member_verify
from posts.models import Sponsor
from posts.services.sponsors import sponsor_save, sponsor_stats_flush
from posts.sponsors import process_sponsor_image
from tests.factories import PostFactory, UserFactory

PASSWORD = "correct horse battery staple"


def _advert() -> SimpleUploadedFile:
    image = Image.new("RGB", (580, 290), (11, 92, 173))
    draw = ImageDraw.Draw(image)
    draw.ellipse((30, 70, 180, 220), fill=(255, 255, 255))
    draw.text((220, 110), "CONTRAST CO", fill="white", font_size=36)
    draw.text((220, 160), "Gadolinium-free MRI contrast", fill=(220, 232, 245), font_size=20)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("advert.png", buffer.getvalue(), content_type="image/png")


def _loaded_width(page, image) -> int:
    """The image's natural width once it has loaded (0 if it failed)."""
    page.wait_for_function("img => img.complete", arg=image.element_handle())
    return image.evaluate("img => img.naturalWidth")


def _sign_in(page, live_site, username):
    page.goto(live_site.url + "/accounts/login/?next=/badges/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_member_copies_their_badge_and_it_loads_on_a_plain_page(
    live_site, page, new_page, screenshot, tmp_path
):
    member = UserFactory(
        username="ortiz", display_name="Dr. Ana Ortiz", role="attending", subspecialty="neuro"
    )
    member_verify(users=User.objects.filter(pk=member.pk))
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    PostFactory.create_batch(3)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_site.url)

    _sign_in(page, live_site, "ortiz")
    expect(page.get_by_role("heading", name="Badges", exact=True)).to_be_visible()
    badge = page.get_by_role("img", name="Your radRounds member badge")
    expect(badge).to_be_visible()
    assert _loaded_width(page, badge) == 360
    page.get_by_role("button", name="Copy HTML").nth(1).click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    snippet = page.evaluate("navigator.clipboard.readText()")
    assert f'src="{live_site.url}/badges/members/ortiz.png"' in snippet
    screenshot(page, "badges-page")

    # The snippet on a plain HTML file of the member's own, outside radRounds.
    elsewhere = tmp_path / "my-signature.html"
    elsewhere.write_text(
        f"<!doctype html><meta charset=utf-8><title>Signature</title><p>Ana</p>{snippet}",
        encoding="utf-8",
    )
    other = new_page(width=800, height=400)
    other.goto(elsewhere.as_uri())
    image = other.locator("img")
    expect(image).to_have_attribute("alt", "Dr. Ana Ortiz on radRounds")
    assert _loaded_width(other, image) == 360
    screenshot(other, "badges-on-a-plain-page")
    with other.expect_navigation():
        image.click()
    assert other.url == f"{live_site.url}/members/ortiz/"

    phone = new_page(width=360, height=780)
    phone.goto(live_site.url + "/badges/")
    expect(phone.get_by_role("heading", name="Achievement badges")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "badges-page-phone")
    phone.emulate_media(color_scheme="dark")
    phone.goto(live_site.url + "/members/ortiz/")
    expect(phone.get_by_text("Verified radiologist", exact=True)).to_be_visible()
    screenshot(phone, "badges-profile-phone-dark")


def test_a_visitor_sees_the_sponsor_ad_on_a_post_and_follows_it(
    live_site, page, new_page, screenshot
):
    post = PostFactory(title="Diffusion MRI in acute stroke.")
    sponsor = sponsor_save(
        sponsor=Sponsor(
            name="Contrast Co",
            alt_text="Contrast Co: gadolinium-free contrast for MRI",
            target_url=live_site.url + "/terms/",
        ),
        image=process_sponsor_image(_advert()),
    )

    page.goto(live_site.url + post.get_absolute_url())
    slot = page.locator("[data-sponsor-slot]")
    expect(slot.get_by_role("heading", name="Sponsor Ad")).to_be_visible()
    expect(slot).to_have_attribute("data-sponsor-shown", str(sponsor.pk))  # sponsor.js ran
    link = slot.get_by_role("link", name="Contrast Co: gadolinium-free contrast for MRI")
    expect(link).to_have_attribute("rel", "sponsored noopener")
    assert _loaded_width(page, slot.locator("img")) == 580
    screenshot(page, "sponsor-post")

    page.locator("summary", has_text="Cite").click()
    expect(page.get_by_role("button", name="Copy AMA")).to_be_visible()
    screenshot(page, "post-cite-menu")

    phone = new_page(width=360, height=780)
    phone.goto(live_site.url + post.get_absolute_url())
    expect(phone.get_by_role("heading", name="Sponsor Ad")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "sponsor-post-phone")

    link.click()
    expect(page).to_have_url(live_site.url + "/terms/")
    # Impressions (a beacon from each browser) and the click reach the database. A
    # beacon is sent in the background, so give the last one a moment to arrive.
    for _ in range(50):
        sponsor_stats_flush()
        sponsor.refresh_from_db()
        if sponsor.impressions >= 2:
            break
        page.wait_for_timeout(100)
    assert sponsor.clicks == 1
    assert sponsor.impressions == 2
