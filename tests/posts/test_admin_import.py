"""The admin's Import from PubMed flow, against a real local E-utilities server."""

from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.asserts import assertContains, assertNotContains

from posts.models import Post
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

START = "/admin/posts/post/import/"


@pytest.fixture
def eutils(httpserver, settings):
    settings.PUBMED_EUTILS_URL = httpserver.url_for("/entrez/eutils/")
    return httpserver


@pytest.fixture
def importer(client):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_post"))
    client.force_login(user)
    client.user = user
    return client


def _serve(eutils, pubmed_file, name, path="efetch.fcgi"):
    eutils.expect_request(f"/entrez/eutils/{path}").respond_with_data(
        pubmed_file(name).read_bytes(), content_type="text/xml"
    )


def test_changelist_links_to_the_import_page(importer):
    importer.user.user_permissions.add(Permission.objects.get(codename="view_post"))

    response = importer.get("/admin/posts/post/")

    assertContains(response, f'href="{START}"')


def test_paste_preview_confirm_creates_the_posts(importer, eutils, pubmed_file):
    _serve(eutils, pubmed_file, "biopython/pubmed1.xml")

    response = importer.post(START, {"pmids": "12091962, PMID: 9997", "max_results": 20})
    preview = importer.get(response["Location"])

    assertContains(preview, "2 of 2")
    assertContains(preview, "<td>new</td>", count=2)
    assertContains(preview, "Nothing has been saved yet")
    assert Post.objects.count() == 0

    confirmed = importer.post(response["Location"])
    results = importer.get(confirmed["Location"])

    assert set(Post.objects.values_list("pmid", flat=True)) == {12091962, 9997}
    assert Post.objects.filter(posted_by=importer.user).count() == 2
    assertContains(results, "imported <strong>2 of 2</strong>")
    assertContains(results, "Imported 2 of 2 records from PubMed.")  # admin message


def test_preview_marks_posts_already_on_the_site(importer, eutils, pubmed_file):
    existing = PostFactory(pmid=9997)
    _serve(eutils, pubmed_file, "biopython/pubmed1.xml")

    response = importer.post(START, {"pmids": "12091962 9997", "max_results": 20})
    preview = importer.get(response["Location"])

    assertContains(preview, "already on site")
    assertContains(preview, existing.get_absolute_url())


def test_reimport_refreshes_without_losing_views_or_hidden_flag(importer, eutils, pubmed_file):
    existing = PostFactory(pmid=9997, is_hidden=True, title="Stale title.")
    Post.objects.filter(pk=existing.pk).update(view_count=7)
    _serve(eutils, pubmed_file, "biopython/pubmed1.xml")

    response = importer.post(START, {"pmids": "12091962 9997", "max_results": 20})
    importer.post(response["Location"])

    existing.refresh_from_db()
    assert existing.title != "Stale title."
    assert (existing.view_count, existing.is_hidden, existing.posted_by) == (7, True, None)


def test_pmids_pubmed_does_not_have_are_reported_not_found(importer, eutils, pubmed_file):
    _serve(eutils, pubmed_file, "metapub/37909814.xml")

    response = importer.post(START, {"pmids": "37909814", "max_results": 20})
    preview = importer.get(response["Location"])

    assertContains(preview, "not found")
    assertNotContains(preview, 'value="Import')


def test_junk_in_the_pasted_list_is_reported_back(importer):
    response = importer.post(START, {"pmids": "12091962, abc, 12a, -4", "max_results": 20})

    assert response.status_code == HTTPStatus.OK
    assertContains(response, "These are not PMIDs")
    assertContains(response, "abc, 12a, -4")


def test_an_empty_form_asks_for_a_source(importer):
    response = importer.post(START, {"pmids": "  ", "max_results": 20})

    assertContains(response, "Paste PMIDs, type a PubMed search or choose an XML file.")


def test_pubmed_being_down_is_a_form_error_not_a_500(importer, settings):
    settings.PUBMED_EUTILS_URL = "http://127.0.0.1:9/entrez/eutils/"

    response = importer.post(START, {"pmids": "12091962", "max_results": 20})

    assert response.status_code == HTTPStatus.OK
    assertContains(response, "PubMed")
    assert Post.objects.count() == 0


def test_an_error_answer_from_pubmed_is_shown(importer, eutils, pubmed_file):
    _serve(eutils, pubmed_file, "biopython/esummary8.xml")

    response = importer.post(START, {"pmids": "12091962", "max_results": 20})

    assertContains(response, "Neither query_key nor id specified")


def test_search_imports_what_pubmed_finds(importer, eutils, pubmed_file):
    eutils.expect_request("/entrez/eutils/esearch.fcgi").respond_with_json(
        {"esearchresult": {"count": "2", "idlist": ["12091962", "9997"]}}
    )
    _serve(eutils, pubmed_file, "biopython/pubmed1.xml")

    response = importer.post(START, {"query": "cryopreservation", "max_results": 5})
    preview = importer.get(response["Location"])

    assertContains(preview, "PubMed search “cryopreservation” (2 found)")
    search_request = eutils.log[0][0]
    assert (search_request.args["term"], search_request.args["retmax"]) == ("cryopreservation", "5")
    importer.post(response["Location"])
    assert Post.objects.count() == 2


def test_uploaded_xml_file_is_previewed_and_imported(importer, pubmed_file):
    upload = SimpleUploadedFile(
        "pubmed.xml", pubmed_file("ncbiutils/pubmed.xml").read_bytes(), "text/xml"
    )

    response = importer.post(START, {"xml_file": upload, "max_results": 20})
    preview = importer.get(response["Location"])
    assertContains(preview, "5 of 5")
    importer.post(response["Location"])

    assert Post.objects.count() == 5


def test_uploaded_book_chapter_is_shown_as_cannot_import(importer, pubmed_file):
    upload = SimpleUploadedFile(
        "book.xml", pubmed_file("metapub/sample_article_20301577.xml").read_bytes(), "text/xml"
    )

    response = importer.post(START, {"xml_file": upload, "max_results": 20})

    assertContains(importer.get(response["Location"]), "book chapters")


def test_an_uploaded_file_that_is_not_pubmed_xml_is_a_form_error(importer):
    upload = SimpleUploadedFile("x.xml", b"<html><body>nope</body></html>", "text/html")

    response = importer.post(START, {"xml_file": upload, "max_results": 20})

    assert response.status_code == HTTPStatus.OK
    assertContains(response, "errornote")
    assert Post.objects.count() == 0


def test_an_oversized_upload_is_refused(importer):
    upload = SimpleUploadedFile("big.xml", b" " * (20 * 1024 * 1024 + 1), "text/xml")

    response = importer.post(START, {"xml_file": upload, "max_results": 20})

    assertContains(response, "larger than 20 MB")


def test_confirming_twice_imports_once(importer, eutils, pubmed_file):
    _serve(eutils, pubmed_file, "biopython/pubmed1.xml")
    response = importer.post(START, {"pmids": "12091962 9997", "max_results": 20})

    importer.post(response["Location"])
    again = importer.post(response["Location"])

    assert again.status_code == HTTPStatus.FOUND
    assert Post.objects.count() == 2


def test_another_admins_import_token_is_404(importer, eutils, pubmed_file, client):
    _serve(eutils, pubmed_file, "biopython/pubmed1.xml")
    preview_url = importer.post(START, {"pmids": "9997", "max_results": 20})["Location"]
    other = UserFactory(is_staff=True, is_superuser=True)
    importer.force_login(other)

    assert importer.get(preview_url).status_code == HTTPStatus.NOT_FOUND
    assert importer.post(preview_url).status_code == HTTPStatus.NOT_FOUND
    assert Post.objects.count() == 0


def test_staff_without_add_permission_is_refused(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(START).status_code == HTTPStatus.FORBIDDEN
    assert client.post(START, {"pmids": "9997"}).status_code == HTTPStatus.FORBIDDEN


def test_members_are_not_let_in(member_client):
    response = member_client.get(START)

    assert response.status_code == HTTPStatus.FOUND
    assert "login" in response["Location"]


def test_the_import_form_is_csrf_protected(importer):
    importer.handler.enforce_csrf_checks = True

    response = importer.post(START, {"pmids": "9997", "max_results": 20})

    assert response.status_code == HTTPStatus.FORBIDDEN
