from datetime import timedelta
from urllib.parse import quote_plus

from django.conf import settings
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from posts.markup import plain_text

PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
PUBMED_SEARCH_URL = "https://pubmed.ncbi.nlm.nih.gov/?term={term}"
DOI_URL = "https://doi.org/{doi}"
PMC_URL = "https://www.ncbi.nlm.nih.gov/pmc/articles/{pmcid}/"


class PostQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_hidden=False)

    def visible_to(self, user):
        if user.is_authenticated and user.is_staff:
            return self.all()
        return self.visible()

    def readable_by(self, user):
        """A post's own page: visible posts, and hidden ones for staff and for the member
        who posted them (who must see that it is hidden, and why)."""
        if not user.is_authenticated:
            return self.visible()
        if user.is_staff:
            return self.all()
        return self.filter(Q(is_hidden=False) | Q(posted_by=user))

    def with_recent_score(self, *, today=None):
        """Annotate Ning's popularity score: 100 x today + 10 x last 7 days + last 30 days."""
        today = today or timezone.localdate()
        daily = "daily_views__views"
        day = "daily_views__day"
        return self.annotate(
            views_today=Sum(daily, filter=Q(**{day: today}), default=0),
            views_week=Sum(daily, filter=Q(**{f"{day}__gt": today - timedelta(days=7)}), default=0),
            views_month=Sum(
                daily, filter=Q(**{f"{day}__gt": today - timedelta(days=30)}), default=0
            ),
        ).annotate(
            recent_score=100 * models.F("views_today")
            + 10 * models.F("views_week")
            + models.F("views_month")
        )

    def popular(self, *, limit=5, today=None):
        today = today or timezone.localdate()
        return (
            self.visible()
            # Filtering before annotating restricts the join (and the sums) to the
            # last 30 days of daily rows instead of every day since launch.
            .filter(daily_views__day__gt=today - timedelta(days=30))
            .with_recent_score(today=today)
            .order_by("-recent_score", "-created_at")[:limit]
        )


class Post(models.Model):
    """A research abstract re-published for discussion, usually from a PubMed record.

    Fields mirror what a reader needs from the record. Lists (authors, abstract
    sections, MeSH terms ...) are JSON: they are always read whole with the post, so
    storing them beside it keeps every page at a fixed number of queries.
    """

    pmid = models.PositiveBigIntegerField("PMID", null=True, blank=True, unique=True)
    doi = models.CharField("DOI", max_length=255, blank=True)
    pmcid = models.CharField("PMCID", max_length=32, blank=True)
    title = models.TextField(
        help_text="Inline markup allowed: <i>, <b>, <sup>, <sub>, <u>, <em>, <strong>."
    )
    slug = models.SlugField(max_length=100, blank=True)
    # [{"label": "RESULTS", "text": "..."}]; text may hold the same inline markup as the title.
    abstract = models.JSONField(default=list, blank=True)
    copyright = models.TextField(blank=True)
    # [{"last_name", "fore_name", "initials", "collective_name", "affiliations": [...]}]
    authors = models.JSONField(default=list, blank=True)
    journal_title = models.CharField(max_length=300, blank=True)
    journal_abbrev = models.CharField(max_length=200, blank=True)
    volume = models.CharField(max_length=50, blank=True)
    issue = models.CharField(max_length=50, blank=True)
    pages = models.CharField(max_length=100, blank=True)
    pub_date = models.CharField(
        "publication date", max_length=60, blank=True, help_text="As PubMed shows it: 2007 Nov-Dec"
    )
    pub_year = models.PositiveSmallIntegerField("year", null=True, blank=True, db_index=True)
    language = models.CharField(max_length=20, blank=True)
    publication_types = models.JSONField(default=list, blank=True)
    # [{"descriptor": "Low Back Pain", "major": true, "qualifiers": ["diagnosis"]}]
    mesh_terms = models.JSONField("MeSH terms", default=list, blank=True)
    keywords = models.JSONField(default=list, blank=True)

    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    # Set when the member who posted it deletes their account, so the page can say
    # "Former member" rather than show no poster (imports may have none at all).
    poster_left = models.BooleanField(default=False, editable=False)
    is_hidden = models.BooleanField("hidden", default=False, db_index=True)
    # Why and by whom it was hidden (shown to staff and to the member who posted it).
    hidden_reason = models.CharField(max_length=300, blank=True, editable=False)
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
    view_count = models.PositiveIntegerField("views", default=0, editable=False)
    # Discussion counters (posts.services.discussion / engagement keep them with F()),
    # so cards and the "Discussed" list need no join or count.
    comment_count = models.PositiveIntegerField("comments", default=0, editable=False)
    like_count = models.PositiveIntegerField("likes", default=0, editable=False)
    last_commented_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    refreshed_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="Last import from PubMed."
    )
    # Lower-cased plain text of everything searchable; rebuilt on every save.
    search_document = models.TextField(blank=True, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("hide_post", "Can hide and restore posts")]
        indexes = [
            models.Index(fields=["is_hidden", "-created_at"]),
            models.Index(
                fields=["is_hidden", "-last_commented_at"], name="posts_post_discussed_idx"
            ),
        ]

    def __str__(self):
        return self.title_text[:120]

    def save(self, *args, **kwargs):
        self.slug = slugify(self.title_text)[:100].strip("-") or "post"
        self.search_document = self.build_search_document()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "slug", "search_document"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("posts:detail", kwargs={"pk": self.pk, "slug": self.slug})

    # --- presentation ------------------------------------------------------
    @property
    def title_text(self) -> str:
        return plain_text(self.title)

    @property
    def author_names(self) -> list[str]:
        return [author_display_name(a) for a in self.authors]

    @property
    def author_line(self) -> str:
        return ", ".join(self.author_names)

    @property
    def first_affiliation(self) -> str:
        for author in self.authors:
            for affiliation in author.get("affiliations") or []:
                if affiliation:
                    return affiliation
        return ""

    @property
    def citation(self) -> str:
        """The citation as PubMed prints it: ``Radiographics. 2007 Nov-Dec;27(6):1751-71.``"""
        journal = self.journal_abbrev or self.journal_title
        source = self.volume
        if self.issue:
            source += f"({self.issue})"
        when = self.pub_date
        if source:
            when = f"{when};{source}" if when else source
        if self.pages:
            when = f"{when}:{self.pages}" if when else self.pages
        parts = [p.rstrip(".") for p in (journal, when) if p]
        return ". ".join(parts) + "." if parts else ""

    @property
    def abstract_text(self) -> str:
        return " ".join(plain_text(s.get("text", "")) for s in self.abstract)

    @property
    def pubmed_url(self) -> str:
        if self.pmid:
            return PUBMED_URL.format(pmid=self.pmid)
        return PUBMED_SEARCH_URL.format(term=quote_plus(self.title_text))

    @property
    def doi_url(self) -> str:
        return DOI_URL.format(doi=self.doi) if self.doi else ""

    @property
    def pmc_url(self) -> str:
        return PMC_URL.format(pmcid=self.pmcid) if self.pmcid else ""

    def build_search_document(self) -> str:
        parts = [
            self.title_text,
            self.abstract_text,
            " ".join(self.author_names),
            self.journal_title,
            self.journal_abbrev,
            " ".join(m.get("descriptor", "") for m in self.mesh_terms),
            " ".join(self.keywords),
            self.doi,
            str(self.pmid or ""),
        ]
        return " ".join(p for p in parts if p).lower()


def author_display_name(author: dict) -> str:
    """PubMed's short form: ``Fritz J``; a group keeps its full name."""
    if author.get("collective_name"):
        return author["collective_name"]
    last = author.get("last_name", "")
    initials = author.get("initials", "")
    return f"{last} {initials}".strip() or author.get("fore_name", "")


class PostDailyViews(models.Model):
    """Distinct views of a post on one day, so "Popular" can rank recent activity."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="daily_views")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "post daily views"
        constraints = [
            models.UniqueConstraint(fields=["post", "day"], name="unique_post_day_views")
        ]
        indexes = [models.Index(fields=["day", "post"])]

    def __str__(self):
        return f"{self.post_id} on {self.day}: {self.views}"
