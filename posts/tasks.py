"""Background tasks of the posts app (Django's tasks API; run by the worker).

Thin wrappers: the work is in ``posts.services``.
"""

from django_tasks import task

from posts.services.notifications import notification_email_send, notification_emails_schedule
from posts.services.reports import reports_alert_moderators
from posts.services.sponsors import sponsor_stats_flush


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
def reports_alert_moderators_task() -> int:
    return reports_alert_moderators()
