"""What each badge shows and the ETag it is cached under (posts.badges.images).

The drawing itself is tested through /badges/ in test_badge_images.py; these check the
content that decides what is drawn and when it is drawn again, on unsaved objects.
"""

import datetime
import re

import pytest
from django.core.cache import cache

from accounts.avatars import default_avatar_colour
from posts.badges import images
from posts.badges.images import Badge, badge_png, member_badge, post_badge, shown_member_name
from tests.factories import PostFactory, UserFactory


def test_an_etag_is_32_hex_characters_and_the_same_for_the_same_content():
    first = Badge("post", {"title": "A", "views": "Views: 1"})
    again = Badge("post", {"views": "Views: 1", "title": "A"})  # other key order

    assert re.fullmatch(r"[0-9a-f]{32}", first.etag(1))
    assert first.etag(1) == again.etag(1)


def test_an_etag_changes_with_the_content_the_kind_the_scale_and_the_drawing_version(
    monkeypatch,
):
    badge = Badge("post", {"title": "A"})
    etags = {
        badge.etag(1),
        badge.etag(2),
        Badge("post", {"title": "B"}).etag(1),
        Badge("member", {"title": "A"}).etag(1),
    }
    monkeypatch.setattr(images, "DRAWING_VERSION", images.DRAWING_VERSION + 1)
    etags.add(badge.etag(1))

    assert len(etags) == 5


def test_the_avatar_file_name_is_not_part_of_a_badges_identity():
    assert Badge("member", {"a": 1}, avatar_name="x.webp") == Badge("member", {"a": 1})


def test_a_member_badge_shows_name_role_subspecialty_verified_mark_and_picture():
    member = UserFactory.build(
        username="ana",
        display_name="Ana Costa",
        role="fellow",
        subspecialty="neuro",
        verified=True,
    )
    member.avatar.name = "avatars/random-large.webp"

    badge = member_badge(member)

    assert badge.kind == "member"
    assert badge.content == {
        "name": "Ana Costa",
        "role": "Fellow · Neuroradiology",
        "verified": True,
        "avatar": "avatars/random-large.webp",
        "initials": "AC",
        "colour": default_avatar_colour("ana"),
        "site_name": "radRounds",
    }
    assert badge.avatar_name == "avatars/random-large.webp"


@pytest.mark.parametrize(
    ("role", "subspecialty", "shown"),
    [("", "", ""), ("resident", "", "Resident"), ("", "msk", "Musculoskeletal")],
)
def test_a_member_badge_shows_only_the_role_parts_given(role, subspecialty, shown):
    member = UserFactory.build(role=role, subspecialty=subspecialty)

    content = member_badge(member).content

    assert content["role"] == shown
    assert (content["verified"], content["avatar"]) == (False, "")


def test_a_name_the_fonts_can_draw_is_shown_as_it_is():
    assert shown_member_name(UserFactory.build(username="ana", display_name="Ana")) == "Ana"


def test_a_member_whose_name_and_username_cannot_be_drawn_gets_a_neutral_label(settings):
    settings.BADGE_FALLBACK_FONTS = []
    member = UserFactory.build(username="田中", display_name="田中 美咲")

    assert shown_member_name(member) == "radRounds member"


def test_a_post_badge_shows_title_citation_and_views():
    post = PostFactory.build(
        pk=7,
        title="CT of the <i>spine</i>",
        journal_abbrev="Radiographics",
        pub_date="2007 Nov-Dec",
        volume="27",
        issue="6",
        pages="1751-71",
        view_count=12345,
    )

    badge = post_badge(post)

    assert badge.kind == "post"
    assert badge.content == {
        "title": "CT of the spine",
        "citation": "Radiographics. 2007 Nov-Dec;27(6):1751-71.",
        "views": "Views: 12,345",
        "site_name": "radRounds",
    }


def test_a_post_whose_title_and_citation_cannot_be_drawn_gets_neutral_text(settings):
    settings.BADGE_FALLBACK_FONTS = []
    post = PostFactory.build(pk=7, title="田中の研究", journal_abbrev="日本放射線", view_count=1)

    content = post_badge(post).content

    assert (content["title"], content["citation"]) == ("radRounds post 7", "")
    assert content["views"] == "Views: 1"


@pytest.mark.django_db
def test_a_drawn_badge_is_cached_under_its_etag_with_the_second_it_was_drawn():
    cache.clear()
    badge = Badge("network", images.network_badge(members=1, posts=2).content)

    first = badge_png(badge, scale=1)
    cached = cache.get(f"badgepng:{badge.etag(1)}")
    again = badge_png(badge, scale=1)

    assert first.etag == badge.etag(1)
    assert first.png.startswith(b"\x89PNG")
    assert first.drawn_at.microsecond == 0
    assert cached == (first.drawn_at, first.png)
    assert again == first


def test_the_network_badge_counts_in_words():
    content = images.network_badge(members=1, posts=1234).content

    assert (content["members"], content["posts"]) == ("1 member", "1,234 posts")


def test_a_citation_is_checked_against_the_regular_face_it_is_drawn_in(settings):
    # DejaVu Sans has the mathematical sans-serif letters; its bold face does not.
    settings.BADGE_FALLBACK_FONTS = []
    post = PostFactory.build(pk=7, title="𝖠 title", journal_abbrev="𝖠 Journal", view_count=1)

    content = post_badge(post).content

    assert content["citation"].startswith("𝖠 Journal.")
    assert content["title"] == "radRounds post 7"  # titles are drawn bold


@pytest.mark.django_db
def test_a_drawn_badge_is_kept_for_thirty_days():
    from django.core.cache import caches
    from django.db import connection
    from django.utils import timezone

    backend = caches["default"]
    if not hasattr(backend, "_table"):
        pytest.skip("reads the database cache's table")
    badge = images.network_badge(members=3, posts=4)

    badge_png(badge, scale=2)

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT expires FROM {backend._table} WHERE cache_key LIKE %s",  # noqa: S608
            ["%badgepng%"],
        )
        (expires,) = [row[0] for row in cursor.fetchall()]
    if isinstance(expires, str):
        from django.utils.dateparse import parse_datetime

        expires = parse_datetime(expires)
    if timezone.is_naive(expires):
        expires = timezone.make_aware(expires, datetime.UTC)
    remaining = (expires - timezone.now()).total_seconds()
    assert 30 * 86400 - 60 < remaining <= 30 * 86400
