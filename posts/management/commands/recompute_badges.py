from django.core.management.base import BaseCommand, CommandError

from posts.achievements import CATALOGUE
from posts.services.achievements import badges_recompute


class Command(BaseCommand):
    help = (
        "Award every automatic achievement badge to the members who qualify, and take "
        "state badges (verified) from those who no longer do. Idempotent: run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--badge",
            action="append",
            dest="badges",
            metavar="SLUG",
            help="Only this badge (repeatable). One of: " + ", ".join(r.slug for r in CATALOGUE),
        )

    def handle(self, *args, badges=None, **options):
        unknown = [slug for slug in badges or [] if slug not in CATALOGUE]
        if unknown:
            raise CommandError(
                f"Unknown badge {', '.join(unknown)}. Known: "
                + ", ".join(r.slug for r in CATALOGUE)
            )
        for result in badges_recompute(slugs=badges):
            name = CATALOGUE[result.slug].name
            if not result.automatic:
                self.stdout.write(f"{name}: not awarded automatically yet (staff grant it)")
                continue
            self.stdout.write(f"{name}: {result.awarded} awarded, {result.revoked} taken back")
