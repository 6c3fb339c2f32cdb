"""A member's part of the discussion, for their data download."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from posts.models import (
    Comment,
    CommentLike,
    MemberFollow,
    PostFollow,
    PostLike,
    Report,
    SavedPost,
)


def member_discussion_export(*, user) -> dict[str, Any]:
    """Comments, likes, saves, follows and reports of ``user`` as plain data (fixed queries)."""
    comments = (
        Comment.objects.filter(author=user, is_deleted=False)
        .select_related("post")
        .order_by("created_at", "pk")
    )
    return {
        "comments": [
            {
                "id": c.pk,
                "post": c.post.get_absolute_url(),
                "post_title": c.post.title_text,
                "reply_to": c.parent_id,
                "text": c.body,
                "created_at": c.created_at.isoformat(),
                "edited_at": c.edited_at.isoformat() if c.edited_at else None,
                "hidden_by_moderator": c.is_hidden,
                "url": c.get_absolute_url(),
            }
            for c in comments
        ],
        "liked_posts": [
            {"post": like.post.get_absolute_url(), "liked_at": like.created_at.isoformat()}
            for like in PostLike.objects.filter(user=user).select_related("post").order_by("pk")
        ],
        "liked_comments": [
            {
                "comment": reverse("posts:comment", args=[like.comment_id]),
                "liked_at": like.created_at.isoformat(),
            }
            for like in CommentLike.objects.filter(user=user).order_by("pk")
        ],
        "saved_posts": [
            {"post": s.post.get_absolute_url(), "saved_at": s.created_at.isoformat()}
            for s in SavedPost.objects.filter(user=user).select_related("post").order_by("pk")
        ],
        "followed_posts": [
            {"post": f.post.get_absolute_url(), "followed_at": f.created_at.isoformat()}
            for f in PostFollow.objects.filter(user=user).select_related("post").order_by("pk")
        ],
        "reports": [
            {
                "id": r.pk,
                "about": r.item_label,
                "url": r.item_url,
                "reason": r.get_reason_display(),
                "details": r.description,
                "status": r.get_status_display(),
                "sent_at": r.created_at.isoformat(),
                "decided_at": r.decided_at.isoformat() if r.decided_at else None,
                "moderator_note": r.decision_note,
            }
            for r in Report.objects.filter(reporter=user)
            .select_related("post", "comment", "member")
            .order_by("pk")
        ],
        "followed_members": [
            {"username": f.followed.username, "followed_at": f.created_at.isoformat()}
            for f in MemberFollow.objects.filter(follower=user)
            .select_related("followed")
            .order_by("pk")
        ],
    }
