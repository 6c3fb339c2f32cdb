"""Citing posts: AMA and Vancouver, RIS and BibTeX round trips, Highwire and Open Graph tags."""

from html.parser import HTMLParser
from http import HTTPStatus

import bibtexparser
import pytest
import rispy
from django.core.management import call_command
from pytest_django.asserts import assertContains

from posts import citations
from posts.models import Post
from tests.factories import PostFactory

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}


@pytest.fixture
def demo():
    call_command("seed_demo")


@pytest.fixture
def handwritten(demo):
    return Post.objects.get(pmid=None, journal_abbrev="Radiographics", pub_year=2007)


@pytest.fixture
def imported(demo):
    return Post.objects.get(pmid=17905894)


@pytest.fixture
def full_post():
    return PostFactory(
        pmid=18025516,
        doi="10.1148/rg.276065509",
        title="Management of chronic low back pain: <i>in vivo</i> targets.",
        abstract=[
            {"label": "OBJECTIVE", "text": "To review\nspinal injections."},
            {"label": "CONCLUSION", "text": "They help."},
        ],
        keywords=["facet joint"],
        authors=[
            {"last_name": "Fritz", "fore_name": "Jan", "initials": "J"},
            {"last_name": "Niemeyer", "fore_name": "Thomas", "initials": "T"},
            {"collective_name": "Spine Imaging Group"},
        ],
    )


class Metas(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            self.tags.append((attrs.get("name") or attrs.get("property"), attrs["content"]))


def metas(response) -> list[tuple[str, str]]:
    parser = Metas()
    parser.feed(response.content.decode())
    return parser.tags


@pytest.mark.parametrize(
    ("pages", "first", "last"),
    [
        ("1751-71", "1751", "1771"),
        ("1751-1771", "1751", "1771"),
        ("e123", "e123", "e123"),
        ("S12-9", "S12", "S19"),
        ("99-101", "99", "101"),
        ("12-5; discussion 16", "12", "15"),
    ],
)
def test_page_ranges_expand_pubmeds_short_form(pages, first, last):
    result = citations.page_range(pages)

    assert (result.first, result.last) == (first, last)


def test_ama_citation_of_the_seed_post(handwritten):
    assert citations.ama(handwritten) == (
        "Fritz J, Niemeyer T, Clasen S, et al. Management of chronic low back pain: "
        "rationales, principles, and targets of imaging-guided spinal injections. "
        "Radiographics. 2007;27(6):1751-1771."
    )


def test_vancouver_citation_of_the_seed_post(handwritten):
    assert citations.vancouver(handwritten) == (
        "Fritz J, Niemeyer T, Clasen S, Wiskirchen J, Tepe G, Kastler B, et al. Management of "
        "chronic low back pain: rationales, principles, and targets of imaging-guided spinal "
        "injections. Radiographics. 2007 Nov-Dec;27(6):1751-71."
    )


def test_citations_of_an_imported_post_carry_its_doi_and_pmid(imported):
    assert citations.ama(imported).endswith(f"doi:{imported.doi}")
    assert citations.vancouver(imported).endswith(f"doi: {imported.doi}. PMID: 17905894.")


def test_ris_round_trips_through_rispy_with_every_field(client, full_post):
    response = client.get(f"/posts/{full_post.pk}/cite.ris")

    (entry,) = rispy.loads(response.content.decode())
    assert entry["type_of_reference"] == "JOUR"
    assert entry["authors"] == ["Fritz, Jan", "Niemeyer, Thomas", "Spine Imaging Group"]
    assert entry["title"] == "Management of chronic low back pain: in vivo targets."
    assert entry["secondary_title"].startswith("Radiographics : a review publication")
    assert entry["alternate_title1"] == "Radiographics"
    assert entry["year"] == "2007"
    assert entry["date"] == "2007/11//"
    assert (entry["volume"], entry["number"]) == ("27", "6")
    assert (entry["start_page"], entry["end_page"]) == ("1751", "1771")
    assert entry["doi"] == "10.1148/rg.276065509"
    assert entry["accession_number"] == "18025516"
    assert entry["abstract"] == "OBJECTIVE: To review spinal injections. CONCLUSION: They help."
    assert entry["keywords"] == ["Low Back Pain", "facet joint"]
    assert entry["urls"] == [f"http://testserver{full_post.get_absolute_url()}"]


def test_ris_is_a_download_named_for_the_pmid(client, full_post):
    response = client.get(f"/posts/{full_post.pk}/cite.ris")

    assert response["Content-Type"] == "application/x-research-info-systems; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="radrounds-18025516.ris"'
    assert response.content.endswith(b"ER  -\r\n")


def test_bibtex_round_trips_through_bibtexparser_with_every_field(client, full_post):
    response = client.get(f"/posts/{full_post.pk}/cite.bib")

    library = bibtexparser.parse_string(response.content.decode())
    assert library.failed_blocks == []
    (entry,) = library.entries
    fields = {field.key: field.value for field in entry.fields}
    assert entry.entry_type == "article"
    assert entry.key == "fritz2007management"
    assert fields["author"] == "Fritz, Jan and Niemeyer, Thomas and {Spine Imaging Group}"
    assert fields["title"] == "Management of chronic low back pain: in vivo targets."
    assert fields["journal"] == "Radiographics"
    assert fields["journaltitle"].startswith("Radiographics : a review publication")
    assert (fields["year"], fields["month"]) == ("2007", "nov")
    assert (fields["volume"], fields["number"], fields["pages"]) == ("27", "6", "1751--1771")
    assert fields["doi"] == "10.1148/rg.276065509"
    assert fields["pmid"] == "18025516"
    assert fields["abstract"] == "OBJECTIVE: To review spinal injections. CONCLUSION: They help."
    assert fields["keywords"] == "Low Back Pain"
    assert fields["url"] == f"http://testserver{full_post.get_absolute_url()}"
    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"


def test_bibtex_escapes_characters_latex_treats_specially(client):
    post = PostFactory(title="Costs & outcomes: 50% of {cases} in C_1 #2")

    response = client.get(f"/posts/{post.pk}/cite.bib")

    (entry,) = bibtexparser.parse_string(response.content.decode()).entries
    title = next(f.value for f in entry.fields if f.key == "title")
    assert title == r"Costs \& outcomes: 50\% of \{cases\} in C\_1 \#2"


def test_a_hand_written_post_cites_without_pmid_or_doi(client, handwritten):
    ris = client.get(f"/posts/{handwritten.pk}/cite.ris").content.decode()
    (entry,) = rispy.loads(ris)

    assert "accession_number" not in entry and "doi" not in entry
    assert entry["authors"][0] == "Fritz, J"
    assert len(entry["authors"]) == 10


def test_hidden_posts_cannot_be_cited_by_visitors(client):
    post = PostFactory(is_hidden=True)

    assert client.get(f"/posts/{post.pk}/cite.ris").status_code == HTTPStatus.NOT_FOUND
    assert client.get(f"/posts/{post.pk}/cite.bib").status_code == HTTPStatus.NOT_FOUND


def test_the_post_page_has_a_cite_menu_that_works_without_javascript(client, imported):
    response = client.get(imported.get_absolute_url(), **BROWSER)

    assertContains(response, '<details class="cite-menu">')
    assertContains(response, citations.ama(imported))
    assertContains(response, citations.vancouver(imported))
    assertContains(response, f'href="/posts/{imported.pk}/cite.ris" download')
    assertContains(response, f'href="/posts/{imported.pk}/cite.bib" download')
    assertContains(response, 'data-copy-target="cite-ama" hidden')


def test_highwire_tags_on_a_pubmed_post(client, imported):
    tags = metas(client.get(imported.get_absolute_url(), **BROWSER))
    names = [name for name, _ in tags]

    assert ("citation_pmid", "17905894") in tags
    assert ("citation_doi", imported.doi) in tags
    assert ("citation_title", imported.title_text) in tags
    assert ("citation_journal_title", imported.journal_title) in tags
    assert ("citation_journal_abbrev", imported.journal_abbrev) in tags
    assert names.count("citation_author") == len(imported.authors)
    for name in ("citation_publication_date", "citation_volume", "citation_firstpage"):
        assert name in names


def test_highwire_tags_on_a_hand_written_post(client, handwritten):
    tags = dict(metas(client.get(handwritten.get_absolute_url(), **BROWSER)))

    assert tags["citation_title"].startswith("Management of chronic low back pain")
    assert tags["citation_author"]  # the last one; all ten are there
    assert tags["citation_journal_abbrev"] == "Radiographics"
    assert tags["citation_publication_date"] == "2007/11"
    assert (tags["citation_volume"], tags["citation_issue"]) == ("27", "6")
    assert (tags["citation_firstpage"], tags["citation_lastpage"]) == ("1751", "1771")
    assert "citation_pmid" not in tags and "citation_doi" not in tags


def test_open_graph_and_twitter_tags_describe_the_post(client, imported):
    tags = dict(metas(client.get(imported.get_absolute_url(), **BROWSER)))

    assert tags["og:type"] == "article"
    assert tags["og:title"] == imported.title_text
    assert tags["og:url"] == f"http://testserver{imported.get_absolute_url()}"
    assert tags["og:image"] == f"http://testserver/badges/posts/{imported.pk}.png?scale=2"
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:title"] == imported.title_text
