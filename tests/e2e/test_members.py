"""A visitor joins radRounds, confirms their email, presents themselves and is found."""

import re

import pytest
from django.core import mail
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from accounts.models import User

PASSWORD = "bright contrast on the reading monitor"


@pytest.fixture
def mail_outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    settings.STAFF_REQUIRE_MFA = False
    mail.outbox = []
    return mail.outbox


@pytest.fixture
def portrait(tmp_path):
    path = tmp_path / "portrait.png"
    image = Image.new("RGB", (480, 360), (36, 82, 130))
    draw = ImageDraw.Draw(image)
    draw.ellipse((150, 60, 330, 240), fill=(235, 200, 170))
    draw.rectangle((120, 250, 360, 360), fill=(240, 240, 245))
    image.save(path, format="PNG")
    return path


def test_visitor_signs_up_confirms_email_and_builds_a_profile(
    live_site, mail_outbox, portrait, page, new_page, screenshot
):
    page.goto(live_site.url + "/accounts/signup/")
    screenshot(page, "members-signup")
    page.get_by_label("Email").fill("ana.ortiz@example.org")
    page.get_by_label("Username").fill("anaortiz")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail_outbox[0].body)[0]
    page.goto(link)
    screenshot(page, "members-confirm-email")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("You have confirmed ana.ortiz@example.org.")).to_be_visible()

    page.goto(live_site.url + "/accounts/login/")
    page.get_by_label("Username or email").fill("ana.ortiz@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    screenshot(page, "members-login")
    page.get_by_role("button", name="Sign in").click()

    page.get_by_text("anaortiz", exact=True).first.click()  # the account menu
    page.get_by_role("link", name="Edit profile").click()
    expect(page.get_by_role("heading", name="Edit your profile")).to_be_visible()
    page.get_by_label("Profile picture").set_input_files(str(portrait))
    page.get_by_label("Display name").fill("Dr. Ana Ortiz")
    page.get_by_label("Professional role").select_option(label="Attending radiologist")
    page.get_by_label("Subspecialty").select_option(label="Neuroradiology")
    page.get_by_label("Institution").fill("Hospital Clínic de Barcelona")
    page.get_by_label("City").fill("Barcelona")
    page.get_by_label("Country").fill("Spain")
    page.get_by_label("Short bio").fill(
        "Neuroradiologist reading stroke CT and MR. Notes at https://example.org/ana"
    )
    screenshot(page, "members-profile-edit")
    page.get_by_role("button", name="Save profile").click()

    expect(page).to_have_url(live_site.url + "/members/anaortiz/")
    expect(page.get_by_role("heading", name="Dr. Ana Ortiz")).to_be_visible()
    expect(page.get_by_text("Attending radiologist · Neuroradiology")).to_be_visible()
    expect(page.get_by_text("Hospital Clínic de Barcelona")).to_be_visible()
    expect(page.get_by_role("link", name="https://example.org/ana")).to_have_attribute(
        "rel", "nofollow"
    )
    avatar = page.locator("img.profile__avatar")
    assert avatar.evaluate("img => img.complete && img.naturalWidth") == 256
    assert User.objects.get(username="anaortiz").avatar.name.endswith(".webp")
    screenshot(page, "members-profile")

    phone = new_page(width=360, height=780)
    phone.goto(live_site.url + "/members/anaortiz/")
    expect(phone.get_by_role("heading", name="Dr. Ana Ortiz")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "members-profile-phone")

    phone.goto(live_site.url + "/members/?q=barcelona")
    expect(phone.get_by_role("link", name="Dr. Ana Ortiz")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "members-directory-phone")
    page.goto(live_site.url + "/members/")
    screenshot(page, "members-directory")

    phone.goto(live_site.url + "/members/anaortiz/edit/")
    expect(phone).to_have_url(re.compile(r"/accounts/login/"))  # a different browser
    phone.get_by_label("Username or email").fill("anaortiz")
    phone.get_by_label("Password", exact=True).fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("heading", name="Edit your profile")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "members-profile-edit-phone")
    phone.locator(".account-menu__toggle").click()
    expect(phone.get_by_role("link", name="Account settings")).to_be_visible()
    screenshot(phone, "members-account-menu-phone")

    User.objects.filter(username="anaortiz").update(verified=True)
    phone.emulate_media(color_scheme="dark")
    phone.goto(live_site.url + "/members/anaortiz/")
    expect(phone.get_by_text("(verified member)")).to_be_attached()
    screenshot(phone, "members-profile-phone-dark")


def test_account_menu_works_with_the_keyboard(live_site, mail_outbox, page, screenshot):
    from allauth.account.models import EmailAddress

    from tests.factories import UserFactory

    user = UserFactory(username="keyboarder", display_name="Kim Keys")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    page.goto(live_site.url + "/accounts/login/")
    page.get_by_label("Username or email").fill("keyboarder")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_label("Password").press("Enter")

    page.locator(".account-menu__toggle").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Account settings")).to_be_visible()
    screenshot(page, "members-account-menu")
    page.get_by_role("link", name="Account settings").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Account settings")).to_be_visible()
    screenshot(page, "members-settings")

    page.get_by_role("link", name="Email addresses").click()
    expect(page.get_by_label("Email", exact=True)).to_be_visible()
    screenshot(page, "members-email")
    page.goto(live_site.url + "/accounts/2fa/")
    screenshot(page, "members-2fa")
    page.goto(live_site.url + "/accounts/2fa/totp/activate/")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_label("Authenticator code")).to_be_visible()
    screenshot(page, "members-2fa-activate")
