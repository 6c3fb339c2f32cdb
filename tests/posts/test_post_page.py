"""What a reader sees on a post page beyond the abstract: dates, credits, term links,
related posts."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from posts.models import Post
from posts.pubmed.parser import parse_pubmed_xml
from posts.services.imports import post_import
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


def _page(client, post):
    return client.get(post.get_absolute_url(), **BROWSER)


def _import(pubmed_file, name):
    (record,) = parse_pubmed_xml(pubmed_file(name).read_bytes()).records
    return post_import(record=record).post


def test_published_is_the_articles_date_apart_from_posted_on_radrounds(client, pubmed_file):
    post = _import(pubmed_file, "radiology/26767071.xml")  # e-published 2015 Dec 25

    response = _page(client, post)

    assertContains(response, "<dt>Published</dt><dd>2015 Dec 25</dd>", html=True)
    assertContains(response, "<dt>On radRounds</dt>")
    assertContains(response, "Posted on <time")
    assertContains(response, post.created_at.strftime("%-d %b %Y"))


def test_long_author_lists_show_six_then_expand(client, pubmed_file):
    post = _import(pubmed_file, "radiology/24352861.xml")  # 17 authors

    response = _page(client, post)

    assertContains(response, '<details class="author-more">')
    assertContains(response, "and 11 more authors")
    body = response.content.decode()
    assert body.index("Hiraki T") < body.index("and 11 more authors")


def test_short_author_lists_are_shown_whole(client):
    post = PostFactory(authors=[{"last_name": f"Name{i}", "initials": "A"} for i in range(8)])

    assertNotContains(_page(client, post), "more author")


def test_affiliations_are_numbered_once_each_in_order(client, pubmed_file):
    post = _import(pubmed_file, "radiology/29374459.xml")  # 2 authors, 3 affiliations

    authors, affiliations = post.credits

    assert [a["numbers"] for a in authors] == [[1], [2, 3]]
    response = _page(client, post)
    for affiliation in affiliations:
        assertContains(response, f"<li>{affiliation}</li>", html=True)


def test_every_mesh_term_and_keyword_links_to_posts_that_share_it(client):
    post = PostFactory(
        mesh_terms=[{"descriptor": "Lung Neoplasms", "major": True, "qualifiers": []}],
        keywords=["CT-guided biopsy"],
    )
    other = PostFactory(title="Other lung post.", mesh_terms=[{"descriptor": "Lung Neoplasms"}])

    response = _page(client, post)

    assertContains(response, 'href="/search/?mesh=Lung%20Neoplasms"')
    assertContains(response, 'href="/search/?keyword=CT-guided%20biopsy"')
    listed = client.get("/search/", {"mesh": "Lung Neoplasms"}).context["page_obj"]
    assert {p.pk for p in listed} == {post.pk, other.pk}
    listed = client.get("/search/", {"keyword": "ct-guided biopsy"}).context["page_obj"]
    assert [p.pk for p in listed] == [post.pk]


def _terms(*major, minor=(), keywords=()):
    return {
        "mesh_terms": [{"descriptor": d, "major": True} for d in major]
        + [{"descriptor": d, "major": False} for d in minor],
        "keywords": list(keywords),
    }


def test_related_posts_share_major_topics_first_then_keywords(client):
    post = PostFactory(**_terms("Lung Neoplasms", minor=["Humans"], keywords=["biopsy"]))
    humans_only = PostFactory(title="Shares a check tag.", **_terms(minor=["Humans"]))
    keyword = PostFactory(title="Shares a keyword.", **_terms(keywords=["Biopsy"]))
    major = PostFactory(title="Shares the major topic.", **_terms("Lung Neoplasms"))
    PostFactory(title="Shares nothing.", **_terms("Knee"))

    related = list(Post.objects.related_to(post))

    assert related == [major, keyword, humans_only]
    response = _page(client, post)
    assertContains(response, "Related posts")
    assertContains(response, "Shares the major topic.")
    assertNotContains(response, "Shares nothing.")


def test_related_posts_are_at_most_five_and_never_hidden(client):
    post = PostFactory(**_terms("Spine"))
    PostFactory.create_batch(6, **_terms("Spine"))
    hidden = PostFactory(title="Hidden spine post.", is_hidden=True, **_terms("Spine"))

    related = list(Post.objects.related_to(post))

    assert len(related) == 5
    assert hidden not in related
    assertNotContains(_page(client, post), "Hidden spine post.")
