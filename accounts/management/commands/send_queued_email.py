from django.core.management.base import BaseCommand

from accounts.mail import emails_requeue


class Command(BaseCommand):
    help = (
        "Hand every email still waiting in the outbox (and deliveries a dead worker left "
        "'sending') to the background worker; --failed also retries those that gave up."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--failed", action="store_true", help="Also retry emails that ran out of attempts."
        )

    def handle(self, *args, failed: bool = False, **options):
        count = emails_requeue(include_failed=failed)
        self.stdout.write(f"{count} email(s) handed to the worker.")
