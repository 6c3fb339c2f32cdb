"""PubMed's citation line, per record: every real record we ship imports and its page shows
exactly the line PubMed shows. Expected lines are written out by hand from each XML file and
NLM's rules for the journal source (see posts/pubmed/citation.py), never computed here."""

from pathlib import Path

import pytest
from pytest_django.asserts import assertContains

from posts.models import Post
from posts.pubmed.citation import CitationParts, citation_line
from posts.pubmed.parser import parse_pubmed_xml
from posts.services.imports import post_import

FIXTURES = Path(__file__).resolve().parents[2] / "posts" / "fixtures" / "pubmed"
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}

# (file, PMID, the citation line PubMed shows)
CITATIONS = [
    ("biopython/pubmed1.xml", 12091962, "Soc Justice. 1990 Spring;17(1):113-25."),
    (
        "biopython/pubmed1.xml",
        9997,
        "Biochim Biophys Acta. 1976 Sep 28;446(1):179-91. doi: 10.1016/0005-2795(76)90109-4.",
    ),
    (
        "biopython/pubmed2.xml",
        11748933,
        "Cryobiology. 2001 Jun;42(4):244-55. doi: 10.1006/cryo.2001.2328.",
    ),
    (
        "biopython/pubmed2.xml",
        11700088,
        "J Magn Reson. 2001 Nov;153(1):117-23. doi: 10.1006/jmre.2001.2429.",
    ),
    (
        "biopython/pubmed4.xml",
        27797938,
        "Gut. 2017 Jun;66(6):1116-1122. doi: 10.1136/gutjnl-2016-312510. Epub 2016 Oct 21.",
    ),
    (
        "biopython/pubmed7.xml",
        29963580,
        "J Med Imaging (Bellingham). 2018 Apr;5(2):026002. doi: 10.1117/1.JMI.5.2.026002. "
        "Epub 2018 Jun 28.",
    ),
    (
        "metapub/11618220.xml",
        11618220,
        "Toung Pao. 1987;73(4-5):217-64. doi: 10.1163/156853287x00032.",
    ),
    (
        "metapub/34843274.xml",
        34843274,
        "Am Psychol. 2022 Sep;77(6):770-780. doi: 10.1037/amp0000904. Epub 2021 Nov 29.",
    ),
    (
        "metapub/38048813.xml",
        38048813,
        "Psychother Psychosom Med Psychol. 2023 Dec;73(12):487-488. doi: 10.1055/a-2189-0166. "
        "Epub 2023 Dec 4.",
    ),
    (
        "ncbiutils/pubmed.xml",
        35196497,
        "Cell Rep. 2022 Feb 22;38(8):110408. doi: 10.1016/j.celrep.2022.110408.",
    ),
    (
        "ncbiutils/pubmed.xml",
        33278872,
        "Commun Dis Intell (2018). 2020 Oct 25;44. doi: 10.33321/cdi.2020.44.90.",
    ),
    (
        "ncbiutils/pubmed.xml",
        24792780,
        "Clin Toxicol (Phila). 2014 Jun;52(5):525-30. doi: 10.3109/15563650.2014.913175. "
        "Epub 2014 May 5.",
    ),
    ("ncbiutils/pubmed.xml", 30158200, "BMJ. 2018 Aug 29;362:k3225. doi: 10.1136/bmj.k3225."),
    ("ncbiutils/pubmed.xml", 151222, "Morphol Embryol (Bucur). 1978 Jul-Sep;24(3):229-32."),
    ("radiology/15332011.xml", 15332011, "J Radiol. 2004 Jul-Aug;85(7-8):1067-9."),
    ("radiology/1561360.xml", 1561360, "Radiology. 1992 May;183(2):515-8."),
    (
        "radiology/16923984.xml",
        16923984,
        "J Vasc Interv Radiol. 2006 Aug;17(8):1355-8. doi: 10.1097/01.RVI.0000231949.35479.89.",
    ),
    ("radiology/16972219.xml", 16972219, "Diagn Interv Radiol. 2006 Sep;12(3):139-41."),
    (
        "radiology/17905894.xml",
        17905894,
        "AJNR Am J Neuroradiol. 2007 Nov-Dec;28(10):1943-8. doi: 10.3174/ajnr.A0700. "
        "Epub 2007 Sep 28.",
    ),
    (
        "radiology/19373526.xml",
        19373526,
        "Jpn J Radiol. 2009 Jan;27(1):4-19. doi: 10.1007/s11604-008-0291-2. Epub 2009 Feb 8.",
    ),
    (
        "radiology/20199940.xml",
        20199940,
        "Cancer Imaging. 2010 Mar 3;10:49-61. doi: 10.1102/1470-7330.2010.0003.",
    ),
    (
        "radiology/24225333.xml",
        24225333,
        "BMC Med Imaging. 2013 Nov 14;13:37. doi: 10.1186/1471-2342-13-37.",
    ),
    (
        "radiology/24352861.xml",
        24352861,
        "Cardiovasc Intervent Radiol. 2014 Oct;37(5):1312-20. doi: 10.1007/s00270-013-0808-7. "
        "Epub 2013 Dec 19.",
    ),
    (
        "radiology/26767071.xml",
        26767071,
        "Pol J Radiol. 2015 Dec 25;80:555-60. doi: 10.12659/PJR.895315. eCollection 2015.",
    ),
    (
        "radiology/27161069.xml",
        27161069,
        "Eur J Radiol. 2016 Jun;85(6):1181-91. doi: 10.1016/j.ejrad.2016.03.032. Epub 2016 Apr 6.",
    ),
    (
        "radiology/29362842.xml",
        29362842,
        "Pediatr Radiol. 2018 May;48(5):626-631. doi: 10.1007/s00247-018-4069-0. Epub 2018 Jan 23.",
    ),
    (
        "radiology/29374459.xml",
        29374459,
        "BMC Med Imaging. 2018 Jan 27;18(1):1. doi: 10.1186/s12880-018-0245-9.",
    ),
    (
        "radiology/29963580.xml",
        29963580,
        "J Med Imaging (Bellingham). 2018 Apr;5(2):026002. doi: 10.1117/1.JMI.5.2.026002. "
        "Epub 2018 Jun 28.",
    ),
    (
        "radiology/30819493.xml",
        30819493,
        "J Vasc Interv Radiol. 2019 Mar;30(3):453-459. doi: 10.1016/j.jvir.2018.10.013.",
    ),
    (
        "radiology/35195805.xml",
        35195805,
        "Int J Cardiovasc Imaging. 2022 Aug;38(8):1711-1721. doi: 10.1007/s10554-022-02558-3. "
        "Epub 2022 Feb 23.",
    ),
    (
        "radiology/38878148.xml",
        38878148,
        "Int J Cardiovasc Imaging. 2024 Jul;40(7):1585-1596. doi: 10.1007/s10554-024-03145-4. "
        "Epub 2024 Jun 15.",
    ),
    (
        "radiology/4023224.xml",
        4023224,
        "Radiology. 1985 Sep;156(3):651-4. doi: 10.1148/radiology.156.3.4023224.",
    ),
    (
        "radiology/471221.xml",
        471221,
        "Neuroradiology. 1979 Aug 15;18(2):103-6. doi: 10.1007/bf00344831.",
    ),
    ("radiology/8318299.xml", 8318299, "Acta Radiol. 1993 Jul;34(4):366-8."),
]

# Files with nothing to import, and why (they are tested where that matters).
NOT_ARTICLES = {
    "biopython/esummary8.xml": "an E-utilities error envelope",
    "metapub/37909814.xml": "the empty answer for an unknown PMID",
    "metapub/sample_article_20301577.xml": "a book chapter",
}


def test_the_table_covers_every_article_we_ship():
    shipped = {str(p.relative_to(FIXTURES)) for p in FIXTURES.rglob("*.xml")}
    assert shipped == {name for name, _pmid, _line in CITATIONS} | set(NOT_ARTICLES)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "pmid", "expected"), CITATIONS, ids=lambda v: str(v)[:24])
def test_every_record_imports_and_its_page_shows_pubmeds_citation_line(
    client, name, pmid, expected
):
    (record,) = [
        r for r in parse_pubmed_xml((FIXTURES / name).read_bytes()).records if r.pmid == pmid
    ]

    outcome = post_import(record=record)

    assert outcome.ok, outcome.describe()
    post = Post.objects.get(pmid=pmid)
    assert post.citation == expected
    assertContains(client.get(post.get_absolute_url(), **BROWSER), expected)


# --- Shapes PubMed can show that none of the shipped records has ------------------------


def _article(*, journal="", article="", pubmed_data="", status="MEDLINE"):
    return (
        "<?xml version='1.0'?><PubmedArticleSet><PubmedArticle>"
        f"<MedlineCitation Status='{status}'><PMID Version='1'>42</PMID>"
        f"<Article PubModel='Print'><Journal>{journal or '<Title>J</Title>'}"
        f"</Journal><ArticleTitle>T.</ArticleTitle>{article}</Article>"
        "<MedlineJournalInfo><MedlineTA>Radiology</MedlineTA></MedlineJournalInfo>"
        f"</MedlineCitation><PubmedData>{pubmed_data}</PubmedData></PubmedArticle></PubmedArticleSet>"
    )


def _cite(xml: str) -> str:
    (record,) = parse_pubmed_xml(xml.encode()).records
    return citation_line(
        CitationParts(
            journal=record.journal_abbrev or record.journal_title,
            pub_date=record.pub_date,
            volume=record.volume,
            issue=record.issue,
            pages=record.pages,
            doi=record.doi,
            pub_model=record.pub_model,
            article_date=record.article_date,
            publication_status=record.publication_status,
        )
    )


def _issue(volume="", issue="", pub_date="<Year>2007</Year>"):
    parts = f"<Volume>{volume}</Volume>" if volume else ""
    parts += f"<Issue>{issue}</Issue>" if issue else ""
    return f"<Title>J</Title><JournalIssue>{parts}<PubDate>{pub_date}</PubDate></JournalIssue>"


def test_supplement_volume_is_shown_as_pubmed_writes_it():
    xml = _article(
        journal=_issue("27 Suppl 1"),
        article="<Pagination><MedlinePgn>S3-20</MedlinePgn></Pagination>",
    )
    assert _cite(xml) == "Radiology. 2007;27 Suppl 1:S3-20."


def test_supplement_issue_is_shown_in_brackets():
    xml = _article(
        journal=_issue("243", "3 Suppl", "<Year>2007</Year><Month>Jun</Month>"),
        article="<Pagination><MedlinePgn>S5-11</MedlinePgn></Pagination>",
    )
    assert _cite(xml) == "Radiology. 2007 Jun;243(3 Suppl):S5-11."


def test_issue_without_volume_keeps_its_brackets():
    xml = _article(
        journal=_issue("", "395", "<MedlineDate>2013 Nov-Dec</MedlineDate>"),
        article="<Pagination><MedlinePgn>e2</MedlinePgn></Pagination>",
    )
    assert _cite(xml) == "Radiology. 2013 Nov-Dec;(395):e2."


def test_comment_and_discussion_pages_are_kept_whole():
    xml = _article(
        journal=_issue("27", "6", "<MedlineDate>2007 Nov-Dec</MedlineDate>"),
        article="<Pagination><MedlinePgn>1751-71; discussion 1771-2</MedlinePgn></Pagination>",
    )
    assert _cite(xml) == "Radiology. 2007 Nov-Dec;27(6):1751-71; discussion 1771-2."


def test_article_number_in_an_elocation_stands_in_for_pages():
    xml = _article(
        journal=_issue("15", "1"),
        article="<ELocationID EIdType='pii' ValidYN='Y'>e0123</ELocationID>"
        "<ELocationID EIdType='doi' ValidYN='Y'>10.1/x</ELocationID>",
    )
    assert _cite(xml) == "Radiology. 2007;15(1):e0123. doi: 10.1/x."


def test_record_with_no_pages_and_no_volume_has_no_dangling_separator():
    xml = _article(journal=_issue(), article="<ELocationID EIdType='doi'>10.1/y</ELocationID>")
    assert _cite(xml) == "Radiology. 2007. doi: 10.1/y."


def test_in_process_record_ahead_of_print_leads_with_its_online_date():
    xml = _article(
        status="In-Process",
        journal=_issue("", "", "<Year>2024</Year><Month>Feb</Month><Day>03</Day>"),
        article="<ELocationID EIdType='pii' ValidYN='Y'>S1051-0443(24)00083-7</ELocationID>"
        "<ELocationID EIdType='doi' ValidYN='Y'>10.1016/j.jvir.2024.01.025</ELocationID>"
        "<ArticleDate DateType='Electronic'><Year>2024</Year><Month>02</Month>"
        "<Day>03</Day></ArticleDate>",
        pubmed_data="<PublicationStatus>aheadofprint</PublicationStatus>",
    ).replace("PubModel='Print'", "PubModel='Print-Electronic'")
    assert _cite(xml) == (
        "Radiology. 2024 Feb 3:S1051-0443(24)00083-7. doi: 10.1016/j.jvir.2024.01.025. "
        "Online ahead of print."
    )


def test_electronic_print_record_leads_with_the_online_date_and_notes_print():
    xml = _article(
        journal=_issue("34", "1", "<Year>2006</Year><Month>Jan</Month>"),
        article="<Pagination><MedlinePgn>D1-5</MedlinePgn></Pagination>"
        "<ArticleDate DateType='Electronic'><Year>2005</Year><Month>12</Month>"
        "<Day>28</Day></ArticleDate>",
    ).replace("PubModel='Print'", "PubModel='Electronic-Print'")
    assert _cite(xml) == "Radiology. 2005 Dec 28;34(1):D1-5. Print 2006 Jan."


def test_iso_abbreviation_with_full_stops_is_cited_without_them():
    xml = _article(
        journal="<Title>American journal of surgery</Title><ISOAbbreviation>Am. J. Surg."
        "</ISOAbbreviation><JournalIssue><Volume>1</Volume><PubDate><Year>1990</Year>"
        "</PubDate></JournalIssue>"
    ).replace("<MedlineJournalInfo><MedlineTA>Radiology</MedlineTA></MedlineJournalInfo>", "")
    assert _cite(xml) == "Am J Surg. 1990;1."


def test_full_stops_inside_the_data_are_not_doubled():
    line = citation_line(
        CitationParts(journal="Radiology.", pub_date="2007.", volume="1", pages="1-2.")
    )
    assert line == "Radiology. 2007;1:1-2."


def test_article_level_affiliation_of_an_old_record_belongs_to_the_first_author():
    (record,) = parse_pubmed_xml((FIXTURES / "radiology/17905894.xml").read_bytes()).records

    assert (
        record.authors[0]
        .affiliations[0]
        .startswith("Department of Neurology, University of Tennessee")
    )
    assert all(not author.affiliations for author in record.authors[1:])


# --- Edge cases of the rules, part by part ----------------------------------------------------
def test_an_epub_date_is_noted_only_beside_an_issue_date():
    parts = CitationParts(
        journal="Radiology", article_date="2019 Jan 5", pub_model="Print-Electronic"
    )

    assert citation_line(parts) == "Radiology. 2019 Jan 5."


def test_without_a_date_the_source_starts_at_the_volume_or_the_pages():
    assert citation_line(
        CitationParts(journal="Radiology", volume="27", issue="6", pages="1751-71")
    ) == ("Radiology. 27(6):1751-71.")
    assert citation_line(CitationParts(journal="Radiology", pages="e12")) == "Radiology. e12."


def test_trailing_separators_in_the_data_are_not_doubled_and_letters_are_kept():
    parts = CitationParts(
        journal="Acta Radiol.", pub_date="2001 Jun;", volume="X", issue="2:", pages="S1-SX."
    )

    assert citation_line(parts) == "Acta Radiol. 2001 Jun;X(2):S1-SX."


def test_a_record_with_nothing_to_cite_has_no_citation_line():
    assert citation_line(CitationParts(journal="")) == ""
    assert citation_line(CitationParts(journal=" . ")) == ""
