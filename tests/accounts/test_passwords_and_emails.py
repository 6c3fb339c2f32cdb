import re
from http import HTTPStatus

from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from tests.accounts.conftest import PASSWORD


def request_reset(client, email):
    return client.post(reverse("account_reset_password"), {"email": email}, follow=True)


def test_password_reset_answers_the_same_for_known_and_unknown_emails(client, verified_user):
    known = request_reset(client, "ana@example.org")
    unknown = request_reset(client, "nobody@example.org")

    assert known.redirect_chain == unknown.redirect_chain
    assert known.redirect_chain[-1][0] == reverse("account_reset_password_done")
    assert known.content == unknown.content


def test_password_reset_link_from_the_email_sets_a_new_password(client, verified_user):
    request_reset(client, "ana@example.org")
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)[1]

    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "a brand new long phrase", "password2": "a brand new long phrase"},
    )

    assert response.status_code == HTTPStatus.FOUND
    verified_user.refresh_from_db()
    assert verified_user.check_password("a brand new long phrase")


def test_member_changes_their_password(client, verified_user):
    client.force_login(verified_user)

    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "reading room lights dim",
            "password2": "reading room lights dim",
        },
    )

    verified_user.refresh_from_db()
    assert verified_user.check_password("reading room lights dim")


def test_member_adds_a_second_email_address_which_must_be_verified(client, verified_user):
    client.force_login(verified_user)

    client.post(reverse("account_email"), {"action_add": "", "email": "ana@hospital.example"})

    added = EmailAddress.objects.get(email="ana@hospital.example")
    assert (added.user, added.verified) == (verified_user, False)
    assert mail.outbox[-1].to == ["ana@hospital.example"]


def test_email_page_renders_in_the_site_layout(client, verified_user):
    client.force_login(verified_user)

    html = client.get(reverse("account_email")).content.decode()

    assert 'class="skip-link"' in html
    assert "ana@example.org" in html
    assert '<label for="id_email">' in html
