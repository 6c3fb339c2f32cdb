"""Notifications (the header bell and emails) and each member's email choices."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class NotificationKind(models.TextChoices):
    REPLY = "reply", "Replies to my comments"
    MENTION = "mention", "Mentions of me"
    COMMENT = "comment", "New comments on posts I follow"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something happened that ``recipient`` wants to know about.

    ``email_pending`` marks the notifications waiting for the next batched email of
    their post (at most one per post per hour, ``posts.services.notifications``).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=10, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        "posts.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_pending = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "-created_at"]),
            models.Index(
                fields=["recipient", "post"],
                condition=models.Q(email_pending=True),
                name="posts_notif_email_pending",
            ),
        ]
        constraints = [
            # One notification per member per comment, whatever the reasons (a reply that
            # also mentions them is one reply).
            models.UniqueConstraint(
                fields=["recipient", "comment"], name="unique_notification_per_comment"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient_id}"


class NotificationEmailWindow(models.Model):
    """When ``recipient`` last got, and will next get, an email about ``post``.

    The row is the lock that keeps emails to one per post per hour: the send task and
    the scheduler both update it under ``select_for_update``.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    last_sent_at = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "post"], name="unique_email_window")
        ]

    def __str__(self):
        return f"Emails to {self.recipient_id} about post {self.post_id}"


class EmailPreferences(models.Model):
    """Which notifications a member also wants by email. No row means all of them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    email_reply = models.BooleanField("Replies to my comments", default=True)
    email_mention = models.BooleanField("Mentions of me", default=True)
    email_comment = models.BooleanField("New comments on posts I follow", default=True)

    class Meta:
        verbose_name_plural = "email preferences"

    def __str__(self):
        return f"Email preferences of {self.user_id}"

    def wants(self, kind: str) -> bool:
        return getattr(self, f"email_{kind}")
