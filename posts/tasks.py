"""Background tasks of the posts app (Django's tasks API; run by the worker)."""

from django_tasks import task

from posts.importing import batch_gather_in_background, batch_import_in_background


@task()
def import_gather_task(token: str) -> str:
    return batch_gather_in_background(token=token)


@task()
def import_save_task(token: str) -> str:
    return batch_import_in_background(token=token)
