"""Anonymous readers' pages from the page cache: served again, and never stale.

Each invalidation test reads the page as a visitor (which fills the cache), changes
something through the real view, service or admin, and reads again as the next visitor.
"""

from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from accounts.services import member_verify
from posts.models import Comment, MemberBadge, Post, Sponsor
from posts.services.discussion import comment_edit, comments_hide
from posts.services.moderation import posts_hide, posts_restore, profiles_hide
from posts.services.reports import ReportTarget, report_submit
from tests.accounts.images import image_upload
from tests.factories import CommentFactory, PostFactory, UserFactory, verified_member

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


def read(url, address="203.0.113.5"):
    """A visitor's request: a new client (no cookies) every time."""
    return Client().get(url, REMOTE_ADDR=address, **BROWSER)


def cached(url) -> bool:
    response = read(url)
    assert response.status_code == HTTPStatus.OK
    return response.get("X-Page-Cache") == "hit"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _no_flush_task(settings):
    # With Redis, a counted view queues a flush of the buffered views, and the flush
    # (which changes the cards' counts) starts a new page generation. Tests run tasks
    # at once; here it would empty the cache between the reads these tests compare.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def post():
    return PostFactory(title="Facet joint injections.", posted_by=verified_member())


# --- served from the cache ------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/discussed/", "/search/?q=facet", "post"])
def test_the_second_visitor_gets_the_page_from_the_cache(post, url):
    url = post.get_absolute_url() if url == "post" else url
    first = read(url)

    second = read(url)

    assert first.get("X-Page-Cache") is None
    assert second.get("X-Page-Cache") == "hit"
    assert second.content == first.content


def test_a_cached_page_carries_the_same_security_headers(post):
    fresh = read(post.get_absolute_url())
    hit = read(post.get_absolute_url())

    assert hit.get("X-Page-Cache") == "hit"
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Cross-Origin-Resource-Policy",
        "Permissions-Policy",
        "Content-Type",
    ):
        assert hit.get(header) == fresh.get(header), header


def test_every_visitor_of_a_cached_post_page_is_counted_and_sees_the_exact_count(post):
    url = post.get_absolute_url()
    read(url, address="198.51.100.1")

    second = read(url, address="198.51.100.2")
    returning = read(url, address="198.51.100.1")

    assert second.get("X-Page-Cache") == "hit"
    assertContains(second, 'id="view-count">Views: 2</p>')
    assertContains(returning, 'id="view-count">Views: 2</p>')


def test_a_cached_post_page_costs_the_same_few_queries_however_long_the_discussion(
    post, django_assert_num_queries
):
    other = PostFactory(title="Other.")
    CommentFactory.create_batch(30, post=post)
    for page in (post, other):
        read(page.get_absolute_url())
        read(page.get_absolute_url())  # the visitor's view is counted; now a repeat

    counts = []
    for page in (post, other):
        # The page and generation (one query) and the view mark with the database
        # caches; the stored view count with either.
        with django_assert_num_queries(1 if "Redis" in _views_backend() else 3) as queries:
            assert read(page.get_absolute_url()).get("X-Page-Cache") == "hit"
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1]


def _views_backend():
    from django.conf import settings

    return settings.CACHES["views"]["BACKEND"]


# --- members never share a visitor's page ---------------------------------------------


def test_a_member_never_gets_the_cached_visitor_page(post):
    read(post.get_absolute_url())
    member = UserFactory(username="ana")

    page = signed_in(member).get(post.get_absolute_url(), **BROWSER)

    assert page.get("X-Page-Cache") is None
    assertContains(page, 'name="body"')  # the comment form
    assertNotContains(page, "Sign in</a>")


def test_a_members_page_is_never_stored_for_visitors(post):
    member = UserFactory(username="ana")
    signed_in(member).get(post.get_absolute_url(), **BROWSER)

    page = read(post.get_absolute_url())

    assert page.get("X-Page-Cache") is None
    assertContains(page, "Sign in</a>")
    assertNotContains(page, 'name="body"')


def test_a_visitor_with_a_messages_cookie_gets_a_fresh_page(post):
    read(post.get_absolute_url())
    client = Client()
    client.cookies["messages"] = "anything"

    assert client.get(post.get_absolute_url(), **BROWSER).get("X-Page-Cache") is None


def test_pages_that_are_not_200_are_never_stored(post):
    read("/posts/999999/nothing/")

    assert read("/posts/999999/nothing/").status_code == HTTPStatus.NOT_FOUND


# --- every change shows to the next visitor -------------------------------------------


def test_an_edited_post_shows_at_once(post, staff_user):
    read("/")
    read(post.get_absolute_url())
    admin = signed_in(staff_user)
    form = admin.get(f"/admin/posts/post/{post.pk}/change/").context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(title="Facet joint injections revisited.", posted_by=post.posted_by_id)

    admin.post(f"/admin/posts/post/{post.pk}/change/", data)

    edited = Post.objects.get(pk=post.pk)
    assert edited.title == "Facet joint injections revisited."
    assertContains(read("/"), "Facet joint injections revisited.")
    assert read(post.get_absolute_url()).status_code == HTTPStatus.MOVED_PERMANENTLY
    assertContains(read(edited.get_absolute_url()), "Facet joint injections revisited.")


def test_a_hidden_post_is_gone_at_once_and_back_when_restored(post, staff_user):
    read("/")
    read(post.get_absolute_url())

    posts_hide(posts=Post.objects.filter(pk=post.pk), by=staff_user, reason="Off topic")

    assert read(post.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assertNotContains(read("/"), "Facet joint injections.")
    posts_restore(posts=Post.objects.filter(pk=post.pk))
    assertContains(read(post.get_absolute_url()), "Facet joint injections.")


def test_a_post_hidden_by_the_admin_action_is_gone_at_once(post, staff_user):
    read(post.get_absolute_url())

    signed_in(staff_user).post(
        "/admin/posts/post/",
        {"action": "hide_posts", "_selected_action": [post.pk]},
    )

    assert Post.objects.get(pk=post.pk).is_hidden
    assert read(post.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_a_new_comment_shows_at_once(post):
    read(post.get_absolute_url())
    read("/discussed/")

    signed_in(UserFactory()).post(
        reverse("posts:comment_create", args=[post.pk]), {"body": "Useful series."}
    )

    assertContains(read(post.get_absolute_url()), "Useful series.")
    assertContains(read("/discussed/"), "Facet joint injections.")


def test_an_edited_comment_shows_at_once(post):
    author = UserFactory()
    comment = CommentFactory(post=post, author=author, body="First thoughts.")
    read(post.get_absolute_url())

    comment_edit(comment=comment, user=author, body="Second thoughts.")

    page = read(post.get_absolute_url())
    assertContains(page, "Second thoughts.")
    assertNotContains(page, "First thoughts.")


def test_a_deleted_comment_is_gone_at_once(post):
    author = UserFactory()
    comment = CommentFactory(post=post, author=author, body="Regrettable words.")
    read(post.get_absolute_url())

    signed_in(author).post(reverse("posts:comment_delete", args=[comment.pk]))

    assert not Comment.objects.filter(pk=comment.pk).exists()
    assertNotContains(read(post.get_absolute_url()), "Regrettable words.")


def test_a_comment_hidden_by_a_moderator_is_gone_at_once(post, staff_user):
    CommentFactory(post=post, body="Buy cheap pills.")
    read(post.get_absolute_url())

    comments_hide(comments=Comment.objects.filter(post=post), by=staff_user, reason="Spam")

    assertNotContains(read(post.get_absolute_url()), "Buy cheap pills.")


def test_a_comment_hidden_by_a_report_is_gone_at_once(post):
    comment = CommentFactory(post=post, body="Mrs Jones, MRN 12345.")
    read(post.get_absolute_url())

    report_submit(
        target=ReportTarget(kind="comment", comment=comment),
        reason="patient",
        reporter=UserFactory(),
        email="",
        client_key="test",
    )

    assertNotContains(read(post.get_absolute_url()), "MRN 12345")


def test_a_like_shows_in_the_count_at_once(post):
    read(post.get_absolute_url())

    signed_in(UserFactory()).post(reverse("posts:post_like", args=[post.pk]), {"state": "on"})

    assert Post.objects.get(pk=post.pk).like_count == 1
    page = read(post.get_absolute_url())
    assert page.get("X-Page-Cache") is None  # rendered again


def test_a_changed_avatar_shows_at_once(post):
    author = verified_member(username="ana")
    CommentFactory(post=post, author=author, body="Nice.")
    read(post.get_absolute_url())

    signed_in(author).post(
        reverse("accounts:edit", kwargs={"username": "ana"}),
        {"display_name": "Ana Ortiz", "avatar_upload": image_upload()},
    )

    author.refresh_from_db()
    assert author.avatar_small.name
    assertContains(read(post.get_absolute_url()), author.avatar_small.url)


def test_a_changed_name_shows_at_once(post):
    author = verified_member(username="ana")
    CommentFactory(post=post, author=author, body="Nice.")
    read(post.get_absolute_url())

    signed_in(author).post(
        reverse("accounts:edit", kwargs={"username": "ana"}), {"display_name": "Dr Ana Ortiz"}
    )

    assertContains(read(post.get_absolute_url()), "Dr Ana Ortiz")


def test_a_hidden_profile_shows_at_once(post):
    author = verified_member(username="ana", first_name="Ana", last_name="Ortiz")
    CommentFactory(post=post, author=author, body="Nice.")
    before = read(post.get_absolute_url()).content.decode()

    profiles_hide(members=type(author).objects.filter(pk=author.pk), reason="Impersonation")

    assert read(post.get_absolute_url()).content.decode() != before


def test_a_verified_mark_shows_at_once(post):
    author = verified_member(username="ana")
    CommentFactory(post=post, author=author, body="Nice.")
    before = read(post.get_absolute_url()).content.decode()

    member_verify(users=type(author).objects.filter(pk=author.pk))

    assert MemberBadge.objects.filter(user=author, badge="verified").exists()
    assert read(post.get_absolute_url()).content.decode() != before


def test_a_badge_granted_in_the_admin_shows_at_once(post, staff_user):
    before = read(post.get_absolute_url()).content.decode()

    signed_in(staff_user).post(
        "/admin/posts/memberbadge/add/", {"user": post.posted_by_id, "badge": "first-comment"}
    )

    assert MemberBadge.objects.filter(user=post.posted_by, badge="first-comment").exists()
    assert read(post.get_absolute_url()).content.decode() != before


def test_an_imported_post_shows_on_the_home_page_at_once(tmp_path):
    PostFactory()
    read("/")
    source = sorted(Path("posts/fixtures/pubmed/radiology").glob("*.xml"))[0]

    call_command("import_pubmed", "--file", str(source), stdout=open(tmp_path / "out", "w"))  # noqa: SIM115

    newest = Post.objects.order_by("-created_at", "-pk").first()
    assertContains(read("/"), newest.title.split("<")[0][:40])


def test_a_new_sponsor_shows_at_once(post, tmp_path):
    from tests.posts.test_sponsors import make_sponsor

    read("/")

    make_sponsor(name="Contrast Co")

    assert Sponsor.objects.filter(name="Contrast Co").exists()
    assertContains(read("/"), "Contrast Co")
