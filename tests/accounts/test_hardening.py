"""Accounts hardening: enumeration, unverified addresses, usernames, lockouts, deletion."""

from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from accounts.models import RetiredUsername, User
from tests.accounts.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def signup(client, **overrides):
    data = {
        "email": "new@example.org",
        "username": "newmember",
        "password1": "scan the whole film first",
        "password2": "scan the whole film first",
        **overrides,
    }
    return client.post(reverse("account_signup"), data)


def login(client, login, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login, "password": password})


# --- enumeration and unverified addresses -------------------------------------------


def test_with_optional_verification_a_taken_email_still_answers_like_a_new_one(
    client, settings, verified_user
):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    fresh = signup(client, email="fresh@example.org", username="fresh")
    client.logout()

    taken = signup(client, email=verified_user.email, username="copycat")

    assert taken.status_code == fresh.status_code == HTTPStatus.FOUND
    assert taken["Location"] == fresh["Location"]
    # The copy never gets the address: it stays verified on its owner's account only.
    assert list(
        EmailAddress.objects.filter(email=verified_user.email, verified=True).values_list(
            "user__username", flat=True
        )
    ) == ["ana"]


def test_an_unverified_address_on_another_account_does_not_block_sign_up(client):
    squatter = UserFactory(username="squatter", email="x@example.org")
    EmailAddress.objects.create(user=squatter, email="owner@example.org", verified=False)

    response = signup(client, email="owner@example.org", username="realowner")

    assert response["Location"] == reverse("account_email_verification_sent")
    owner = User.objects.get(username="realowner")
    assert EmailAddress.objects.get(user=owner).email == "owner@example.org"
    assert mail.outbox[-1].to == ["owner@example.org"]
    assert "/accounts/confirm-email/" in mail.outbox[-1].body


def test_a_member_has_at_most_three_email_addresses(client, verified_user):
    client.force_login(verified_user)
    for n in (2, 3):
        client.post(reverse("account_email"), {"action_add": "", "email": f"ana{n}@example.org"})

    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "ana4@example.org"}
    )

    assert "cannot add more than 3" in str(response.context["form"].errors["email"])
    assert EmailAddress.objects.filter(user=verified_user).count() == 3


def test_unverified_members_are_not_listed_and_have_no_public_profile(client, settings):
    settings.MEMBERS_REQUIRE_VERIFIED_EMAIL = True
    confirmed = UserFactory(username="confirmed")
    EmailAddress.objects.create(user=confirmed, email=confirmed.email, verified=True)
    pending = UserFactory(username="pending")
    EmailAddress.objects.create(user=pending, email=pending.email, verified=False)

    listed = [m.username for m in client.get("/members/").context["page_obj"].object_list]

    assert listed == ["confirmed"]
    assert client.get("/members/pending/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/members/confirmed/").status_code == HTTPStatus.OK


# --- usernames ------------------------------------------------------------------


def test_usernames_are_nfkc_normalised(client):
    signup(client, username="ｊａｎｅ２")  # full-width letters and digit

    assert User.objects.filter(username="jane2").exists()


@pytest.mark.parametrize(
    "username",
    ["jürgen", "аna", "ana lee", "ana@home", "...", "-_-", "ana+1"],
    ids=["accent", "cyrillic-a", "space", "at", "dots", "punctuation", "plus"],
)
def test_usernames_outside_plain_ascii_or_only_punctuation_are_refused(client, username):
    response = signup(client, username=username)

    assert response.context["form"].errors["username"]
    assert not User.objects.filter(email="new@example.org").exists()


@pytest.mark.parametrize(
    "username",
    [
        "admin",
        "Admin",
        "ADM1N",
        "a.d.m.i.n",
        "ＡＤＭＩＮ",
        "staff",
        "moderator",
        "support",
        "Support_2",
        "radrounds",
        "radrounds-news",
        "rad.r0unds",
        "administrator",
    ],
)
def test_reserved_usernames_and_their_look_alikes_are_refused(client, username):
    response = signup(client, username=username)

    errors = str(response.context["form"].errors["username"]).lower()
    assert "reserved" in errors or "can not be used" in errors
    assert not User.objects.filter(email="new@example.org").exists()


def test_ordinary_names_that_merely_contain_a_reserved_word_are_fine(client):
    signup(client, username="staffan.berg")

    assert User.objects.filter(username="staffan.berg").exists()


def test_a_deleted_members_username_cannot_be_taken_by_someone_else(client, verified_user):
    client.force_login(verified_user)
    client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    client.logout()

    response = signup(client, username="ANA", email="impostor@example.org")

    assert RetiredUsername.objects.filter(username="ana").exists()
    assert response.context["form"].errors["username"]
    assert not User.objects.filter(username__iexact="ana").exists()


# --- lockouts ---------------------------------------------------------------------


def test_sign_in_lockout_counts_per_account_whichever_identifier_is_typed(client, verified_user):
    EmailAddress.objects.create(user=verified_user, email="ana.work@example.org", verified=True)
    for identifier in ("ana", "ana@example.org", "ANA", "ana.work@example.org", "Ana"):
        login(client, identifier, "wrong password, again")

    response = login(client, "ana.work@example.org")  # the right password, a fresh name

    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_identifiers_get_the_same_answer_as_known_ones(client, verified_user):
    for _ in range(5):
        login(client, "nobody", "wrong password, again")

    response = login(client, "nobody", "wrong password, again")

    assert "Too many failed login attempts" in response.content.decode()


def test_the_deletion_form_is_rate_limited_like_a_sign_in(client, verified_user):
    client.force_login(verified_user)
    for _ in range(5):
        client.post(reverse("accounts:delete"), {"password": "a wrong guess", "confirm": "on"})

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})

    assert "Too many failed login attempts" in response.content.decode()
    assert User.objects.filter(pk=verified_user.pk).exists()
