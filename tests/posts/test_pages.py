from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from posts.models import Post, PostDailyViews
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


@pytest.fixture
def fritz(pubmed_file):
    call_command("seed_demo")
    return Post.objects.get(journal_abbrev="Radiographics", pub_year=2007)


def test_post_page_shows_what_the_seed_page_shows(client, fritz):
    response = client.get(fritz.get_absolute_url(), **BROWSER)

    assertContains(response, "Management of chronic low back pain: rationales")
    assertContains(
        response,
        '<li>Fritz J<sup class="author-list__refs"><span class="visually-hidden"> affiliation '
        "</span>1</sup></li><li>Niemeyer T</li><li>Clasen S</li>",
    )
    assertContains(response, "and 4 more authors")
    assertContains(response, "Department of Diagnostic Radiology, Eberhard-Karls-University")
    assertContains(response, "Radiographics. 2007 Nov-Dec;27(6):1751-71.")
    assertContains(response, "Posted via PubMed for educational and discussion purposes only.")
    assertContains(response, "Link to PubMed Reference")
    assertContains(response, "Views: 1")
    for link in ("Badges", "Report an Issue", "Privacy", "Terms of Service"):
        assertContains(response, link)
    assertContains(response, "Created by radRounds Radiology Network")


def test_a_post_without_pmid_links_to_a_pubmed_search_for_its_title(client, fritz):
    response = client.get(fritz.get_absolute_url(), **BROWSER)

    assertContains(response, 'href="https://pubmed.ncbi.nlm.nih.gov/?term=Management+of+chronic')


def test_imported_post_links_to_pubmed_and_doi_and_lists_mesh_terms(client, fritz):
    post = Post.objects.get(pmid=30819493)

    response = client.get(post.get_absolute_url(), **BROWSER)

    assertContains(response, 'href="https://pubmed.ncbi.nlm.nih.gov/30819493/"')
    assertContains(response, f'href="https://doi.org/{post.doi}"')
    assertContains(response, post.mesh_terms[0]["descriptor"])


def test_structured_abstract_shows_its_section_labels(client, fritz):
    post = Post.objects.get(pmid=30819493)

    response = client.get(post.get_absolute_url(), **BROWSER)

    for label in ("PURPOSE", "MATERIALS AND METHODS", "RESULTS", "CONCLUSIONS"):
        assertContains(response, f'<h3 class="abstract__label">{label}</h3>', html=True)


def test_markup_outside_the_allow_list_is_escaped(client):
    post = PostFactory(
        title='Scan <i>in vivo</i> <script>alert(1)</script><img src=x onerror="alert(2)">',
        abstract=[{"label": "<b>X</b>", "text": "<a href='javascript:1'>click</a> <sup>2</sup>"}],
    )

    response = client.get(post.get_absolute_url(), **BROWSER)

    assertContains(response, "<i>in vivo</i>")
    assertContains(response, "<sup>2</sup>")
    assertNotContains(response, "<script>alert(1)")
    assertNotContains(response, "<img src=x")
    assertNotContains(response, "onerror")
    assertNotContains(response, "<a href='javascript")
    assertContains(response, "&lt;b&gt;X&lt;/b&gt;")


def test_wrong_slug_redirects_permanently_to_the_canonical_url(client):
    post = PostFactory()

    response = client.get(f"/posts/{post.pk}/not-the-slug/")

    assertRedirects(response, post.get_absolute_url(), status_code=HTTPStatus.MOVED_PERMANENTLY)


def test_missing_slug_redirects_permanently_to_the_canonical_url(client):
    post = PostFactory()

    response = client.get(f"/posts/{post.pk}/")

    assertRedirects(response, post.get_absolute_url(), status_code=HTTPStatus.MOVED_PERMANENTLY)


def test_pmid_url_redirects_to_the_post(client, fritz):
    post = Post.objects.get(pmid=29963580)

    response = client.get("/posts/pmid/29963580/")

    assertRedirects(response, post.get_absolute_url())


def test_unknown_pmid_is_404(client):
    assert client.get("/posts/pmid/99999999/").status_code == HTTPStatus.NOT_FOUND


def test_unknown_post_is_404(client):
    assert client.get("/posts/424242/anything/").status_code == HTTPStatus.NOT_FOUND


def test_hidden_post_is_404_for_visitors_and_members(client, member_client):
    post = PostFactory(is_hidden=True)

    assert client.get(post.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert member_client.get(post.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"/posts/pmid/{post.pk}/").status_code == HTTPStatus.NOT_FOUND


def test_hidden_post_is_shown_to_staff_with_a_notice(client, staff_user):
    post = PostFactory(is_hidden=True)
    client.force_login(staff_user)

    response = client.get(post.get_absolute_url())

    assertContains(response, "This post is hidden")


def test_home_lists_newest_posts_first_with_journal_year_poster_and_views(client, user):
    user.display_name = "Dr Grace Hopper"
    user.save()
    older = PostFactory(title="Older post on MRI.", posted_by=user)
    newer = PostFactory(title="Newer post on CT.")
    Post.objects.filter(pk=older.pk).update(view_count=12)

    response = client.get("/")

    body = response.content.decode()
    assert body.index("Newer post on CT.") < body.index("Older post on MRI.")
    assertContains(response, '<span class="post-card__journal">Radiographics</span>', count=2)
    assertContains(response, '<span class="post-card__year">2007</span>', count=2)
    assertContains(response, "12 views")
    assertContains(response, "0 views")
    assertContains(response, f'by <a href="{user.get_absolute_url()}">Dr Grace Hopper</a>')
    assertContains(response, "Posted on <time")
    assert newer.title in body


def test_home_is_paginated(client, settings):
    settings.POSTS_PER_PAGE = 2
    PostFactory.create_batch(3)

    first = client.get("/")
    second = client.get("/?page=2")

    assert len(first.context["page_obj"]) == 2
    assert len(second.context["page_obj"]) == 1
    assertContains(first, "Page 1 of 2")


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "1e9"])
def test_home_survives_a_junk_page_number(client, page):
    PostFactory()

    assert client.get(f"/?page={page}").status_code == HTTPStatus.OK


def test_hidden_posts_are_not_listed_on_home(client):
    PostFactory(title="Visible post.")
    PostFactory(title="Hidden post.", is_hidden=True)

    response = client.get("/")

    assertContains(response, "Visible post.")
    assertNotContains(response, "Hidden post.")


def test_popular_ranks_by_recent_views(client):
    quiet = PostFactory(title="Quiet post.")
    busy = PostFactory(title="Busy post.")
    for n in range(3):
        client.get(busy.get_absolute_url(), HTTP_USER_AGENT=f"Mozilla/5.0 reader/{n}")
    client.get(quiet.get_absolute_url(), **BROWSER)

    popular = list(Post.objects.popular())

    assert popular == [busy, quiet]


def test_home_shows_the_popular_list(client):
    post = PostFactory(title="Read this one.")
    client.get(post.get_absolute_url(), **BROWSER)

    response = client.get("/")

    assert response.context["popular"] == [post]


def _database_caches(settings) -> bool:
    return "Redis" not in settings.CACHES["pages"]["BACKEND"]


def test_home_runs_a_fixed_number_of_queries(client, django_assert_num_queries, settings):
    settings.PAGE_CACHE_SECONDS = 0  # what rendering costs (the page cache: tests/site)
    read, _ = PostFactory.create_batch(2)
    PostDailyViews.objects.create(post=read, day=timezone.localdate(), views=3)
    client.get("/")  # warm up anything cached per process
    # posts count, posts page, sponsors, popular (its ranking read from the pages cache:
    # a query with the database cache)
    with django_assert_num_queries(4 + _database_caches(settings)) as few:
        client.get("/")

    PostFactory.create_batch(15, authors=[{"last_name": f"A{i}"} for i in range(30)])
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/")


def test_post_page_runs_a_fixed_number_of_queries(client, django_assert_num_queries, settings):
    settings.PAGE_CACHE_SECONDS = 0  # what rendering costs (the page cache: tests/site)
    small = PostFactory(authors=[], mesh_terms=[{"descriptor": "Spine", "major": True}])
    big = PostFactory(
        authors=[{"last_name": f"Author{i}", "initials": "X"} for i in range(40)],
        mesh_terms=[{"descriptor": f"Term {i}", "major": False} for i in range(40)],
    )
    client.get(small.get_absolute_url(), **BROWSER)
    client.get(big.get_absolute_url(), **BROWSER)

    # post, sponsors, related posts, popular list, one page of the discussion; with the
    # database caches the view-mark read and the popular ranking's cache read, with
    # Redis the stored view count read again after the buffered one
    expected = 7 if _database_caches(settings) else 6
    with django_assert_num_queries(expected) as repeat_view:
        client.get(small.get_absolute_url(), **BROWSER)
    with django_assert_num_queries(len(repeat_view.captured_queries)):
        client.get(big.get_absolute_url(), **BROWSER)


def test_popular_weighs_today_over_the_week_and_ignores_last_quarter():
    today = timezone.localdate()
    old_hit = PostFactory(title="Old hit.")
    last_week = PostFactory(title="Last week.")
    today_post = PostFactory(title="Today.")
    PostDailyViews.objects.create(post=old_hit, day=today - timedelta(days=45), views=900)
    PostDailyViews.objects.create(post=last_week, day=today - timedelta(days=3), views=20)
    PostDailyViews.objects.create(post=today_post, day=today, views=3)

    popular = list(Post.objects.popular())

    # today: 100*3 + 10*3 + 3 = 333; last week: 10*20 + 20 = 220; the old hit: nothing recent
    assert popular == [today_post, last_week]
    assert popular[0].recent_score == 333
