from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

FORMER_MEMBER = "Former member"


class Role(models.TextChoices):
    ATTENDING = "attending", "Attending radiologist"
    FELLOW = "fellow", "Fellow"
    RESIDENT = "resident", "Resident"
    TECHNOLOGIST = "technologist", "Technologist"
    STUDENT = "student", "Student"
    PHYSICIST = "physicist", "Medical physicist"
    OTHER = "other", "Other"


class Subspecialty(models.TextChoices):
    NEURO = "neuro", "Neuroradiology"
    MSK = "msk", "Musculoskeletal"
    BODY = "body", "Body / abdominal"
    BREAST = "breast", "Breast"
    CARDIOTHORACIC = "cardiothoracic", "Cardiothoracic"
    PEDIATRIC = "pediatric", "Pediatric"
    INTERVENTIONAL = "interventional", "Interventional"
    NUCLEAR = "nuclear", "Nuclear medicine / molecular"
    EMERGENCY = "emergency", "Emergency"
    GENERAL = "general", "General"
    OTHER = "other", "Other"


class UserQuerySet(models.QuerySet):
    def members(self):
        """Accounts that appear in the directory and have a public profile: active ones,
        and (MEMBERS_REQUIRE_VERIFIED_EMAIL, on in production) only once they have
        confirmed an email address, so a throw-away sign-up is never shown to anyone."""
        members = self.filter(is_active=True)
        if settings.MEMBERS_REQUIRE_VERIFIED_EMAIL:
            from allauth.account.models import EmailAddress

            members = members.filter(
                Exists(EmailAddress.objects.filter(user=OuterRef("pk"), verified=True))
            )
        return members

    def public(self):
        """Members whose profile anyone may see: listed members not hidden by a moderator."""
        return self.members().filter(profile_hidden=False)

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        condition = Q()
        for word in text.split()[:8]:
            condition &= (
                Q(display_name__icontains=word)
                | Q(username__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(institution__icontains=word)
            )
        return self.filter(condition)


class MemberManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """The radRounds member, with the public profile on the same row.

    Profile fields live on ``User`` rather than a one-to-one ``Profile``: every
    member has exactly one profile, every page that shows a name also shows the
    avatar and role, and keeping them together means no join, no missing-profile
    case after signup, and a fixed number of queries for lists of members.
    """

    display_name = models.CharField(
        max_length=80, blank=True, help_text="How your name appears, e.g. Dr. Ana Ortiz."
    )
    role = models.CharField(
        "professional role", max_length=20, choices=Role.choices, blank=True, db_index=True
    )
    subspecialty = models.CharField(
        max_length=20, choices=Subspecialty.choices, blank=True, db_index=True
    )
    institution = models.CharField(max_length=120, blank=True)
    city = models.CharField(max_length=80, blank=True)
    country = models.CharField(max_length=80, blank=True)
    bio = models.TextField("short bio", max_length=1000, blank=True)
    website = models.URLField("personal website", max_length=200, blank=True)
    verified = models.BooleanField(
        default=False,
        db_index=True,
        help_text="Staff confirmed this member's professional identity.",
    )
    # A moderator hid the profile (e.g. after a report): it is not public, the picture
    # and display name are not shown beside the member's comments; the member and
    # staff still see it, with the reason.
    profile_hidden = models.BooleanField(default=False, editable=False)
    profile_hidden_reason = models.CharField(max_length=300, blank=True, editable=False)
    profile_hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Hidden automatically by reports until a moderator decides.
    profile_hidden_pending_review = models.BooleanField(default=False, editable=False)
    # Re-encoded squares written by accounts.avatars; names are random, never the upload's.
    avatar = models.ImageField(upload_to="avatars/", blank=True, editable=False)
    avatar_small = models.ImageField(upload_to="avatars/", blank=True, editable=False)

    objects = MemberManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        permissions = [("hide_profile", "Can hide and restore member profiles")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("accounts:profile", kwargs={"username": self.username})

    @property
    def name(self) -> str:
        """The name shown everywhere: the chosen display name, else the full name, else the
        username."""
        return self.display_name or self.get_full_name() or self.username

    @property
    def initials(self) -> str:
        words = [w for w in self.name.replace("-", " ").split() if w[:1].isalnum()]
        letters = "".join(w[0] for w in words[:2]) or self.username[:1]
        return letters.upper()

    @property
    def location(self) -> str:
        return ", ".join(part for part in (self.city, self.country) if part)
