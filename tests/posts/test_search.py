from http import HTTPStatus

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def _titles(response):
    return [post.title for post in response.context["page_obj"]]


def test_search_finds_words_in_the_abstract(client):
    PostFactory(title="Spine injections.", abstract=[{"label": "", "text": "Fluoroscopy guided."}])
    PostFactory(title="Breast MRI.", abstract=[{"label": "", "text": "Contrast kinetics."}])

    response = client.get("/search/", {"q": "fluoroscopy"})

    assert _titles(response) == ["Spine injections."]


def test_search_finds_authors_journal_and_mesh_terms(client):
    PostFactory(
        title="A.",
        authors=[{"last_name": "Nägele", "initials": "T"}],
        journal_abbrev="AJNR Am J Neuroradiol",
        mesh_terms=[{"descriptor": "Glioblastoma", "major": True}],
    )
    PostFactory(title="B.")

    for query in ("nägele", "NÄGELE", "AJNR", "glioblastoma"):
        assert _titles(client.get("/search/", {"q": query})) == ["A."], query


def test_every_word_must_match(client):
    PostFactory(title="Spinal injections under CT.")
    PostFactory(title="Spinal cord MRI.")

    response = client.get("/search/", {"q": "spinal ct"})

    assert _titles(response) == ["Spinal injections under CT."]


def test_title_matches_rank_above_abstract_matches(client):
    PostFactory(title="Older: about the abstract.", abstract=[{"label": "", "text": "Stroke."}])
    PostFactory(title="Stroke imaging in the ED.")
    PostFactory(title="Newest, also abstract only.", abstract=[{"label": "", "text": "stroke"}])

    titles = _titles(client.get("/search/", {"q": "stroke"}))

    assert titles[0] == "Stroke imaging in the ED."
    assert titles[1:] == ["Newest, also abstract only.", "Older: about the abstract."]


def test_search_does_not_show_hidden_posts(client):
    PostFactory(title="Hidden stroke post.", is_hidden=True)

    response = client.get("/search/", {"q": "stroke"})

    assertContains(response, "No posts match")


def test_search_is_paginated(client, settings):
    settings.POSTS_PER_PAGE = 2
    PostFactory.create_batch(3, title="Stroke.")

    response = client.get("/search/", {"q": "stroke", "page": 2})

    assert len(response.context["page_obj"]) == 1
    assertContains(response, "q=stroke")


def test_empty_search_gets_a_friendly_page(client):
    response = client.get("/search/", {"q": "   "})

    assert response.status_code == HTTPStatus.OK
    assertContains(response, "Try a topic")


@pytest.mark.parametrize(
    "query",
    ["%%%", "'; DROP TABLE posts_post; --", "\x00\x00", "<script>alert(1)</script>", "ü" * 5000],
)
def test_absurd_searches_get_a_friendly_page(client, query):
    PostFactory()

    response = client.get("/search/", {"q": query})

    assert response.status_code == HTTPStatus.OK
    assertNotContains(response, "<script>alert(1)</script>")


def test_a_very_long_search_says_it_was_shortened(client):
    response = client.get("/search/", {"q": " ".join(f"word{i}" for i in range(50))})

    assertContains(response, "only its first words were used")


def test_search_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    PostFactory.create_batch(2, title="Stroke.")
    with django_assert_num_queries(4) as few:  # count, page, sponsors, popular
        client.get("/search/", {"q": "stroke"})

    PostFactory.create_batch(12, title="Stroke.")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/search/", {"q": "stroke"})
