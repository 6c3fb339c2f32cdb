"""Background tasks of the posts app (Django's tasks API; run by the worker)."""

from django_tasks import task

from posts.services.sponsors import sponsor_stats_flush


@task()
def sponsor_stats_flush_task() -> int:
    return sponsor_stats_flush()
