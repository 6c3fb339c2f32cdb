from django.db import models
from django.urls import reverse


class SitePage(models.Model):
    """A page staff edit in the admin: Terms of Service, Privacy.

    The body is plain text with a little structure (see ``posts.pagetext``):
    blank lines between paragraphs, ``## `` headings and ``- `` list items. It is
    escaped when shown, so the admin cannot inject markup by accident.
    """

    class Slug(models.TextChoices):
        TERMS = "terms", "Terms of Service (/terms/)"
        PRIVACY = "privacy", "Privacy (/privacy/)"

    slug = models.SlugField("page", unique=True, choices=Slug.choices)
    title = models.CharField(max_length=120)
    body = models.TextField(
        help_text="Blank line between paragraphs. Lines starting with '## ' are headings, "
        "lines starting with '- ' list items. Web addresses become links."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = "site page"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(self.slug)
