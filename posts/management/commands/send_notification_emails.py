from django.core.management.base import BaseCommand

from posts.services.notifications import notification_emails_send_due


class Command(BaseCommand):
    help = (
        "Send every batched notification email whose hour is over. The worker does this "
        "by itself with the database queue; run this from cron with a queue that cannot "
        "defer tasks, or after an outage."
    )

    def handle(self, *args, **options):
        sent = notification_emails_send_due()
        self.stdout.write(f"{sent} notification email(s) sent.")
