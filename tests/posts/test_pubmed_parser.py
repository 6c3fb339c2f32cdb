"""parse_pubmed_xml against real recorded PubMed XML (see posts/fixtures/pubmed/SOURCES.md)."""

from functools import cache
from pathlib import Path

import pytest

from posts.pubmed.parser import parse_pubmed_xml
from posts.pubmed.records import (
    AbstractSection,
    Author,
    MeshTerm,
    ParsedSet,
    PubmedError,
    PubmedParseError,
    PubmedRecord,
    RecordFailure,
)

FIXTURES = Path(__file__).resolve().parents[2] / "posts" / "fixtures" / "pubmed"

BOOK_REASON = (
    "PubMed book chapters (PubmedBookArticle) are not imported; radRounds posts journal articles."
)


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@cache
def parsed(name: str) -> ParsedSet:
    return parse_pubmed_xml(fixture_bytes(name))


def record(name: str, pmid: int) -> PubmedRecord:
    (match,) = [r for r in parsed(name).records if r.pmid == pmid]
    return match


def article_set(*articles: str) -> bytes:
    return (
        "<?xml version='1.0'?><PubmedArticleSet>" + "".join(articles) + "</PubmedArticleSet>"
    ).encode()


def minimal_article(pmid: str = "123", title: str = "<ArticleTitle>A title.</ArticleTitle>") -> str:
    return (
        f"<PubmedArticle><MedlineCitation><PMID Version='1'>{pmid}</PMID>"
        f"<Article><Journal><Title>J</Title></Journal>{title}</Article>"
        "</MedlineCitation></PubmedArticle>"
    )


# ----------------------------------------------------------------- biopython/pubmed1.xml


def test_pubmed1_holds_both_records_in_document_order():
    assert [r.pmid for r in parsed("biopython/pubmed1.xml").records] == [12091962, 9997]
    assert parsed("biopython/pubmed1.xml").failures == ()


def test_year_and_season_pubdate_is_shown_as_year_then_season():
    r = record("biopython/pubmed1.xml", 12091962)
    assert r.pub_date == "1990 Spring"
    assert r.pub_year == 1990


def test_pubmed1_season_record_citation_fields():
    r = record("biopython/pubmed1.xml", 12091962)
    assert r.title == "The treatment of AIDS behind the walls of correctional facilities."
    assert r.vernacular_title == ""
    assert r.journal_title == "Social justice (San Francisco, Calif.)"
    assert r.journal_abbrev == "Soc Justice"
    assert (r.volume, r.issue, r.pages) == ("17", "1", "113-25")
    assert r.language == "eng"
    assert r.publication_types == ("Journal Article", "Review")
    assert r.keywords == ("Health Care and Public Health", "Legal Approach")


def test_record_without_abstract_or_doi_has_empty_values():
    r = record("biopython/pubmed1.xml", 12091962)
    assert r.abstract == ()
    assert r.copyright == ""
    assert r.doi == ""
    assert r.pmcid == ""


def test_person_author_keeps_names_and_display_name_uses_initials():
    (author,) = record("biopython/pubmed1.xml", 12091962).authors
    assert author == Author(last_name="Olivero", fore_name="J Michael", initials="JM")
    assert author.display_name == "Olivero JM"


def test_mesh_descriptor_major_flag_is_read():
    terms = record("biopython/pubmed1.xml", 12091962).mesh_terms
    assert len(terms) == 19
    assert terms[0] == MeshTerm(descriptor="AIDS Serodiagnosis", major=False)
    assert terms[1] == MeshTerm(descriptor="Acquired Immunodeficiency Syndrome", major=True)


def test_mesh_term_is_major_when_only_a_qualifier_is_major():
    terms = {t.descriptor: t for t in record("biopython/pubmed1.xml", 9997).mesh_terms}
    assert terms["Chromatium"] == MeshTerm("Chromatium", major=True, qualifiers=("enzymology",))
    assert terms["Iron"] == MeshTerm("Iron", major=False, qualifiers=("analysis",))


def test_full_numeric_pubdate_is_year_month_name_day():
    r = record("biopython/pubmed1.xml", 9997)
    assert r.pub_date == "1976 Sep 28"
    assert r.pub_year == 1976


def test_doi_only_in_article_id_list_is_found():
    assert record("biopython/pubmed1.xml", 9997).doi == "10.1016/0005-2795(76)90109-4"


def test_unlabelled_abstract_is_one_section_with_empty_label():
    (section,) = record("biopython/pubmed1.xml", 9997).abstract
    assert section.label == ""
    assert section.text.startswith("Electron paramagnetic resonance and magnetic susceptibility")
    assert section.text.endswith("a mechanism for heme-flavin interaction.")


def test_pubmed1_second_record_citation_fields():
    r = record("biopython/pubmed1.xml", 9997)
    assert r.title == (
        "Magnetic studies of Chromatium flavocytochrome C552. "
        "A mechanism for heme-flavin interaction."
    )
    assert r.journal_title == "Biochimica et biophysica acta"
    assert r.journal_abbrev == "Biochim Biophys Acta"
    assert (r.volume, r.issue, r.pages) == ("446", "1", "179-91")
    assert r.authors == (Author(last_name="Strekas", fore_name="T C", initials="TC"),)
    assert r.publication_types == ("Journal Article",)
    assert r.keywords == ()


# ----------------------------------------------------------------- biopython/pubmed2.xml


def test_copyright_information_is_kept_apart_from_the_abstract():
    r = record("biopython/pubmed2.xml", 11748933)
    assert r.copyright == "Copyright 2001 Elsevier Science."
    assert all("Copyright" not in s.text for s in r.abstract)


def test_charref_in_affiliation_is_decoded():
    first = record("biopython/pubmed2.xml", 11748933).authors[0]
    assert first.affiliations == (
        "Dipartimento di Scienze Ambientali, Università degli Studi della Tuscia, "
        "01100 Viterbo, Italy.",
    )


def test_author_without_affiliation_has_empty_tuple():
    assert record("biopython/pubmed2.xml", 11748933).authors[1].affiliations == ()


def test_escaped_less_than_in_abstract_stays_escaped_html():
    (section,) = record("biopython/pubmed2.xml", 11748933).abstract
    assert "(P &lt; 0.001)" in section.text


def test_authors_keep_their_order():
    names = [a.display_name for a in record("biopython/pubmed2.xml", 11748933).authors]
    assert names == [
        "Taddei AR",
        "Barbato F",
        "Abelli L",
        "Canese S",
        "Moretti F",
        "Rana KJ",
        "Fausto AM",
        "Mazzini M",
    ]


def test_mesh_qualifiers_keep_order_and_decoded_ampersand():
    terms = {t.descriptor: t for t in record("biopython/pubmed2.xml", 11748933).mesh_terms}
    assert terms["Sea Bream"] == MeshTerm(
        "Sea Bream", major=True, qualifiers=("anatomy & histology", "physiology")
    )


def test_record_without_mesh_has_no_mesh_terms():
    assert record("biopython/pubmed2.xml", 11700088).mesh_terms == ()


def test_pubmed2_second_record_citation_fields():
    r = record("biopython/pubmed2.xml", 11700088)
    assert r.title == "Proton MRI of (13)C distribution by J and chemical shift editing."
    assert r.journal_title == "Journal of magnetic resonance (San Diego, Calif. : 1997)"
    assert r.journal_abbrev == "J Magn Reson"
    assert (r.volume, r.issue, r.pages) == ("153", "1", "117-23")
    assert r.pub_date == "2001 Nov"
    assert r.doi == "10.1006/jmre.2001.2429"
    assert r.copyright == "Copyright 2001 Academic Press."
    assert [a.display_name for a in r.authors][-1] == "De Luca F"


# ----------------------------------------------------------------- biopython/pubmed4.xml


def test_inline_italic_in_title_is_kept():
    assert record("biopython/pubmed4.xml", 27797938).title == (
        "Leucocyte telomere length, genetic variants at the <i>TERT</i> gene region "
        "and risk of pancreatic cancer."
    )


def test_structured_abstract_keeps_labels_in_order():
    labels = [s.label for s in record("biopython/pubmed4.xml", 27797938).abstract]
    assert labels == ["OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS"]


def test_abstract_keeps_sub_and_sup_and_escapes_less_than():
    results = record("biopython/pubmed4.xml", 27797938).abstract[2]
    assert "p<sub>trend</sub>=0.048" in results.text
    assert "r<sup>2</sup>&lt;0.25" in results.text
    assert "<i>TERT</i> (linkage" in results.text


def test_conclusions_section_text_is_exact():
    assert record("biopython/pubmed4.xml", 27797938).abstract[3] == AbstractSection(
        label="CONCLUSIONS",
        text="Prediagnostic leucocyte telomere length and genetic variants at the <i>TERT</i> "
        "gene region were associated with risk of pancreatic cancer.",
    )


def test_numeric_pubdate_month_becomes_english_name_and_article_date_is_ignored():
    r = record("biopython/pubmed4.xml", 27797938)
    assert r.pub_date == "2017 Jun"  # PubDate 2017/06; ArticleDate (e-pub) is 2016-10-21
    assert r.pub_year == 2017


def test_all_twenty_two_authors_are_read_with_multiple_affiliations():
    authors = record("biopython/pubmed4.xml", 27797938).authors
    assert len(authors) == 22
    assert authors[2].display_name == "Yuan C"
    assert authors[2].affiliations == (
        "Department of Epidemiology, Harvard T.H. Chan School of Public Health, Boston, "
        "Massachusetts, USA.",
        "Department of Medical Oncology, Dana-Farber Cancer Institute, Boston, Massachusetts, USA.",
    )
    assert authors[-1].display_name == "Wolpin BM"


def test_doi_comes_from_the_article_not_from_comments_corrections():
    r = record("biopython/pubmed4.xml", 27797938)
    assert r.doi == "10.1136/gutjnl-2016-312510"


def test_pmcid_comes_from_article_id_list():
    assert record("biopython/pubmed4.xml", 27797938).pmcid == "PMC5442267"


def test_pubmed4_citation_fields():
    r = record("biopython/pubmed4.xml", 27797938)
    assert r.journal_title == "Gut"
    assert r.journal_abbrev == "Gut"
    assert (r.volume, r.issue, r.pages) == ("66", "6", "1116-1122")
    assert r.copyright.startswith("Published by the BMJ Publishing Group Limited.")
    assert r.keywords == ("PANCREATIC CANCER",)
    assert r.publication_types[:2] == ("Journal Article", "Observational Study")
    assert r.language == "eng"


# ----------------------------------------------------------------- biopython/pubmed7.xml


def test_mathml_is_flattened_to_its_text_without_tags():
    (section,) = record("biopython/pubmed7.xml", 29963580).abstract
    assert "(1) inhaled He3/Xe129 MRI ventilation and apparent" in section.text
    assert "ultrashort echo-time H1 MRI proton density" in section.text
    assert "mml" not in section.text
    assert "<" not in section.text


def test_whitespace_in_indented_abstract_is_normalised():
    (section,) = record("biopython/pubmed7.xml", 29963580).abstract
    assert "  " not in section.text
    assert "\n" not in section.text
    assert section.text == section.text.strip()


def test_collective_name_mixed_with_people_keeps_its_place():
    authors = record("biopython/pubmed7.xml", 29963580).authors
    assert len(authors) == 9
    assert authors[0].display_name == "Guo F"
    assert authors[-1] == Author(collective_name="Canadian Respiratory Research Network")
    assert authors[-1].display_name == "Canadian Respiratory Research Network"


def test_electronic_page_number_is_kept_as_pages():
    assert record("biopython/pubmed7.xml", 29963580).pages == "026002"


def test_doi_is_not_taken_from_reference_list():
    r = record("biopython/pubmed7.xml", 29963580)
    assert r.doi == "10.1117/1.JMI.5.2.026002"
    assert r.pmcid == "PMC6022861"


def test_pubmed7_citation_fields():
    r = record("biopython/pubmed7.xml", 29963580)
    assert r.title == (
        "Development of a pulmonary imaging biomarker pipeline for phenotyping of chronic "
        "lung disease."
    )
    assert r.journal_title == "Journal of medical imaging (Bellingham, Wash.)"
    assert r.journal_abbrev == "J Med Imaging (Bellingham)"
    assert (r.volume, r.issue) == ("5", "2")
    assert (r.pub_date, r.pub_year) == ("2018 Apr", 2018)
    assert r.mesh_terms == ()
    assert r.keywords == (
        "asthma",
        "chronic obstructive lung disease",
        "image processing, biomarkers",
        "magnetic resonance imaging",
        "thoracic computed tomography",
    )


# ----------------------------------------------------------------- biopython/esummary8.xml


def test_error_envelope_raises_parse_error_quoting_ncbi():
    with pytest.raises(PubmedParseError, match="Neither query_key nor id specified"):
        parse_pubmed_xml(fixture_bytes("biopython/esummary8.xml"))


def test_efetch_error_envelope_raises_parse_error():
    data = b"<?xml version='1.0'?><eFetchResult><ERROR>Empty id list</ERROR></eFetchResult>"
    with pytest.raises(PubmedParseError, match="Empty id list"):
        parse_pubmed_xml(data)


# ----------------------------------------------------------------- metapub/*.xml


def test_empty_article_set_is_an_empty_result_not_an_error():
    assert parsed("metapub/37909814.xml") == ParsedSet(records=(), failures=())


def test_year_only_pubdate_is_just_the_year():
    r = record("metapub/11618220.xml", 11618220)
    assert (r.pub_date, r.pub_year) == ("1987", 1987)


def test_medline_short_page_form_is_preferred_over_start_end():
    r = record("metapub/11618220.xml", 11618220)
    assert (r.volume, r.issue, r.pages) == ("73", "4-5", "217-64")


def test_11618220_citation_fields():
    r = record("metapub/11618220.xml", 11618220)
    assert r.title == (
        "Eroticism in late Ming, early Qing fiction: the beauteous realm and the sexual "
        "battlefield."
    )
    assert r.abstract == ()
    assert r.journal_title == "T'ung pao. T'oung pao"
    assert r.journal_abbrev == "Toung Pao"
    assert r.doi == "10.1163/156853287x00032"
    assert r.publication_types == ("Historical Article", "Journal Article")
    assert r.authors[0].display_name == "McMahon K"


def test_collective_name_as_only_author():
    r = record("metapub/34843274.xml", 34843274)
    assert r.authors == (
        Author(
            collective_name="Guideline Development Panel for the Treatment of Depressive Disorders"
        ),
    )


def test_34843274_citation_fields():
    r = record("metapub/34843274.xml", 34843274)
    assert r.title.startswith("Summary of the clinical practice guideline")
    assert r.journal_abbrev == "Am Psychol"
    assert (r.volume, r.issue, r.pages) == ("77", "6", "770-780")
    assert (r.pub_date, r.pub_year) == ("2022 Sep", 2022)  # ArticleDate 2021-11-29 is the e-pub
    assert r.doi == "10.1037/amp0000904"
    assert len(r.abstract) == 1
    assert r.abstract[0].text.endswith(
        "(PsycInfo Database Record (c) 2022 APA, all rights reserved)."
    )


def test_bracketed_english_title_is_kept_as_pubmed_shows_it():
    r = record("metapub/38048813.xml", 38048813)
    assert r.title == "[A Broader Scope - Bio-Psycho-Social Medicine In Global Focus]."


def test_vernacular_title_is_decoded():
    r = record("metapub/38048813.xml", 38048813)
    assert (
        r.vernacular_title == "A Broader Scope \u2013 Bio-psycho-soziale Medizin im globalen Fokus."
    )


def test_non_english_record_language_and_umlaut_affiliation():
    r = record("metapub/38048813.xml", 38048813)
    assert r.language == "ger"
    assert r.authors[0].affiliations == (
        "Abteilung Psychosomatische Medizin und Psychotherapie, "
        "Medizinische Universitätsklinik Tübingen.",
    )


def test_38048813_citation_fields():
    r = record("metapub/38048813.xml", 38048813)
    assert r.abstract == ()
    assert r.journal_abbrev == "Psychother Psychosom Med Psychol"
    assert (r.volume, r.issue, r.pages) == ("73", "12", "487-488")
    assert (r.pub_date, r.pub_year) == ("2023 Dec", 2023)
    assert r.publication_types == ("Editorial",)
    assert r.doi == "10.1055/a-2189-0166"
    assert len(r.authors) == 5


def test_book_article_is_rejected_with_its_pmid():
    assert parsed("metapub/sample_article_20301577.xml") == ParsedSet(
        records=(), failures=(RecordFailure(pmid=20301577, reason=BOOK_REASON),)
    )


# ----------------------------------------------------------------- ncbiutils/pubmed.xml


def test_ncbiutils_five_records_in_order():
    assert [r.pmid for r in parsed("ncbiutils/pubmed.xml").records] == [
        35196497,
        33278872,
        24792780,
        30158200,
        151222,
    ]


def test_medline_date_is_kept_as_pubmed_shows_it():
    r = record("ncbiutils/pubmed.xml", 151222)
    assert (r.pub_date, r.pub_year) == ("1978 Jul-Sep", 1978)


def test_151222_citation_fields():
    r = record("ncbiutils/pubmed.xml", 151222)
    assert r.title == "Histochemical and histoenzymic researches in coronary sudden death."
    assert r.journal_abbrev == "Morphol Embryol (Bucur)"
    assert (r.volume, r.issue, r.pages) == ("24", "3", "229-32")
    assert [a.display_name for a in r.authors] == ["Alexandru E", "Dobrescu G"]
    assert r.doi == ""


def test_empty_abstract_text_is_dropped():
    r = record("ncbiutils/pubmed.xml", 33278872)
    assert [s.label for s in r.abstract] == ["ABSTRACT"]
    assert r.abstract[0].text.startswith("Strict physical distancing measures")


def test_record_without_pagination_or_issue_has_empty_pages():
    r = record("ncbiutils/pubmed.xml", 33278872)
    assert (r.volume, r.issue, r.pages) == ("44", "", "")
    assert r.pub_date == "2020 Oct 25"


def test_keywords_are_whitespace_normalised():
    assert record("ncbiutils/pubmed.xml", 33278872).keywords == (
        "Australia",
        "COVID-19",
        "Northern Territory",
        "physical distancing",
        "epidemiology",
    )


def test_investigators_are_not_authors():
    r = record("ncbiutils/pubmed.xml", 30158200)
    assert len(r.authors) == 10
    assert r.authors[-1].display_name == "GEFOS/GENOMOS consortium and the 23andMe research team"


def test_30158200_citation_fields():
    r = record("ncbiutils/pubmed.xml", 30158200)
    assert r.journal_title == "BMJ (Clinical research ed.)"
    assert r.journal_abbrev == "BMJ"
    assert (r.volume, r.issue, r.pages) == ("362", "", "k3225")
    assert (r.pub_date, r.pub_year) == ("2018 Aug 29", 2018)
    assert r.doi == "10.1136/bmj.k3225"
    assert r.pmcid == "PMC6113773"
    assert [s.label for s in r.abstract] == [
        "OBJECTIVES",
        "DESIGN",
        "SETTING",
        "PARTICIPANTS",
        "RESULTS",
        "CONCLUSIONS",
    ]


def test_numeric_charref_in_title_and_raw_utf8_keyword_are_decoded():
    r = record("ncbiutils/pubmed.xml", 35196497)
    assert (
        r.title
        == "SENP2 suppresses browning of white adipose tissues by de-conjugating SUMO from C/EBPβ."
    )
    assert "C/EBPβ" in r.keywords
    assert (
        r.copyright
        == "Copyright © 2022 The Author(s). Published by Elsevier Inc. All rights reserved."
    )


def test_pages_ignore_pii_elocation_when_medline_pgn_exists():
    r = record("ncbiutils/pubmed.xml", 35196497)
    assert r.pages == "110408"
    assert r.doi == "10.1016/j.celrep.2022.110408"


def test_24792780_citation_fields():
    r = record("ncbiutils/pubmed.xml", 24792780)
    assert r.journal_abbrev == "Clin Toxicol (Phila)"
    assert (r.volume, r.issue, r.pages) == ("52", "5", "525-30")
    assert r.pub_date == "2014 Jun"
    assert [s.label for s in r.abstract] == [
        "INTRODUCTION",
        "OBJECTIVES",
        "METHODS",
        "RESULTS",
        "CONCLUSION",
    ]


# ----------------------------------------------------------------- synthetic edge cases


def test_missing_article_title_falls_back_to_vernacular_title():
    data = article_set(
        minimal_article(
            title="<ArticleTitle></ArticleTitle>"
            "<VernacularTitle>Titre <i>fran&#xe7;ais</i>.</VernacularTitle>"
        )
    )
    (r,) = parse_pubmed_xml(data).records
    assert r.title == "Titre <i>français</i>."
    assert r.vernacular_title == "Titre <i>français</i>."


def test_record_without_any_title_is_a_failure_and_others_survive():
    data = article_set(minimal_article("111", title=""), minimal_article("222"))
    result = parse_pubmed_xml(data)
    assert [r.pmid for r in result.records] == [222]
    assert result.failures == (RecordFailure(pmid=111, reason="PubMed record 111 has no title."),)


def test_record_with_invalid_pmid_is_a_failure_without_pmid():
    result = parse_pubmed_xml(article_set(minimal_article("12a"), minimal_article("5")))
    assert [r.pmid for r in result.records] == [5]
    assert result.failures == (
        RecordFailure(pmid=None, reason="PubMed record has an invalid PMID '12a'."),
    )


def test_record_with_missing_pmid_is_a_failure():
    result = parse_pubmed_xml(article_set(minimal_article("")))
    assert result.failures == (RecordFailure(pmid=None, reason="PubMed record has no PMID."),)


def test_invalid_author_is_skipped():
    article = minimal_article().replace(
        "</Article>",
        "<AuthorList><Author ValidYN='N'><LastName>Wrong</LastName><Initials>W</Initials></Author>"
        "<Author ValidYN='Y'><LastName>Fritz</LastName><ForeName>Jan</ForeName>"
        "<Initials>J</Initials></Author></AuthorList></Article>",
    )
    (r,) = parse_pubmed_xml(article_set(article)).records
    assert [a.display_name for a in r.authors] == ["Fritz J"]


def test_medline_date_with_two_years_uses_the_first_year():
    article = minimal_article().replace(
        "<Title>J</Title>",
        "<JournalIssue><PubDate><MedlineDate>2007 Nov-2008 Jan</MedlineDate></PubDate>"
        "</JournalIssue><Title>J</Title>",
    )
    (r,) = parse_pubmed_xml(article_set(article)).records
    assert (r.pub_date, r.pub_year) == ("2007 Nov-2008 Jan", 2007)


def test_year_and_month_range_season_is_shown_like_medline_date():
    article = minimal_article().replace(
        "<Title>J</Title>",
        "<JournalIssue><PubDate><Year>2007</Year><Season>Nov-Dec</Season></PubDate>"
        "</JournalIssue><Title>J</Title>",
    )
    (r,) = parse_pubmed_xml(article_set(article)).records
    assert (r.pub_date, r.pub_year) == ("2007 Nov-Dec", 2007)


def test_start_and_end_page_are_used_without_medline_pgn():
    article = minimal_article().replace(
        "</Article>",
        "<Pagination><StartPage>1751</StartPage><EndPage>1771</EndPage></Pagination></Article>",
    )
    (r,) = parse_pubmed_xml(article_set(article)).records
    assert r.pages == "1751-1771"


def test_pii_elocation_is_the_last_resort_for_pages():
    article = minimal_article().replace(
        "</Article>", "<ELocationID EIdType='pii' ValidYN='Y'>e0123</ELocationID></Article>"
    )
    (r,) = parse_pubmed_xml(article_set(article)).records
    assert r.pages == "e0123"


def test_iso_abbreviation_is_used_without_medline_ta():
    article = minimal_article().replace(
        "<Title>J</Title>",
        "<Title>Radiographics</Title><ISOAbbreviation>RadioGraphics</ISOAbbreviation>",
    )
    (r,) = parse_pubmed_xml(article_set(article)).records
    assert r.journal_abbrev == "RadioGraphics"


def test_unknown_tags_and_attributes_in_title_are_dropped_but_text_kept():
    title = (
        "<ArticleTitle>A <I class='x'>big</I> <span>deal</span> "
        "&lt;script&gt;alert(1)&lt;/script&gt;</ArticleTitle>"
    )
    (r,) = parse_pubmed_xml(article_set(minimal_article(title=title))).records
    assert r.title == "A <i>big</i> deal &lt;script&gt;alert(1)&lt;/script&gt;"


# ----------------------------------------------------------------- whole-document refusals


def test_billion_laughs_document_is_refused_not_expanded():
    data = b"""<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
<ArticleTitle>&lol3;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"""
    with pytest.raises(PubmedParseError, match="entities"):
        parse_pubmed_xml(data)


def test_external_entity_document_is_refused():
    data = b"""<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>
<ArticleTitle>&xxe;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"""
    with pytest.raises(PubmedParseError, match="entities or external references") as excinfo:
        parse_pubmed_xml(data)
    assert "root:" not in str(excinfo.value)  # /etc/passwd was never read into anything


def test_truncated_xml_raises_parse_error_saying_so():
    data = fixture_bytes("biopython/pubmed4.xml")[:5000]
    with pytest.raises(PubmedParseError, match="not well-formed XML.*truncated"):
        parse_pubmed_xml(data)


def test_html_page_raises_parse_error_naming_html():
    data = (
        b"<!DOCTYPE html><html><head><title>Service unavailable</title></head><body></body></html>"
    )
    with pytest.raises(PubmedParseError, match="HTML page instead of XML"):
        parse_pubmed_xml(data)


def test_empty_answer_raises_parse_error():
    with pytest.raises(PubmedParseError, match="empty"):
        parse_pubmed_xml(b"  \n")


def test_other_root_element_raises_parse_error():
    with pytest.raises(PubmedParseError, match="<eSummaryResult>.*PubmedArticleSet"):
        parse_pubmed_xml(b"<eSummaryResult><DocSum/></eSummaryResult>")


def test_parse_errors_are_pubmed_errors_with_one_line_messages():
    with pytest.raises(PubmedError) as excinfo:
        parse_pubmed_xml(b"not xml at all")
    assert "\n" not in str(excinfo.value)


def test_public_dataclasses_are_frozen():
    r = record("biopython/pubmed1.xml", 9997)
    with pytest.raises(AttributeError):
        r.title = "changed"  # type: ignore[misc]
