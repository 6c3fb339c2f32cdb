import re
from http import HTTPStatus

from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import User


def signup(client, **overrides):
    data = {
        "email": "new@example.org",
        "username": "newmember",
        "password1": "scan the whole film first",
        "password2": "scan the whole film first",
        **overrides,
    }
    return client.post(reverse("account_signup"), data)


def test_signup_creates_an_unverified_member_and_sends_a_confirmation_email(client, db):
    response = signup(client)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_email_verification_sent")
    assert EmailAddress.objects.get(email="new@example.org").verified is False
    assert mail.outbox[0].to == ["new@example.org"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_confirmation_link_from_the_email_verifies_the_address(client, db):
    signup(client)
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[0].body)[1]

    client.post(link)

    assert EmailAddress.objects.get(email="new@example.org").verified is True


def test_unverified_member_cannot_sign_in_while_verification_is_mandatory(client, db):
    signup(client)
    client.logout()

    response = client.post(
        reverse("account_login"),
        {"login": "newmember", "password": "scan the whole film first"},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_optional_verification_lets_a_new_member_in_at_once(client, db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"

    signup(client)

    assert client.session["_auth_user_id"] == str(User.objects.get(username="newmember").pk)


def test_password_shorter_than_ten_characters_is_refused(client, db):
    response = signup(client, password1="Xr7!kq2#p", password2="Xr7!kq2#p")

    assert "at least 10 characters" in str(response.context["form"].errors["password1"])
    assert not User.objects.filter(username="newmember").exists()


def test_common_password_is_refused(client, db):
    response = signup(client, password1="password123", password2="password123")

    assert "too common" in str(response.context["form"].errors["password1"])


def test_reserved_username_me_is_refused(client, db):
    response = signup(client, username="me")

    assert response.context["form"].errors["username"]


def test_signup_with_a_taken_email_answers_like_a_new_one(client, verified_user):
    """Enumeration: the page must not reveal that ana@example.org already has an account."""
    response = signup(client, email=verified_user.email, username="someoneelse")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not User.objects.filter(username="someoneelse").exists()


def test_signup_page_uses_the_site_layout_with_labelled_fields(client, db):
    html = client.get(reverse("account_signup")).content.decode()

    assert 'class="skip-link"' in html and 'id="main-content"' in html
    for field in ("id_email", "id_username", "id_password1", "id_password2"):
        assert f'<label for="{field}">' in html
    assert "csrfmiddlewaretoken" in html


def test_signup_errors_are_shown_next_to_the_field(client, db):
    html = signup(client, email="not-an-email").content.decode()

    assert 'id="id_email_error"' in html
    assert 'aria-describedby="id_email_error"' in html or 'aria-invalid="true"' in html


def test_closed_registration_refuses_new_accounts(client, db, settings):
    settings.ACCOUNT_ALLOW_REGISTRATION = False

    response = signup(client)

    assert "closed" in response.content.decode().lower()
    assert not User.objects.filter(username="newmember").exists()
