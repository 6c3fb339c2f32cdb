"""import_pubmed with PMIDs and --query, against a real local HTTP server."""

import io

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


def test_command_imports_what_a_pubmed_search_finds(eutils, pubmed_file, capsys):
    eutils.expect_request("/entrez/eutils/esearch.fcgi").respond_with_json(
        {"esearchresult": {"count": "2", "idlist": ["12091962", "9997"]}}
    )
    eutils.expect_request("/entrez/eutils/efetch.fcgi").respond_with_data(
        pubmed_file("biopython/pubmed1.xml").read_bytes(), content_type="text/xml"
    )

    call_command("import_pubmed", "--query", "cryopreservation", "--max", "2")

    assert Post.objects.count() == 2
    assert eutils.log[0][0].args["retmax"] == "2"
    assert "PubMed search found 2 record(s)" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["0", "10001"])
def test_command_refuses_an_out_of_range_max(value):
    with pytest.raises(CommandError, match="--max must be between 1 and 10000"):
        call_command("import_pubmed", "--query", "spine", "--max", value)


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_command_draws_a_progress_bar_on_a_terminal_for_several_batches(eutils, pubmed_file):
    eutils.expect_request("/entrez/eutils/efetch.fcgi").respond_with_data(
        pubmed_file("biopython/pubmed1.xml").read_bytes(), content_type="text/xml"
    )
    terminal = Terminal()

    with pytest.raises(CommandError):  # PubMed's answer lacks most of the 450 PMIDs
        call_command("import_pubmed", *map(str, range(1, 451)), stdout=terminal)

    out = terminal.getvalue()
    assert "Fetching from PubMed [" in out
    assert "200 of 450" in out and "450 of 450" in out


def test_command_draws_no_progress_bar_when_not_on_a_terminal(eutils, pubmed_file):
    eutils.expect_request("/entrez/eutils/efetch.fcgi").respond_with_data(
        pubmed_file("biopython/pubmed1.xml").read_bytes(), content_type="text/xml"
    )
    log = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_pubmed", *map(str, range(1, 451)), stdout=log)

    assert "Fetching from PubMed [" not in log.getvalue()
