import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from posts.models import Post
from posts.pubmed.parser import parse_pubmed_xml
from posts.services.imports import post_import
from posts.services.search_index import post_index, posts_set_hidden

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
# Twenty real imaging records (see fixtures/pubmed/radiology/SOURCES.md), imported
# oldest article first so the newest research tops the home page; the seed page's own
# article (no PubMed XML of it is available) is added last, by hand, and leads.
DEMO_DIR = FIXTURES / "pubmed" / "radiology"
HANDWRITTEN = FIXTURES / "demo" / "handwritten.json"
# What earlier versions loaded as demo content: real records, but not radiology (fish
# sperm, Ming-dynasty fiction ...). Kept as test fixtures; see --retire-old-demo.
OLD_DEMO_PMIDS = frozenset(
    {11618220, 34843274, 38048813, 35196497, 33278872, 24792780, 30158200, 151222,
     12091962, 9997, 11748933, 11700088, 27797938}
)  # fmt: skip


class Command(BaseCommand):
    help = (
        "Load the demo posts: 20 real radiology records shipped in the repo and the seed "
        "page's article. Safe to run again: posts already on the site are left as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--retire-old-demo",
            action="store_true",
            help="Hide the off-topic posts that earlier versions loaded as demo content "
            "(only those nobody posted by hand; hidden, not deleted: unhide them in the admin).",
        )

    def handle(self, *args, retire_old_demo=False, **options):
        created = 0
        existing = set(Post.objects.exclude(pmid=None).values_list("pmid", flat=True))
        records = [
            record
            for path in sorted(DEMO_DIR.glob("*.xml"))
            for record in parse_pubmed_xml(path.read_bytes()).records
        ]
        for record in sorted(records, key=lambda r: (r.pub_year or 0, r.pmid)):
            if record.pmid not in existing:
                created += post_import(record=record).ok
                existing.add(record.pmid)
        created += self._handwritten()

        old_demo = Post.objects.filter(
            pmid__in=OLD_DEMO_PMIDS, posted_by=None, poster_left=False, is_hidden=False
        )
        if retire_old_demo:
            hidden = posts_set_hidden(
                post_ids=list(old_demo.values_list("pk", flat=True)), hidden=True
            )
            self.stdout.write(f"Hid {hidden} off-topic post(s) from the old demo content.")
        elif old_demo.exists():
            self.stdout.write(
                f"Note: {old_demo.count()} off-topic post(s) from earlier demo content are still "
                "shown; `manage.py seed_demo --retire-old-demo` hides them."
            )
        total = Post.objects.visible().count()
        self.stdout.write(f"Demo content: {created} post(s) added, {total} shown on the site.")

    @transaction.atomic
    def _handwritten(self) -> int:
        created = 0
        for fields in json.loads(HANDWRITTEN.read_text(encoding="utf-8")):
            fields = {k: v for k, v in fields.items() if k != "source"}
            if not Post.objects.filter(pmid=None, title=fields["title"]).exists():
                post_index(post=Post.objects.create(**fields))
                created += 1
        return created
