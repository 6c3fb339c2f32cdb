from django.db import models

from posts.models.post import Post


class PostTerm(models.Model):
    """One MeSH term, keyword or article type of a post, as a row.

    The post keeps these lists as JSON for reading; this copy is what search filters,
    facet counts and related posts join on, so each of those is one SQL query however
    many posts or terms there are. Rewritten with the post's search entry
    (``posts.services.search_index``); never edited by hand.
    """

    class Kind(models.TextChoices):
        MESH = "mesh", "MeSH term"
        KEYWORD = "keyword", "keyword"
        TYPE = "type", "article type"

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="terms")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=255)
    # Lower-cased value: "CT" and "ct" are one keyword.
    key = models.CharField(max_length=255)
    major = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "key"]),
            models.Index(fields=["post", "kind"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["post", "kind", "key"], name="unique_post_term")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"
