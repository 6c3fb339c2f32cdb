"""What the PubMed code hands over: records, failures and errors, plus small text helpers.

Shared by the parser, the E-utilities client and PMID-input parsing. Framework-free.
"""

from __future__ import annotations

from dataclasses import dataclass

# --------------------------------------------------------------------------- errors


class PubmedError(Exception):
    """Base for every PubMed problem; ``str()`` is a one-line human message."""


class PubmedParseError(PubmedError):
    """The whole document is unusable (not XML, truncated, HTML, an ``<ERROR>`` ...)."""


class PubmedUnavailable(PubmedError):
    """PubMed could not be reached or kept failing (timeout, refused, 5xx/429)."""


class PubmedTimeout(PubmedUnavailable):
    """PubMed did not answer in time (it may well answer a more patient caller)."""


class PubmedRetryLater(PubmedUnavailable):
    """PubMed is busy and asked to be retried later than the caller is willing to wait.

    ``retry_after`` is how many seconds PubMed (or our back-off) wants to wait.
    """

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


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
    # How PubMed builds the citation's dates (see posts.pubmed.citation).
    pub_model: str = ""  # Article/@PubModel: Print, Print-Electronic, Electronic ...
    article_date: str = ""  # ArticleDate DateType="Electronic", shown as "2019 Jan 26"
    publication_status: str = ""  # PubmedData/PublicationStatus: ppublish, epublish, aheadofprint


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


# --------------------------------------------------------------------------- helpers

MAX_PMID = 9_999_999_999  # PMIDs are positive integers of at most 10 digits


def norm_space(text: str | None) -> str:
    """Collapse every run of whitespace (incl. NBSP, thin space) to one space; strip."""
    return " ".join(text.split()) if text else ""


def parse_pmid(value: str) -> int | None:
    value = value.strip()
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_PMID else None


def looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml"):
        head = head[head.find(b"?>") + 2 :].lstrip()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:200]


def describe_bytes(data: bytes) -> str:
    snippet = norm_space(data[:80].decode("utf-8", "replace"))
    return f"{snippet!r}" if snippet else "nothing"
