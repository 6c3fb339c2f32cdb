"""Long imports run in the background worker, with progress in the admin."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains, assertNotContains

from posts.models import Post
from tests.factories import UserFactory

START = "/admin/posts/post/import/"


@pytest.fixture
def database_queue(settings, transactional_db):
    # The real queue: the request only enqueues, `db_worker --batch` does the work.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.fixture
def eutils(httpserver, settings):
    settings.PUBMED_EUTILS_URL = httpserver.url_for("/entrez/eutils/")
    return httpserver


@pytest.fixture
def importer(client, db):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_post"))
    client.force_login(user)
    return client


def _serve_records(eutils, pubmed_file, name="biopython/pubmed1.xml"):
    eutils.expect_request("/entrez/eutils/efetch.fcgi").respond_with_data(
        pubmed_file(name).read_bytes(), content_type="text/xml"
    )


def test_a_long_retry_after_hands_the_request_over_at_once(
    database_queue, importer, eutils, pubmed_file
):
    eutils.expect_request("/entrez/eutils/efetch.fcgi").respond_with_data(
        "busy", status=503, headers={"Retry-After": "180"}
    )

    response = importer.post(START, {"pmids": "12091962 9997", "max_results": 20})

    assert response.status_code == HTTPStatus.FOUND
    assert len(eutils.log) == 1  # asked once, did not sit out the 180 s
    progress = importer.get(response["Location"])
    assertContains(progress, "in the background")
    assertContains(progress, '<meta http-equiv="refresh"')
    assert DBTaskResult.objects.filter(task_path="posts.tasks.import_gather_task").count() == 1


def test_the_worker_comes_back_when_pubmed_asked_it_to(
    database_queue, importer, eutils, pubmed_file
):
    eutils.expect_request("/entrez/eutils/efetch.fcgi").respond_with_data(
        "busy", status=503, headers={"Retry-After": "180"}
    )
    preview_url = importer.post(START, {"pmids": "12091962 9997", "max_results": 20})["Location"]

    run_worker()

    deferred = DBTaskResult.objects.filter(
        task_path="posts.tasks.import_gather_task", status="READY"
    ).get()
    assert deferred.run_after > timezone.now() + timedelta(seconds=170)
    assertContains(importer.get(preview_url), "PubMed is busy")


def test_a_big_pmid_list_is_gathered_in_the_background_with_progress(
    database_queue, importer, eutils, pubmed_file
):
    _serve_records(eutils, pubmed_file)
    pmids = " ".join(str(n) for n in [12091962, 9997, *range(1_000_000, 1_000_250)])

    preview_url = importer.post(START, {"pmids": pmids, "max_results": 20})["Location"]

    assert len(eutils.log) == 0  # nothing asked in the web request
    assertContains(importer.get(preview_url), "Gathering records")
    run_worker()
    preview = importer.get(preview_url)
    assertContains(preview, "2 of 252")
    assertContains(preview, "fetched from PubMed in 2 batches")
    assert Post.objects.count() == 0


def test_confirming_imports_in_the_background_and_announces_the_result_once(
    database_queue, importer, eutils, pubmed_file
):
    _serve_records(eutils, pubmed_file)
    preview_url = importer.post(START, {"pmids": "12091962 9997", "max_results": 20})["Location"]
    assertContains(importer.get(preview_url), "Nothing has been saved yet")

    results_url = importer.post(preview_url)["Location"]
    assertContains(importer.get(results_url), "Saving 2 records")
    run_worker()

    results = importer.get(results_url)
    assertContains(results, "Imported 2 of 2 records from PubMed.")
    assert Post.objects.count() == 2
    assertNotContains(importer.get(results_url), "Imported 2 of 2 records from PubMed.")


def test_a_failure_in_the_background_is_shown_with_its_reason(
    database_queue, importer, eutils, pubmed_file
):
    eutils.expect_request("/entrez/eutils/efetch.fcgi").respond_with_data("no", status=400)
    pmids = " ".join(str(n) for n in range(1_000_000, 1_000_300))
    preview_url = importer.post(START, {"pmids": pmids, "max_results": 20})["Location"]

    run_worker()

    page = importer.get(preview_url)
    assertContains(page, "refused the request: HTTP 400")
    assertContains(page, "Start again")
    assertNotContains(page, '<meta http-equiv="refresh"')


def test_an_uploaded_file_with_too_many_records_is_refused(importer):
    body = b"<PubmedArticleSet>" + b"<PubmedArticle></PubmedArticle>" * 1001
    upload = SimpleUploadedFile("many.xml", body + b"</PubmedArticleSet>", "text/xml")

    response = importer.post(START, {"xml_file": upload, "max_results": 20})

    assert response.status_code == HTTPStatus.OK
    assertContains(response, "holds 1001 records; at most 1000")


def test_an_unreachable_preview_store_is_a_form_error_not_a_500(importer, settings):
    caches = {alias: dict(config) for alias, config in settings.CACHES.items()}
    caches["previews"] = {
        "BACKEND": "radrounds.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "FALLBACK": "none",
        "KEY_PREFIX": "down",
    }
    settings.CACHES = caches

    response = importer.post(START, {"pmids": "9997", "max_results": 20})

    assert response.status_code == HTTPStatus.OK
    assertContains(response, "import store")
