from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    """One email on its way out: kept until it is sent, so no failure ever loses it.

    Every email the site sends (allauth's, notifications, report receipts, error
    mails) is stored here by ``accounts.mail.QueuedEmailBackend`` and delivered by a
    background task, which retries with back-off and leaves the row ``failed`` (with
    the last error) when it gives up, for an admin to send again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "queued"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"
        FAILED = "failed", "failed"

    subject = models.CharField(max_length=998)
    from_email = models.CharField(max_length=320)
    # Lists of addresses; JSON keeps the message exactly as the sender built it.
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list, blank=True)
    bcc = models.JSONField(default=list, blank=True)
    reply_to = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # When the current attempt started (status "sending") or the message was sent.
    attempted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "outgoing email"
        verbose_name_plural = "outgoing emails"

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"
