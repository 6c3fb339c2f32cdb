"""Read the PMIDs a person pastes: numbers, PubMed URLs, ``PMID: 123``. Framework-free."""

from __future__ import annotations

import re
import urllib.parse

from posts.pubmed.records import PmidInput, parse_pmid

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
            return parse_pmid(match.group(1))
    # Old search form: https://www.ncbi.nlm.nih.gov/pubmed/?term=12345678
    if parts.path.rstrip("/").lower().endswith("pubmed"):
        terms = urllib.parse.parse_qs(parts.query).get("term", [])
        if len(terms) == 1:
            return parse_pmid(terms[0])
    return None


def _pmid_from_token(token: str) -> int | None:
    prefix = _PMID_PREFIX_RE.match(token)
    if prefix:
        rest = token[prefix.end() :]
        return parse_pmid(rest[:-1] if rest.endswith(".") else rest)
    if "/" in token or token.lower().startswith(("http:", "https:")):
        return _pmid_from_url(token)
    return parse_pmid(token)


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
