"""Achievement badges: awarding, idempotence, concurrency, recompute, admin and display."""

from datetime import timedelta
from functools import partial
from http import HTTPStatus

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import User
from accounts.services import account_delete, member_verify
from posts.achievements import CATALOGUE, READS_FOR_READER
from posts.models import MemberBadge, PostRead
from posts.services.achievements import badge_award, badge_revoke, badges_recompute
from tests.concurrency import in_parallel
from tests.factories import PostFactory, UserFactory

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


def _badges(user) -> set[str]:
    return set(MemberBadge.objects.filter(user=user).values_list("badge", flat=True))


@pytest.mark.django_db
def test_awarding_twice_keeps_one_badge(user):
    assert badge_award(user_id=user.pk, slug="one-year") is True
    assert badge_award(user_id=user.pk, slug="one-year") is False

    assert MemberBadge.objects.filter(user=user, badge="one-year").count() == 1


@pytest.mark.django_db
def test_an_unknown_badge_cannot_be_awarded(user):
    with pytest.raises(ValueError, match="no badge called"):
        badge_award(user_id=user.pk, slug="astronaut")


@pytest.mark.django_db(transaction=True)
def test_parallel_awards_of_one_badge_insert_one_row():
    assert connection.vendor != "sqlite" or not connection.is_in_memory_db()
    member = UserFactory()
    workers = 12

    results = in_parallel(
        [partial(badge_award, user_id=member.pk, slug="verified") for _ in range(workers)]
    )

    assert results.count(True) == 1
    assert MemberBadge.objects.filter(user=member, badge="verified").count() == 1


@pytest.mark.django_db(transaction=True)
def test_parallel_reads_award_the_reader_badge_once():
    member = UserFactory()
    posts = PostFactory.create_batch(READS_FOR_READER + 5)
    for post in posts[: READS_FOR_READER - 1]:
        PostRead.objects.create(user=member, post=post)
    remaining = posts[READS_FOR_READER - 1 :]

    def reader(post):
        client = Client()
        client.force_login(member)
        return lambda: client.get(post.get_absolute_url(), **BROWSER).status_code

    statuses = in_parallel([reader(post) for post in remaining])

    assert statuses == [200] * len(remaining)
    assert PostRead.objects.filter(user=member).count() == len(posts)
    assert MemberBadge.objects.filter(user=member, badge="reader").count() == 1


@pytest.mark.django_db
def test_a_member_earns_the_reader_badge_on_the_25th_different_post(client, user):
    client.force_login(user)
    posts = PostFactory.create_batch(READS_FOR_READER)
    for post in posts[:-1]:
        client.get(post.get_absolute_url(), **BROWSER)
        client.get(post.get_absolute_url(), **BROWSER)  # a repeat is not another read
    assert "reader" not in _badges(user)

    client.get(posts[-1].get_absolute_url(), **BROWSER)

    assert "reader" in _badges(user)


@pytest.mark.django_db
def test_reads_are_recorded_for_members_only_and_not_for_their_own_posts(client, user):
    own = PostFactory(posted_by=user)
    other = PostFactory()
    client.get(other.get_absolute_url(), **BROWSER)  # anonymous
    client.force_login(user)

    client.get(own.get_absolute_url(), **BROWSER)
    client.get(other.get_absolute_url(), **BROWSER)

    assert list(PostRead.objects.values_list("user_id", "post_id")) == [(user.pk, other.pk)]


@pytest.mark.django_db
def test_a_members_counted_view_costs_the_same_queries_however_much_they_read(client, user):
    client.force_login(user)
    client.get("/")  # warm the Popular ranking, kept for a minute (posts.selectors)

    def counted_view_after(reads: int) -> int:
        for post in PostFactory.create_batch(reads):
            PostRead.objects.create(user=user, post=post)
        post = PostFactory()
        with CaptureQueriesContext(connection) as queries:
            client.get(post.get_absolute_url(), **BROWSER)
        assert PostRead.objects.filter(user=user, post=post).exists()
        return len(queries.captured_queries)

    assert counted_view_after(READS_FOR_READER + 5) == counted_view_after(100)


@pytest.mark.django_db
def test_the_verified_badge_follows_the_staff_mark(user):
    member_verify(users=User.objects.filter(pk=user.pk), verified=True)
    assert "verified" in _badges(user)

    member_verify(users=User.objects.filter(pk=user.pk), verified=False)
    assert "verified" not in _badges(user)


@pytest.mark.django_db
def test_the_verified_badge_follows_the_checkbox_in_the_admin(client, staff_user):
    member = UserFactory(username="ortiz")
    client.force_login(staff_user)
    url = reverse("admin:accounts_user_change", args=[member.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "username": "ortiz",
            "email": member.email,
            "verified": "on",
            "date_joined_0": member.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": member.date_joined.strftime("%H:%M:%S"),
            "groups": [],
            "user_permissions": [],
            "_save": "Save",
        }
    )
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}

    response = client.post(url, data)

    assert response.status_code == HTTPStatus.FOUND, response.context["adminform"].form.errors
    assert "verified" in _badges(member)


@pytest.mark.django_db
def test_signing_in_after_a_year_earns_the_one_year_badge(client):
    veteran = UserFactory(date_joined=timezone.now() - timedelta(days=366))
    newcomer = UserFactory()

    for member in (veteran, newcomer):
        client.post(
            reverse("account_login"),
            {"login": member.username, "password": "correct horse battery staple"},
        )
        client.post(reverse("account_logout"))

    assert "one-year" in _badges(veteran)
    assert "one-year" not in _badges(newcomer)


@pytest.mark.django_db
def test_recompute_awards_what_members_qualify_for_and_is_idempotent():
    veteran = UserFactory(date_joined=timezone.now() - timedelta(days=400), verified=True)
    reader = UserFactory()
    for post in PostFactory.create_batch(READS_FOR_READER):
        PostRead.objects.create(user=reader, post=post)
    newcomer = UserFactory()

    first = {r.slug: r.awarded for r in badges_recompute()}
    rows = set(MemberBadge.objects.values_list("user_id", "badge"))
    second = {r.slug: r.awarded for r in badges_recompute()}

    assert rows == {(veteran.pk, "one-year"), (veteran.pk, "verified"), (reader.pk, "reader")}
    assert first["one-year"] == 1 and first["reader"] == 1 and first["verified"] == 1
    assert set(MemberBadge.objects.values_list("user_id", "badge")) == rows
    assert all(n == 0 for n in second.values())
    assert _badges(newcomer) == set()


@pytest.mark.django_db
def test_recompute_takes_back_a_state_badge_but_keeps_milestones_and_hand_grants(staff_user):
    was_verified = UserFactory()
    badge_award(user_id=was_verified.pk, slug="verified")  # the mark was removed since
    granted = UserFactory()
    badge_award(user_id=granted.pk, slug="verified", granted_by_id=staff_user.pk)
    reader = UserFactory()
    badge_award(user_id=reader.pk, slug="reader")  # a milestone, kept once earned

    badges_recompute()

    assert "verified" not in _badges(was_verified)
    assert "verified" in _badges(granted)
    assert "reader" in _badges(reader)


@pytest.mark.django_db
def test_recompute_keeps_a_hand_grant_the_rule_would_not_give(staff_user, user):
    badge_award(user_id=user.pk, slug="first-comment", granted_by_id=staff_user.pk)

    results = {r.slug: r for r in badges_recompute()}

    assert results["first-comment"].automatic is True
    assert "first-comment" in _badges(user)  # no comment, yet the grant stays


def test_every_badge_in_the_catalogue_is_awarded_automatically():
    assert [rule.slug for rule in CATALOGUE if not rule.automatic] == []


@pytest.mark.django_db
def test_recompute_command_reports_each_badge(capsys):
    UserFactory(verified=True)

    call_command("recompute_badges")

    out = capsys.readouterr().out
    assert "Verified radiologist: 1 awarded, 0 taken back" in out
    assert "First comment: 0 awarded, 0 taken back" in out


@pytest.mark.django_db
def test_recompute_command_refuses_an_unknown_badge():
    with pytest.raises(CommandError, match="Unknown badge astronaut"):
        call_command("recompute_badges", "--badge", "astronaut")


@pytest.mark.django_db
def test_badges_go_with_a_deleted_account(user):
    badge_award(user_id=user.pk, slug="verified")

    account_delete(user=user)

    assert MemberBadge.objects.count() == 0


@pytest.mark.django_db
def test_staff_grant_a_badge_in_the_admin(client, staff_user, user):
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:posts_memberbadge_add"), {"user": user.pk, "badge": "first-like"}
    )

    assert response.status_code == HTTPStatus.FOUND
    badge = MemberBadge.objects.get(user=user)
    assert (badge.badge, badge.granted_by) == ("first-like", staff_user)


@pytest.mark.django_db
def test_granting_a_badge_twice_is_a_form_error(client, staff_user, user):
    badge_award(user_id=user.pk, slug="first-like")
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:posts_memberbadge_add"), {"user": user.pk, "badge": "first-like"}
    )

    assertContains(response, "already exists")
    assert MemberBadge.objects.count() == 1


@pytest.mark.django_db
def test_staff_revoke_badges_in_the_admin(client, staff_user, user):
    badge_award(user_id=user.pk, slug="first-like")
    badge_award(user_id=user.pk, slug="one-year")
    client.force_login(staff_user)

    client.post(
        reverse("admin:posts_memberbadge_changelist"),
        {
            "action": "revoke_selected",
            "_selected_action": list(MemberBadge.objects.values_list("pk", flat=True)),
        },
    )

    assert _badges(user) == set()


@pytest.mark.django_db
def test_revoking_a_badge_nobody_holds_says_so(user):
    assert badge_revoke(user_id=user.pk, slug="verified") is False


@pytest.mark.django_db
def test_the_profile_lists_badges_with_how_they_were_earned(client, user):
    badge_award(user_id=user.pk, slug="one-year")

    response = client.get(user.get_absolute_url())

    assertContains(response, "One year on radRounds")
    assertContains(response, CATALOGUE["one-year"].how_to_earn)
    assertContains(response, "One year on radRounds badge")  # the emblem beside the name


@pytest.mark.django_db
def test_a_profile_without_badges_says_so(client, user):
    assertContains(client.get(user.get_absolute_url()), "No badges yet.")


@pytest.mark.django_db
def test_badges_show_beside_the_posters_name_on_a_post(client):
    poster = UserFactory(display_name="Dr. Ana Ortiz")
    badge_award(user_id=poster.pk, slug="one-year")
    post = PostFactory(posted_by=poster)

    response = client.get(post.get_absolute_url(), **BROWSER)

    assertContains(response, "One year on radRounds badge")


@pytest.mark.django_db
def test_the_verified_badge_is_not_repeated_beside_the_verified_mark(client):
    member = UserFactory(verified=True)
    badge_award(user_id=member.pk, slug="verified")

    response = client.get(member.get_absolute_url())

    assertContains(response, "(verified member)", count=1)
    assertNotContains(response, "Verified radiologist badge")
    assertContains(response, "Verified radiologist")  # in the profile's badge list


@pytest.mark.django_db
def test_the_directory_shows_badges_with_a_fixed_number_of_queries(
    client, django_assert_num_queries
):
    first = UserFactory(display_name="Member A")
    badge_award(user_id=first.pk, slug="verified")
    with django_assert_num_queries(3) as few:
        client.get(reverse("accounts:directory"))
    for i in range(10):
        member = UserFactory(display_name=f"Member {i}")
        badge_award(user_id=member.pk, slug="one-year")
        badge_award(user_id=member.pk, slug="reader")

    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("accounts:directory"))

    assertContains(response, "25 posts read badge", count=10)


@pytest.mark.django_db
def test_the_badges_page_lists_every_badge_with_its_holders(client):
    for member in UserFactory.create_batch(3):
        badge_award(user_id=member.pk, slug="one-year")

    response = client.get(reverse("badges:index"))

    for rule in CATALOGUE:
        assertContains(response, rule.name)
        assertContains(response, rule.how_to_earn)
    assertContains(
        response, '<span class="muted counter" data-holders="one-year">3 members hold it'
    )
    assertContains(
        response, '<span class="muted counter" data-holders="verified">0 members hold it'
    )


@pytest.mark.django_db
def test_the_badges_page_gives_a_signed_in_member_their_own_snippets(client, user):
    anonymous = client.get(reverse("badges:index"))
    client.force_login(user)

    response = client.get(reverse("badges:index"))

    assertNotContains(anonymous, f"/badges/members/{user.username}.png")
    member_png = f"http://testserver/badges/members/{user.username}.png"
    assertContains(response, f"&lt;img src=&quot;{member_png}&quot;")
    assertContains(response, f"[![{user.name} on radRounds]({member_png})]")
    assertContains(response, f"[url=http://testserver/members/{user.username}/][img]{member_png}")
    assertContains(response, "[url=http://testserver/][img]http://testserver/badges/network.png")


@pytest.mark.django_db
def test_a_name_cannot_break_out_of_the_snippet_box(client):
    member = UserFactory(display_name="</textarea><script>alert(1)</script>")
    client.force_login(member)

    response = client.get(reverse("badges:index"))

    assertNotContains(response, "<script>alert(1)")
    assertContains(response, "&amp;lt;/textarea&amp;gt;&amp;lt;script&amp;gt;")


@pytest.mark.django_db
def test_a_members_data_export_includes_badges_and_reading(client, user):
    post = PostFactory()
    PostRead.objects.create(user=user, post=post)
    badge_award(user_id=user.pk, slug="one-year")
    client.force_login(user)

    data = client.get(reverse("accounts:export")).json()

    assert [b["badge"] for b in data["badges"]] == ["One year on radRounds"]
    assert [r["post"] for r in data["posts_read"]] == [post.pk]


@pytest.mark.django_db
def test_the_badges_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    with django_assert_num_queries(1) as few:  # the holder counts, grouped by badge
        client.get(reverse("badges:index"))
    for member in UserFactory.create_batch(10):
        badge_award(user_id=member.pk, slug="one-year")
        badge_award(user_id=member.pk, slug="verified")

    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("badges:index"))
