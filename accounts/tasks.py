"""Background tasks of the accounts app (Django's tasks API; run by the worker)."""

from django_tasks import task

from accounts.mail import email_deliver


@task()
def email_deliver_task(email_id: int) -> str:
    return email_deliver(email_id=email_id)
