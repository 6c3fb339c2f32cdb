import time
from http import HTTPStatus

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from accounts.models import User
from tests.accounts.conftest import PASSWORD
from tests.factories import UserFactory


def totp_code(secret: str) -> str:
    """What the member's authenticator app shows right now."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_admin_login_page_redirects_to_allauth_login_with_next(client, db):
    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"


def test_admin_login_form_post_cannot_bypass_allauth(client, staff_member):
    response = client.post("/admin/login/", {"username": "chief", "password": PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_staff_without_mfa_is_sent_to_totp_setup_when_required(client, staff_member, settings):
    settings.STAFF_REQUIRE_MFA = True
    client.force_login(staff_member)

    response = client.get("/admin/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_without_mfa_reaches_the_admin_when_not_required(client, staff_member):
    client.force_login(staff_member)

    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_staff_with_an_activated_totp_reaches_the_admin(client, staff_with_totp, settings):
    settings.STAFF_REQUIRE_MFA = True
    client.force_login(staff_with_totp)

    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_members_pages_are_not_gated_by_staff_mfa(client, staff_member, settings):
    settings.STAFF_REQUIRE_MFA = True
    client.force_login(staff_member)

    assert client.get(reverse("accounts:directory")).status_code == HTTPStatus.OK


def test_staff_login_with_totp_asks_for_the_code_before_the_admin(
    client, staff_with_totp, totp_secret, settings
):
    settings.STAFF_REQUIRE_MFA = True
    response = client.post(
        f"{reverse('account_login')}?next=/admin/", {"login": "chief", "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(totp_secret)})

    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == HTTPStatus.OK


def test_non_staff_member_is_refused_by_the_admin(client, verified_user):
    client.force_login(verified_user)

    assert client.get("/admin/login/").status_code == HTTPStatus.FORBIDDEN


def test_any_member_can_open_the_authenticator_setup(client, verified_user):
    client.force_login(verified_user)
    # allauth asks for the password again before changing two-factor settings.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})

    response = client.get(reverse("mfa_activate_totp"))

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert 'class="skip-link"' in html  # the site layout, not allauth's bare page
    assert '<label for="id_code">' in html


def test_admin_lists_members_with_search_and_filters(client, staff_member):
    UserFactory(username="ortiz", institution="Mass General", role="fellow")
    UserFactory(username="lee", institution="Charité", role="resident")
    client.force_login(staff_member)

    response = client.get(reverse("admin:accounts_user_changelist"), {"q": "Mass General"})

    assert [u.username for u in response.context["cl"].result_list] == ["ortiz"]
    filters = [spec.title for spec in response.context["cl"].filter_specs]
    assert {"professional role", "subspecialty", "verified", "staff status"} <= set(filters)


def test_admin_action_marks_members_verified(client, staff_member):
    members = [UserFactory(), UserFactory()]
    client.force_login(staff_member)

    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "mark_verified", "_selected_action": [m.pk for m in members]},
    )

    assert User.objects.filter(pk__in=[m.pk for m in members], verified=True).count() == 2
