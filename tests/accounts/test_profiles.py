from http import HTTPStatus

from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory


def edit_url(user):
    return reverse("accounts:edit", kwargs={"username": user.username})


def test_profile_page_shows_the_members_details(client, db):
    member = UserFactory(
        display_name="Dr. Ana Ortiz",
        role="attending",
        subspecialty="neuro",
        institution="Hospital Clínic",
        city="Barcelona",
        country="Spain",
    )

    html = client.get(member.get_absolute_url()).content.decode()

    for text in (
        "Dr. Ana Ortiz",
        "Attending radiologist",
        "Neuroradiology",
        "Hospital Clínic",
        "Barcelona, Spain",
        "Member since",
    ):
        assert text in html


def test_verified_member_has_a_mark_with_screen_reader_text(client, db):
    member = UserFactory(verified=True)

    html = client.get(member.get_absolute_url()).content.decode()

    assert 'class="verified-mark"' in html
    assert '<span class="visually-hidden">(verified member)</span>' in html


def test_unverified_member_has_no_mark(client, db):
    html = client.get(UserFactory().get_absolute_url()).content.decode()

    assert "(verified member)" not in html


def test_bio_is_escaped_and_links_get_nofollow(client, db):
    member = UserFactory(bio='<script>alert("x")</script> Read https://example.org/cases')

    html = client.get(member.get_absolute_url()).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
    assert '<a href="https://example.org/cases" rel="nofollow">' in html


def test_unknown_member_is_404(client, db):
    assert client.get("/members/nobody-here/").status_code == HTTPStatus.NOT_FOUND


def test_member_edits_their_own_profile(client, user):
    client.force_login(user)

    response = client.post(
        edit_url(user),
        {
            "display_name": "Dr. Lee",
            "role": "fellow",
            "subspecialty": "msk",
            "institution": "Charité",
            "city": "Berlin",
            "country": "Germany",
            "bio": "Sports imaging.",
            "website": "https://lee.example",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == user.get_absolute_url()
    user.refresh_from_db()
    assert (user.display_name, user.role, user.subspecialty) == ("Dr. Lee", "fellow", "msk")


def test_member_cannot_set_their_own_verified_flag(client, user):
    client.force_login(user)

    client.post(edit_url(user), {"display_name": "Me", "verified": "on"})

    user.refresh_from_db()
    assert user.verified is False


def test_member_cannot_edit_someone_elses_profile(client, user):
    other = UserFactory()
    client.force_login(user)

    response = client.post(edit_url(other), {"display_name": "Hacked"})

    assert response.status_code == HTTPStatus.FORBIDDEN
    other.refresh_from_db()
    assert other.display_name == ""


def test_visitor_is_sent_to_sign_in_before_editing(client, user):
    response = client.get(edit_url(user))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_invalid_role_and_website_get_form_errors(client, user):
    client.force_login(user)

    response = client.post(edit_url(user), {"role": "wizard", "website": "javascript:alert(1)"})

    assert response.status_code == HTTPStatus.OK
    assert set(response.context["form"].errors) == {"role", "website"}


def test_edit_profile_menu_link_goes_to_own_editor(client, user):
    client.force_login(user)

    response = client.get(reverse("accounts:edit_me"))

    assert response["Location"] == edit_url(user)


def test_account_menu_lists_the_members_pages(client, user):
    client.force_login(user)

    html = client.get(reverse("accounts:directory")).content.decode()

    for label in (
        "Your profile",
        "Edit profile",
        "Account settings",
        "Two-factor authentication",
        "Sign out",
    ):
        assert label in html


def test_profile_edit_form_has_csrf_and_labels(client, user):
    client.force_login(user)

    html = client.get(edit_url(user)).content.decode()

    assert "csrfmiddlewaretoken" in html
    assert 'enctype="multipart/form-data"' in html
    for field in User._meta.get_field("display_name"), User._meta.get_field("institution"):
        assert f'<label for="id_{field.name}">' in html


def _hidden_member():
    return UserFactory(username="hid", display_name="Dr. Hidden", profile_hidden=True)


def test_a_hidden_profile_is_a_short_not_found_page_for_visitors_and_other_members(client, user):
    member = _hidden_member()

    for viewer in (None, user):
        if viewer:
            client.force_login(viewer)
        response = client.get(member.get_absolute_url())
        html = response.content.decode()
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert "This profile is not available" in html
        assert "@hid" in html
        assert "Dr. Hidden" not in html


def test_the_member_still_sees_their_hidden_profile_and_can_edit_it(client, db):
    member = _hidden_member()
    client.force_login(member)

    response = client.get(member.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert "Dr. Hidden" in response.content.decode()
    assert edit_url(member) in response.content.decode()


def test_staff_still_see_a_hidden_profile_but_cannot_edit_it(client, staff_user, db):
    member = _hidden_member()
    client.force_login(staff_user)

    response = client.get(member.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert "Dr. Hidden" in response.content.decode()
    assert edit_url(member) not in response.content.decode()


def test_only_the_member_gets_the_edit_button_on_their_profile(client, user):
    other = UserFactory()
    client.force_login(user)

    def button(member):
        # The profile's own button; the account menu links to the member's editor too.
        return f'<a class="button button--quiet" href="{edit_url(member)}">Edit profile</a>'

    assert button(user) in client.get(user.get_absolute_url()).content.decode()
    assert edit_url(other) not in client.get(other.get_absolute_url()).content.decode()


def test_a_member_is_told_only_they_and_the_moderators_see_their_hidden_profile(client, db):
    member = _hidden_member()
    client.force_login(member)

    html = client.get(member.get_absolute_url()).content.decode()

    assert "Only you and the moderators can see it." in html
    assert "Only its author and staff can see it." not in html


def test_a_member_visiting_a_hidden_profile_keeps_their_account_menu(client, user):
    member = _hidden_member()
    client.force_login(user)

    html = client.get(member.get_absolute_url()).content.decode()

    assert f'<span class="account-menu__name">{user.name}</span>' in html
    assert "account-menu__signout" in html
    assert "csrfmiddlewaretoken" in html


def test_the_edit_page_starts_from_the_members_saved_profile(client, user):
    user.display_name = "Dr. Saved Name"
    user.save()
    client.force_login(user)

    assert 'value="Dr. Saved Name"' in client.get(edit_url(user)).content.decode()


def test_saving_the_profile_says_so(client, user):
    client.force_login(user)

    response = client.post(edit_url(user), {"display_name": "Dr. Lee"}, follow=True)

    assert '<p class="message message--success">Your profile was saved.</p>' in (
        response.content.decode()
    )


def test_a_picture_is_added_and_removed_from_the_edit_page(client, user):
    from tests.accounts.images import image_upload

    client.force_login(user)

    client.post(edit_url(user), {"display_name": "Me", "avatar_upload": image_upload()})
    user.refresh_from_db()
    assert user.avatar.name.endswith(".webp")

    client.post(edit_url(user), {"display_name": "Me", "avatar_remove": "on"})
    user.refresh_from_db()
    assert not user.avatar
