"""The citation line PubMed shows for a journal article, built from a record's parts.

NLM builds the "journal source" as ``MedlineTA. Date;Volume(Issue):Pagination.``
followed by the electronic location and a note on the other date
(https://www.nlm.nih.gov/bsd/licensee/journal_source.html and "Use of Article and
ArticleDate Attribute Values in Creating the Source Area of the MEDLINE/PubMed Citation
Display"). Which date leads depends on the article's ``PubModel``:

* ``Print``: the issue date (``PubDate``) only;
* ``Print-Electronic``: the issue date, then ``Epub <ArticleDate>.`` at the end;
* ``Electronic``: the issue date (the article date is the same publication);
* ``Electronic-Print``: the article date, then ``Print <PubDate>.``;
* ``Electronic-eCollection``: the article date, then ``eCollection <PubDate>.``;
* a record still ``aheadofprint``: the article date and ``Online ahead of print.``

A part that is missing takes its separator with it, so no record ever shows ``;;``,
``..`` or a dangling ``:``. Framework-free, like the rest of ``posts.pubmed``.
"""

from __future__ import annotations

from dataclasses import dataclass

from posts.pubmed.records import norm_space


@dataclass(frozen=True)
class CitationParts:
    journal: str
    pub_date: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""
    pub_model: str = ""
    article_date: str = ""
    publication_status: str = ""

    @property
    def ahead_of_print(self) -> bool:
        return self.publication_status.lower() == "aheadofprint"

    @property
    def electronic_first(self) -> bool:
        return self.pub_model in ("Electronic-Print", "Electronic-eCollection")

    @property
    def lead_date(self) -> str:
        """The date PubMed shows after the journal: when the article counts as published."""
        if self.article_date and (self.electronic_first or self.ahead_of_print):
            return self.article_date
        return self.pub_date or self.article_date

    def notes(self) -> list[str]:
        """What follows the source: ``doi: ...``, then the other date or the status."""
        notes = [f"doi: {self.doi}"] if self.doi else []
        if self.ahead_of_print:
            notes.append("Online ahead of print")
        elif self.article_date and self.pub_date:
            if self.pub_model == "Print-Electronic" and self.article_date != self.pub_date:
                notes.append(f"Epub {self.article_date}")
            elif self.pub_model == "Electronic-Print":
                notes.append(f"Print {self.pub_date}")
            elif self.pub_model == "Electronic-eCollection":
                notes.append(f"eCollection {self.pub_date}")
        return notes


def _clean(text: str) -> str:
    # A trailing full stop or separator in the data would double the one we add.
    return norm_space(text).rstrip(" .;:,")


def citation_line(parts: CitationParts) -> str:
    """``Radiographics. 2007 Nov-Dec;27(6):1751-71.``, plus doi and date notes if any."""
    journal = _clean(parts.journal)
    volume, issue, pages = _clean(parts.volume), _clean(parts.issue), _clean(parts.pages)
    source = volume + (f"({issue})" if issue else "")
    where = _clean(parts.lead_date)
    if source:
        where = f"{where};{source}" if where else source
    if pages:
        where = f"{where}:{pages}" if where else pages
    sentences = [journal, where, *(_clean(note) for note in parts.notes())]
    sentences = [s for s in sentences if s]
    return ". ".join(sentences) + "." if sentences else ""
