"""Parse efetch ``PubmedArticleSet`` XML into :class:`~posts.pubmed.records.PubmedRecord`.

Each ``PubmedArticle`` is parsed on its own; one bad record becomes a
:class:`RecordFailure` and never stops the others. The XML is parsed with
``defusedxml`` (no DTD or entity is ever fetched or expanded). Framework-free.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from html import escape
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as DefusedET

from posts.markup import ALLOWED_TAGS, sanitize_inline
from posts.pubmed.records import (
    AbstractSection,
    Author,
    MeshTerm,
    ParsedSet,
    PubmedParseError,
    PubmedRecord,
    RecordFailure,
    describe_bytes,
    looks_like_html,
    norm_space,
    parse_pmid,
)

BOOK_ARTICLE_REASON = (
    "PubMed book chapters (PubmedBookArticle) are not imported; radRounds posts journal articles."
)

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_BY_NAME = {name.lower(): name for name in _MONTHS}
_MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"
_MATHML_TOKENS = frozenset({"mi", "mn", "mo", "mtext", "ms"})


class _RecordError(Exception):
    """One record cannot be used; becomes a RecordFailure."""


def _text(element: Element | None) -> str:
    """All the text of an element (markup dropped), whitespace normalised."""
    if element is None:
        return ""
    return norm_space("".join(element.itertext()))


def _local_name(tag: Any) -> str:
    if not isinstance(tag, str):  # comments / processing instructions
        return ""
    return tag.rsplit("}", 1)[-1]


def _mathml_text(element: Element) -> str:
    """MathML flattened to the text of its token elements (indentation ignored)."""
    return "".join(
        node.text or ""
        for node in element.iter()
        if _local_name(node.tag) in _MATHML_TOKENS and node.tag.startswith(_MATHML_NS)
    )


def _inline_fragment(element: Element) -> str:
    """Serialize an element's content as an (unsanitised) HTML fragment.

    Allow-listed inline tags are kept (lower-cased, no attributes); MathML and other
    namespaced elements are flattened to their text; unknown tags are dropped but
    their content kept. Text is HTML-escaped.
    """
    parts: list[str] = [escape(element.text or "", quote=False)]
    for child in element:
        tag = child.tag
        if isinstance(tag, str):
            name = _local_name(tag).lower()
            if tag.startswith(_MATHML_NS):
                parts.append(escape(_mathml_text(child), quote=False))
            elif tag.startswith("{"):
                parts.append(escape("".join(child.itertext()), quote=False))
            elif name in ALLOWED_TAGS:
                parts.append(f"<{name}>{_inline_fragment(child)}</{name}>")
            else:
                parts.append(_inline_fragment(child))
        parts.append(escape(child.tail or "", quote=False))
    return "".join(parts)


def _inline_html(element: Element | None) -> str:
    """Sanitised inline HTML for ArticleTitle / AbstractText, whitespace normalised."""
    if element is None:
        return ""
    return sanitize_inline(norm_space(_inline_fragment(element)))


def _month_name(value: str) -> str:
    value = value.strip()
    if value.isdigit():
        number = int(value)
        return _MONTHS[number - 1] if 1 <= number <= 12 else value
    return _MONTH_BY_NAME.get(value[:3].lower(), value) if len(value) >= 3 else value


def _pub_date(pub_date: Element | None) -> tuple[str, int | None]:
    """``(as PubMed shows it, year)`` from a JournalIssue/PubDate element."""
    if pub_date is None:
        return "", None
    medline_date = _text(pub_date.find("MedlineDate"))
    if medline_date:
        match = re.search(r"(?<!\d)(\d{4})(?!\d)", medline_date)
        return medline_date, int(match.group(1)) if match else None
    year = _text(pub_date.find("Year"))
    season = _text(pub_date.find("Season"))
    month = _text(pub_date.find("Month"))
    day = _text(pub_date.find("Day"))
    parts = [year]
    if season:
        parts.append(season)
    elif month:
        parts.append(_month_name(month))
        if day:
            parts.append(str(int(day)) if day.isdigit() else day)
    shown = " ".join(part for part in parts if part)
    return shown, int(year) if year.isascii() and year.isdigit() else None


def _article_date(article: Element) -> str:
    """The electronic publication date as PubMed shows it (``2019 Jan 26``), or ``""``."""
    for element in article.findall("ArticleDate"):
        if element.get("DateType", "Electronic") == "Electronic":
            shown, _year = _pub_date(element)
            return shown
    return ""


def _journal_abbrev(citation: Element, journal: Element | None) -> str:
    """PubMed cites the journal by its ``MedlineTA`` (``Am J Surg``).

    Only a record without one falls back to the ISO abbreviation, written the way
    MedlineTA is (older ISO forms carry full stops: ``Am. J. Surg.``).
    """
    medline_ta = _text(citation.find("MedlineJournalInfo/MedlineTA"))
    if medline_ta or journal is None:
        return medline_ta
    iso = _text(journal.find("ISOAbbreviation"))
    return norm_space(re.sub(r"\.(?=\s|$)", "", iso))


def _author(element: Element) -> Author | None:
    if element.get("ValidYN", "Y").upper() == "N":
        return None
    author = Author(
        last_name=_text(element.find("LastName")),
        fore_name=_text(element.find("ForeName")),
        initials=_text(element.find("Initials")),
        collective_name=_text(element.find("CollectiveName")),
        affiliations=tuple(
            text
            for text in (_text(a) for a in element.findall("AffiliationInfo/Affiliation"))
            if text
        ),
    )
    if not (author.last_name or author.fore_name or author.collective_name):
        return None
    return author


def _mesh_term(heading: Element) -> MeshTerm | None:
    descriptor = heading.find("DescriptorName")
    name = _text(descriptor)
    if descriptor is None or not name:
        return None
    qualifiers = heading.findall("QualifierName")
    major = descriptor.get("MajorTopicYN") == "Y" or any(
        q.get("MajorTopicYN") == "Y" for q in qualifiers
    )
    return MeshTerm(
        descriptor=name,
        major=major,
        qualifiers=tuple(text for text in (_text(q) for q in qualifiers) if text),
    )


def _pages(article: Element) -> str:
    medline_pgn = _text(article.find("Pagination/MedlinePgn"))
    if medline_pgn:
        return medline_pgn
    start = _text(article.find("Pagination/StartPage"))
    end = _text(article.find("Pagination/EndPage"))
    if start:
        return f"{start}-{end}" if end and end != start else start
    return _elocation_id(article, "pii")


def _elocation_id(article: Element, id_type: str) -> str:
    for location in article.findall("ELocationID"):
        if location.get("EIdType") == id_type and location.get("ValidYN", "Y") != "N":
            value = _text(location)
            if value:
                return value
    return ""


def _article_id(article_element: Element, id_type: str) -> str:
    # Direct children only: ReferenceList/Reference/ArticleIdList must never match.
    for article_id in article_element.findall("PubmedData/ArticleIdList/ArticleId"):
        if article_id.get("IdType") == id_type:
            value = _text(article_id)
            if value:
                return value
    return ""


def _doi(article: Element, article_element: Element) -> str:
    return _elocation_id(article, "doi") or _article_id(article_element, "doi")


def _parse_article(article_element: Element) -> PubmedRecord:
    citation = article_element.find("MedlineCitation")
    if citation is None:
        raise _RecordError("PubMed record has no MedlineCitation.")
    pmid_text = _text(citation.find("PMID"))
    pmid = parse_pmid(pmid_text)
    if pmid is None:
        if pmid_text:
            raise _RecordError(f"PubMed record has an invalid PMID {pmid_text!r}.")
        raise _RecordError("PubMed record has no PMID.")
    article = citation.find("Article")
    if article is None:
        raise _RecordError(f"PubMed record {pmid} has no Article element.")

    vernacular_title = _inline_html(article.find("VernacularTitle"))
    title = _inline_html(article.find("ArticleTitle")) or vernacular_title
    if not title:
        raise _RecordError(f"PubMed record {pmid} has no title.")

    abstract: list[AbstractSection] = []
    copyright_text = ""
    abstract_element = article.find("Abstract")
    if abstract_element is not None:
        for section in abstract_element.findall("AbstractText"):
            text = _inline_html(section)
            if text:
                abstract.append(AbstractSection(label=norm_space(section.get("Label")), text=text))
        copyright_text = _text(abstract_element.find("CopyrightInformation"))

    authors = tuple(
        author
        for author in (_author(element) for element in article.findall("AuthorList/Author"))
        if author is not None
    )
    # Records from before 2014 may carry one affiliation on the article instead of one
    # per author; PubMed shows it as the first author's.
    article_affiliation = _text(article.find("Affiliation"))
    if article_affiliation and authors and not any(a.affiliations for a in authors):
        authors = (replace(authors[0], affiliations=(article_affiliation,)), *authors[1:])

    journal = article.find("Journal")
    journal_title = _text(journal.find("Title")) if journal is not None else ""
    journal_abbrev = _journal_abbrev(citation, journal)
    issue_element = journal.find("JournalIssue") if journal is not None else None
    volume = _text(issue_element.find("Volume")) if issue_element is not None else ""
    issue = _text(issue_element.find("Issue")) if issue_element is not None else ""
    pub_date, pub_year = _pub_date(
        issue_element.find("PubDate") if issue_element is not None else None
    )

    return PubmedRecord(
        pmid=pmid,
        title=title,
        vernacular_title=vernacular_title,
        abstract=tuple(abstract),
        copyright=copyright_text,
        authors=authors,
        journal_title=journal_title,
        journal_abbrev=journal_abbrev,
        volume=volume,
        issue=issue,
        pages=_pages(article),
        pub_date=pub_date,
        pub_year=pub_year,
        language=_text(article.find("Language")),
        publication_types=_texts(article.findall("PublicationTypeList/PublicationType")),
        mesh_terms=tuple(
            term
            for term in map(_mesh_term, citation.findall("MeshHeadingList/MeshHeading"))
            if term is not None
        ),
        keywords=tuple(dict.fromkeys(_texts(citation.findall("KeywordList/Keyword")))),
        doi=_doi(article, article_element),
        pmcid=_article_id(article_element, "pmc"),
        pub_model=norm_space(article.get("PubModel")),
        article_date=_article_date(article),
        publication_status=_text(article_element.find("PubmedData/PublicationStatus")),
    )


def _texts(elements: Iterable[Element]) -> tuple[str, ...]:
    return tuple(text for text in (_text(e) for e in elements) if text)


def _parse_document(data: bytes) -> Element:
    if not data or not data.strip():
        raise PubmedParseError("PubMed's answer was empty (no XML at all).")
    if looks_like_html(data):
        raise PubmedParseError(
            "PubMed answered with an HTML page instead of XML "
            "(probably an error or maintenance page)."
        )
    try:
        return DefusedET.fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except defusedxml.DefusedXmlException as exc:
        raise PubmedParseError(
            "Refused PubMed's answer: the XML declares entities or external references "
            f"({type(exc).__name__}), which PubMed never sends."
        ) from None
    except ParseError as exc:
        reason = str(exc)
        hint = ""
        if reason.startswith(("no element found", "unclosed token")):
            hint = " (it looks truncated)"
        raise PubmedParseError(
            f"PubMed's answer is not well-formed XML{hint}: {reason}; "
            f"it starts with {describe_bytes(data)}."
        ) from None


def parse_pubmed_xml(data: bytes) -> ParsedSet:
    """Parse an efetch ``PubmedArticleSet`` (bytes as received) into records/failures.

    Raises :class:`PubmedParseError` if the document as a whole cannot be used.
    """
    root = _parse_document(data)
    errors = [_text(error) for error in root.findall("ERROR")]
    if root.tag == "ERROR" or errors:
        message = "; ".join(e for e in errors if e) or "no error text"
        raise PubmedParseError(f"PubMed (E-utilities) answered with an error: {message}")
    if root.tag != "PubmedArticleSet":
        raise PubmedParseError(
            f"PubMed's answer is a <{_local_name(root.tag)}> document, "
            "not the <PubmedArticleSet> that efetch returns."
        )

    records: list[PubmedRecord] = []
    failures: list[RecordFailure] = []
    for child in root:
        if child.tag == "PubmedBookArticle":
            book_pmid = parse_pmid(_text(child.find("BookDocument/PMID")))
            failures.append(RecordFailure(pmid=book_pmid, reason=BOOK_ARTICLE_REASON))
        elif child.tag == "PubmedArticle":
            try:
                records.append(_parse_article(child))
            except _RecordError as exc:
                failures.append(RecordFailure(pmid=_pmid_of(child), reason=str(exc)))
            except Exception as exc:  # one odd record must never stop the others
                pmid = _pmid_of(child)
                failures.append(
                    RecordFailure(
                        pmid=pmid,
                        reason=f"PubMed record {pmid or '(no PMID)'} could not be read "
                        f"({type(exc).__name__}: {exc}).",
                    )
                )
        # Anything else (e.g. DeleteCitation in baseline files) is not an article.
    return ParsedSet(records=tuple(records), failures=tuple(failures))


def _pmid_of(article_element: Element) -> int | None:
    return parse_pmid(_text(article_element.find("MedlineCitation/PMID")))
