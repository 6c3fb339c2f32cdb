from django.core.management.base import BaseCommand

from posts.services.search_index import search_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the search index (and the MeSH/keyword rows filters use) from every post. "
        "Posts are indexed as they are written, so this is for restores or repairs."
    )

    def handle(self, *args, **options):
        count = search_index_rebuild()
        self.stdout.write(f"Search index rebuilt: {count} post(s).")
