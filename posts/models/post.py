from datetime import timedelta
from urllib.parse import quote_plus

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Max, Q, Sum, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify

from posts.markup import plain_text
from posts.pubmed.citation import CitationParts, citation_line

PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
PUBMED_SEARCH_URL = "https://pubmed.ncbi.nlm.nih.gov/?term={term}"
DOI_URL = "https://doi.org/{doi}"
PMC_URL = "https://www.ncbi.nlm.nih.gov/pmc/articles/{pmcid}/"
AUTHORS_SHOWN = 6
# How much each shared term adds to another post's relatedness (see related_to).
RELATED_WEIGHTS = {"major": 8, "major_minor": 4, "keyword": 4, "minor": 1}


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

    def related_to(self, post, *, limit=5):
        """Visible posts sharing ``post``'s MeSH terms or keywords, most related first.

        Shared MeSH major topics count most, then keywords, then other MeSH terms; one
        query over the term rows however many terms either post has.
        """
        major = [m["descriptor"].lower() for m in post.mesh_terms if m.get("major")]
        minor = [m["descriptor"].lower() for m in post.mesh_terms if not m.get("major")]
        keywords = [k.lower() for k in post.keywords]
        if not (major or minor or keywords):
            return self.none()
        from posts.models.terms import PostTerm

        def weight(prefix: str):
            mesh, keyword = "mesh", "keyword"
            return Case(
                When(
                    **{f"{prefix}kind": mesh, f"{prefix}key__in": major, f"{prefix}major": True},
                    then=Value(RELATED_WEIGHTS["major"]),
                ),
                When(
                    **{f"{prefix}kind": mesh, f"{prefix}key__in": major},
                    then=Value(RELATED_WEIGHTS["major_minor"]),
                ),
                When(
                    **{f"{prefix}kind": keyword, f"{prefix}key__in": keywords},
                    then=Value(RELATED_WEIGHTS["keyword"]),
                ),
                When(
                    **{f"{prefix}kind": mesh, f"{prefix}key__in": minor},
                    then=Value(RELATED_WEIGHTS["minor"]),
                ),
                default=Value(0),
            )

        def shared(prefix: str) -> Q:
            return Q(**{f"{prefix}kind": "mesh", f"{prefix}key__in": major + minor}) | Q(
                **{f"{prefix}kind": "keyword", f"{prefix}key__in": keywords}
            )

        # The ranking is summed over the term rows alone, and only the posts it picks
        # are read whole: grouping every matching post by all its columns took 150 ms
        # when a common MeSH term is shared by thousands of posts.
        top = (
            PostTerm.objects.filter(shared(""), post__is_hidden=False)
            .exclude(post_id=post.pk)
            .values("post_id")
            .annotate(relatedness=Sum(weight("")), posted=Max("post__created_at"))
            .order_by("-relatedness", "-posted", "-post_id")
            .values("post_id")[:limit]
        )
        return (
            self.visible()
            .filter(pk__in=top)
            .filter(shared("terms__"))
            .annotate(relatedness=Sum(weight("terms__")))
            .order_by("-relatedness", "-created_at", "-id")
        )

    def popular(self, *, limit=5, today=None):
        """The ``limit`` visible posts with the highest recent score, in one query.

        The ranking is summed over the last 30 days of daily rows alone (a day's row
        weighs 111 today, 11 in the last week, 1 before: the score's three terms), and
        only the posts it picks are annotated: joining every post to its daily rows
        and grouping by the whole post took a quarter of a second at 20,000 posts.
        """
        today = today or timezone.localdate()
        day = "day"
        weight = Case(
            When(**{day: today}, then=F("views") * 111),
            When(**{f"{day}__gt": today - timedelta(days=7)}, then=F("views") * 11),
            default=F("views"),
            output_field=models.BigIntegerField(),
        )
        top = (
            PostDailyViews.objects.filter(day__gt=today - timedelta(days=30), post__is_hidden=False)
            .values("post_id")
            .annotate(score=Sum(weight), posted=Max("post__created_at"))
            .order_by("-score", "-posted")
            .values("post_id")[:limit]
        )
        return (
            self.visible()
            .filter(pk__in=top)
            .filter(daily_views__day__gt=today - timedelta(days=30))
            .with_recent_score(today=today)
            .order_by("-recent_score", "-created_at")
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
    # What decides which date PubMed's citation leads with (see posts.pubmed.citation).
    pub_model = models.CharField(
        "publication model",
        max_length=30,
        blank=True,
        help_text="PubMed's PubModel: Print, Print-Electronic, Electronic, Electronic-Print, "
        "Electronic-eCollection.",
    )
    article_date = models.CharField(
        "electronic publication date",
        max_length=30,
        blank=True,
        help_text="As PubMed shows it: 2019 Jan 26",
    )
    publication_status = models.CharField(
        max_length=20, blank=True, help_text="PubMed's: ppublish, epublish or aheadofprint."
    )
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
            # "Most viewed" walks this in order instead of reading every matching post.
            models.Index(fields=["-view_count", "-created_at"], name="posts_post_most_viewed"),
            models.Index(
                fields=["-comment_count", "-created_at"], name="posts_post_most_discussed"
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
    def journal_name(self) -> str:
        """The journal's title without NLM's subtitle ("Radiographics : a review ...")."""
        title = self.journal_title.split(" : ")[0].strip()
        return title[:1].upper() + title[1:] if title else self.journal_abbrev

    @property
    def author_names(self) -> list[str]:
        return [author_display_name(a) for a in self.authors]

    @property
    def author_line(self) -> str:
        return ", ".join(self.author_names)

    @cached_property
    def credits(self) -> tuple[list[dict], list[str]]:
        """Authors with numbered affiliations, as PubMed lists them.

        ``([{"name": "Fritz J", "numbers": [1]}, ...], ["Department of ...", ...])``; an
        affiliation shared by several authors is listed (and numbered) once.
        """
        affiliations: list[str] = []
        authors = []
        for author in self.authors:
            numbers = []
            for affiliation in author.get("affiliations") or []:
                if not affiliation:
                    continue
                if affiliation not in affiliations:
                    affiliations.append(affiliation)
                numbers.append(affiliations.index(affiliation) + 1)
            authors.append({"name": author_display_name(author), "numbers": numbers})
        return authors, affiliations

    @property
    def authors_shown(self) -> list[dict]:
        """The authors shown before "more": all of a short list, the first six of a long one."""
        authors = self.credits[0]
        return authors if len(authors) <= AUTHORS_SHOWN + 2 else authors[:AUTHORS_SHOWN]

    @property
    def authors_more(self) -> list[dict]:
        return self.credits[0][len(self.authors_shown) :]

    @property
    def has_major_terms(self) -> bool:
        return any(m.get("major") for m in self.mesh_terms)

    @property
    def affiliations(self) -> list[str]:
        return self.credits[1]

    @property
    def first_affiliation(self) -> str:
        for author in self.authors:
            for affiliation in author.get("affiliations") or []:
                if affiliation:
                    return affiliation
        return ""

    @property
    def citation_parts(self) -> CitationParts:
        return CitationParts(
            journal=self.journal_abbrev or self.journal_title,
            pub_date=self.pub_date,
            volume=self.volume,
            issue=self.issue,
            pages=self.pages,
            doi=self.doi,
            pub_model=self.pub_model,
            article_date=self.article_date,
            publication_status=self.publication_status,
        )

    @property
    def citation(self) -> str:
        """The citation as PubMed prints it: ``Radiographics. 2007 Nov-Dec;27(6):1751-71.``"""
        return citation_line(self.citation_parts)

    @property
    def published(self) -> str:
        """When the article counts as published (the date PubMed's citation leads with)."""
        return self.citation_parts.lead_date

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
