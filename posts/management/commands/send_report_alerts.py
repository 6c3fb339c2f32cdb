from django.core.management.base import BaseCommand

from posts.services.reports import reports_alert_moderators


class Command(BaseCommand):
    help = (
        "Email the moderators about new reports not announced yet (at most one email per "
        "REPORT_ALERT_INTERVAL_SECONDS). The worker does this by itself with the database "
        "queue; run this from cron with a queue that cannot defer tasks, or after an outage."
    )

    def handle(self, *args, **options):
        announced = reports_alert_moderators()
        self.stdout.write(f"{announced} new report(s) announced to the moderators.")
