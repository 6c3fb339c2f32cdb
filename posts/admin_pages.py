"""Admin for the editable site pages (Terms of Service, Privacy)."""

from django.contrib import admin

from posts.models import SitePage


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "updated_at")
    readonly_fields = ("updated_at",)
    fields = ("slug", "title", "body", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        # The address of an existing page is fixed: the footer links to it.
        return (*self.readonly_fields, "slug") if obj else self.readonly_fields

    def view_on_site(self, obj):
        return obj.get_absolute_url()
