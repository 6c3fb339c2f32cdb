#!/usr/bin/env python
"""Search benchmark: p50/p95/p99 of realistic searches over 20,000 posts.

    .venv/bin/python bench/search.py                  # SQLite, bench/.data/search-20000.sqlite3
    .venv/bin/python bench/search.py --posts 5000     # another size (its own file)
    .venv/bin/python bench/search.py --rebuild        # build the data again
    DATABASE_URL=postgres://... .venv/bin/python bench/search.py   # PostgreSQL

The data is built once and reused: posts varied from the real PubMed records in
posts/fixtures/pubmed/ (titles, abstracts, authors, MeSH terms and journals recombined,
years spread), written and indexed by the same service the site uses. Never the
project's db.sqlite3. Each search runs through the search view itself (query parsing,
full-text match, filters, facet counts, snippets, template), as a visitor's request
would, minus the network. Prints one line per search and the overall percentiles; exits
non-zero if any request fails. Speed is reported, never asserted (see bench/README.md).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COUNT = re.compile(r'class="result-count counter" role="status">([\d,]+) post')
SEARCHES = [
    # (label, query string): what radiologists type, with and without filters
    ("word", "q=spine"),
    ("word, synonym-heavy", "q=lung"),
    ("two words", "q=lung+biopsy"),
    ("phrase", "q=%22air+embolism%22"),
    ("exclusion", "q=tuberculosis+-children"),
    ("OR", "q=MRI+OR+CT"),
    ("author", "q=Hiraki+T"),
    ("PMID", "q=90000042"),
    ("stemming", "q=biopsies"),
    ("long", "q=ct-guided+localization+of+pulmonary+nodules+before+thoracoscopic+resection"),
    ("word + journal", "q=embolism&journal=J+Vasc+Interv+Radiol"),
    ("word + years", "q=ultrasound&year_from=2010&year_to=2020"),
    ("word + type", "q=tumour&type=Review"),
    ("word + MeSH", "q=imaging&mesh=Humans"),
    (
        "all filters",
        "q=radiology&journal=Radiology&year_from=1990&type=Journal+Article&mesh=Humans",
    ),
    ("newest", "q=spine&sort=newest"),
    ("most viewed, page 3", "q=lung&sort=views&page=3"),
    ("MeSH chip (no words)", "mesh=Tomography%2C+X-Ray+Computed"),
    ("empty page", ""),
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per search")
    parser.add_argument("--rebuild", action="store_true", help="build the data again")
    return parser.parse_args()


def setup_django(posts: int) -> None:
    if not os.environ.get("DATABASE_URL"):
        data = ROOT / "bench" / ".data"
        data.mkdir(parents=True, exist_ok=True)
        os.environ["SQLITE_PATH"] = str(data / f"search-{posts}.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "radrounds.settings")
    os.environ.setdefault("DEBUG", "false")  # no query log: as in production
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)


def build(count: int, *, seed: int = 10) -> None:
    """``count`` posts varied from the real records, indexed by the site's own service."""
    from bench.corpus import Corpus, posts_write
    from posts.models import Post
    from posts.services.search_index import search_index_rebuild

    rng = random.Random(seed)
    corpus = Corpus.load()

    def posts():
        for n in range(count):
            fields = corpus.post_fields(rng, n)
            post = Post(view_count=rng.randint(0, 500), **fields)
            post.slug = "post"
            yield post

    Post.objects.all().delete()
    search_index_rebuild()  # an empty index: nothing left from an earlier build
    started = time.perf_counter()
    posts_write(posts(), progress=lambda n: print(f"  built {n:,} posts", end="\r", flush=True))
    print(f"  built {count:,} posts in {time.perf_counter() - started:.0f} s")
    # Fresh tables have no planner statistics yet (a live site gets them from autovacuum
    # or its own ANALYZE); without them PostgreSQL guesses badly.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def measure(runs: int) -> int:
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    from django.test import RequestFactory

    from posts.views.search import search

    factory = RequestFactory(SERVER_NAME="localhost")
    every: list[float] = []
    failures = 0
    print(f"{'search':<24} {'matches':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for label, query in SEARCHES:
        timings = []
        for run in range(runs + 2):  # two warm-up runs, not timed
            request = factory.get("/search/?" + query)
            request.user = AnonymousUser()
            started = time.perf_counter()
            response = search(request)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                failures += 1
                break
            if run >= 2:
                timings.append(elapsed)
        if not timings:
            print(f"{label:<24} FAILED ({response.status_code})")
            continue
        found = COUNT.search(response.content.decode())
        results = found.group(1) if found else "0"
        every.extend(timings)
        print(
            f"{label:<24} {results:>7} {statistics.median(timings):8.1f} "
            f"{percentile(timings, 95):8.1f} {percentile(timings, 99):8.1f}"
        )
    print(
        f"\nall {len(every)} requests on {connection.vendor}: "
        f"p50 {statistics.median(every):.1f} ms, p95 {percentile(every, 95):.1f} ms, "
        f"p99 {percentile(every, 99):.1f} ms"
    )
    return failures


def main() -> int:
    args = parse_args()
    setup_django(args.posts)
    from posts.models import Post

    if args.rebuild or Post.objects.count() != args.posts:
        print(f"Building {args.posts:,} posts (once; reused next time) ...")
        build(args.posts)
    failures = measure(args.runs)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
