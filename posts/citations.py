"""Citing a post: AMA and Vancouver strings, RIS and BibTeX files, Highwire meta tags.

Everything is built from the Post's fields alone, so PubMed imports and hand-written
posts cite the same way. ``pages`` keeps PubMed's short form (``1751-71``); styles
and files that want full page numbers get them from ``page_range``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.text import slugify

MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
BIBTEX_MONTHS = list(MONTHS)
PAGE = re.compile(r"^([A-Za-z]*)(\d+)([A-Za-z]*)$")


@dataclass(frozen=True)
class PageRange:
    first: str
    last: str

    @property
    def text(self) -> str:
        return f"{self.first}-{self.last}" if self.last and self.last != self.first else self.first


def page_range(pages: str) -> PageRange | None:
    """``1751-71`` → 1751 to 1771; ``e123`` → e123; the first range of ``1-5; discussion 6``."""
    pages = pages.split(";")[0].split(",")[0].strip()
    if not pages:
        return None
    first, _, last = (part.strip() for part in pages.partition("-"))
    start, end = PAGE.match(first), PAGE.match(last)
    if start and end and not end.group(1) and len(end.group(2)) < len(start.group(2)):
        # PubMed drops the leading digits the two numbers share: 1751-71.
        digits = start.group(2)
        last = start.group(1) + digits[: len(digits) - len(end.group(2))] + end.group(2)
    return PageRange(first, last or first)


def publication_month(post) -> int | None:
    """The first month named in ``pub_date`` (``2007 Nov-Dec`` → 11), if any."""
    for word in re.split(r"[\s\-/]+", post.pub_date.lower()):
        if word[:3] in MONTHS:
            return MONTHS[word[:3]]
    return None


def publication_day(post) -> int | None:
    parts = post.pub_date.split()
    if len(parts) >= 3 and parts[2].isdigit():
        return int(parts[2])
    return None


def _short_names(post) -> list[str]:
    return [name for name in post.author_names if name]


def _author_list(post, *, limit: int, keep: int) -> str:
    names = _short_names(post)
    if len(names) > limit:
        names = [*names[:keep], "et al"]
    return ", ".join(names)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in ".?!" else text + "."


def ama(post) -> str:
    """AMA (11th ed.): up to 6 authors, else 3 and et al; full page numbers; DOI."""
    parts = []
    authors = _author_list(post, limit=6, keep=3)
    if authors:
        parts.append(_sentence(authors))
    parts.append(_sentence(post.title_text))
    journal = post.journal_abbrev or post.journal_title
    source = journal.rstrip(".") + "." if journal else ""
    when = str(post.pub_year or "")
    if post.volume:
        when += f";{post.volume}"
        if post.issue:
            when += f"({post.issue})"
    pages = page_range(post.pages)
    if pages:
        when += f":{pages.text}"
    if when:
        source = f"{source} {when}." if source else f"{when}."
    if source:
        parts.append(source)
    if post.doi:
        parts.append(f"doi:{post.doi}")
    return " ".join(parts)


def vancouver(post) -> str:
    """Vancouver (ICMJE/NLM): up to 6 authors then et al; PubMed's date and pages; DOI, PMID."""
    parts = []
    authors = _author_list(post, limit=6, keep=6)
    if authors:
        parts.append(_sentence(authors))
    parts.append(_sentence(post.title_text))
    if post.citation:
        parts.append(post.citation)
    if post.doi:
        parts.append(f"doi: {post.doi}.")
    if post.pmid:
        parts.append(f"PMID: {post.pmid}.")
    return " ".join(parts)


def _structured_names(post) -> list[tuple[str, str]]:
    """(family, given) for people; (group name, "") for collective authors."""
    names = []
    for author in post.authors:
        if author.get("collective_name"):
            names.append((author["collective_name"], ""))
        elif author.get("last_name"):
            names.append(
                (author["last_name"], author.get("fore_name") or author.get("initials", ""))
            )
    return names


def _source_fields(post, *, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """Volume, issue, first page, last page, DOI and PMID under a format's own ``names``,
    leaving out what the post does not have."""
    pages = page_range(post.pages)
    values = (
        post.volume,
        post.issue,
        pages.first if pages else "",
        pages.last if pages else "",
        post.doi,
        str(post.pmid or ""),
    )
    return [(name, value) for name, value in zip(names, values, strict=True) if value]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def abstract_one_line(post) -> str:
    from posts.markup import plain_text

    sections = []
    for section in post.abstract:
        text = plain_text(section.get("text", ""))
        label = section.get("label", "")
        sections.append(f"{label}: {text}" if label else text)
    return _one_line(" ".join(sections))


def ris(post, *, url: str = "") -> str:
    """RIS for Zotero, EndNote and Mendeley: one tag a line, CRLF, ending with ER."""
    lines = [("TY", "JOUR")]
    for family, given in _structured_names(post):
        lines.append(("AU", f"{family}, {given}" if given else family))
    lines.append(("TI", post.title_text))
    if post.journal_title:
        lines.append(("T2", post.journal_title))
    if post.journal_abbrev:
        lines.append(("J2", post.journal_abbrev))
    if post.pub_year:
        lines.append(("PY", str(post.pub_year)))
        month, day = publication_month(post), publication_day(post)
        lines.append(
            # RIS dates are YYYY/MM/DD/other, with unknown parts left empty.
            (
                "DA",
                f"{post.pub_year}/{f'{month:02d}' if month else ''}/{f'{day:02d}' if day else ''}/",
            )
        )
    lines += _source_fields(post, names=("VL", "IS", "SP", "EP", "DO", "AN"))
    if post.pmid:
        lines.append(("DB", "PubMed"))
    abstract = abstract_one_line(post)
    if abstract:
        lines.append(("AB", abstract))
    for term in post.mesh_terms:
        if term.get("descriptor"):
            lines.append(("KW", term["descriptor"]))
    for keyword in post.keywords:
        lines.append(("KW", keyword))
    if post.language:
        lines.append(("LA", post.language))
    if url:
        lines.append(("UR", url))
    lines.append(("ER", ""))
    return "\r\n".join(f"{tag}  - {_one_line(value)}".rstrip() for tag, value in lines) + "\r\n"


BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text: str) -> str:
    return "".join(BIBTEX_SPECIAL.get(ch, ch) for ch in _one_line(text))


def bibtex_key(post) -> str:
    names = _structured_names(post)
    family = slugify(names[0][0]).replace("-", "") if names else "radrounds"
    word = next((slugify(w) for w in post.title_text.split() if len(slugify(w)) > 3), "post")
    return f"{family or 'radrounds'}{post.pub_year or ''}{word.replace('-', '')}"


def bibtex(post, *, url: str = "") -> str:
    """A BibTeX ``@article`` (UTF-8, as biblatex, Zotero and JabRef read it)."""
    authors = " and ".join(
        f"{bibtex_escape(family)}, {bibtex_escape(given)}"
        if given
        else f"{{{bibtex_escape(family)}}}"
        for family, given in _structured_names(post)
    )
    pages = page_range(post.pages)
    month = publication_month(post)
    fields = [
        ("author", authors),
        ("title", bibtex_escape(post.title_text)),
        ("journal", bibtex_escape(post.journal_abbrev or post.journal_title)),
        ("journaltitle", bibtex_escape(post.journal_title)),
        ("year", str(post.pub_year or "")),
        ("month", BIBTEX_MONTHS[month - 1] if month else ""),
        ("volume", bibtex_escape(post.volume)),
        ("number", bibtex_escape(post.issue)),
        (
            "pages",
            f"{pages.first}--{pages.last}"
            if pages and pages.last != pages.first
            else (pages.first if pages else ""),
        ),
        ("doi", bibtex_escape(post.doi)),
        ("pmid", str(post.pmid or "")),
        ("abstract", bibtex_escape(abstract_one_line(post))),
        (
            "keywords",
            bibtex_escape(
                ", ".join(m["descriptor"] for m in post.mesh_terms if m.get("descriptor"))
            ),
        ),
        ("url", url),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    return f"@article{{{bibtex_key(post)},\n{body}\n}}\n"


def highwire_tags(post) -> list[tuple[str, str]]:
    """(name, content) pairs for ``<meta name="citation_…">``, as Google Scholar reads them."""
    tags = [("citation_title", post.title_text)]
    for family, given in _structured_names(post):
        tags.append(("citation_author", f"{family}, {given}" if given else family))
    if post.journal_title:
        tags.append(("citation_journal_title", post.journal_title))
    if post.journal_abbrev:
        tags.append(("citation_journal_abbrev", post.journal_abbrev))
    if post.pub_year:
        date = str(post.pub_year)
        month = publication_month(post)
        if month:
            date += f"/{month:02d}"
            day = publication_day(post)
            if day:
                date += f"/{day:02d}"
        tags.append(("citation_publication_date", date))
    tags += _source_fields(
        post,
        names=(
            "citation_volume",
            "citation_issue",
            "citation_firstpage",
            "citation_lastpage",
            "citation_doi",
            "citation_pmid",
        ),
    )
    if post.language:
        tags.append(("citation_language", post.language))
    return tags
