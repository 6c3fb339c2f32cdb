"""Terms and Privacy, feeds, sitemap, robots.txt and the error pages."""

from http import HTTPStatus

import pytest
from defusedxml import ElementTree as ET
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from posts.models import SitePage
from posts.pagetext import render_page_text
from posts.views.pages import server_error
from tests.factories import PostFactory, UserFactory

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/terms/", ["Educational use only", "PubMed", "How reports work", "Report an Issue"]),
        (
            "/privacy/",
            ["keyed hash", "never stored", "8 hours", "salted hash", "Download", "Sponsor"],
        ),
    ],
)
def test_terms_and_privacy_have_their_default_text(client, url, words):
    response = client.get(url)

    for word in words:
        assertContains(response, word)
    assertContains(response, "<h2>")  # the structure is rendered, not shown as "##"


@pytest.mark.django_db
def test_the_privacy_text_matches_how_views_are_counted():
    text = SitePage.objects.get(slug="privacy").body

    assert f"for {settings.VIEW_DEDUPE_SECONDS // 3600} hours" in text


@pytest.mark.django_db
def test_staff_edit_a_page_in_the_admin_and_visitors_see_it(client, staff_user):
    page = SitePage.objects.get(slug="terms")
    client.force_login(staff_user)

    response = client.post(
        reverse("admin:posts_sitepage_change", args=[page.pk]),
        {"title": "Terms of Service", "body": "## New rules\n\nBe kind <b>always</b>."},
    )
    client.logout()

    assert response.status_code == HTTPStatus.FOUND
    page_response = client.get("/terms/")
    assertContains(page_response, "<h2>New rules</h2>")
    assertContains(page_response, "Be kind &lt;b&gt;always&lt;/b&gt;.")


def test_page_text_turns_structure_into_html_and_escapes_the_rest():
    html = render_page_text(
        "## Heading\nA paragraph\ncontinued at https://example.org.\n\n- one\n- <two>\n\nEnd"
    )

    assert html == (
        "<h2>Heading</h2>\n"
        '<p>A paragraph continued at <a href="https://example.org" rel="nofollow">'
        "https://example.org</a>.</p>\n"
        "<ul><li>one</li><li>&lt;two&gt;</li></ul>\n"
        "<p>End</p>"
    )


@pytest.mark.django_db
def test_the_footer_links_to_the_real_pages(client):
    response = client.get("/")

    assertContains(response, 'href="/badges/"')
    assertContains(response, 'href="/terms/"')
    assertContains(response, 'href="/privacy/"')
    assertNotContains(client.get("/terms/"), "This page is on its way")


def _rss_items(response):
    root = ET.fromstring(response.content)
    return [item.findtext("title") for item in root.iter("item")]


@pytest.mark.django_db
def test_the_rss_feed_lists_the_newest_visible_posts(client):
    PostFactory(title="Visible CT post.")
    PostFactory(title="Hidden MRI post.", is_hidden=True)

    response = client.get("/feed/rss/")

    assert response["Content-Type"].startswith("application/rss+xml")
    assert _rss_items(response) == ["Visible CT post."]


@pytest.mark.django_db
def test_the_atom_feed_parses_and_lists_only_visible_posts(client):
    PostFactory(title="Visible CT post.")
    PostFactory(title="Hidden MRI post.", is_hidden=True)

    root = ET.fromstring(client.get("/feed/atom/").content)

    titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert titles == ["Visible CT post."]
    assert root.findtext(f"{ATOM}title") == "radRounds Radiology Network: latest posts"


@pytest.mark.django_db
def test_a_search_feed_lists_matching_posts(client):
    PostFactory(title="Stroke imaging.")
    PostFactory(title="Knee cartilage.")
    PostFactory(title="Stroke in children.", is_hidden=True)

    response = client.get("/feed/rss/", {"q": "stroke"})

    assert _rss_items(response) == ["Stroke imaging."]
    assert b"posts matching" in response.content


@pytest.mark.django_db
def test_a_mesh_feed_lists_posts_indexed_with_that_term(client):
    PostFactory(title="On stroke.", mesh_terms=[{"descriptor": "Stroke", "major": True}])
    PostFactory(title="Mentions stroke only.", mesh_terms=[{"descriptor": "Stroke Volume"}])
    PostFactory(title="Nothing.", mesh_terms=[{"descriptor": "Knee"}])

    response = client.get("/feed/atom/", {"mesh": "stroke"})

    root = ET.fromstring(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]
    assert titles == ["On stroke."]


@pytest.mark.django_db
def test_pages_announce_the_feeds(client):
    assertContains(client.get("/"), 'type="application/rss+xml"')


@pytest.mark.django_db
def test_the_sitemap_lists_visible_posts_and_the_main_pages(client):
    shown = PostFactory(title="Shown.")
    hidden = PostFactory(title="Hidden.", is_hidden=True)

    response = client.get("/sitemap.xml")

    root = ET.fromstring(response.content)
    locations = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert f"http://testserver{shown.get_absolute_url()}" in locations
    assert f"http://testserver{hidden.get_absolute_url()}" not in locations
    for path in ("/", "/badges/", "/terms/", "/privacy/", "/members/"):
        assert f"http://testserver{path}" in locations


@pytest.mark.django_db
def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_parts(client):
    response = client.get("/robots.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    for path in ("/admin/", "/accounts/", "/sponsors/"):
        assert f"Disallow: {path}" in text


@pytest.fixture
def production_errors(settings):
    settings.DEBUG = False


@pytest.mark.django_db
def test_404_page_is_in_the_site_layout_with_search_and_a_way_home(client, production_errors):
    response = client.get("/no/such/page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assertContains(response, "Page not found", status_code=404)
    assertContains(response, 'class="site-header"', status_code=404)
    assertContains(response, 'id="error-search-q"', status_code=404)
    assertContains(response, "Back to the latest posts", status_code=404)


@pytest.mark.django_db
def test_403_page_is_in_the_site_layout(client, production_errors):
    client.force_login(UserFactory())
    other = UserFactory()

    response = client.get(reverse("accounts:edit", args=[other.username]))

    assertContains(response, "You can't open this page", status_code=403)
    assertContains(response, 'class="site-footer"', status_code=403)


@pytest.mark.django_db
def test_400_page_is_in_the_site_layout(client, production_errors):
    response = client.get("/", HTTP_HOST="evil.example")

    assertContains(response, "Bad request", status_code=400)
    assertContains(response, 'id="error-search-q"', status_code=400)


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_500_page_is_in_the_site_layout(client, production_errors):
    client.raise_request_exception = False

    response = client.get("/broken/")

    assertContains(response, "Something went wrong", status_code=500)
    assertContains(response, "radRounds Radiology Network", status_code=500)
    assertContains(response, 'id="error-search-q"', status_code=500)


def test_the_500_page_renders_without_the_database(settings):
    # No django_db mark: any query here would fail the test.
    settings.DEBUG = False
    request = RequestFactory().get("/anything/")

    response = server_error(request)

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert b"Something went wrong" in response.content
    assert b"Back to the latest posts" in response.content


@pytest.mark.django_db
def test_an_expired_form_gets_a_403_in_the_site_layout(production_errors):
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(reverse("account_login"), {"login": "x", "password": "y"})

    assertContains(response, "This form has expired", status_code=403)


@pytest.mark.django_db
def test_a_search_page_announces_its_own_feed(client):
    response = client.get("/search/", {"q": "stroke imaging"})

    assertContains(response, 'href="/feed/rss/?q=stroke%20imaging"')
