import json
from http import HTTPStatus

from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from tests.accounts.conftest import PASSWORD
from tests.factories import PostFactory


def test_deleting_needs_the_current_password(client, verified_user):
    client.force_login(verified_user)

    response = client.post(reverse("accounts:delete"), {"password": "guess", "confirm": "on"})

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["password"]
    assert User.objects.filter(pk=verified_user.pk).exists()


def test_deleting_removes_the_account_and_its_email_addresses(client, verified_user):
    client.force_login(verified_user)

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})

    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(pk=verified_user.pk).exists()
    assert not EmailAddress.objects.filter(email="ana@example.org").exists()
    assert "_auth_user_id" not in client.session


def test_posts_of_a_deleted_member_stay_as_former_member(client, verified_user):
    post = PostFactory(posted_by=verified_user)
    client.force_login(verified_user)

    client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})

    post.refresh_from_db()
    assert post.posted_by is None
    page = client.get(post.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0")
    assert "Posted by Former member" in page.content.decode()


def test_a_post_shows_its_poster_with_a_link_to_their_profile(client, verified_user):
    verified_user.display_name = "Dr. Ana Ortiz"
    verified_user.save()
    post = PostFactory(posted_by=verified_user)

    page = client.get(post.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0").content.decode()

    assert f'by <a href="{verified_user.get_absolute_url()}">Dr. Ana Ortiz</a>' in page


def test_a_post_imported_without_a_poster_names_nobody(client, db):
    post = PostFactory(posted_by=None)

    page = client.get(post.get_absolute_url(), HTTP_USER_AGENT="Mozilla/5.0").content.decode()

    assert "Former member" not in page
    assert "Posted on" in page


def test_member_downloads_their_data_as_json(client, verified_user):
    verified_user.display_name = "Dr. Ana Ortiz"
    verified_user.save()
    PostFactory(posted_by=verified_user, pmid=18024454)
    client.force_login(verified_user)

    response = client.get(reverse("accounts:export"))

    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["profile"]["display_name"] == "Dr. Ana Ortiz"
    assert data["email_addresses"] == [
        {"email": "ana@example.org", "primary": True, "verified": True}
    ]
    assert [p["pmid"] for p in data["posts"]] == [18024454]


def test_data_export_needs_sign_in(client, db):
    response = client.get(reverse("accounts:export"))

    assert response.status_code == HTTPStatus.FOUND
