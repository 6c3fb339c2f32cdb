"""Embeddable badge PNGs under /badges/: network, member and post badges."""

import io
import logging
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import Image

from accounts.avatars import process_avatar
from accounts.services import account_delete, avatar_set, profile_update
from posts.badges import fonts
from posts.badges.images import member_badge, post_badge, shown_member_name
from posts.models import Post
from tests.accounts.images import image_upload
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

CYRILLIC_60 = "Александра Константиновна Великорецкая-Преображенская Жукова"
GREEK = "Αικατερίνη Παπαδοπούλου-Χατζηγεωργίου"


def _png(response) -> Image.Image:
    assert response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    image.load()
    assert image.format == "PNG"
    return image


def _urls(member, post):
    return {
        "network": (reverse("badges:network"), (320, 96)),
        "member": (reverse("badges:member", args=[member.username]), (360, 112)),
        "post": (reverse("badges:post", args=[post.pk]), (440, 128)),
    }


@pytest.mark.parametrize("kind", ["network", "member", "post"])
def test_badges_are_pngs_of_the_stated_size_at_1x_and_twice_that_at_2x(client, kind):
    url, (width, height) = _urls(UserFactory(), PostFactory())[kind]

    one = _png(client.get(url))
    two = _png(client.get(url, {"scale": "2"}))

    assert one.size == (width, height)
    assert two.size == (width * 2, height * 2)


def test_an_unknown_scale_is_a_clear_400(client):
    response = client.get(reverse("badges:network"), {"scale": "7"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"scale must be 1 or 2" in response.content


def test_network_badge_changes_when_the_member_count_changes(client):
    UserFactory()
    first = client.get(reverse("badges:network"))

    UserFactory()
    second = client.get(reverse("badges:network"))

    assert first["ETag"] != second["ETag"]
    assert first.content != second.content


def test_post_badge_changes_when_its_views_change(client):
    post = PostFactory(title="Imaging of the acute abdomen.")
    before = client.get(reverse("badges:post", args=[post.pk]))

    type(post).objects.filter(pk=post.pk).update(view_count=1234)
    after = client.get(reverse("badges:post", args=[post.pk]))

    assert before["ETag"] != after["ETag"]
    assert before.content != after.content


def test_member_badge_changes_when_the_member_is_renamed_or_verified(client):
    member = UserFactory(display_name="Dr. Ana Ortiz")
    url = reverse("badges:member", args=[member.username])
    first = client.get(url)

    profile_update(user=member, data={"display_name": "Dr. Ana Ortiz-Ruiz"})
    renamed = client.get(url)
    type(member).objects.filter(pk=member.pk).update(verified=True)
    verified = client.get(url)

    assert len({first["ETag"], renamed["ETag"], verified["ETag"]}) == 3


def test_member_badge_shows_a_new_picture(client):
    member = UserFactory()
    url = reverse("badges:member", args=[member.username])
    initials = _png(client.get(url))

    avatar_set(user=member, avatar=process_avatar(image_upload(colour=(200, 30, 30))))
    photo = _png(client.get(url))

    # The avatar disc's centre (x 14..86, y 20..92) turns the uploaded red.
    assert photo.convert("RGB").getpixel((50, 56)) != initials.convert("RGB").getpixel((50, 56))
    assert photo.convert("RGB").getpixel((50, 56))[0] > 150


def test_the_badge_of_a_member_without_a_picture_does_not_look_for_one(client, caplog):
    member = UserFactory()

    with caplog.at_level(logging.WARNING, logger="posts.badges.images"):
        response = client.get(reverse("badges:member", args=[member.username]))

    assert response.status_code == HTTPStatus.OK
    # Drawn from initials; no "could not read avatar" warning for a file never uploaded.
    assert [r.getMessage() for r in caplog.records if r.name == "posts.badges.images"] == []


def test_each_member_has_a_badge_of_their_own(client):
    members = [UserFactory(display_name="Dr. Ana Ortiz"), UserFactory(display_name="Dr. Ben Li")]

    etags = [client.get(reverse("badges:member", args=[m.username]))["ETag"] for m in members]

    assert etags == [f'"{member_badge(m).etag(1)}"' for m in members]
    assert etags[0] != etags[1]


def test_each_post_has_a_badge_of_its_own(client):
    posts = [
        PostFactory(title="Imaging of the acute abdomen."),
        PostFactory(title="MRI of the knee."),
    ]

    etags = [client.get(reverse("badges:post", args=[p.pk]))["ETag"] for p in posts]

    assert etags == [f'"{post_badge(Post.objects.get(pk=p.pk)).etag(1)}"' for p in posts]
    assert etags[0] != etags[1]


def test_badges_carry_etag_last_modified_and_cache_control(client):
    response = client.get(reverse("badges:network"))

    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert response["Last-Modified"].endswith("GMT")
    assert "public" in response["Cache-Control"]
    assert "max-age=3600" in response["Cache-Control"]


def test_a_conditional_get_with_the_etag_answers_304_without_a_body(client):
    post = PostFactory()
    url = reverse("badges:post", args=[post.pk])
    first = client.get(url)

    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert "max-age" in again["Cache-Control"]


def test_a_conditional_get_by_date_answers_304(client):
    first = client.get(reverse("badges:network"))

    again = client.get(reverse("badges:network"), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_a_stale_etag_gets_the_new_image(client):
    post = PostFactory()
    url = reverse("badges:post", args=[post.pk])
    old = client.get(url)
    type(post).objects.filter(pk=post.pk).update(view_count=99)

    response = client.get(url, HTTP_IF_NONE_MATCH=old["ETag"])

    assert response.status_code == HTTPStatus.OK
    assert response["ETag"] != old["ETag"]


def test_a_badge_is_not_drawn_again_while_its_content_is_unchanged(client):
    post = PostFactory()
    url = reverse("badges:post", args=[post.pk])
    first = client.get(url)
    key = f"badgepng:{first['ETag'].strip(chr(34))}"
    drawn_at, _ = cache.get(key)
    # Replace the stored drawing with a marker: if the view drew again, we would not see it.
    marker = io.BytesIO()
    Image.new("RGB", (440, 128), "purple").save(marker, format="PNG")
    cache.set(key, (drawn_at, marker.getvalue()))

    second = client.get(url)

    assert second.content == marker.getvalue()
    assert second["Last-Modified"] == first["Last-Modified"]


def test_hidden_posts_have_no_badge_even_for_staff(client, staff_user):
    post = PostFactory(is_hidden=True)
    client.force_login(staff_user)

    response = client.get(reverse("badges:post", args=[post.pk]))

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_unknown_posts_and_members_have_no_badge(client):
    assert client.get("/badges/posts/999999.png").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/badges/members/nobody.png").status_code == HTTPStatus.NOT_FOUND


def test_deleted_and_deactivated_members_have_no_badge(client):
    gone = UserFactory(username="gone")
    inactive = UserFactory(username="inactive", is_active=False)
    url = reverse("badges:member", args=[gone.username])
    assert client.get(url).status_code == HTTPStatus.OK

    account_delete(user=gone)

    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert client.get(reverse("badges:member", args=[inactive.username])).status_code == 404


def test_a_60_character_cyrillic_name_is_drawn_with_the_bundled_font(client):
    assert len(CYRILLIC_60) == 60
    member = UserFactory(display_name=CYRILLIC_60, role="attending", verified=True)

    one = _png(client.get(reverse("badges:member", args=[member.username])))
    two = _png(client.get(reverse("badges:member", args=[member.username]), {"scale": "2"}))

    assert one.size == (360, 112) and two.size == (720, 224)
    # Every letter has a glyph in the font shipped with the matplotlib package.
    assert fonts.drawable(CYRILLIC_60)
    assert shown_member_name(member) == CYRILLIC_60
    assert str(fonts.BOLD).endswith("mpl-data/fonts/ttf/DejaVuSans-Bold.ttf")


def test_greek_names_are_drawn_as_they_are():
    member = UserFactory(display_name=GREEK)

    assert member_badge(member).content["name"] == GREEK


def test_a_name_the_fonts_cannot_draw_falls_back_to_the_username_not_to_boxes(settings):
    settings.BADGE_FALLBACK_FONTS = []
    member = UserFactory(username="tanaka", display_name="田中 美咲")

    assert not fonts.drawable("田中 美咲")
    assert member_badge(member).content["name"] == "@tanaka"


def test_a_fallback_font_draws_what_dejavu_lacks(settings):
    # DejaVu Sans has no CJK; matplotlib's "last resort" font has a glyph for every
    # code point, which is enough to check that fallback fonts are consulted in order.
    settings.BADGE_FALLBACK_FONTS = [str(fonts.FONT_DIR / "LastResortHE-Regular.ttf")]

    runs = fonts.runs("Dr 田中", bold=True)

    assert runs[0] == (str(fonts.BOLD), "Dr ")
    assert runs[1] == (settings.BADGE_FALLBACK_FONTS[0], "田中")


def test_badges_are_the_same_for_everyone_so_shared_caches_may_keep_them(client, user):
    client.force_login(user)

    response = client.get(reverse("badges:network"))

    assert "Cookie" not in response.get("Vary", "")
    assert "private" not in response["Cache-Control"]
    assert not response.cookies
