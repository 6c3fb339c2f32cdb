"""The admin's "Import from PubMed" workflow: gather records, preview, confirm, import.

An import is an :class:`ImportBatch` kept in the ``previews`` cache under a random
token (its own cache alias, so no flood of other data can evict it) until the admin
is done with it. Gathering (asking PubMed, or parsing a file) and importing run as
background tasks; a web request only tries small jobs itself and waits at most
``REQUEST_WAIT_SECONDS`` for PubMed before handing over. The admin pages show the
batch's progress until it is ready, so the preview still shows exactly what will
be saved and a file never has to be uploaded twice.
"""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.utils import timezone

from posts.models import Post
from posts.pubmed.client import EutilsClient
from posts.pubmed.parser import parse_pubmed_xml
from posts.pubmed.records import (
    FetchResult,
    PubmedError,
    PubmedRecord,
    PubmedRetryLater,
    PubmedTimeout,
    RecordFailure,
)
from posts.services.imports import (
    ImportOutcome,
    eutils_client,
    posts_import_fetched,
    record_fields,
)
from radrounds.background import enqueue

logger = logging.getLogger(__name__)

PREVIEWS_CACHE_ALIAS = "previews"
BATCH_TTL_SECONDS = 60 * 60
MAX_RECORDS = 1000
# A web request tries a job itself only if it is small, and waits only briefly for
# PubMed before handing it to a background task: each answer at most
# REQUEST_TIMEOUT_SECONDS, one retry after at most REQUEST_RETRY_WAIT_SECONDS.
REQUEST_TIMEOUT_SECONDS = 3.0
REQUEST_RETRY_WAIT_SECONDS = 2.0
SMALL_JOB_RECORDS = 200
SMALL_FILE_BYTES = 2 * 1024 * 1024
# In the background, waits up to this long between retries are slept through; a
# longer Retry-After puts the task back in the queue for later, this many times.
TASK_WAIT_SECONDS = 60.0
TASK_RETRIES_LATER = 5


class PreviewStatus:
    NEW = "new"
    ON_SITE = "on site"
    NOT_FOUND = "not found"
    CANNOT_IMPORT = "cannot import"


class BatchState:
    GATHERING = "gathering"  # asking PubMed / reading the file (background)
    WAITING = "waiting"  # PubMed asked us to come back later
    READY = "ready"  # preview shown, nothing saved yet
    IMPORTING = "importing"  # confirmed, saving posts (background)
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True)
class PreviewRow:
    pmid: int | None
    status: str
    title: str = ""
    citation: str = ""
    reason: str = ""
    post_url: str = ""


@dataclass(frozen=True)
class GatherPlan:
    """What the admin asked for: PMIDs, a search, or a file (kept apart, see file_key)."""

    pmids: tuple[int, ...] = ()
    query: str = ""
    max_results: int = 20
    file_name: str = ""
    file_size: int = 0

    @property
    def is_small(self) -> bool:
        if self.file_name:
            return self.file_size <= SMALL_FILE_BYTES
        if self.query:
            return self.max_results <= SMALL_JOB_RECORDS
        return len(self.pmids) <= SMALL_JOB_RECORDS

    def describe(self) -> str:
        if self.file_name:
            return f"file {self.file_name}"
        if self.query:
            return f"PubMed search “{self.query}”"
        return f"{len(self.pmids)} PMID{'s' if len(self.pmids) != 1 else ''}"


_EMPTY = FetchResult(records=(), failures=(), missing=())


@dataclass
class ImportBatch:
    """What one admin gathered for import, and (after confirming) what happened."""

    user_id: int
    source: str
    fetched: FetchResult = _EMPTY
    requested: int = 0
    batches: int = 1
    token: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    outcomes: list[ImportOutcome] | None = None
    plan: GatherPlan | None = None
    state: str = BatchState.READY
    error: str = ""
    progress_done: int = 0
    progress_total: int = 0
    retry_at: datetime | None = None
    retries_later: int = 0
    announced: bool = False
    started_at: datetime = field(default_factory=timezone.now)

    @property
    def importable(self) -> int:
        return len(self.fetched.records)

    @property
    def imported(self) -> int:
        return sum(1 for o in self.outcomes or [] if o.ok)

    @property
    def in_progress(self) -> bool:
        return self.state in (BatchState.GATHERING, BatchState.WAITING, BatchState.IMPORTING)

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


# --------------------------------------------------------------------------- storage


def _cache():
    return caches[PREVIEWS_CACHE_ALIAS]


def _cache_key(token: str) -> str:
    return f"pubmed-import:{token}"


def _file_key(token: str) -> str:
    return f"pubmed-import:{token}:file"


def batch_save(batch: ImportBatch) -> None:
    _cache().set(_cache_key(batch.token), batch, timeout=BATCH_TTL_SECONDS)


def _batch_get(token: str) -> ImportBatch | None:
    batch = _cache().get(_cache_key(token))
    return batch if isinstance(batch, ImportBatch) else None


def batch_load(token: str, *, user) -> ImportBatch | None:
    """The batch behind ``token`` if it exists and belongs to ``user``."""
    batch = _batch_get(token)
    if batch is None or batch.user_id != user.pk:
        return None
    return batch


def batch_claim_confirmation(batch: ImportBatch) -> bool:
    """True for the first confirmation of ``batch`` only (two clicks import once)."""
    return _cache().add(f"{_cache_key(batch.token)}:confirmed", 1, timeout=BATCH_TTL_SECONDS)


# --------------------------------------------------------------------------- gathering


def batch_start(*, plan: GatherPlan, user, file_data: bytes = b"") -> ImportBatch:
    """A new batch waiting to be gathered (the file's bytes kept beside it)."""
    batch = ImportBatch(
        user_id=user.pk, source=plan.describe(), plan=plan, state=BatchState.GATHERING
    )
    if plan.file_name:
        _cache().set(_file_key(batch.token), file_data, timeout=BATCH_TTL_SECONDS)
    batch_save(batch)
    return batch


def batch_gather_now(batch: ImportBatch) -> bool:
    """Try a small job in the web request, waiting briefly for PubMed.

    Returns True when the batch was gathered (ready or failed with a message the
    admin should see on the form); False when it was handed to a background task.
    PubMed errors that waiting will not fix (refused, a bad answer) are raised.
    """
    if not batch.plan.is_small:
        batch_gather_later(batch)
        return False
    client = eutils_client(
        timeout=REQUEST_TIMEOUT_SECONDS, max_retries=1, wait_budget=REQUEST_RETRY_WAIT_SECONDS
    )
    try:
        _gather(batch, client=client)
    except (PubmedTimeout, PubmedRetryLater) as error:
        logger.info("PubMed import %s handed to the worker: %s", batch.token, error)
        batch_gather_later(batch)
        return False
    return True


def batch_gather_later(batch: ImportBatch, *, run_after: datetime | None = None) -> None:
    from posts.tasks import import_gather_task

    task = (
        import_gather_task if run_after is None else import_gather_task.using(run_after=run_after)
    )
    enqueue(task, batch.token)


def batch_gather_in_background(*, token: str) -> str:
    """The background task's work: gather the batch, or come back when PubMed asks."""
    batch = _batch_get(token)
    if batch is None or batch.state not in (BatchState.GATHERING, BatchState.WAITING):
        return "skipped"
    batch.state = BatchState.GATHERING
    batch_save(batch)
    client = eutils_client(wait_budget=TASK_WAIT_SECONDS)
    try:
        _gather(batch, client=client)
    except PubmedRetryLater as error:
        return _retry_later(batch, error)
    except PubmedError as error:
        _fail(batch, str(error))
    except Exception:
        logger.exception("PubMed import %s failed", token)
        _fail(batch, "Something went wrong while gathering the records; it has been logged.")
    return batch.state


def _retry_later(batch: ImportBatch, error: PubmedRetryLater) -> str:
    from posts.tasks import import_gather_task

    can_defer = import_gather_task.get_backend().supports_defer
    if not can_defer or batch.retries_later >= TASK_RETRIES_LATER:
        _fail(batch, f"{error}. Try again in a few minutes.")
        return batch.state
    batch.retries_later += 1
    batch.state = BatchState.WAITING
    batch.retry_at = timezone.now() + timedelta(seconds=max(error.retry_after, 1.0))
    batch.error = str(error)
    batch_save(batch)
    batch_gather_later(batch, run_after=batch.retry_at)
    return batch.state


def _fail(batch: ImportBatch, message: str) -> None:
    batch.state = BatchState.FAILED
    batch.error = message
    batch_save(batch)


def _gather(batch: ImportBatch, *, client: EutilsClient) -> None:
    plan = batch.plan
    if plan.file_name:
        data = _cache().get(_file_key(batch.token))
        if data is None:
            raise PubmedError("The uploaded file has expired; upload it again.")
        gathered = _from_file(data)
    elif plan.query:
        gathered = _from_query(batch, plan.query, plan.max_results, client=client)
    else:
        gathered = _from_pmids(batch, plan.pmids, client=client)
    batch.fetched, batch.requested, batch.batches = gathered
    if plan.query:
        batch.source = f"{plan.describe()} ({batch.requested} found)"
    batch.state = BatchState.READY
    batch.error = ""
    batch_save(batch)
    if plan.file_name:
        _cache().delete(_file_key(batch.token))


def _progress_key(token: str) -> str:
    return f"pubmed-import:{token}:progress"


def batch_progress(batch: ImportBatch) -> tuple[int, int]:
    """(done, total) of the work in hand, as the background task last reported it."""
    progress = _cache().get(_progress_key(batch.token))
    return tuple(progress) if progress else (batch.progress_done, batch.progress_total)


def _progress(batch: ImportBatch):
    """A callback that stores progress under its own small key, at most twice a second
    (the batch itself, with every record, is only written when its state changes)."""
    last = [0.0]

    def report(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.5:
            return
        last[0] = now
        _cache().set(_progress_key(batch.token), (done, total), timeout=BATCH_TTL_SECONDS)

    return report


def _from_pmids(batch, pmids, *, client) -> tuple[FetchResult, int, int]:
    batches = []
    report = _progress(batch)

    def on_batch(done, total):
        batches.append(done)
        report(done, total)

    fetched = client.fetch(pmids, on_batch=on_batch)
    return fetched, len(pmids), len(batches)


def _from_query(batch, query, max_results, *, client) -> tuple[FetchResult, int, int]:
    pmids = client.search(query, max_results=max_results)
    if not pmids:
        return _EMPTY, 0, 0
    return _from_pmids(batch, pmids, client=client)


def _from_file(data: bytes) -> tuple[FetchResult, int, int]:
    parsed = parse_pubmed_xml(data)
    if len(parsed.records) + len(parsed.failures) > MAX_RECORDS:
        raise PubmedError(
            f"The file holds {len(parsed.records) + len(parsed.failures)} records; "
            f"at most {MAX_RECORDS} can be imported at a time."
        )
    records: list[PubmedRecord] = []
    failures: list[RecordFailure] = list(parsed.failures)
    seen: set[int] = set()
    for record in parsed.records:
        if record.pmid in seen:
            failures.append(RecordFailure(record.pmid, "appears twice in the file"))
            continue
        seen.add(record.pmid)
        records.append(record)
    fetched = FetchResult(records=tuple(records), failures=tuple(failures), missing=())
    return fetched, len(records) + len(failures), 1


# --------------------------------------------------------------------------- importing


def batch_import_later(batch: ImportBatch) -> None:
    """Confirmed: mark the batch as importing and hand the saving to a background task."""
    from posts.tasks import import_save_task

    batch.state = BatchState.IMPORTING
    batch.progress_done, batch.progress_total = 0, batch.importable
    batch_save(batch)
    enqueue(import_save_task, batch.token)


def batch_import_in_background(*, token: str) -> str:
    """The background task's work: save the batch's records as posts, once."""
    batch = _batch_get(token)
    if batch is None or batch.state != BatchState.IMPORTING or batch.outcomes is not None:
        return "skipped"
    posted_by = get_user_model().objects.filter(pk=batch.user_id).first()
    try:
        batch.outcomes = posts_import_fetched(
            fetched=batch.fetched, posted_by=posted_by, on_progress=_progress(batch)
        )
    except Exception:
        logger.exception("PubMed import %s failed while saving", token)
        _fail(batch, "Something went wrong while saving the posts; it has been logged.")
        return batch.state
    batch.state = BatchState.DONE
    batch_save(batch)
    return batch.state
