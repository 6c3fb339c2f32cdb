"""The tables of the database cache aliases, created by `migrate` (no createcachetable)."""

from django.conf import settings
from django.core.management import call_command


def create_cache_tables(*, using: str) -> None:
    """Create the table of every database cache alias that lacks one (idempotent).

    ``createcachetable`` builds each table through the schema editor, so this works on
    every database vendor, and skips tables that exist.
    """
    if any("DatabaseCache" in config["BACKEND"] for config in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)


def create_cache_tables_after_migrate(sender, using="default", **kwargs) -> None:
    create_cache_tables(using=using)
