"""PubMed E-utilities: XML parser, HTTP client and PMID-input parsing.

Framework-free on purpose (no Django imports): the Django side passes settings to
:class:`EutilsClient` and stores what :func:`parse_pubmed_xml` returns.

* :func:`parse_pubmed_xml` turns an efetch ``PubmedArticleSet`` into frozen
  dataclasses. Each ``PubmedArticle`` is parsed on its own; one bad record becomes a
  :class:`RecordFailure` and never stops the others. The XML is parsed with
  ``defusedxml`` (no DTD or entity is ever fetched or expanded).
* :func:`parse_pmid_input` reads what a person pastes: PMIDs, PubMed URLs, ``PMID:``.
* :class:`EutilsClient` talks to NCBI with ``urllib`` only: batching, POST for long id
  lists, a process-wide :class:`RateLimiter` (3 requests/s, 10 with an API key),
  retries with back-off on 429/5xx, and clear :class:`PubmedError` messages.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree as DefusedET

from posts.markup import ALLOWED_TAGS, sanitize_inline

__all__ = [
    "AbstractSection",
    "Author",
    "EutilsClient",
    "FetchResult",
    "MeshTerm",
    "ParsedSet",
    "PmidInput",
    "PubmedError",
    "PubmedParseError",
    "PubmedRecord",
    "PubmedUnavailable",
    "RateLimiter",
    "RecordFailure",
    "parse_pmid_input",
    "parse_pubmed_xml",
    "shared_rate_limiter",
]


# --------------------------------------------------------------------------- errors


class PubmedError(Exception):
    """Base for every PubMed problem; ``str()`` is a one-line human message."""


class PubmedParseError(PubmedError):
    """The whole document is unusable (not XML, truncated, HTML, an ``<ERROR>`` ...)."""


class PubmedUnavailable(PubmedError):
    """PubMed could not be reached or kept failing (timeout, refused, 5xx/429)."""


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Author:
    last_name: str = ""
    fore_name: str = ""
    initials: str = ""
    collective_name: str = ""
    affiliations: tuple[str, ...] = ()

    @property
    def display_name(self) -> str:
        """How PubMed cites the author: ``"Fritz J"``, or the collective name as is."""
        if self.collective_name:
            return self.collective_name
        first = self.initials or self.fore_name
        return " ".join(part for part in (self.last_name, first) if part)


@dataclass(frozen=True)
class AbstractSection:
    label: str  # "" if unlabelled
    text: str  # sanitized inline HTML


@dataclass(frozen=True)
class MeshTerm:
    descriptor: str
    major: bool
    qualifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class PubmedRecord:
    pmid: int
    title: str
    vernacular_title: str
    abstract: tuple[AbstractSection, ...]
    copyright: str
    authors: tuple[Author, ...]
    journal_title: str
    journal_abbrev: str
    volume: str
    issue: str
    pages: str
    pub_date: str
    pub_year: int | None
    language: str
    publication_types: tuple[str, ...]
    mesh_terms: tuple[MeshTerm, ...]
    keywords: tuple[str, ...]
    doi: str
    pmcid: str


@dataclass(frozen=True)
class RecordFailure:
    pmid: int | None
    reason: str


@dataclass(frozen=True)
class ParsedSet:
    records: tuple[PubmedRecord, ...]
    failures: tuple[RecordFailure, ...]


@dataclass(frozen=True)
class FetchResult:
    records: tuple[PubmedRecord, ...]
    failures: tuple[RecordFailure, ...]
    missing: tuple[int, ...]  # asked for, not in PubMed's answer: not found on PubMed


@dataclass(frozen=True)
class PmidInput:
    pmids: tuple[int, ...]
    invalid: tuple[str, ...]


# --------------------------------------------------------------------------- parser

BOOK_ARTICLE_REASON = (
    "PubMed book chapters (PubmedBookArticle) are not imported; radRounds posts journal articles."
)

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_BY_NAME = {name.lower(): name for name in _MONTHS}
_MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"
_MATHML_TOKENS = frozenset({"mi", "mn", "mo", "mtext", "ms"})
_MAX_PMID = 9_999_999_999  # PMIDs are positive integers of at most 10 digits


class _RecordError(Exception):
    """One record cannot be used; becomes a RecordFailure."""


def _norm(text: str | None) -> str:
    """Collapse every run of whitespace (incl. NBSP, thin space) to one space; strip."""
    return " ".join(text.split()) if text else ""


def _text(element: Element | None) -> str:
    """All the text of an element (markup dropped), whitespace normalised."""
    if element is None:
        return ""
    return _norm("".join(element.itertext()))


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
    return sanitize_inline(_norm(_inline_fragment(element)))


def _parse_pmid(value: str) -> int | None:
    value = value.strip()
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= _MAX_PMID else None


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
    pmid = _parse_pmid(pmid_text)
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
                abstract.append(AbstractSection(label=_norm(section.get("Label")), text=text))
        copyright_text = _text(abstract_element.find("CopyrightInformation"))

    authors = tuple(
        author
        for author in (_author(element) for element in article.findall("AuthorList/Author"))
        if author is not None
    )

    journal = article.find("Journal")
    journal_title = _text(journal.find("Title")) if journal is not None else ""
    journal_abbrev = _text(citation.find("MedlineJournalInfo/MedlineTA"))
    if not journal_abbrev and journal is not None:
        journal_abbrev = _text(journal.find("ISOAbbreviation"))
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
    )


def _texts(elements: Iterable[Element]) -> tuple[str, ...]:
    return tuple(text for text in (_text(e) for e in elements) if text)


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml"):
        head = head[head.find(b"?>") + 2 :].lstrip()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:200]


def _describe_bytes(data: bytes) -> str:
    snippet = _norm(data[:80].decode("utf-8", "replace"))
    return f"{snippet!r}" if snippet else "nothing"


def _parse_document(data: bytes) -> Element:
    if not data or not data.strip():
        raise PubmedParseError("PubMed's answer was empty (no XML at all).")
    if _looks_like_html(data):
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
            f"it starts with {_describe_bytes(data)}."
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
            book_pmid = _parse_pmid(_text(child.find("BookDocument/PMID")))
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
    return _parse_pmid(_text(article_element.find("MedlineCitation/PMID")))


# --------------------------------------------------------------------------- PMID input

_TOKEN_RE = re.compile(r"pmid\s*:?\s*[^\s,;]+|[^\s,;]+", re.IGNORECASE)
_PMID_PREFIX_RE = re.compile(r"pmid\s*:?\s*", re.IGNORECASE)
_PUBMED_HOSTS = ("pubmed.ncbi.nlm.nih.gov", "ncbi.nlm.nih.gov", "www.ncbi.nlm.nih.gov")
_URL_PATH_RES = (
    re.compile(r"^/(\d+)/?$"),  # pubmed.ncbi.nlm.nih.gov/12345678/
    re.compile(r"^/(?:m/)?pubmed/(\d+)/?$", re.IGNORECASE),  # ncbi.nlm.nih.gov/pubmed/1234
)


def _pmid_from_url(token: str) -> int | None:
    url = token if "://" in token else f"https://{token}"
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    if (parts.hostname or "").lower() not in _PUBMED_HOSTS:
        return None
    for pattern in _URL_PATH_RES:
        match = pattern.match(parts.path)
        if match:
            return _parse_pmid(match.group(1))
    # Old search form: https://www.ncbi.nlm.nih.gov/pubmed/?term=12345678
    if parts.path.rstrip("/").lower().endswith("pubmed"):
        terms = urllib.parse.parse_qs(parts.query).get("term", [])
        if len(terms) == 1:
            return _parse_pmid(terms[0])
    return None


def _pmid_from_token(token: str) -> int | None:
    prefix = _PMID_PREFIX_RE.match(token)
    if prefix:
        rest = token[prefix.end() :]
        return _parse_pmid(rest[:-1] if rest.endswith(".") else rest)
    if "/" in token or token.lower().startswith(("http:", "https:")):
        return _pmid_from_url(token)
    return _parse_pmid(token)


def parse_pmid_input(text: str) -> PmidInput:
    """Read PMIDs from free text: numbers, PubMed URLs, ``PMID: 123`` / ``pmid:123``.

    Separators are whitespace, commas and semicolons. Duplicates keep their first
    position; anything that is not a PMID is returned verbatim in ``invalid``.
    """
    pmids: dict[int, None] = {}
    invalid: dict[str, None] = {}
    for match in _TOKEN_RE.finditer(text or ""):
        token = match.group(0)
        pmid = _pmid_from_token(token)
        if pmid is None:
            invalid.setdefault(token, None)
        else:
            pmids.setdefault(pmid, None)
    return PmidInput(pmids=tuple(pmids), invalid=tuple(invalid))


# --------------------------------------------------------------------------- rate limit


class RateLimiter:
    """Spaces calls to :meth:`wait` at least ``1 / rate_per_second`` apart (start-to-start).

    Thread-safe: each caller reserves the next free slot under a lock, then sleeps
    outside it, so concurrent callers queue up in order.
    """

    def __init__(
        self,
        rate_per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not rate_per_second > 0:
            raise ValueError("rate_per_second must be positive")
        self.rate_per_second = float(rate_per_second)
        self.interval = 1.0 / self.rate_per_second
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_slot: float | None = None

    def wait(self) -> None:
        """Block until the caller may start its request."""
        with self._lock:
            now = self._clock()
            slot = now if self._next_slot is None else max(now, self._next_slot)
            self._next_slot = slot + self.interval
        delay = slot - now
        if delay > 0:
            self._sleep(delay)


_shared_limiters: dict[float, RateLimiter] = {}
_shared_limiters_lock = threading.Lock()


def shared_rate_limiter(rate_per_second: float) -> RateLimiter:
    """The one process-wide :class:`RateLimiter` for this rate (created on first use)."""
    key = float(rate_per_second)
    with _shared_limiters_lock:
        limiter = _shared_limiters.get(key)
        if limiter is None:
            limiter = _shared_limiters[key] = RateLimiter(key)
        return limiter


# --------------------------------------------------------------------------- client

_SERVICE = "PubMed (E-utilities)"
_MAX_BATCH = 200
_POST_ABOVE_IDS = 50
_MAX_GET_URL = 2000
_BACKOFF_BASE = 1.0
_BACKOFF_CAP = 30.0
_RETRY_AFTER_CAP = 60.0
_MAX_SEARCH_RESULTS = 10_000


def _retry_after_seconds(value: str | None) -> float | None:
    """The seconds form of Retry-After, capped; ``None`` if absent or a date."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    if seconds != seconds or seconds < 0:  # NaN or negative
        return None
    return min(seconds, _RETRY_AFTER_CAP)


def _seconds(value: float) -> str:
    return f"{value:g} s"


class EutilsClient:
    """A small NCBI E-utilities client for PubMed (efetch, esearch), stdlib only.

    HTTP 429 and 5xx are retried ``max_retries`` times (Retry-After honoured, else
    1 s, 2 s, 4 s ... capped at 30 s). Timeouts and connection/DNS failures are not
    retried: they raise :class:`PubmedUnavailable` at once, so a caller never hangs
    longer than about ``timeout``.
    """

    def __init__(
        self,
        base_url: str = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/",
        *,
        tool: str = "radrounds",
        email: str = "",
        api_key: str = "",
        timeout: float = 20.0,
        max_retries: int = 3,
        rate_limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
            raise ValueError("base_url must be an http(s) URL")
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.tool = tool
        self.email = email
        self.api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self.rate_limiter = rate_limiter or shared_rate_limiter(10.0 if api_key else 3.0)
        self._sleep = sleep

    # ------------------------------------------------------------------ public

    def fetch(
        self,
        pmids: Sequence[int],
        *,
        batch_size: int = _MAX_BATCH,
        on_batch: Callable[[int, int], None] | None = None,
    ) -> FetchResult:
        """efetch the PubMed records for ``pmids`` (duplicates fetched once).

        ``on_batch(done, total)`` is called after each batch with the number of PMIDs
        handled so far and the total number of distinct PMIDs.
        """
        if not 1 <= batch_size <= _MAX_BATCH:
            raise ValueError(f"batch_size must be between 1 and {_MAX_BATCH}")
        wanted: list[int] = []
        for pmid in dict.fromkeys(pmids):
            if isinstance(pmid, bool) or not isinstance(pmid, int) or not 0 < pmid <= _MAX_PMID:
                raise ValueError(f"not a PMID: {pmid!r}")
            wanted.append(pmid)

        found: dict[int, PubmedRecord] = {}
        failures: list[RecordFailure] = []
        answered: set[int] = set()
        for start in range(0, len(wanted), batch_size):
            batch = wanted[start : start + batch_size]
            requested = set(batch)
            body = self._request(
                "efetch.fcgi",
                [("db", "pubmed"), ("retmode", "xml"), ("id", ",".join(map(str, batch)))],
                force_post=len(batch) > _POST_ABOVE_IDS,
            )
            parsed = parse_pubmed_xml(body)
            for record in parsed.records:
                if record.pmid not in requested:
                    failures.append(
                        RecordFailure(
                            pmid=record.pmid,
                            reason=f"PubMed returned PMID {record.pmid}, which was not requested.",
                        )
                    )
                elif record.pmid not in found:
                    found[record.pmid] = record
                    answered.add(record.pmid)
            for failure in parsed.failures:
                failures.append(failure)
                if failure.pmid is not None:
                    answered.add(failure.pmid)
            if on_batch is not None:
                on_batch(min(start + batch_size, len(wanted)), len(wanted))

        return FetchResult(
            records=tuple(found[p] for p in wanted if p in found),
            failures=tuple(failures),
            missing=tuple(p for p in wanted if p not in answered),
        )

    def search(self, term: str, *, max_results: int) -> tuple[int, ...]:
        """esearch PubMed for ``term``; the PMIDs in PubMed's order (at most max_results)."""
        if isinstance(max_results, bool) or not 1 <= max_results <= _MAX_SEARCH_RESULTS:
            raise ValueError(f"max_results must be between 1 and {_MAX_SEARCH_RESULTS}")
        if not term or not term.strip():
            raise ValueError("search term is empty")
        body = self._request(
            "esearch.fcgi",
            [
                ("db", "pubmed"),
                ("retmode", "json"),
                ("retmax", str(max_results)),
                ("term", term.strip()),
            ],
        )
        return _parse_esearch_json(body)

    # ------------------------------------------------------------------ HTTP

    def _params(self, params: list[tuple[str, str]]) -> list[tuple[str, str]]:
        extra = [("tool", self.tool)] if self.tool else []
        if self.email:
            extra.append(("email", self.email))
        if self.api_key:
            extra.append(("api_key", self.api_key))
        return params + extra

    def _build_request(
        self, endpoint: str, params: list[tuple[str, str]], force_post: bool
    ) -> urllib.request.Request:
        url = self.base_url + endpoint
        query = urllib.parse.urlencode(self._params(params))
        headers = {"User-Agent": f"{self.tool or 'radrounds'} (python urllib)"}
        if force_post or len(url) + 1 + len(query) > _MAX_GET_URL:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            # S310: the scheme of base_url is checked in __init__ (http/https only).
            return urllib.request.Request(  # noqa: S310
                url, data=query.encode("ascii"), headers=headers, method="POST"
            )
        return urllib.request.Request(f"{url}?{query}", headers=headers, method="GET")  # noqa: S310

    def _request(
        self, endpoint: str, params: list[tuple[str, str]], *, force_post: bool = False
    ) -> bytes:
        request = self._build_request(endpoint, params, force_post)
        attempts = self.max_retries + 1
        for attempt in range(attempts):
            self.rate_limiter.wait()
            try:
                # S310: only http(s) URLs are built (base_url is checked in __init__).
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                    return response.read()
            except urllib.error.HTTPError as exc:
                status, reason = exc.code, _norm(str(exc.reason))
                retry_after = _retry_after_seconds(exc.headers.get("Retry-After"))
                detail = _error_detail(exc)
                exc.close()
                if status != 429 and status < 500:
                    raise PubmedError(
                        f"{_SERVICE} refused the request: HTTP {status} {reason}{detail}"
                    ) from None
                if attempt + 1 >= attempts:
                    tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
                    raise PubmedUnavailable(
                        f"{_SERVICE} is unavailable: HTTP {status} {reason} after {tries}"
                    ) from None
                delay = retry_after
                if delay is None:
                    delay = min(_BACKOFF_BASE * 2**attempt, _BACKOFF_CAP)
                self._sleep(delay)
            except TimeoutError:
                raise self._timeout_error() from None
            except urllib.error.URLError as exc:
                raise self._network_error(exc.reason) from None
            except http.client.IncompleteRead:
                raise PubmedUnavailable(
                    f"{_SERVICE} closed the connection before its answer was complete"
                ) from None
            except (http.client.HTTPException, OSError) as exc:
                raise self._network_error(exc) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _timeout_error(self) -> PubmedUnavailable:
        return PubmedUnavailable(f"{_SERVICE} did not answer within {_seconds(self.timeout)}")

    def _network_error(self, reason: object) -> PubmedUnavailable:
        if isinstance(reason, TimeoutError):
            return self._timeout_error()
        if isinstance(reason, ConnectionRefusedError):
            text = "connection refused"
        elif isinstance(reason, socket.gaierror):
            text = f"could not resolve the host name ({_norm(str(reason.strerror or reason))})"
        elif isinstance(reason, ConnectionResetError):
            text = "connection reset"
        elif isinstance(reason, OSError) and reason.strerror:
            text = _norm(reason.strerror).lower()
        else:
            text = _norm(str(reason)) or type(reason).__name__
        return PubmedUnavailable(f"Could not reach {_SERVICE}: {text}")


def _error_detail(exc: urllib.error.HTTPError) -> str:
    """A short extract of an HTTP error body (NCBI puts the reason there)."""
    body = b""
    with contextlib.suppress(Exception):
        body = exc.read(2000) or b""
    if not body:
        return ""
    text = body.decode("utf-8", "replace")
    with contextlib.suppress(ValueError):
        data = json.loads(text)
        if isinstance(data, dict):
            message = data.get("error") or data.get("ERROR")
            if isinstance(message, str) and message.strip():
                return f" ({_norm(message)[:200]})"
    match = re.search(r"<ERROR>(.*?)</ERROR>", text, re.DOTALL | re.IGNORECASE)
    if match and _norm(match.group(1)):
        return f" ({_norm(match.group(1))[:200]})"
    return ""


def _parse_esearch_json(body: bytes) -> tuple[int, ...]:
    if _looks_like_html(body):
        raise PubmedError(
            f"{_SERVICE} answered the search with an HTML page instead of JSON "
            "(probably an error or maintenance page)."
        )
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PubmedError(
            f"{_SERVICE} search answer is not valid JSON (it may be truncated); "
            f"it starts with {_describe_bytes(body)}."
        ) from None
    if not isinstance(data, dict):
        raise PubmedError(f"{_SERVICE} search answer is not the JSON object esearch returns.")
    if isinstance(data.get("error"), str):
        raise PubmedError(f"{_SERVICE} answered the search with an error: {data['error']}")
    result = data.get("esearchresult")
    if not isinstance(result, dict):
        raise PubmedError(f"{_SERVICE} search answer has no 'esearchresult'.")
    error = result.get("ERROR") or result.get("error")
    if error:
        raise PubmedError(f"{_SERVICE} answered the search with an error: {_norm(str(error))}")
    id_list = result.get("idlist")
    if not isinstance(id_list, list):
        raise PubmedError(f"{_SERVICE} search answer has no id list.")
    # PubMed drops a phrase it does not know and still searches with the rest, as
    # its website does; only a search that found nothing is worth explaining.
    problems = _errorlist_text(result.get("errorlist"))
    if problems and not id_list:
        raise PubmedError(f"{_SERVICE} could not run the search: {problems}")
    pmids: list[int] = []
    for value in id_list:
        pmid = _parse_pmid(str(value))
        if pmid is None:
            raise PubmedError(f"{_SERVICE} search answer contains an invalid PMID {value!r}.")
        pmids.append(pmid)
    return tuple(dict.fromkeys(pmids))


def _errorlist_text(errorlist: object) -> str:
    if not isinstance(errorlist, dict):
        return ""
    parts = []
    for key, values in errorlist.items():
        if isinstance(values, list):
            values = [str(v) for v in values if str(v).strip()]
        elif values:
            values = [str(values)]
        if values:
            label = {
                "phrasesnotfound": "phrase not found",
                "fieldsnotfound": "field not found",
            }.get(key, key)
            parts.append(f"{label}: {', '.join(values)}")
    return "; ".join(parts)
