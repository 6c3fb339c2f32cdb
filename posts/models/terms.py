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
        # Facet counts start from the matching posts and read only this index (it covers
        # them); related posts and filters start from a term. A (kind, key) index would
        # tempt SQLite to scan every MeSH row for a facet count instead.
        indexes = [
            models.Index(fields=["post", "kind", "value", "major"], name="posts_term_facets"),
            models.Index(fields=["key", "kind"], name="posts_term_key_kind"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["post", "kind", "key"], name="unique_post_term")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"
