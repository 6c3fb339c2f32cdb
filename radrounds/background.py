"""Handing work to the background worker through Django's tasks API."""

from django.conf import settings
from django.db import transaction


def enqueue(task, *args, **kwargs) -> None:
    """Enqueue ``task`` so that it never runs against rows that are not committed yet.

    With the database queue (the embedded default) the task row is written in the
    caller's transaction: the work and its task commit together or not at all. A queue
    outside the database (RQ on Redis, ``TASKS_ENQUEUE_ON_COMMIT``) only gets the task
    once the caller's transaction has committed.
    """
    if settings.TASKS_ENQUEUE_ON_COMMIT:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs), robust=True)
    else:
        task.enqueue(*args, **kwargs)
