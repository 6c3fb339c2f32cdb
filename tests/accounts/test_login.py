from http import HTTPStatus

from django.urls import reverse

from tests.accounts.conftest import PASSWORD


def login(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


def test_member_signs_in_with_their_email(client, verified_user):
    response = login(client, "ana@example.org")

    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(verified_user.pk)


def test_member_signs_in_with_their_username(client, verified_user):
    login(client, "ana")

    assert client.session["_auth_user_id"] == str(verified_user.pk)


def test_wrong_password_shows_an_error_and_does_not_sign_in(client, verified_user):
    response = login(client, "ana", "not the password at all")

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors
    assert "_auth_user_id" not in client.session


def test_repeated_failed_logins_are_rate_limited(client, verified_user):
    for _ in range(5):
        login(client, "ana", "wrong password, again")

    response = login(client, "ana")  # even the right password is refused now

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_by_post_ends_the_session(client, verified_user):
    client.force_login(verified_user)

    client.post(reverse("account_logout"))

    assert "_auth_user_id" not in client.session


def test_login_page_has_labels_and_a_forgot_password_link(client, db):
    html = client.get(reverse("account_login")).content.decode()

    assert '<label for="id_login">' in html and '<label for="id_password">' in html
    assert reverse("account_reset_password") in html
