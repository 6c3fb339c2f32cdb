"""Every allauth page a member can reach renders inside the site's layout."""

from http import HTTPStatus

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from tests.accounts.conftest import PASSWORD

ANONYMOUS_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_email_verification_sent",
]
MEMBER_PAGES = [
    "account_email",
    "account_change_password",
    "account_logout",
    "account_reauthenticate",
    "mfa_index",
    "mfa_activate_totp",
]
MFA_PAGES = ["mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_deactivate_totp"]


def assert_site_page(response):
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert 'class="skip-link"' in html and 'class="site-header"' in html
    assert "<strong>Menu:</strong>" not in html  # allauth's bare default layout
    for form in html.split("<form")[1:]:
        if 'method="post"' in form.split(">", 1)[0]:
            assert "csrfmiddlewaretoken" in form


@pytest.mark.parametrize("name", ANONYMOUS_PAGES)
def test_visitor_pages_use_the_site_layout(client, db, name):
    assert_site_page(client.get(reverse(name)))


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_member_pages_use_the_site_layout(client, verified_user, name):
    client.force_login(verified_user)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    assert_site_page(client.get(reverse(name)))


@pytest.mark.parametrize("name", MFA_PAGES)
def test_two_factor_pages_use_the_site_layout(client, staff_with_totp, name):
    RecoveryCodes.activate(staff_with_totp)
    client.force_login(staff_with_totp)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    assert_site_page(client.get(reverse(name)))
