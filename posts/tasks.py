"""Background tasks of the posts app (Django's tasks API; run by the worker).

Thin wrappers: the work is in ``posts.services`` and ``posts.importing``.
"""

from django_tasks import task

from posts.importing import batch_gather_in_background, batch_import_in_background
from posts.services.notifications import notification_email_send, notification_emails_schedule
from posts.services.reports import reports_alert_moderators
from posts.services.search_index import search_index_rebuild
from posts.services.sponsors import sponsor_stats_flush
from posts.services.view_buffer import view_buffer_flush


@task()
def notification_emails_schedule_task(post_id: int) -> int:
    return notification_emails_schedule(post_id=post_id)


@task()
def notification_email_send_task(recipient_id: int, post_id: int) -> str:
    return notification_email_send(recipient_id=recipient_id, post_id=post_id)


@task()
def sponsor_stats_flush_task() -> int:
    return sponsor_stats_flush()


@task()
def import_gather_task(token: str) -> str:
    return batch_gather_in_background(token=token)


@task()
def import_save_task(token: str) -> str:
    return batch_import_in_background(token=token)


@task()
def rebuild_search_index() -> int:
    """Rebuild the full-text index from every post; returns how many were indexed."""
    return search_index_rebuild()


@task()
def reports_alert_moderators_task() -> int:
    return reports_alert_moderators()


@task()
def view_buffer_flush_task() -> int:
    return view_buffer_flush()
