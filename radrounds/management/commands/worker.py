"""Run the background worker that matches TASKS: the database queue or RQ on Redis."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Run the task worker for the configured queue: django-tasks-db's db_worker, or "
        "RQ's worker (with the scheduler, for deferred retries) when REDIS_URL is set."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run the tasks waiting now, then exit (both workers support it).",
        )

    def handle(self, *args, batch: bool = False, **options):
        backend = settings.TASKS["default"]["BACKEND"]
        queues = settings.TASKS["default"].get("QUEUES") or ["default"]
        if backend.startswith("django_tasks_rq"):
            self.stdout.write(f"RQ worker on queues {', '.join(queues)} (Redis)")
            call_command(
                "rqworker",
                *queues,
                job_class="django_tasks_rq.Job",
                with_scheduler=True,
                burst=batch,
            )
        elif backend.startswith("django_tasks_db"):
            self.stdout.write(f"Database worker on queues {', '.join(queues)}")
            call_command("db_worker", queue_name=",".join(queues), batch=batch)
        else:
            self.stderr.write(f"{backend} runs tasks without a worker; nothing to do.")
