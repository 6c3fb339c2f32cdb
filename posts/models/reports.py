"""Reports ("Report an Issue") and their audit log.

A report is about one item: a post, a comment, a member's profile, or a page of the
site (or the site as a whole). The item is modelled explicitly, one nullable foreign
key per kind plus ``kind``, rather than with a generic relation:

- each kind has the ``on_delete`` it needs (``SET_NULL``: a report outlives the
  comment its author deleted, so the decision stays on record);
- the admin and ``/reports/mine/`` join the item with ``select_related`` (one query
  for a page of reports, whatever their kinds);
- the database checks that the key set matches ``kind`` (a CheckConstraint).

``item_key`` (``post:12``, ``comment:7``, ``member:3``, ``page:/terms/``) names the
item for good: it is what groups the reports of one item, and with ``reporter_key``
(``user:42`` or ``email:ana@example.org``) what lets the database keep one open report
per reporter per item, even for a double submit or two parallel requests. Both stay
when the item is deleted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

MAX_DESCRIPTION_LENGTH = 2000
MAX_PAGE_PATH_LENGTH = 500


class ReportKind(models.TextChoices):
    POST = "post", "Post"
    COMMENT = "comment", "Comment"
    MEMBER = "member", "Member profile"
    PAGE = "page", "Page or site"


class ReportReason(models.TextChoices):
    SPAM = "spam", "Spam"
    ABUSE = "abuse", "Abusive or offensive"
    INACCURATE = "inaccurate", "Inaccurate or misleading"
    COPYRIGHT = "copyright", "Copyright"
    PATIENT = "patient", "Patient-identifiable information"
    BROKEN = "broken", "Broken page or bug"
    OTHER = "other", "Other"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_REVIEW = "in_review", "In review"
    RESOLVED = "resolved", "Resolved (action taken)"
    DISMISSED = "dismissed", "Dismissed"


# A report waiting for a decision; the rest are decided.
OPEN_STATUSES = (ReportStatus.OPEN, ReportStatus.IN_REVIEW)
DECIDED_STATUSES = (ReportStatus.RESOLVED, ReportStatus.DISMISSED)


class ReportQuerySet(models.QuerySet):
    def open(self):
        """Reports waiting for a decision (open or in review)."""
        return self.filter(status__in=OPEN_STATUSES)

    def for_item(self, item_key: str):
        return self.filter(item_key=item_key)

    def with_open_on_item(self):
        """Annotate ``open_on_item``: open reports of the same item (this one included)."""
        same_item = (
            Report.objects.open()
            .filter(item_key=OuterRef("item_key"))
            .order_by()
            .values("item_key")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(open_on_item=Coalesce(Subquery(same_item), Value(0)))


class Report(models.Model):
    kind = models.CharField("item type", max_length=10, choices=ReportKind.choices)
    post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    comment = models.ForeignKey(
        "posts.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_about",
        verbose_name="member profile",
    )
    # A path on this site ("/posts/12/slug/?page=2"); empty means the site as a whole.
    page_path = models.CharField("page", max_length=MAX_PAGE_PATH_LENGTH, blank=True)
    item_key = models.CharField(max_length=MAX_PAGE_PATH_LENGTH + 10, db_index=True)
    # What the item was called when it was reported ("Comment by Dr. Ana Ortiz on …"),
    # so the queue still says what it was once the item is gone. Never the text itself.
    item_label = models.CharField("item", max_length=200)

    reason = models.CharField(max_length=12, choices=ReportReason.choices)
    description = models.TextField(blank=True, max_length=MAX_DESCRIPTION_LENGTH)

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports_made",
    )
    # A visitor's address for the receipt and the decision (members: empty).
    reporter_email = models.EmailField("visitor's email", blank=True)
    reporter_key = models.CharField(max_length=260, editable=False)

    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    # When the moderators were emailed about this report (batched, see services).
    moderators_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="posts_report_queue_idx"),
            models.Index(fields=["item_key", "status"], name="posts_report_item_idx"),
            models.Index(fields=["reporter", "-created_at"], name="posts_report_reporter_idx"),
            models.Index(fields=["moderators_alerted_at"], name="posts_report_alerted_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter_key", "item_key"],
                condition=Q(status__in=OPEN_STATUSES),
                name="one_open_report_per_reporter_and_item",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="post", comment__isnull=True, member__isnull=True, page_path="")
                    | Q(kind="comment", post__isnull=True, member__isnull=True, page_path="")
                    | Q(kind="member", post__isnull=True, comment__isnull=True, page_path="")
                    | Q(kind="page", post__isnull=True, comment__isnull=True, member__isnull=True)
                ),
                name="report_item_matches_kind",
            ),
            models.CheckConstraint(
                condition=~Q(item_key="") & ~Q(reporter_key=""),
                name="report_keys_present",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status__in=OPEN_STATUSES, decided_at__isnull=True)
                    | Q(status__in=DECIDED_STATUSES, decided_at__isnull=False)
                ),
                name="report_decided_when_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.IN_REVIEW) | Q(claimed_at__isnull=False),
                name="report_in_review_is_claimed",
            ),
        ]

    def __str__(self):
        return f"Report #{self.pk} ({self.get_reason_display()})"

    def get_absolute_url(self):
        return reverse("admin:posts_report_change", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def item(self):
        """The reported object (None for a page, or an item that was deleted)."""
        return {
            ReportKind.POST: self.post,
            ReportKind.COMMENT: self.comment,
            ReportKind.MEMBER: self.member,
        }.get(self.kind)

    @property
    def item_gone(self) -> bool:
        return self.kind != ReportKind.PAGE and self.item is None

    @property
    def item_url(self) -> str:
        """Where the item is on the site ("" once it is gone)."""
        if self.kind == ReportKind.PAGE:
            return self.page_path or "/"
        item = self.item
        return item.get_absolute_url() if item is not None else ""

    @property
    def item_is_hidden(self) -> bool:
        item = self.item
        if item is None:
            return False
        if self.kind == ReportKind.MEMBER:
            return item.profile_hidden
        return item.is_hidden

    @property
    def reporter_display(self) -> str:
        if self.reporter_id:
            return self.reporter.username
        if self.reporter_email:
            return f"{self.reporter_email} (visitor)"
        return "Former member"


class ReportEventAction(models.TextChoices):
    CREATED = "created", "Reported"
    UPDATED = "updated", "Report updated by the reporter"
    AUTO_HIDDEN = "auto_hidden", "Item hidden automatically until a decision"
    CLAIMED = "claimed", "Claimed"
    TAKEN_OVER = "taken_over", "Stale claim taken over"
    HIDDEN = "hidden", "Item hidden"
    RESTORED = "restored", "Item restored"
    RESOLVED = "resolved", "Resolved (action taken)"
    DISMISSED = "dismissed", "Dismissed"


class ReportEvent(models.Model):
    """One entry of a report's audit log: who did what, when, with which note.

    Written by the services only, never changed or deleted: ``save`` refuses to
    update a row, ``delete`` refuses outright, the admin grants nobody change or
    delete permission, and a report with events cannot be deleted (``PROTECT``).
    """

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=12, choices=ReportEventAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who, as the log should keep saying it after an account is deleted: a
    # moderator's username, "reporter", or "automatic".
    actor_name = models.CharField("by", max_length=150)
    note = models.TextField(blank=True)
    status = models.CharField(
        "status after", max_length=10, choices=ReportStatus.choices, blank=True
    )
    created_at = models.DateTimeField("when", default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor_name}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("The audit log cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The audit log cannot be deleted.")
