"""Comments: the discussion under a post, one level of replies deep."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

# How many threads (a top-level comment with its replies) one page of a discussion shows.
THREADS_PER_PAGE = 50
# Authors may change what they wrote for this long.
EDIT_WINDOW_SECONDS = 15 * 60
MAX_COMMENT_LENGTH = 5000


class CommentQuerySet(models.QuerySet):
    def threads(self):
        """Top-level comments (each heads a thread), in the order they were written."""
        return self.filter(parent__isnull=True).order_by("created_at", "pk")

    def listed(self):
        """Comments a profile or an export may list: not deleted, not hidden, on a visible
        post."""
        return self.filter(is_deleted=False, is_hidden=False, post__is_hidden=False)


class Comment(models.Model):
    """One comment on a post, or a reply to one.

    ``body`` is the raw text the member typed; ``body_html`` is its rendering
    (``posts.comment_text``), written on every save so a page never parses text.
    Replies point at the top-level comment of their thread: a reply to a reply joins
    the same thread.
    """

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    # Set when the author deletes their account: the comment stays as "Former member".
    author_left = models.BooleanField(default=False, editable=False)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(max_length=MAX_COMMENT_LENGTH)
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A deleted comment that still has replies stays as "[deleted]" so the thread reads on.
    is_deleted = models.BooleanField(default=False, editable=False)
    is_hidden = models.BooleanField("hidden", default=False, db_index=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Hidden automatically by reports until a moderator decides (posts.services.moderation).
    hidden_pending_review = models.BooleanField(default=False, editable=False)
    like_count = models.PositiveIntegerField("likes", default=0, editable=False)
    # The form's one-time token: the same submission twice creates one comment.
    client_token = models.UUIDField(null=True, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        permissions = [("hide_comment", "Can hide and restore comments")]
        indexes = [
            models.Index(fields=["post", "parent", "created_at"]),
            models.Index(fields=["author", "-created_at"]),
            models.Index(fields=["-created_at"], name="posts_comment_created_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_token"],
                condition=Q(client_token__isnull=False),
                name="unique_comment_submission",
            ),
        ]

    def __str__(self):
        return f"Comment {self.pk} on post {self.post_id}"

    def get_absolute_url(self):
        """The permalink: redirects to the page of the discussion that shows the comment."""
        return reverse("posts:comment", kwargs={"pk": self.pk})

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"

    @property
    def thread_id(self) -> int:
        return self.parent_id or self.pk

    @property
    def is_edited(self) -> bool:
        return self.edited_at is not None

    def editable_until(self):
        return self.created_at + timezone.timedelta(seconds=EDIT_WINDOW_SECONDS)

    def can_edit(self, user, *, now=None) -> bool:
        return (
            user.is_authenticated
            and user.pk == self.author_id
            and not self.is_deleted
            and (now or timezone.now()) < self.editable_until()
        )

    def can_delete(self, user) -> bool:
        return user.is_authenticated and user.pk == self.author_id and not self.is_deleted

    def text_visible_to(self, user) -> bool:
        """Hidden text stays readable for its author and staff only."""
        if self.is_deleted:
            return False
        if not self.is_hidden:
            return True
        return user.is_authenticated and (user.is_staff or user.pk == self.author_id)

    @property
    def excerpt(self) -> str:
        text = " ".join(self.body.split())
        return text if len(text) <= 140 else text[:139].rstrip() + "…"
