"""What the search index holds for one post: plain text in weighted columns.

Plain attribute access only, so the migration that builds the first index can use it
on historical models too.
"""

from __future__ import annotations

from dataclasses import dataclass

from posts.markup import plain_text

# The highlight markers: control characters never stored in the text (they are removed
# here), so the rendered snippet is escaped first and only then marked (see highlight.py).
MARK_START, MARK_END = "\x02", "\x03"
COLUMNS = ("title", "abstract", "authors", "terms", "journal", "ids")


def _clean(text: str) -> str:
    return " ".join((text or "").replace(MARK_START, " ").replace(MARK_END, " ").split())


@dataclass(frozen=True)
class SearchDocument:
    title: str
    abstract: str
    authors: str
    terms: str  # MeSH terms, qualifiers, keywords, article types
    journal: str
    ids: str  # PMID, DOI, PMCID

    def values(self) -> tuple[str, ...]:
        return tuple(getattr(self, column) for column in COLUMNS)


def _author_text(author: dict) -> str:
    if author.get("collective_name"):
        return author["collective_name"]
    # "Fritz J Jan": PubMed's short form first (phrase searches for "Fritz J"), then the
    # fore name so "Jan Fritz" finds him too.
    return " ".join(
        part
        for part in (author.get("last_name"), author.get("initials"), author.get("fore_name"))
        if part
    )


def document_for(post) -> SearchDocument:
    terms = []
    for mesh in post.mesh_terms or []:
        terms.append(mesh.get("descriptor", ""))
        terms.extend(mesh.get("qualifiers") or [])
    terms.extend(post.keywords or [])
    terms.extend(post.publication_types or [])
    return SearchDocument(
        title=_clean(plain_text(post.title)),
        abstract=_clean(
            " ".join(plain_text(section.get("text", "")) for section in post.abstract or [])
        ),
        authors=_clean("; ".join(_author_text(a) for a in post.authors or [])),
        terms=_clean("; ".join(t for t in terms if t)),
        journal=_clean(" ".join(t for t in (post.journal_abbrev, post.journal_title) if t)),
        ids=_clean(" ".join(str(v) for v in (post.pmid, post.doi, post.pmcid) if v)),
    )


def term_rows(post) -> list[tuple[str, str, bool]]:
    """``(kind, value, major)`` for every MeSH term, keyword and article type, deduplicated."""
    rows: dict[tuple[str, str], tuple[str, str, bool]] = {}

    def add(kind: str, value: str, major: bool = False) -> None:
        value = " ".join((value or "").split())[:255]
        key = (kind, value.lower())
        if value and (key not in rows or (major and not rows[key][2])):
            rows[key] = (kind, value, major)

    for mesh in post.mesh_terms or []:
        add("mesh", mesh.get("descriptor", ""), bool(mesh.get("major")))
    for keyword in post.keywords or []:
        add("keyword", keyword)
    for publication_type in post.publication_types or []:
        add("type", publication_type)
    return list(rows.values())


def best_snippet(abstract: str, terms: str) -> str:
    """The abstract's passage if it shows a match, else the MeSH terms' if they do."""
    if MARK_START not in (abstract or "") and MARK_START in (terms or ""):
        return terms
    return abstract or terms or ""
