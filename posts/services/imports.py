"""Importing PubMed records as posts: one transaction per record, refreshes keep local state."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from posts.models import Post
from posts.pubmed.client import EutilsClient
from posts.pubmed.records import FetchResult, ParsedSet, PubmedRecord
from posts.services.search_index import post_index


class ImportAction(models.TextChoices):
    CREATED = "created", "created"
    UPDATED = "updated", "updated"
    SKIPPED = "skipped", "skipped"
    NOT_FOUND = "not_found", "not found"
    FAILED = "failed", "failed"


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one PubMed record."""

    action: ImportAction
    pmid: int | None
    reason: str = ""
    post: Post | None = None

    @property
    def ok(self) -> bool:
        return self.action in (ImportAction.CREATED, ImportAction.UPDATED)

    def describe(self) -> str:
        label = f"PMID {self.pmid}" if self.pmid else "A record without a PMID"
        text = f"{label}: {self.action.label}"
        if self.post is not None:
            text += f" — {self.post.title_text[:90]}"
        if self.reason:
            text += f" ({self.reason})"
        return text


def record_fields(record: PubmedRecord) -> dict:
    """The Post fields that come from a PubMed record (and only those)."""
    return {
        "title": record.title,
        "abstract": [{"label": s.label, "text": s.text} for s in record.abstract],
        "copyright": record.copyright,
        "authors": [
            {
                "last_name": a.last_name,
                "fore_name": a.fore_name,
                "initials": a.initials,
                "collective_name": a.collective_name,
                "affiliations": list(a.affiliations),
            }
            for a in record.authors
        ],
        "journal_title": record.journal_title,
        "journal_abbrev": record.journal_abbrev,
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "pub_date": record.pub_date,
        "pub_year": record.pub_year,
        "language": record.language,
        "publication_types": list(record.publication_types),
        "mesh_terms": [
            {"descriptor": m.descriptor, "major": m.major, "qualifiers": list(m.qualifiers)}
            for m in record.mesh_terms
        ],
        "keywords": list(record.keywords),
        "doi": record.doi,
        "pmcid": record.pmcid,
        "pub_model": record.pub_model,
        "article_date": record.article_date,
        "publication_status": record.publication_status,
    }


def post_import(*, record: PubmedRecord, posted_by=None) -> ImportOutcome:
    """Create the post for ``record``, or refresh the existing post with that PMID.

    A refresh replaces only what PubMed provides; what radRounds adds (views,
    hidden flag, who posted it and when) is kept. Each record is its own
    transaction: a failure leaves nothing half-written and does not affect others.
    """
    fields = record_fields(record)
    try:
        with transaction.atomic():
            post = Post.objects.select_for_update().filter(pmid=record.pmid).first()
            created = post is None
            if created:
                post = Post(pmid=record.pmid, posted_by=posted_by)
            for name, value in fields.items():
                setattr(post, name, value)
            post.refreshed_at = timezone.now()
            post.full_clean(validate_unique=False)
            post.save()
            post_index(post=post)
    except ValidationError as error:
        return ImportOutcome(ImportAction.FAILED, record.pmid, _validation_message(error))
    except IntegrityError:
        # The same PMID was created by a parallel import between our read and write.
        return ImportOutcome(
            ImportAction.FAILED, record.pmid, "imported at the same moment elsewhere; try again"
        )
    action = ImportAction.CREATED if created else ImportAction.UPDATED
    return ImportOutcome(action, record.pmid, post=post)


def posts_import_parsed(
    *,
    parsed: ParsedSet,
    posted_by=None,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[ImportOutcome]:
    """Import every record of a parsed file; records PubMed could not give us are skipped.

    ``on_progress(done, total)`` is called after each record.
    """
    outcomes = []
    for record in parsed.records:
        outcomes.append(post_import(record=record, posted_by=posted_by))
        if on_progress is not None:
            on_progress(len(outcomes), len(parsed.records))
    outcomes += [
        ImportOutcome(ImportAction.SKIPPED, failure.pmid, failure.reason)
        for failure in parsed.failures
    ]
    return outcomes


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def eutils_client(**overrides) -> EutilsClient:
    """The E-utilities client configured from settings (one place for every caller)."""
    options = {
        "tool": settings.PUBMED_TOOL,
        "email": settings.PUBMED_EMAIL,
        "api_key": settings.PUBMED_API_KEY,
        "timeout": settings.PUBMED_TIMEOUT,
    }
    options.update(overrides)
    return EutilsClient(settings.PUBMED_EUTILS_URL, **options)


def posts_import_fetched(
    *,
    fetched: FetchResult,
    posted_by=None,
    on_progress: Callable[[int, int], None] | None = None,
) -> list[ImportOutcome]:
    """Import what E-utilities returned; PMIDs it did not return are reported not found."""
    outcomes = posts_import_parsed(
        parsed=ParsedSet(records=fetched.records, failures=fetched.failures),
        posted_by=posted_by,
        on_progress=on_progress,
    )
    outcomes += [
        ImportOutcome(ImportAction.NOT_FOUND, pmid, "PubMed has no record with this PMID")
        for pmid in fetched.missing
    ]
    return outcomes
