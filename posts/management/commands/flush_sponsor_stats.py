from django.core.management.base import BaseCommand

from posts.services.sponsors import sponsor_stats_flush


class Command(BaseCommand):
    help = "Add the sponsor impressions and clicks waiting in the cache to the database."

    def handle(self, *args, **options):
        moved = sponsor_stats_flush()
        self.stdout.write(f"{moved} sponsor impression(s) and click(s) stored.")
