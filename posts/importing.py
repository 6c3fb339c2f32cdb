"""The admin's "Import from PubMed" workflow: gather records, preview, confirm.

Records are gathered once (from E-utilities or an uploaded file) and kept in the
shared cache under a random token until the admin confirms, so the preview shows
exactly what will be saved and a file never has to be uploaded twice.
"""

import secrets
from dataclasses import dataclass, field

from django.core.cache import caches

from posts.models import Post
from posts.pubmed.client import EutilsClient
from posts.pubmed.parser import parse_pubmed_xml
from posts.pubmed.records import FetchResult, PubmedRecord, RecordFailure
from posts.services.imports import ImportOutcome, posts_import_fetched, record_fields

PREVIEWS_CACHE_ALIAS = "previews"
BATCH_TTL_SECONDS = 60 * 60
MAX_RECORDS = 1000


class PreviewStatus:
    NEW = "new"
    ON_SITE = "on site"
    NOT_FOUND = "not found"
    CANNOT_IMPORT = "cannot import"


@dataclass(frozen=True)
class PreviewRow:
    pmid: int | None
    status: str
    title: str = ""
    citation: str = ""
    reason: str = ""
    post_url: str = ""


@dataclass
class ImportBatch:
    """What one admin gathered for import, and (after confirming) what happened."""

    user_id: int
    source: str
    fetched: FetchResult
    requested: int
    batches: int = 1
    token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    outcomes: list[ImportOutcome] | None = None

    @property
    def importable(self) -> int:
        return len(self.fetched.records)

    @property
    def imported(self) -> int:
        return sum(1 for o in self.outcomes or [] if o.ok)

    def preview_rows(self) -> list[PreviewRow]:
        """One row per record, in the order PubMed gave them; one query for all."""
        pmids = [r.pmid for r in self.fetched.records]
        on_site = {post.pmid: post for post in Post.objects.filter(pmid__in=pmids)}
        rows = []
        for record in self.fetched.records:
            draft = Post(**record_fields(record))  # unsaved: only to format the citation
            existing = on_site.get(record.pmid)
            rows.append(
                PreviewRow(
                    pmid=record.pmid,
                    status=PreviewStatus.ON_SITE if existing else PreviewStatus.NEW,
                    title=record.title,
                    citation=draft.citation,
                    post_url=existing.get_absolute_url() if existing else "",
                )
            )
        rows += [
            PreviewRow(pmid=f.pmid, status=PreviewStatus.CANNOT_IMPORT, reason=f.reason)
            for f in self.fetched.failures
        ]
        rows += [
            PreviewRow(
                pmid=pmid, status=PreviewStatus.NOT_FOUND, reason="PubMed has no such record"
            )
            for pmid in self.fetched.missing
        ]
        return rows

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for outcome in self.outcomes or []:
            counts[outcome.action.label] = counts.get(outcome.action.label, 0) + 1
        return counts


def _cache_key(token: str) -> str:
    return f"pubmed-import:{token}"


def batch_save(batch: ImportBatch) -> None:
    caches[PREVIEWS_CACHE_ALIAS].set(_cache_key(batch.token), batch, timeout=BATCH_TTL_SECONDS)


def batch_load(token: str, *, user) -> ImportBatch | None:
    """The batch behind ``token`` if it exists and belongs to ``user``."""
    batch = caches[PREVIEWS_CACHE_ALIAS].get(_cache_key(token))
    if not isinstance(batch, ImportBatch) or batch.user_id != user.pk:
        return None
    return batch


def batch_from_pmids(pmids: tuple[int, ...], *, client: EutilsClient, user) -> ImportBatch:
    batches = []
    fetched = client.fetch(pmids, on_batch=lambda done, total: batches.append(done))
    return ImportBatch(
        user_id=user.pk,
        source=f"{len(pmids)} PMID{'s' if len(pmids) != 1 else ''}",
        fetched=fetched,
        requested=len(pmids),
        batches=len(batches),
    )


def batch_from_query(query: str, max_results: int, *, client: EutilsClient, user) -> ImportBatch:
    pmids = client.search(query, max_results=max_results)
    if not pmids:
        return ImportBatch(
            user_id=user.pk,
            source=f"PubMed search “{query}”",
            fetched=FetchResult(records=(), failures=(), missing=()),
            requested=0,
            batches=0,
        )
    batch = batch_from_pmids(pmids, client=client, user=user)
    batch.source = f"PubMed search “{query}” ({len(pmids)} found)"
    return batch


def batch_from_file(data: bytes, name: str, *, user) -> ImportBatch:
    parsed = parse_pubmed_xml(data)
    records: list[PubmedRecord] = []
    failures: list[RecordFailure] = list(parsed.failures)
    seen: set[int] = set()
    for record in parsed.records:
        if record.pmid in seen:
            failures.append(RecordFailure(record.pmid, "appears twice in the file"))
            continue
        seen.add(record.pmid)
        records.append(record)
    return ImportBatch(
        user_id=user.pk,
        source=f"file {name}",
        fetched=FetchResult(records=tuple(records), failures=tuple(failures), missing=()),
        requested=len(records) + len(failures),
        batches=1,
    )


def batch_import(batch: ImportBatch, *, posted_by) -> list[ImportOutcome]:
    """Save the batch's records as posts (once: confirming twice changes nothing)."""
    if batch.outcomes is None:
        batch.outcomes = posts_import_fetched(fetched=batch.fetched, posted_by=posted_by)
        batch_save(batch)
    return batch.outcomes
