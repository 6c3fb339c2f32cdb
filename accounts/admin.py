from allauth.account.decorators import secure_admin_login
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db import models

from accounts.mail import emails_requeue
from accounts.models import OutgoingEmail, User
from accounts.services import member_verify
from accounts.templatetags.members import avatar

# The admin has its own login form that skips allauth's rate limits and MFA stage.
# allauth's documented fix: send anonymous visitors to allauth's login with ?next=.
admin.site.login = secure_admin_login(admin.site.login)


@admin.register(User)
class MemberAdmin(UserAdmin):
    # Django 6 makes https the scheme a bare "example.org" gets; use it already.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "thumbnail",
        "username",
        "display_name",
        "email",
        "role",
        "subspecialty",
        "institution",
        "verified",
        "is_staff",
        "date_joined",
    )
    list_display_links = ("thumbnail", "username")
    list_filter = ("role", "subspecialty", "verified", "is_staff", "is_superuser", "is_active")
    search_fields = (
        "username",
        "display_name",
        "first_name",
        "last_name",
        "email",
        "institution",
        "city",
        "country",
    )
    actions = ("mark_verified", "mark_unverified")
    readonly_fields = (
        "thumbnail_large",
        "last_login",
        "date_joined",
        "profile_hidden",
        "profile_hidden_pending_review",
        "profile_hidden_reason",
        "profile_hidden_at",
    )
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            "Profile",
            {
                "fields": (
                    "thumbnail_large",
                    "display_name",
                    "first_name",
                    "last_name",
                    "email",
                    "role",
                    "subspecialty",
                    "institution",
                    "city",
                    "country",
                    "bio",
                    "website",
                    "verified",
                )
            },
        ),
        (
            "Permissions",
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                ),
                "classes": ("collapse",),
            },
        ),
        (
            # Set through the report queue (admin → Posts → Reports).
            "Moderation",
            {
                "fields": (
                    ("profile_hidden", "profile_hidden_pending_review"),
                    "profile_hidden_reason",
                    "profile_hidden_at",
                )
            },
        ),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "verified" in form.changed_data:
            # The verified badge follows the mark, however staff change it.
            from posts.services.achievements import badges_sync_verified

            badges_sync_verified(user_ids=[obj.pk])

    @admin.display(description="Avatar")
    def thumbnail(self, obj):
        return avatar(obj, 32)

    @admin.display(description="Avatar")
    def thumbnail_large(self, obj):
        return avatar(obj, 128)

    @admin.action(description="Mark selected members as verified")
    def mark_verified(self, request, queryset):
        count = member_verify(users=queryset, verified=True)
        self.message_user(request, f"{count} member(s) marked verified.", messages.SUCCESS)

    @admin.action(description="Remove the verified mark from selected members")
    def mark_unverified(self, request, queryset):
        count = member_verify(users=queryset, verified=False)
        self.message_user(request, f"{count} member(s) no longer verified.", messages.SUCCESS)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox: what was sent, what waits, what failed and why. Read-only."""

    list_display = ("subject", "recipients", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "created_at")
    search_fields = ("subject", "to")
    date_hierarchy = "created_at"
    actions = ("send_again",)
    fields = (
        "subject",
        "from_email",
        "to",
        "cc",
        "bcc",
        "reply_to",
        "headers",
        "body",
        "html_body",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "attempted_at",
        "sent_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="To")
    def recipients(self, obj):
        return ", ".join(obj.to)

    @admin.action(description="Send selected failed emails again", permissions=["view"])
    def send_again(self, request, queryset):
        count = queryset.filter(status=OutgoingEmail.Status.FAILED).update(
            status=OutgoingEmail.Status.QUEUED, attempts=0
        )
        emails_requeue()
        self.message_user(request, f"{count} email(s) queued again.", messages.SUCCESS)
