"""Search as a reader uses it. Runs on SQLite (FTS5) with `make test` and on PostgreSQL
(tsvector) with `make test-scale`: every test here holds for both engines."""

from http import HTTPStatus

import pytest
from django.core.management import call_command
from pytest_django.asserts import assertContains, assertNotContains

from posts.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _render_every_time(settings):
    # These read the results from the view's context, which a page served from the
    # page cache does not have (tests/site/test_page_cache.py covers that cache).
    settings.PAGE_CACHE_SECONDS = 0


def _abstract(text):
    return [{"label": "", "text": text}]


def _titles(response):
    page = response.context.get("page_obj")
    return [post.title for post in page] if page is not None else []


def search(client, q="", **params):
    response = client.get("/search/", {"q": q, **params})
    assert response.status_code == HTTPStatus.OK
    return response


# --- matching -------------------------------------------------------------------------


def test_search_finds_words_in_the_abstract(client):
    PostFactory(title="Spine injections.", abstract=_abstract("Fluoroscopy guided."))
    PostFactory(title="Breast MRI.", abstract=_abstract("Contrast kinetics."))

    assert _titles(search(client, "fluoroscopy")) == ["Spine injections."]


def test_search_finds_authors_journal_and_mesh_terms(client):
    PostFactory(
        title="A.",
        authors=[{"last_name": "Nägele", "initials": "T"}],
        journal_abbrev="AJNR Am J Neuroradiol",
        mesh_terms=[{"descriptor": "Glioblastoma", "major": True}],
    )
    PostFactory(title="B.", mesh_terms=[])

    for query in ("nägele", "NÄGELE", "nagele", "AJNR", "glioblastoma"):
        assert _titles(search(client, query)) == ["A."], query


def test_plural_finds_singular_by_stemming(client):
    PostFactory(title="CT-guided lung biopsy.", abstract=_abstract("One biopsy per patient."))
    PostFactory(title="Breast screening.", abstract=_abstract("Mammograms."))

    assert _titles(search(client, "biopsies")) == ["CT-guided lung biopsy."]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("spine", "spinal injections"),
        ("lung", "pulmonary nodules"),
        ("kidney", "renal masses"),
        ("liver", "hepatic lesions"),
        ("tumour", "tumor response"),
        ("tumor", "tumour response"),
        ("spinal", "the lumbar spine"),
    ],
)
def test_radiology_synonyms_widen_a_word(client, query, text):
    PostFactory(title=f"About {text}.", abstract=_abstract(text), mesh_terms=[])
    PostFactory(title="Unrelated breast MRI.", abstract=_abstract("mammography"), mesh_terms=[])

    assert _titles(search(client, query)) == [f"About {text}."]


def test_every_word_must_match(client):
    PostFactory(title="Spinal injections under CT.")
    PostFactory(title="Spinal cord MRI.")

    assert _titles(search(client, "injections ct")) == ["Spinal injections under CT."]


def test_a_quoted_phrase_matches_words_in_that_order_only(client):
    PostFactory(title="Systemic air embolism after biopsy.", mesh_terms=[])
    PostFactory(title="Embolism of air-filled cysts.", abstract=_abstract("air and embolism"))

    assert _titles(search(client, '"air embolism"')) == ["Systemic air embolism after biopsy."]


def test_a_minus_word_excludes_posts_with_it(client):
    PostFactory(title="Lung nodules in children.")
    PostFactory(title="Lung nodules in adults.")

    assert _titles(search(client, "nodules -children")) == ["Lung nodules in adults."]


def test_or_finds_either_word(client):
    PostFactory(title="Kidney stones.", mesh_terms=[])
    PostFactory(title="Breast density.", mesh_terms=[])
    PostFactory(title="Knee cartilage.", mesh_terms=[])

    titles = set(_titles(search(client, "kidney OR breast")))

    assert titles == {"Kidney stones.", "Breast density."}


def test_a_prefix_with_a_star_finds_longer_words(client):
    PostFactory(title="Glioblastoma margins.", mesh_terms=[])
    PostFactory(title="Glia in ageing.", mesh_terms=[])

    assert _titles(search(client, "glioblast*")) == ["Glioblastoma margins."]


def test_an_author_as_pubmed_writes_it_finds_their_posts(client):
    PostFactory(title="By Fritz.", authors=[{"last_name": "Fritz", "initials": "J"}])
    PostFactory(
        title="Mentions Fritz.",
        authors=[{"last_name": "Other", "initials": "A"}],
        abstract=_abstract("Fritz and J were here."),
    )

    assert _titles(search(client, "Fritz J")) == ["By Fritz."]


def test_a_pmid_finds_that_article(client):
    PostFactory(title="Wanted.", pmid=29963580)
    PostFactory(title="Other.", pmid=12345678)

    assert _titles(search(client, "29963580")) == ["Wanted."]
    assert _titles(search(client, "PMID: 29963580")) == ["Wanted."]


def test_a_doi_finds_that_article(client):
    PostFactory(title="Wanted.", doi="10.1117/1.JMI.5.2.026002")
    PostFactory(title="Other.", doi="10.1000/other")

    assert _titles(search(client, "10.1117/1.jmi.5.2.026002")) == ["Wanted."]


@pytest.mark.parametrize(
    "query",
    [
        "%%%",
        "'; DROP TABLE posts_post; --",
        "\x00\x00",
        "<script>alert(1)</script>",
        "*",
        "***spine***",
        '"',
        '"unclosed phrase',
        '""',
        "-",
        "- -- ---",
        "OR",
        "spine OR",
        "NOT AND OR NEAR",
        "title:spine",
        "a:b:c",
        "(((",
        "^spine",
        "spine)",
        "{authors}: x",
        "ü" * 5000,
        " ".join(["spine"] * 400),
        "x" * 1000,
    ],
)
def test_odd_searches_never_fail(client, query):
    PostFactory(title="Spine.")

    response = search(client, query)

    assertNotContains(response, "<script>alert(1)</script>")


def test_a_very_long_search_says_it_was_shortened(client):
    response = search(client, " ".join(f"word{i}" for i in range(50)))

    assertContains(response, "only its first words were used")


# --- results page ---------------------------------------------------------------------


def test_matched_words_are_highlighted_in_the_snippet(client):
    PostFactory(abstract=_abstract("Guided spinal injections relieve pain."))

    response = search(client, "injection")

    assertContains(response, "<mark>injections</mark>")


def test_snippets_escape_the_text_before_marking_it(client):
    PostFactory(abstract=_abstract("A &lt;b&gt;bold&lt;/b&gt; claim about stroke."))

    response = search(client, "stroke")

    assertContains(response, "bold&lt;/b&gt; claim about <mark>stroke</mark>")
    assertNotContains(response, "<b>")


def test_title_matches_rank_above_abstract_matches(client):
    PostFactory(title="Older: about the abstract.", abstract=_abstract("Stroke."), mesh_terms=[])
    PostFactory(title="Stroke imaging in the ED.", abstract=_abstract("CT."), mesh_terms=[])
    PostFactory(title="Newest, abstract only.", abstract=_abstract("stroke"), mesh_terms=[])

    assert _titles(search(client, "stroke"))[0] == "Stroke imaging in the ED."


def test_mesh_matches_rank_above_abstract_matches(client):
    PostFactory(title="A.", abstract=_abstract("A word on stroke."), mesh_terms=[])
    PostFactory(title="B.", abstract=_abstract("CT."), mesh_terms=[{"descriptor": "Stroke"}])

    assert _titles(search(client, "stroke")) == ["B.", "A."]


def test_results_can_be_sorted_by_newest_and_most_viewed(client):
    popular = PostFactory(title="Popular stroke post.")
    PostFactory(title="Newest stroke post.")
    Post.objects.filter(pk=popular.pk).update(view_count=50)

    assert _titles(search(client, "stroke", sort="newest"))[0] == "Newest stroke post."
    assert _titles(search(client, "stroke", sort="views"))[0] == "Popular stroke post."


def test_search_is_paginated_and_keeps_the_query_in_page_links(client, settings):
    settings.POSTS_PER_PAGE = 2
    PostFactory.create_batch(3, title="Stroke.")

    response = search(client, "stroke", page=2, journal="Radiographics")

    assert len(response.context["page_obj"]) == 1
    assertContains(response, "q=stroke&amp;journal=Radiographics&amp;page=1")


# --- filters and facet counts --------------------------------------------------------


def _filtered(client, **params):
    return sorted(_titles(search(client, params.pop("q", ""), **params)))


def test_results_narrow_by_journal_year_type_and_mesh_term(client):
    PostFactory(
        title="A.",
        journal_abbrev="Radiology",
        pub_year=2019,
        publication_types=["Review"],
        mesh_terms=[{"descriptor": "Lung Neoplasms", "major": True}],
    )
    PostFactory(
        title="B.",
        journal_abbrev="Eur J Radiol",
        pub_year=2010,
        publication_types=["Case Reports"],
        mesh_terms=[{"descriptor": "Spine", "major": True}],
    )

    assert _filtered(client, q="pain", journal="Radiology") == ["A."]
    assert _filtered(client, q="pain", year_from=2015) == ["A."]
    assert _filtered(client, q="pain", year_to=2015) == ["B."]
    assert _filtered(client, q="pain", year_from=2009, year_to=2011) == ["B."]
    assert _filtered(client, q="pain", type="case reports") == ["B."]
    assert _filtered(client, q="pain", mesh="Lung Neoplasms") == ["A."]
    assert _filtered(client, mesh="spine") == ["B."]


def test_facets_count_posts_per_journal_type_and_mesh_term(client):
    for year in (2001, 2002):
        PostFactory(
            journal_abbrev="Radiology",
            pub_year=year,
            publication_types=["Review"],
            mesh_terms=[{"descriptor": "Spine", "major": True}],
        )
    PostFactory(journal_abbrev="Eur J Radiol", publication_types=["Review"], mesh_terms=[])

    facets = search(client, "pain").context["results"].facets

    assert [(f.value, f.count) for f in facets["journal"]] == [
        ("Radiology", 2),
        ("Eur J Radiol", 1),
    ]
    assert [(f.value, f.count) for f in facets["type"]] == [("Review", 3)]
    assert [(f.value, f.count) for f in facets["mesh"]] == [("Spine", 2)]


def test_a_bad_year_is_reported_and_left_out(client):
    PostFactory(title="Stroke.")

    response = search(client, "stroke", year_from="soon")

    assertContains(response, "This filter was left out")
    assert _titles(response) == ["Stroke."]


def test_search_page_queries_do_not_grow_with_results_or_filters(client, django_assert_num_queries):
    PostFactory.create_batch(2, title="Stroke.", publication_types=["Review"])
    search(client, "stroke")
    with django_assert_num_queries(6) as few:
        search(client, "stroke")

    PostFactory.create_batch(
        15,
        title="Stroke.",
        journal_abbrev="Radiology",
        publication_types=["Review", "Case Reports"],
        mesh_terms=[{"descriptor": f"Term {i}", "major": True} for i in range(20)],
    )
    with django_assert_num_queries(len(few.captured_queries)):
        search(client, "stroke", journal="Radiology", type="Review", year_from=2000, mesh="Term 3")


# --- hidden posts ----------------------------------------------------------------------


def test_hidden_posts_never_appear_in_results_or_counts(client, staff_user):
    PostFactory(title="Shown stroke post.", journal_abbrev="Radiology")
    PostFactory(title="Hidden stroke post.", journal_abbrev="Hidden Journal", is_hidden=True)
    client.force_login(staff_user)  # not even staff find them: they are not for reading

    response = search(client, "stroke")

    assert _titles(response) == ["Shown stroke post."]
    assert response.context["results"].count == 1
    assertNotContains(response, "Hidden Journal")
    assert _titles(search(client, mesh="Low Back Pain")) == ["Shown stroke post."]


def test_the_empty_search_page_suggests_only_searches_that_find_posts(client):
    PostFactory(mesh_terms=[{"descriptor": "Spine", "major": True}])
    PostFactory(mesh_terms=[{"descriptor": "Kidney", "major": True}], is_hidden=True)

    response = search(client, "")

    suggestions = response.context["suggestions"]
    assert [s.value for s in suggestions] == ["Spine"]
    for suggestion in suggestions:
        assert _titles(search(client, mesh=suggestion.value))
    assertNotContains(response, "Kidney")


def test_a_search_with_no_results_suggests_topics_that_have_posts(client):
    PostFactory(mesh_terms=[{"descriptor": "Spine", "major": True}])

    response = search(client, "qwertyuiop")

    assertContains(response, "No posts match")
    assert [s.value for s in response.context["suggestions"]] == ["Spine"]


# --- the index follows every write ---------------------------------------------------


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def _admin_change(staff_client, post, **changes):
    form = staff_client.get(f"/admin/posts/post/{post.pk}/change/").context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(posted_by="", **changes)
    response = staff_client.post(f"/admin/posts/post/{post.pk}/change/", data)
    assert response.status_code == HTTPStatus.FOUND


def test_an_admin_edit_is_searchable_at_once(staff_client):
    post = PostFactory(title="Old words about stroke.")

    _admin_change(staff_client, post, title="New words about glioma.")

    assert _titles(search(staff_client, "glioma")) == ["New words about glioma."]
    assert _titles(search(staff_client, "stroke")) == []


def test_hiding_and_unhiding_in_the_admin_updates_search(staff_client):
    post = PostFactory(title="Stroke.")
    changelist = "/admin/posts/post/"

    staff_client.post(changelist, {"action": "hide_posts", "_selected_action": [post.pk]})
    assert _titles(search(staff_client, "stroke")) == []

    staff_client.post(changelist, {"action": "unhide_posts", "_selected_action": [post.pk]})
    assert _titles(search(staff_client, "stroke")) == ["Stroke."]


def test_deleting_in_the_admin_removes_the_post_from_the_index(staff_client):
    from django.db import connection

    from posts.search import backend

    doomed, kept = PostFactory(title="Stroke one."), PostFactory(title="Stroke two.")

    staff_client.post(
        "/admin/posts/post/",
        {"action": "delete_selected", "_selected_action": [doomed.pk], "post": "yes"},
    )

    with connection.cursor() as cursor:
        assert backend().indexed_ids(cursor) == [kept.pk]
    assert _titles(search(staff_client, "stroke")) == ["Stroke two."]


def test_rebuild_command_restores_a_lost_index(client):
    from django.db import connection

    from posts.search import backend

    PostFactory(title="Stroke.")
    PostFactory(title="Hidden stroke.", is_hidden=True)
    with connection.cursor() as cursor:
        backend().clear(cursor)
    assert _titles(search(client, "stroke")) == []

    call_command("rebuild_search_index")

    assert _titles(search(client, "stroke")) == ["Stroke."]


def test_admin_can_rebuild_the_index_in_the_background(staff_client):
    from django.db import connection

    from posts.search import backend

    PostFactory(title="Stroke.")
    with connection.cursor() as cursor:
        backend().clear(cursor)

    response = staff_client.post("/admin/posts/post/search-index/")

    assert response.status_code == HTTPStatus.FOUND
    assert _titles(search(staff_client, "stroke")) == ["Stroke."]


def test_an_import_is_searchable_and_a_refresh_follows_pubmed(client, pubmed_file):
    from dataclasses import replace

    from posts.pubmed.parser import parse_pubmed_xml
    from posts.services.imports import post_import

    (record,) = parse_pubmed_xml(pubmed_file("radiology/16972219.xml").read_bytes()).records
    post_import(record=record)
    assert _titles(search(client, "sacroiliac")) == [record.title]

    post_import(record=replace(record, title="Renamed upstream: glioma margins."))

    assert _titles(search(client, "sacroiliac tuberculosis glioma")) == [
        "Renamed upstream: glioma margins."
    ]
    assert _titles(search(client, '"multifocal skeletal tuberculosis involving"')) == []


def test_search_posts_gives_other_callers_the_matching_visible_posts():
    from posts.search import SearchQuery, search_posts

    spine = PostFactory(title="Spinal injections.", mesh_terms=[])
    PostFactory(title="Knee.", mesh_terms=[], abstract=_abstract("Cartilage."))
    PostFactory(title="Hidden spine.", is_hidden=True)

    assert list(search_posts(SearchQuery.parse("spine"))) == [spine]
    assert SearchQuery.parse("spine").terms == ["spine"]
    assert not SearchQuery.parse("  ").terms
