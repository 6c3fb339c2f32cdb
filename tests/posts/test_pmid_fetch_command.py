"""import_pubmed with PMIDs and --query, against a real local HTTP server."""

import pytest
from django.core.management import CommandError, call_command

from posts.models import Post

pytestmark = pytest.mark.django_db


@pytest.fixture
def eutils(httpserver, settings):
    settings.PUBMED_EUTILS_URL = httpserver.url_for("/entrez/eutils/")
    return httpserver


def test_command_fetches_pmids_from_eutils(eutils, pubmed_file, capsys):
    eutils.expect_request("/entrez/eutils/efetch.fcgi").respond_with_data(
        pubmed_file("biopython/pubmed1.xml").read_bytes(), content_type="text/xml"
    )

    call_command("import_pubmed", "12091962", "https://pubmed.ncbi.nlm.nih.gov/9997/")

    assert set(Post.objects.values_list("pmid", flat=True)) == {12091962, 9997}
    assert "Done: 2 created." in capsys.readouterr().out


def test_command_reports_pmids_pubmed_does_not_have(eutils, pubmed_file, capsys):
    eutils.expect_request("/entrez/eutils/efetch.fcgi").respond_with_data(
        pubmed_file("metapub/37909814.xml").read_bytes(), content_type="text/xml"
    )

    with pytest.raises(CommandError):
        call_command("import_pubmed", "37909814")

    assert "PMID 37909814: not found" in capsys.readouterr().out


def test_command_gives_one_line_when_pubmed_is_unreachable(settings):
    settings.PUBMED_EUTILS_URL = "http://127.0.0.1:9/entrez/eutils/"
    settings.PUBMED_TIMEOUT = 2

    with pytest.raises(CommandError, match="Fetching from PubMed failed: .*PubMed"):
        call_command("import_pubmed", "12091962")
