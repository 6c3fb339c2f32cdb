from django.core.validators import MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class SponsorQuerySet(models.QuerySet):
    def active(self, *, now=None):
        """Sponsors to show right now: switched on and inside their dates."""
        now = now or timezone.now()
        return self.filter(is_active=True, weight__gte=1).filter(
            Q(active_from__isnull=True) | Q(active_from__lte=now),
            Q(active_until__isnull=True) | Q(active_until__gt=now),
        )

    def upcoming(self, *, now=None, within=None):
        """Active now or starting within ``within``: what a page may need while it is cached."""
        now = now or timezone.now()
        start_by = now + (within or timezone.timedelta(0))
        return self.filter(is_active=True, weight__gte=1).filter(
            Q(active_from__isnull=True) | Q(active_from__lte=start_by),
            Q(active_until__isnull=True) | Q(active_until__gt=now),
        )


class Sponsor(models.Model):
    """An advertiser shown in the "Sponsor Ad" slot, chosen by weight among the active ones."""

    name = models.CharField(max_length=120)
    # Re-encoded WebP written by posts.sponsors; the uploaded file never reaches the disk.
    image = models.ImageField(upload_to="sponsors/", editable=False)
    image_width = models.PositiveSmallIntegerField(default=0, editable=False)
    image_height = models.PositiveSmallIntegerField(default=0, editable=False)
    alt_text = models.CharField(
        max_length=200, help_text="What the image says or shows, for people who cannot see it."
    )
    target_url = models.URLField(
        "target URL",
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Where a click goes: an http:// or https:// address.",
    )
    active_from = models.DateTimeField(null=True, blank=True, help_text="Empty: from now.")
    active_until = models.DateTimeField(null=True, blank=True, help_text="Empty: no end.")
    weight = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1)],
        help_text="Relative share of the slot: weight 3 is shown three times as often as 1.",
    )
    is_active = models.BooleanField("active", default=True)
    impressions = models.PositiveBigIntegerField(default=0, editable=False)
    clicks = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = SponsorQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1), name="sponsor_weight_positive"),
            models.CheckConstraint(
                condition=Q(active_from__isnull=True)
                | Q(active_until__isnull=True)
                | Q(active_until__gt=models.F("active_from")),
                name="sponsor_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(target_url__startswith="http://")
                | Q(target_url__startswith="https://"),
                name="sponsor_target_is_http",
            ),
        ]

    def __str__(self):
        return self.name

    def get_click_url(self):
        return reverse("sponsors:click", kwargs={"pk": self.pk})

    @property
    def click_through_rate(self) -> float | None:
        return self.clicks / self.impressions if self.impressions else None
