"""What a reader typed, parsed into something both search backends can run safely.

Supported, like a web search box:

* words: every one must match (stemmed by the backend: "biopsies" finds "biopsy"),
  each widened by the curated synonyms ("spine" also finds "spinal");
* ``"quoted phrases"``; ``-word`` and ``-"a phrase"`` to exclude; ``a OR b``;
* ``word*`` for a prefix;
* an author as PubMed writes one (``Fritz J``, ``König CW``);
* a PMID (``29963580``, ``PMID: 29963580``) or a DOI (``10.1148/rg.276075023``) on its own
  finds that article.

Anything else (punctuation, stray quotes, ``*`` alone, control characters, a novel
pasted in) is ignored or cut short, never an error. Framework-free.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from posts.search.synonyms import synonyms_of

MAX_QUERY_LENGTH = 1000
MAX_GROUPS = 12
WORD = re.compile(r"\w+", re.UNICODE)
DOI = re.compile(r"\b(10\.\d{4,9}/\S+)", re.IGNORECASE)
PMID_ONLY = re.compile(r"^\s*(?:pmid\s*:?\s*)?(\d{1,10})\s*$", re.IGNORECASE)
# "Fritz J", "König CW", "Nägele T": a capitalised surname and 1-3 capital initials.
AUTHOR = re.compile(r"^([^\W\d_][\w'’-]*)\s+([A-Z]{1,3})$")
TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Term:
    """Words to match: one word, or a phrase of several in order."""

    words: tuple[str, ...]
    prefix: bool = False
    field: str = ""  # "authors" limits the match to the author list

    @property
    def text(self) -> str:
        return " ".join(self.words)


# One way for a group to match: all of its terms (usually just one).
Alternative = tuple[Term, ...]


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # what is shown back to the reader (cut to MAX_QUERY_LENGTH)
    groups: tuple[tuple[Alternative, ...], ...] = ()  # every group must match
    excluded: tuple[Term, ...] = ()
    pmid: int | None = None
    doi: str = ""
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.groups or self.pmid or self.doi)

    @property
    def lookup(self) -> bool:
        """A PMID or DOI on its own: find that article, not words."""
        return bool(self.pmid or self.doi)

    @property
    def shown_terms(self) -> list[str]:
        """What was searched for, for "only its first words were used" notices."""
        return [group[0][0].text for group in self.groups]

    @property
    def terms(self) -> list[str]:
        """The words searched for (empty when there is nothing to search)."""
        return self.shown_terms or ([self.text] if self.lookup else [])

    @classmethod
    def parse(cls, raw: str) -> ParsedQuery:
        return parse_query(raw)


def fold(text: str) -> str:
    """Accents off (``Nägele`` -> ``Nagele``), as both engines index text."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in WORD.findall(fold(text)))


def _alternatives(term: Term) -> tuple[Alternative, ...]:
    """The term and, for a word or phrase in the synonym list, its synonyms."""
    if term.prefix or term.field:
        return ((term,),)
    return tuple(
        (Term(words=_words(synonym)),) for synonym in synonyms_of(term.text) if _words(synonym)
    )


def _author_group(surname: str, initials: str) -> tuple[Alternative, ...]:
    phrase = Term(words=_words(f"{surname} {initials}"), field="authors")
    if len(initials) == 1:
        return ((phrase,),)
    # "Lung CT" looks like an author too: also accept both words anywhere.
    return ((phrase,), tuple(Term(words=(w,)) for w in _words(f"{surname} {initials}")))


def parse_query(raw: str) -> ParsedQuery:
    raw = CONTROL.sub(" ", raw or "").strip()
    truncated = len(raw) > MAX_QUERY_LENGTH
    text = raw[:MAX_QUERY_LENGTH]
    if not text:
        return ParsedQuery(text="")

    pmid_match = PMID_ONLY.match(text)
    if pmid_match and int(pmid_match.group(1)) > 0:
        return ParsedQuery(text=text, pmid=int(pmid_match.group(1)), truncated=truncated)
    doi_match = DOI.search(text)
    if doi_match and len(text.split()) == 1:
        return ParsedQuery(text=text, doi=doi_match.group(1).rstrip(".,;"), truncated=truncated)

    author = AUTHOR.match(text)
    if author:
        return ParsedQuery(text=text, groups=(_author_group(*author.groups()),))

    groups: list[tuple[Alternative, ...]] = []
    excluded: list[Term] = []
    join_next = False
    for negate, quoted, bare in TOKEN.findall(text):
        if bare == "OR":
            join_next = bool(groups)
            continue
        if quoted or negate:
            term = Term(words=_words(quoted)) if quoted or negate else None
        else:
            negate = "-" if bare.startswith("-") and len(bare) > 1 else ""
            body = bare[1:] if negate else bare
            prefix = body.endswith("*") and bool(_words(body))
            term = Term(words=_words(body), prefix=prefix and len(_words(body)) == 1)
        if term is None or not term.words:
            continue
        if negate:
            excluded.append(term)
            continue
        alternatives = _alternatives(term)
        if join_next and groups:
            groups[-1] = groups[-1] + alternatives
        else:
            groups.append(alternatives)
        join_next = False

    truncated = truncated or len(groups) > MAX_GROUPS
    if not groups:
        excluded = []  # exclusions alone would list everything but a word: not a search
    return ParsedQuery(
        text=text,
        groups=tuple(groups[:MAX_GROUPS]),
        excluded=tuple(excluded[:MAX_GROUPS]),
        truncated=truncated,
    )
