"""parse_pmid_input: what a person pastes into the "import from PubMed" box."""

import pytest

from posts.pubmed.pmids import parse_pmid_input
from posts.pubmed.records import PmidInput


def test_single_pmid():
    assert parse_pmid_input("18025516") == PmidInput(pmids=(18025516,), invalid=())


def test_empty_and_blank_input_give_nothing():
    assert parse_pmid_input("") == PmidInput(pmids=(), invalid=())
    assert parse_pmid_input(" \n\t ,; ") == PmidInput(pmids=(), invalid=())


@pytest.mark.parametrize(
    "text",
    ["1 2 3", "1,2,3", "1;2;3", "1\n2\n3", "1, 2;\r\n 3", "1\t2  ,,  3"],
)
def test_spaces_commas_semicolons_and_newlines_separate_pmids(text):
    assert parse_pmid_input(text).pmids == (1, 2, 3)


def test_pubmed_url_with_trailing_slash():
    assert parse_pmid_input("https://pubmed.ncbi.nlm.nih.gov/12345678/").pmids == (12345678,)


def test_old_ncbi_pubmed_url():
    assert parse_pmid_input("http://www.ncbi.nlm.nih.gov/pubmed/12345678").pmids == (12345678,)


def test_pubmed_url_with_query_string():
    text = "https://pubmed.ncbi.nlm.nih.gov/12345678/?from_term=spine&from_pos=3"
    assert parse_pmid_input(text) == PmidInput(pmids=(12345678,), invalid=())


def test_old_ncbi_url_with_query_string():
    text = "https://www.ncbi.nlm.nih.gov/pubmed/12345678?dopt=Abstract"
    assert parse_pmid_input(text).pmids == (12345678,)


def test_pubmed_url_without_scheme():
    assert parse_pmid_input("pubmed.ncbi.nlm.nih.gov/12345678").pmids == (12345678,)


def test_other_site_url_is_invalid():
    text = "https://example.com/12345678/"
    assert parse_pmid_input(text) == PmidInput(pmids=(), invalid=(text,))


def test_pubmed_search_url_is_invalid():
    text = "https://pubmed.ncbi.nlm.nih.gov/?term=spine"
    assert parse_pmid_input(text) == PmidInput(pmids=(), invalid=(text,))


def test_pmid_label_with_colon_and_space():
    assert parse_pmid_input("PMID: 12345678") == PmidInput(pmids=(12345678,), invalid=())


def test_lowercase_pmid_label_without_space():
    assert parse_pmid_input("pmid:12345678").pmids == (12345678,)


def test_pmid_label_at_end_of_a_citation_allows_the_full_stop():
    text = "Radiographics. 2007 Nov-Dec;27(6):1751-71. PMID: 18025516."
    assert 18025516 in parse_pmid_input(text).pmids


def test_pmid_label_with_junk_is_invalid_verbatim():
    assert parse_pmid_input("PMID: abc").invalid == ("PMID: abc",)


def test_zero_is_invalid():
    assert parse_pmid_input("0") == PmidInput(pmids=(), invalid=("0",))


def test_negative_number_is_invalid():
    assert parse_pmid_input("-5") == PmidInput(pmids=(), invalid=("-5",))


def test_more_than_ten_digits_is_invalid():
    assert parse_pmid_input("12345678901") == PmidInput(pmids=(), invalid=("12345678901",))


def test_ten_digits_is_accepted():
    assert parse_pmid_input("9999999999").pmids == (9999999999,)


def test_letters_and_mixed_tokens_are_invalid_verbatim():
    assert parse_pmid_input("abc 12a").invalid == ("abc", "12a")


def test_non_ascii_digits_are_invalid():
    assert parse_pmid_input("\uff11\uff12\uff13").invalid == ("\uff11\uff12\uff13",)


def test_invalid_tokens_keep_input_order_next_to_valid_pmids():
    result = parse_pmid_input("abc 11, 0; 22 12a")
    assert result == PmidInput(pmids=(11, 22), invalid=("abc", "0", "12a"))


def test_duplicates_collapse_keeping_first_seen_order():
    text = "3 1 https://pubmed.ncbi.nlm.nih.gov/3/ PMID: 2 1"
    assert parse_pmid_input(text).pmids == (3, 1, 2)


def test_mixed_forms_in_one_paste():
    text = (
        "18025516\n"
        "https://pubmed.ncbi.nlm.nih.gov/27797938/\n"
        "http://www.ncbi.nlm.nih.gov/pubmed/29963580, PMID: 151222; pmid:9997"
    )
    assert parse_pmid_input(text).pmids == (18025516, 27797938, 29963580, 151222, 9997)
