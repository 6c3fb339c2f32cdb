"""Notifications: the header bell, and email at most once per post per hour.

A new comment writes its notifications in the request (the bell must show them at
once) and hands email to the background worker. Each (recipient, post) pair has a
:class:`~posts.models.NotificationEmailWindow`: the first notification is emailed at
once, anything later in the hour waits for one batched email when the hour is over.
With the database task queue the batch is a task deferred with ``run_after``; a
queue that cannot defer leaves it to ``manage.py send_notification_emails``, which
sends every batch that is due (and is the safety net for a lost task).
Every email goes through the outbox (``accounts.mail``), so it is retried and never
lost once the batch is committed.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from posts.models import (
    Comment,
    EmailPreferences,
    Notification,
    NotificationEmailWindow,
    NotificationKind,
    PostFollow,
)
from radrounds.background import enqueue

EMAIL_INTERVAL = timedelta(hours=1)
# How emails and the unsubscribe page name each kind, speaking to the member.
KIND_PHRASES = {
    NotificationKind.REPLY: "replies to your comments",
    NotificationKind.MENTION: "mentions of you",
    NotificationKind.COMMENT: "new comments on posts you follow",
}
UNSUBSCRIBE_SALT = "radrounds.notifications.unsubscribe"


# --- Creating notifications --------------------------------------------------------
def notifications_for_comment(*, comment: Comment, replied_to: Comment | None, mentioned) -> int:
    """Notify who a new comment concerns: replied-to authors, mentioned members and the
    post's followers, once each (the most specific reason wins); never its author."""
    actor_id = comment.author_id
    kinds: dict[int, str] = {}
    if replied_to is not None:
        for answered in (replied_to, comment.parent):
            if answered is not None and answered.author_id and not answered.is_deleted:
                kinds.setdefault(answered.author_id, NotificationKind.REPLY)
    for member in mentioned:
        kinds.setdefault(member.pk, NotificationKind.MENTION)
    followers = PostFollow.objects.filter(
        post_id=comment.post_id, user__is_active=True
    ).values_list("user_id", flat=True)
    for user_id in followers:
        kinds.setdefault(user_id, NotificationKind.COMMENT)
    kinds.pop(actor_id, None)
    if not kinds:
        return 0
    preferences = {p.user_id: p for p in EmailPreferences.objects.filter(user_id__in=kinds)}
    default = EmailPreferences()
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=user_id,
                kind=kind,
                actor_id=actor_id,
                post_id=comment.post_id,
                comment=comment,
                created_at=comment.created_at,
                email_pending=preferences.get(user_id, default).wants(kind),
            )
            for user_id, kind in kinds.items()
        ],
        ignore_conflicts=True,
    )
    from posts.tasks import notification_emails_schedule_task

    enqueue(notification_emails_schedule_task, comment.post_id)
    return len(kinds)


def unread_count(*, user, cap: int = 100) -> int:
    """The bell's number: one indexed query that stops counting at ``cap``."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True)[:cap].count()


def notifications_mark_read(*, user, notification_ids=None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


# --- Email preferences and unsubscribing --------------------------------------------
def email_preferences_for(*, user) -> EmailPreferences:
    return EmailPreferences.objects.filter(user=user).first() or EmailPreferences(user=user)


def email_preferences_set(*, user, choices: dict[str, bool]) -> EmailPreferences:
    """Turn email on or off per kind: ``{"reply": True, "comment": False}``."""
    fields = {f"email_{kind}": bool(on) for kind, on in choices.items() if kind in KINDS}
    preferences, _ = EmailPreferences.objects.update_or_create(user=user, defaults=fields)
    if fields:
        # Emails waiting for their hour stop for kinds turned off.
        off = [kind for kind, on in choices.items() if kind in KINDS and not on]
        Notification.objects.filter(recipient=user, kind__in=off, email_pending=True).update(
            email_pending=False
        )
    return preferences


KINDS = tuple(NotificationKind.values)


def unsubscribe_token(*, user_id: int, kinds) -> str:
    return signing.dumps({"u": user_id, "k": sorted(set(kinds))}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_read(token: str) -> tuple[int, list[str]] | None:
    """The member and kinds a token stands for, or None if it was not made by us."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        kinds = [kind for kind in data["k"] if kind in KINDS]
        return int(data["u"]), kinds
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# --- Batched email ------------------------------------------------------------------
def notification_emails_schedule(*, post_id: int, now=None) -> int:
    """Give every member with email waiting about ``post_id`` a send time: now, or an
    hour after the last email about that post. Returns how many sends it planned."""
    now = now or timezone.now()
    recipients = (
        Notification.objects.filter(post_id=post_id, email_pending=True)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    planned = 0
    for recipient_id in list(recipients):
        planned += _schedule_one(recipient_id=recipient_id, post_id=post_id, now=now)
    return planned


@transaction.atomic
def _schedule_one(*, recipient_id: int, post_id: int, now) -> int:
    from posts.tasks import notification_email_send_task

    window, _ = NotificationEmailWindow.objects.select_for_update().get_or_create(
        recipient_id=recipient_id, post_id=post_id
    )
    if window.scheduled_for is not None:
        return 0  # a send is planned already; it will take this notification along
    send_at = now
    if window.last_sent_at is not None:
        send_at = max(now, window.last_sent_at + EMAIL_INTERVAL)
    window.scheduled_for = send_at
    window.save(update_fields=["scheduled_for"])
    if send_at <= now:
        enqueue(notification_email_send_task, recipient_id, post_id)
    elif notification_email_send_task.get_backend().supports_defer:
        enqueue(notification_email_send_task.using(run_after=send_at), recipient_id, post_id)
    # Otherwise `manage.py send_notification_emails` sends it once it is due.
    return 1


@transaction.atomic
def notification_email_send(*, recipient_id: int, post_id: int, now=None) -> str:
    """Send ``recipient`` one email with everything waiting about ``post_id``.

    Returns what happened: sent, early, nothing or skipped. Marking the notifications
    emailed and storing the email in the outbox commit together, so a crash sends
    either nothing (the batch is still due) or exactly one email.
    """
    now = now or timezone.now()
    window = (
        NotificationEmailWindow.objects.select_for_update()
        .filter(recipient_id=recipient_id, post_id=post_id)
        .first()
    )
    if window is None:
        return "nothing"
    if window.last_sent_at is not None and now < window.last_sent_at + EMAIL_INTERVAL:
        return "early"
    if window.scheduled_for is not None and now < window.scheduled_for:
        return "early"
    pending = list(
        Notification.objects.filter(recipient_id=recipient_id, post_id=post_id, email_pending=True)
        .select_related("recipient", "actor", "comment", "post")
        .order_by("created_at", "pk")
    )
    window.scheduled_for = None
    if not pending:
        window.save(update_fields=["scheduled_for"])
        return "nothing"
    recipient = pending[0].recipient
    preferences = email_preferences_for(user=recipient)
    wanted = [
        n
        for n in pending
        if preferences.wants(n.kind)
        and n.comment
        and not n.comment.is_deleted
        and not n.comment.is_hidden
        and not n.post.is_hidden
    ]
    address = verified_address(recipient)
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
        email_pending=False, emailed_at=now if wanted and address else None
    )
    if not wanted or not address or not recipient.is_active:
        window.save(update_fields=["scheduled_for"])
        return "skipped"
    _message(recipient=recipient, address=address, notifications=wanted).send()
    window.last_sent_at = now
    window.save(update_fields=["scheduled_for", "last_sent_at"])
    return "sent"


def notification_emails_send_due(*, now=None) -> int:
    """Send every batch whose time has come (for queues that cannot defer, and lost
    tasks). Returns how many emails went out."""
    now = now or timezone.now()
    due = list(
        NotificationEmailWindow.objects.filter(scheduled_for__lte=now).values_list(
            "recipient_id", "post_id"
        )
    )
    sent = 0
    for recipient_id, post_id in due:
        if notification_email_send(recipient_id=recipient_id, post_id=post_id, now=now) == "sent":
            sent += 1
    return sent


def verified_address(user) -> str:
    """Only a confirmed address gets mail about a member (notifications, moderation):
    nobody can sign someone else up and have the site write to them."""
    if not user.email:
        return ""
    verified = EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True)
    return user.email if verified.exists() else ""


def _message(*, recipient, address: str, notifications) -> EmailMultiAlternatives:
    post = notifications[0].post
    kinds = sorted({n.kind for n in notifications})
    token = unsubscribe_token(user_id=recipient.pk, kinds=kinds)
    unsubscribe = site_url(reverse("posts:unsubscribe", args=[token]))
    context = {
        "recipient": recipient,
        "post": post,
        "post_url": site_url(post.get_absolute_url()),
        "items": [
            {
                "notification": n,
                "url": site_url(n.comment.get_absolute_url()),
                "excerpt": n.comment.excerpt,
            }
            for n in notifications
        ],
        "kinds": [KIND_PHRASES[kind] for kind in kinds],
        "unsubscribe_url": unsubscribe,
        "settings_url": site_url(reverse("accounts:settings") + "#email-notifications"),
        "SITE_NAME": settings.SITE_NAME,
    }
    if len(notifications) == 1:
        subject = _single_subject(notifications[0])
    else:
        subject = f"{len(notifications)} new comments on “{post.title_text[:80]}”"
    message = EmailMultiAlternatives(
        subject=f"[radRounds] {subject}",
        body=render_to_string("posts/email/notifications.txt", context),
        to=[address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string("posts/email/notifications.html", context), "text/html"
    )
    return message


def _single_subject(notification: Notification) -> str:
    from accounts.templatetags.members import member_name

    who = member_name(notification.actor)
    title = notification.post.title_text[:80]
    if notification.kind == NotificationKind.REPLY:
        return f"{who} replied to your comment on “{title}”"
    if notification.kind == NotificationKind.MENTION:
        return f"{who} mentioned you on “{title}”"
    return f"{who} commented on “{title}”"
