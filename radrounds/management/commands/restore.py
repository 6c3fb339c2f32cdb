"""`manage.py restore FOLDER`: put a backup made by `manage.py backup` back."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from radrounds.backup import BackupError, backup_restore
from radrounds.management.commands.backup import sqlite_path


class Command(BaseCommand):
    help = (
        "Restore the SQLite database and the media folder from a backup folder. "
        "Stop the web server and worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A folder written by `manage.py backup`.")
        parser.add_argument("--no-input", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args, folder: str, no_input: bool = False, **options):
        source = Path(folder)
        database = sqlite_path()
        if not no_input:
            answer = input(
                f"This replaces {database} and {settings.MEDIA_ROOT} with the backup in "
                f"{source}. Stop the site first. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            kept = backup_restore(
                source=source, database=database, media_root=Path(settings.MEDIA_ROOT)
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored {database} from {source}.")
        if kept:
            self.stdout.write(f"The previous media folder is kept at {kept}.")
