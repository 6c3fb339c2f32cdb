import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from posts.models import Post
from posts.pubmed.parser import parse_pubmed_xml
from posts.services.imports import post_import

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
# Real efetch responses (see fixtures/pubmed/SOURCES.md). Error envelopes, the
# empty set and the book chapter are test material, not demo content.
# Imported oldest first, so the radiology records end up at the top of the home page.
DEMO_FILES = [
    "pubmed/metapub/11618220.xml",
    "pubmed/metapub/34843274.xml",
    "pubmed/metapub/38048813.xml",
    "pubmed/ncbiutils/pubmed.xml",
    "pubmed/biopython/pubmed1.xml",
    "pubmed/biopython/pubmed2.xml",
    "pubmed/biopython/pubmed4.xml",
    "pubmed/biopython/pubmed7.xml",
]
HANDWRITTEN = "demo/handwritten.json"


class Command(BaseCommand):
    help = (
        "Load the demo posts (real PubMed records shipped in the repo). Safe to run "
        "again: posts already on the site are left as they are."
    )

    def handle(self, *args, **options):
        created = 0
        existing = set(Post.objects.exclude(pmid=None).values_list("pmid", flat=True))
        for name in DEMO_FILES:
            parsed = parse_pubmed_xml((FIXTURES / name).read_bytes())
            for record in parsed.records:
                if record.pmid in existing:
                    continue
                outcome = post_import(record=record)
                created += outcome.ok
                existing.add(record.pmid)
        created += self._handwritten()
        total = Post.objects.count()
        self.stdout.write(f"Demo content: {created} post(s) added, {total} on the site.")

    @transaction.atomic
    def _handwritten(self) -> int:
        created = 0
        for fields in json.loads((FIXTURES / HANDWRITTEN).read_text(encoding="utf-8")):
            fields = {k: v for k, v in fields.items() if k != "source"}
            if not Post.objects.filter(pmid=None, title=fields["title"]).exists():
                Post.objects.create(**fields)
                created += 1
        return created
