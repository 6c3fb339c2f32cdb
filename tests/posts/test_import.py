from http import HTTPStatus

import pytest
from django.core.management import CommandError, call_command

from posts.models import Post
from posts.pubmed.parser import parse_pubmed_xml
from posts.services.imports import ImportAction, post_import, posts_import_parsed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _records(pubmed_file, name):
    return parse_pubmed_xml(pubmed_file(name).read_bytes())


def test_importing_a_record_creates_a_post_with_its_pubmed_fields(pubmed_file):
    record = _records(pubmed_file, "biopython/pubmed7.xml").records[0]

    outcome = post_import(record=record)

    post = Post.objects.get(pmid=29963580)
    assert outcome.action == ImportAction.CREATED
    assert post.journal_abbrev == record.journal_abbrev
    assert post.doi == record.doi
    assert [a["last_name"] or a["collective_name"] for a in post.authors] == [
        a.last_name or a.collective_name for a in record.authors
    ]
    assert post.refreshed_at is not None


def test_importing_the_same_pmid_again_updates_the_post_in_place(pubmed_file):
    record = _records(pubmed_file, "biopython/pubmed7.xml").records[0]
    post_import(record=record)

    outcome = post_import(record=record)

    assert outcome.action == ImportAction.UPDATED
    assert Post.objects.filter(pmid=29963580).count() == 1


def test_reimport_keeps_views_hidden_flag_and_poster(pubmed_file):
    record = _records(pubmed_file, "biopython/pubmed7.xml").records[0]
    poster = UserFactory()
    post = post_import(record=record, posted_by=poster).post
    Post.objects.filter(pk=post.pk).update(view_count=41, is_hidden=True, title="Edited")

    post_import(record=record, posted_by=UserFactory())

    post.refresh_from_db()
    assert (post.view_count, post.is_hidden, post.posted_by) == (41, True, poster)
    assert post.title == record.title


def test_a_record_that_fails_validation_is_not_written_and_others_still_import(pubmed_file):
    records = _records(pubmed_file, "ncbiutils/pubmed.xml").records
    broken = records[0].__class__(**{**records[0].__dict__, "volume": "9" * 200})

    outcomes = [post_import(record=broken)] + [post_import(record=r) for r in records[1:]]

    assert outcomes[0].action == ImportAction.FAILED
    assert "volume" in outcomes[0].reason
    assert not Post.objects.filter(pmid=broken.pmid).exists()
    assert Post.objects.count() == len(records) - 1


def test_book_chapters_are_skipped_with_a_reason(pubmed_file):
    outcomes = posts_import_parsed(
        parsed=_records(pubmed_file, "metapub/sample_article_20301577.xml")
    )

    assert [o.action for o in outcomes] == [ImportAction.SKIPPED]
    assert "book" in outcomes[0].reason.lower()
    assert Post.objects.count() == 0


def test_command_imports_every_record_of_a_file_and_reports_each(pubmed_file, capsys):
    call_command("import_pubmed", "--file", str(pubmed_file("ncbiutils/pubmed.xml")))

    out = capsys.readouterr().out
    assert Post.objects.count() == 5
    assert "PMID 151222: created" in out
    assert "Done: 5 created." in out


def test_command_run_twice_updates_instead_of_duplicating(pubmed_file, capsys):
    path = str(pubmed_file("biopython/pubmed1.xml"))
    call_command("import_pubmed", "--file", path)

    call_command("import_pubmed", "--file", path)

    assert Post.objects.count() == 2
    assert "Done: 2 updated." in capsys.readouterr().out


def test_command_exits_non_zero_with_one_line_for_a_missing_file(pubmed_file, capsys):
    with pytest.raises(CommandError, match="could not be imported"):
        call_command(
            "import_pubmed",
            "--file",
            "/no/such/file.xml",
            "--file",
            str(pubmed_file("biopython/pubmed1.xml")),
        )

    err = capsys.readouterr().err
    assert "/no/such/file.xml: cannot read it" in err
    assert Post.objects.count() == 2  # the good file still imported


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"<html><body>Service unavailable</body></html>", "HTML"),
        (b"<PubmedArticleSet><PubmedArticle><MedlineCitation>", ""),
        (b"just some words", ""),
        (b'<?xml version="1.0"?><Other/>', ""),
    ],
)
def test_command_rejects_malformed_or_foreign_xml_without_a_traceback(
    tmp_path, capsys, content, expected
):
    path = tmp_path / "bad.xml"
    path.write_bytes(content)

    with pytest.raises(CommandError):
        call_command("import_pubmed", "--file", str(path))

    err = capsys.readouterr().err.strip()
    assert err.startswith(f"{path}: ")
    assert "\n" not in err and "Traceback" not in err
    assert expected in err
    assert Post.objects.count() == 0


def test_command_reports_an_error_envelope_as_a_failure(pubmed_file, capsys):
    with pytest.raises(CommandError):
        call_command("import_pubmed", "--file", str(pubmed_file("biopython/esummary8.xml")))

    assert "Neither query_key nor id specified" in capsys.readouterr().err


def test_command_treats_an_empty_set_as_nothing_to_import(pubmed_file, capsys):
    call_command("import_pubmed", "--file", str(pubmed_file("metapub/37909814.xml")))

    assert "nothing imported" in capsys.readouterr().out


def test_command_refuses_junk_pmids_before_fetching_anything():
    with pytest.raises(CommandError, match="Not PMIDs: abc"):
        call_command("import_pubmed", "12345", "abc")


def test_command_without_arguments_explains_itself():
    with pytest.raises(CommandError, match="Give PMIDs"):
        call_command("import_pubmed")


def test_command_records_the_poster_given_by_username(pubmed_file):
    poster = UserFactory(username="seeder")

    call_command(
        "import_pubmed", "--file", str(pubmed_file("biopython/pubmed7.xml")), "--user", "seeder"
    )

    assert Post.objects.get().posted_by == poster


def test_seed_demo_is_idempotent(client):
    call_command("seed_demo")
    first = Post.objects.count()

    call_command("seed_demo")

    assert Post.objects.count() == first > 10
    assert client.get("/").status_code == HTTPStatus.OK


def test_seed_demo_includes_the_seed_page_article_as_a_handwritten_post():
    call_command("seed_demo")

    post = Post.objects.get(journal_abbrev="Radiographics", pub_year=2007)
    assert post.pmid is None
    assert post.citation == "Radiographics. 2007 Nov-Dec;27(6):1751-71."
