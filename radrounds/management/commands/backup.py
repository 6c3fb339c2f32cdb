"""`manage.py backup`: a consistent copy of the SQLite database and the media folder."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from radrounds.backup import BackupError, backup_create


def sqlite_path() -> Path:
    if connection.vendor != "sqlite":
        raise CommandError(
            "backup copies the SQLite database. For PostgreSQL use pg_dump and your "
            "provider's snapshots (see docs/deploy.md)."
        )
    return Path(settings.DATABASES["default"]["NAME"])


class Command(BaseCommand):
    help = "Back up the SQLite database (online, while the site runs) and the media folder."

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            default=None,
            help="Folder that receives the timestamped backup (default: BACKUP_DIR).",
        )

    def handle(self, *args, to=None, **options):
        backup_dir = Path(to) if to else Path(settings.BACKUP_DIR)
        if settings.MEDIA_STORAGE != "filesystem":
            self.stderr.write("Media are on an object store: back them up there (versioning).")
        try:
            result = backup_create(
                database=sqlite_path(),
                media_root=Path(settings.MEDIA_ROOT),
                backup_dir=backup_dir,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Backup written to {result.folder} ({result.tables} tables, "
            f"{result.media_files} media files)."
        )
