"""Search's visibility filter, where it is decided: ``search_posts`` (feeds, exports)
and the suggested topics. Hidden posts are never found, counted or suggested."""

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from posts.search import parse_query, search_posts
from posts.search.results import suggestions
from tests.cache_ttl import seconds_left
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def _found(text: str) -> set[int]:
    return set(search_posts(parse_query(text)).values_list("pk", flat=True))


def test_words_find_visible_posts_only():
    shown = PostFactory(title="Vertebroplasty outcomes.", pmid=101)
    PostFactory(title="Vertebroplasty complications.", pmid=102, is_hidden=True)
    PostFactory(title="Renal cysts.", pmid=103)

    assert _found("vertebroplasty") == {shown.pk}


def test_a_pmid_finds_that_post_unless_it_is_hidden():
    shown = PostFactory(pmid=201)
    PostFactory(pmid=202)
    PostFactory(pmid=203, is_hidden=True)

    assert _found("201") == {shown.pk}
    assert _found("PMID: 203") == set()


def test_a_doi_finds_that_post_in_any_case_unless_it_is_hidden():
    shown = PostFactory(pmid=301, doi="10.1148/rg.276075023")
    PostFactory(pmid=302, doi="10.1148/other")
    PostFactory(pmid=303, doi="10.1148/hidden.1", is_hidden=True)

    assert _found("10.1148/RG.276075023") == {shown.pk}
    assert _found("10.1148/hidden.1") == set()


def test_a_query_of_nothing_but_punctuation_finds_nothing():
    PostFactory(pmid=401)

    assert _found('" * -') == set()


def test_suggestions_are_the_major_topics_visible_posts_share_most_then_by_name():
    cache.clear()
    for _ in range(3):
        PostFactory(mesh_terms=[{"descriptor": "Spine", "major": True}])
    PostFactory(mesh_terms=[{"descriptor": "Kidney", "major": True}])
    PostFactory(mesh_terms=[{"descriptor": "Brain", "major": True}])
    PostFactory(mesh_terms=[{"descriptor": "Liver", "major": False}])
    for _ in range(5):
        PostFactory(mesh_terms=[{"descriptor": "Hidden Topic", "major": True}], is_hidden=True)
    PostFactory(keywords=["Keyword Topic"], mesh_terms=[])

    found = [(s.value, s.count) for s in suggestions()]

    assert found == [("Spine", 3), ("Brain", 1), ("Kidney", 1)]


def test_suggestions_show_eight_by_default_and_come_from_the_cache_after_the_first():
    cache.clear()
    for n in range(10):
        PostFactory(mesh_terms=[{"descriptor": f"Topic {n:02}", "major": True}])

    assert [s.value for s in suggestions()] == [f"Topic {n:02}" for n in range(8)]
    with CaptureQueriesContext(connection) as queries:
        assert len(suggestions(limit=3)) == 3
        assert len(suggestions(limit=20)) == 10
    assert not [q for q in queries.captured_queries if "postterm" in q["sql"].lower()]


def test_hidden_posts_are_visible_to_staff_only():
    from django.contrib.auth.models import AnonymousUser

    from posts.models import Post
    from tests.factories import UserFactory

    shown, hidden = PostFactory(pmid=501), PostFactory(pmid=502, is_hidden=True)

    def visible(user):
        return set(Post.objects.visible_to(user).values_list("pk", flat=True))

    assert visible(AnonymousUser()) == {shown.pk}
    assert visible(UserFactory()) == {shown.pk}
    assert visible(UserFactory(is_staff=True)) == {shown.pk, hidden.pk}


def test_suggestions_are_kept_an_hour():
    # Every write to the index clears them; the hour only bounds how long a cache that
    # missed a clear (another process's local fallback) can show stale topics.
    cache.clear()
    PostFactory(mesh_terms=[{"descriptor": "Spine", "major": True}])

    suggestions()

    assert 3590 < seconds_left(caches["default"], "search:suggestions") <= 3600
