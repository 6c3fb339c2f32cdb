"""Posts varied from the real PubMed records in posts/fixtures/pubmed/: the benchmarks' data.

Both benchmarks (the load test's database, bench/load/data.py, and bench/search.py) build
their posts from the same pools: every record's title and abstract, sentences cut from
all the abstracts, and the MeSH terms, authors and journals of all the records. Each post
takes a record in turn and draws the rest from the pools with the caller's seeded
``random.Random``, so a seed always gives the same posts.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "posts" / "fixtures" / "pubmed"
PMID_BASE = 90_000_000  # far from real PMIDs; the n-th post is PMID_BASE + n


def _records() -> list[dict]:
    """The Post fields of every parseable record in the fixtures."""
    from posts.pubmed.parser import parse_pubmed_xml
    from posts.services.imports import record_fields

    records = []
    for path in sorted(FIXTURES.rglob("*.xml")):
        try:
            records.extend(parse_pubmed_xml(path.read_bytes()).records)
        except Exception:  # noqa: S112 - error envelopes are test material, not data
            continue
    return [record_fields(r) for r in records]


@dataclass(frozen=True)
class Corpus:
    records: list[dict]
    sentences: list[str]
    mesh_pool: list[dict]
    authors_pool: list[dict]
    journals: list[tuple[str, str]]

    @classmethod
    def load(cls) -> Corpus:
        records = _records()
        return cls(
            records=records,
            sentences=[
                sentence.strip() + "."
                for fields in records
                for section in fields["abstract"]
                for sentence in section["text"].split(". ")
                if len(sentence) > 30
            ],
            mesh_pool=[m for fields in records for m in fields["mesh_terms"]],
            authors_pool=[a for fields in records for a in fields["authors"]],
            journals=sorted({(f["journal_title"], f["journal_abbrev"]) for f in records}),
        )

    def post_fields(self, rng: random.Random, n: int) -> dict:
        """The n-th post's fields: record n's title and abstract plus three sentences of
        others, 1-12 authors, 0-14 MeSH terms, a journal and a year (1975-2025).

        The draws are made in a fixed order; a caller that draws more for the same post
        (its poster, its views) does so after this returns, so the data stays as it was.
        """
        base = self.records[n % len(self.records)]
        fields = dict(base)
        journal_title, journal_abbrev = rng.choice(self.journals)
        fields.update(
            journal_title=journal_title,
            journal_abbrev=journal_abbrev,
            pub_year=rng.randint(1975, 2025),
            abstract=[dict(section) for section in base["abstract"]]
            + [{"label": "", "text": " ".join(rng.sample(self.sentences, 3))}],
            authors=rng.sample(self.authors_pool, rng.randint(1, 12)),
            mesh_terms=rng.sample(self.mesh_pool, rng.randint(0, 14)),
            doi=f"10.5555/bench.{n}",
            pmcid="",
            pmid=PMID_BASE + n,
        )
        fields["pub_date"] = str(fields["pub_year"])
        return fields


def posts_write(
    posts: Iterable, *, batch_size: int = 1000, progress: Callable[[int], None] | None = None
) -> None:
    """Insert ``posts`` and index them for search with the site's own service, a batch
    per transaction (a per-post service call would take an hour at 20,000 posts).
    ``progress`` is told how many are written after each batch."""
    from django.db import transaction

    from posts.models import Post
    from posts.services.search_index import posts_index

    written = 0
    batch: list[Post] = []

    def flush() -> None:
        nonlocal written, batch
        with transaction.atomic():
            Post.objects.bulk_create(batch)
            posts_index(posts=batch)
        written += len(batch)
        batch = []
        if progress:
            progress(written)

    for post in posts:
        post.search_document = ""
        batch.append(post)
        if len(batch) == batch_size:
            flush()
    if batch:
        flush()
