"""Admin for achievement badges: staff grant and revoke them by hand."""

from django.contrib import admin, messages
from django.utils.translation import ngettext

from posts.models import MemberBadge
from posts.services.achievements import badge_grant, badge_revoke


@admin.register(MemberBadge)
class MemberBadgeAdmin(admin.ModelAdmin):
    list_display = ("user", "badge_name", "awarded_at", "granted_by")
    list_filter = ("badge", "awarded_at")
    search_fields = ("user__username", "user__display_name", "user__email")
    list_select_related = ("user", "granted_by")
    raw_id_fields = ("user",)
    fields = ("user", "badge", "awarded_at", "granted_by")
    readonly_fields = ("awarded_at", "granted_by")
    actions = ("revoke_selected",)

    def get_readonly_fields(self, request, obj=None):
        # A badge is granted or revoked, never edited into another one.
        return (*self.readonly_fields, "user", "badge") if obj else self.readonly_fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="badge", ordering="badge")
    def badge_name(self, obj):
        return obj.rule.name if obj.rule else obj.badge

    def save_model(self, request, obj, form, change):
        if change:
            return
        granted = badge_grant(user_id=obj.user_id, slug=obj.badge, granted_by_id=request.user.pk)
        obj.pk, obj.awarded_at, obj.granted_by = granted.pk, granted.awarded_at, request.user
        obj._state.adding = False

    def delete_model(self, request, obj):
        badge_revoke(user_id=obj.user_id, slug=obj.badge)

    @admin.action(description="Revoke selected badges", permissions=["delete"])
    def revoke_selected(self, request, queryset):
        count = 0
        for badge in queryset:
            count += badge_revoke(user_id=badge.user_id, slug=badge.badge)
        self.message_user(
            request,
            ngettext("%d badge revoked.", "%d badges revoked.", count) % count,
            messages.SUCCESS,
        )
