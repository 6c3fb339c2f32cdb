from django.db import models
from django.utils import timezone


class RetiredUsername(models.Model):
    """A deleted member's username, which nobody else may take.

    Only the lower-cased name is kept (no link to the deleted account): enough to keep
    someone from posing as a former member under their old profile URL.
    """

    username = models.CharField(max_length=150, unique=True)
    retired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "retired username"
        verbose_name_plural = "retired usernames"

    def __str__(self):
        return self.username
