"""What members do with posts, comments and each other: like, save, follow.

Each is one row per member and thing, made unique by the database, so a double
submit or two parallel requests can never count twice. Like counts are denormalised
on ``Post`` and ``Comment`` and change with ``F()`` in the transaction that adds or
removes the row (``posts.services.engagement``).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class PostLike(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_likes"
    )
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="unique_post_like")]
        indexes = [models.Index(fields=["post", "-created_at"])]

    def __str__(self):
        return f"{self.user_id} likes post {self.post_id}"


class CommentLike(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_likes"
    )
    comment = models.ForeignKey("posts.Comment", on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "comment"], name="unique_comment_like")
        ]

    def __str__(self):
        return f"{self.user_id} likes comment {self.comment_id}"


class SavedPost(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_posts"
    )
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="saves")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="unique_saved_post")]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self):
        return f"{self.user_id} saved post {self.post_id}"


class PostFollow(models.Model):
    """A member follows a post's discussion: new comments notify them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_follows"
    )
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="unique_post_follow")]

    def __str__(self):
        return f"{self.user_id} follows post {self.post_id}"


class MemberFollow(models.Model):
    """A member follows another: what they post, comment on or like fills "Following"."""

    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following"
    )
    followed = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="unique_member_follow"),
            models.CheckConstraint(
                condition=~Q(follower=F("followed")), name="member_follow_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.follower_id} follows member {self.followed_id}"
