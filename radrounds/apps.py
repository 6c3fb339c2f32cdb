from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RadroundsConfig(AppConfig):
    """Site-wide plumbing: cache tables, health checks, request logging, backups."""

    name = "radrounds"
    verbose_name = "radRounds site"

    def ready(self):
        from radrounds.cachetables import create_cache_tables_after_migrate

        # The migration creates the tables on a first deploy; this also creates the
        # table of a cache alias added (or switched from Redis) later, on any migrate.
        post_migrate.connect(create_cache_tables_after_migrate, sender=self)
        from radrounds.pagecache import connect_model_signals, pages_changed_after_migrate

        connect_model_signals()
        # A deploy (new templates) or a flushed database outdates every rendered page.
        post_migrate.connect(pages_changed_after_migrate, sender=self)
