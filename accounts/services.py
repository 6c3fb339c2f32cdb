"""Writes on members: profile edits, avatars, verification, data export and deletion."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.avatars import ProcessedAvatar, random_name
from accounts.models import RetiredUsername, User
from radrounds.pagecache import pages_changed

logger = logging.getLogger(__name__)

PROFILE_FIELDS = (
    "display_name",
    "role",
    "subspecialty",
    "institution",
    "city",
    "country",
    "bio",
    "website",
)


def _delete_files(names: list[str]) -> None:
    for name in names:
        if not name:
            continue
        try:
            default_storage.delete(name)
        except OSError:
            # A leftover file is harmless; a failed request after a saved profile is not.
            logger.warning("Could not delete avatar file %s", name, exc_info=True)


@transaction.atomic
def profile_update(
    *,
    user: User,
    data: dict[str, Any],
    avatar: ProcessedAvatar | None = None,
    remove_avatar: bool = False,
) -> User:
    """Save the public profile fields a member may edit, and their picture, together.

    One transaction: a picture that fails to store leaves the text unsaved too, so
    the member never sees half of an edit.
    """
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(user, field, data[field])
    user.save(update_fields=[f for f in PROFILE_FIELDS if f in data])
    if avatar is not None:
        avatar_set(user=user, avatar=avatar)
    elif remove_avatar and user.avatar:
        avatar_remove(user=user)
    return user


def _stored_avatar_names(user: User) -> list[str]:
    """The avatar files the database holds for ``user`` now, row locked until commit.

    Read inside the writing transaction rather than from ``user`` (loaded when the
    request began): with two uploads at once, the second must delete the first one's
    files, not the ones both started from, or the first upload's files are orphaned.
    """
    current = User.objects.select_for_update().only("avatar", "avatar_small").get(pk=user.pk)
    return [current.avatar.name, current.avatar_small.name]


@transaction.atomic
def avatar_set(*, user: User, avatar: ProcessedAvatar) -> User:
    """Store a processed avatar under new random names and delete the replaced files.

    The old files are removed only after the new names are committed, so a failure
    leaves the member with their previous picture; concurrent uploads leave exactly
    the last one's files.
    """
    old = _stored_avatar_names(user)
    large = default_storage.save(
        "avatars/" + random_name("256", avatar.extension), ContentFile(avatar.large)
    )
    small = default_storage.save(
        "avatars/" + random_name("64", avatar.extension), ContentFile(avatar.small)
    )
    try:
        with transaction.atomic():
            user.avatar.name = large
            user.avatar_small.name = small
            user.save(update_fields=["avatar", "avatar_small"])
    except Exception:
        _delete_files([large, small])
        raise
    transaction.on_commit(lambda: _delete_files(old))
    return user


@transaction.atomic
def avatar_remove(*, user: User) -> User:
    """Go back to the generated initials avatar."""
    old = _stored_avatar_names(user)
    user.avatar.name = ""
    user.avatar_small.name = ""
    user.save(update_fields=["avatar", "avatar_small"])
    transaction.on_commit(lambda: _delete_files(old))
    return user


@transaction.atomic
def member_verify(*, users, verified: bool = True) -> int:
    """Set the staff-only ``verified`` mark on many members at once; returns how many changed.

    The "Verified radiologist" badge follows the mark.
    """
    from posts.services.achievements import badges_sync_verified

    changing = list(users.exclude(verified=verified).values_list("pk", flat=True))
    count = User.objects.filter(pk__in=changing).update(verified=verified)
    pages_changed()
    badges_sync_verified(user_ids=changing)
    return count


def member_data_export(*, user: User) -> dict[str, Any]:
    """Everything radRounds holds about a member that they entered or posted, as plain data."""
    from posts.services.export import member_discussion_export

    emails = EmailAddress.objects.filter(user=user).order_by("-primary", "email")
    posts = user.posts.order_by("created_at").only("pk", "pmid", "title", "slug", "created_at")
    return {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "profile": {
            **{field: getattr(user, field) for field in PROFILE_FIELDS},
            "verified": user.verified,
            "avatar": user.avatar.name or None,
        },
        "email_addresses": [
            {"email": e.email, "primary": e.primary, "verified": e.verified} for e in emails
        ],
        "badges": [
            {"badge": badge.rule.name, "awarded_at": badge.awarded_at.isoformat()}
            for badge in user.member_badges.all()
        ],
        "posts_read": [
            {"post": read.post_id, "first_read_at": read.first_read_at.isoformat()}
            for read in user.post_reads.order_by("first_read_at")
        ],
        "posts": [
            {
                "id": post.pk,
                "pmid": post.pmid,
                "title": post.title_text,
                "url": post.get_absolute_url(),
                "created_at": post.created_at.isoformat(),
            }
            for post in posts
        ],
        **member_discussion_export(user=user),
    }


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Remove a member and their personal data; what they posted stays, unattributed.

    Deleting the row cascades to email addresses, authenticators and sessions'
    owners; ``Post.posted_by`` and ``Comment.author`` are ``SET_NULL`` and the posts
    and comments are marked as left, so they show "Former member". Likes, saves and
    follows go with the account (their counters first). The username is retired, so
    nobody can take it over. Reports the member sent stay on record for the
    moderators, linked to nobody.
    Avatar files go once the deletion is committed.
    """
    from posts.services.engagement import member_engagement_remove
    from posts.services.reports import reports_forget_reporter

    files = [user.avatar.name, user.avatar_small.name]
    user.posts.update(poster_left=True)
    pages_changed()
    member_engagement_remove(user=user)
    RetiredUsername.objects.get_or_create(username=user.username.lower())
    reports_forget_reporter(user=user)
    user.delete()
    transaction.on_commit(lambda: _delete_files(files))
