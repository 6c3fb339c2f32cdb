"""Telling members what moderation did to what they wrote: a statement of reasons when
an item of theirs is hidden, and a notice when it is restored.

The author learns what was decided, about which item, why, whether it was automatic
(reports hide an item until a moderator decides) and how to ask for another look —
never who reported it. Mail goes through Django's mail API (the outbox) to a confirmed
address only, like every other email about a member.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from posts.services.notifications import site_url, verified_address


@dataclass(frozen=True)
class ModeratedItem:
    """What an email says about the item: "comment", its label and where it is."""

    what: str
    label: str
    path: str


def statement_of_reasons_send(
    *, author, item: ModeratedItem, reason: str, pending_review: bool, confirmed: bool = False
) -> bool:
    """Email ``author`` that ``item`` is hidden and why. ``confirmed``: it was hidden
    pending review and a moderator has now decided it stays hidden. True if sent."""
    subject = (
        f"Your {item.what} is hidden until a moderator reviews it"
        if pending_review
        else f"Your {item.what} stays hidden"
        if confirmed
        else f"A moderator hid your {item.what}"
    )
    return _send(
        author=author,
        subject=subject,
        template="posts/email/reports/hidden.txt",
        context={
            "item": item,
            "reason": reason.strip(),
            "pending_review": pending_review,
            "confirmed": confirmed,
        },
    )


def statement_after_hiding(
    *, author, item: ModeratedItem, was_hidden: bool, was_pending: bool, reason: str, pending: bool
) -> bool:
    """The statement owed after a hiding call, given the item's state before it: one
    when it was visible (newly hidden), or when a moderator has now decided that an
    item hidden pending review stays hidden. Nothing for a re-hide of a decided item."""
    confirmed = was_hidden and was_pending and not pending
    if was_hidden and not confirmed:
        return False
    return statement_of_reasons_send(
        author=author, item=item, reason=reason, pending_review=pending, confirmed=confirmed
    )


def restoration_notice_send(*, author, item: ModeratedItem) -> bool:
    """Email ``author`` that ``item`` is visible again."""
    return _send(
        author=author,
        subject=f"Your {item.what} is visible again",
        template="posts/email/reports/restored.txt",
        context={"item": item},
    )


def _send(*, author, subject: str, template: str, context: dict) -> bool:
    if author is None or not author.is_active:
        return False
    address = verified_address(author)
    if not address:
        return False
    body = render_to_string(
        template,
        {
            **context,
            "name": author.name,
            "url": site_url(context["item"].path),
            "report_url": site_url(reverse("reports:site")),
            "SITE_NAME": settings.SITE_NAME,
        },
    )
    EmailMessage(subject=f"[radRounds] {subject}", body=body, to=[address]).send()
    return True
