from django.conf import settings
from django.db import models
from django.utils import timezone

from posts.achievements import CATALOGUE


class MemberBadgeQuerySet(models.QuerySet):
    def holder_counts(self) -> dict[str, int]:
        """How many members hold each badge, in one query."""
        rows = self.values_list("badge").annotate(n=models.Count("pk")).order_by()
        return dict(rows)


class MemberBadge(models.Model):
    """An achievement badge a member holds; at most one of each kind per member.

    The unique constraint is what makes awarding idempotent under concurrency: two
    requests that both decide to award insert once, the other gets the existing row.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_badges"
    )
    badge = models.CharField(
        max_length=32, choices=[(rule.slug, rule.name) for rule in CATALOGUE], db_index=True
    )
    awarded_at = models.DateTimeField(default=timezone.now)
    # Set when staff granted the badge by hand. Hand grants are never taken back by
    # the recompute command; automatic ones that follow a state (verified) are.
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = MemberBadgeQuerySet.as_manager()

    class Meta:
        ordering = ["awarded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "badge"], name="unique_member_badge")
        ]
        verbose_name = "member badge"

    def __str__(self):
        return f"{self.rule.name} – {self.user}"

    @property
    def rule(self):
        return CATALOGUE.get(self.badge)


class PostRead(models.Model):
    """A member read a post (their view was counted). One row per member and post.

    Kept for the "posts read" badge; written only when a member's view is counted,
    which is at most once per post per de-duplication window.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_reads"
    )
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="reads")
    first_read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="unique_post_read")]

    def __str__(self):
        return f"{self.user_id} read {self.post_id}"
