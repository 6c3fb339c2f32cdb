"""Admin for sponsors: the Sponsor Ad slot's advertisers, with impressions, clicks and CTR."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html

from posts.models import Sponsor
from posts.services.sponsors import sponsor_save, sponsor_stats_flush
from posts.sponsors import process_sponsor_image


class SponsorAdminForm(forms.ModelForm):
    target_url = forms.URLField(
        label="Target URL",
        max_length=500,
        assume_scheme="https",
        help_text="Where a click goes: an http:// or https:// address.",
    )
    image_upload = forms.FileField(
        label="Image",
        required=False,
        help_text="JPEG, PNG or WebP, up to 5 MB. It is re-encoded (and shrunk to fit "
        "640 × 640 px); nothing else from the file is kept. Shown about 290 px wide.",
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    class Meta:
        model = Sponsor
        fields = (
            "name",
            "alt_text",
            "target_url",
            "active_from",
            "active_until",
            "weight",
            "is_active",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.processed_image = None
        self.fields["target_url"].widget.attrs["placeholder"] = "https://"

    def clean_image_upload(self):
        upload = self.cleaned_data.get("image_upload")
        if upload:
            self.processed_image = process_sponsor_image(upload)
        elif not self.instance.image:
            raise forms.ValidationError("A sponsor needs an image.", code="required")
        return upload

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("active_from"), cleaned.get("active_until")
        if start and end and end <= start:
            self.add_error("active_until", "The end must come after the start.")
        return cleaned


@admin.register(Sponsor)
class SponsorAdmin(admin.ModelAdmin):
    form = SponsorAdminForm
    list_display = (
        "name",
        "is_active",
        "active_from",
        "active_until",
        "weight",
        "impressions",
        "clicks",
        "ctr",
    )
    list_filter = ("is_active",)
    search_fields = ("name", "target_url")
    readonly_fields = ("preview", "impressions", "clicks", "ctr", "created_at")
    fieldsets = (
        (None, {"fields": ("name", "preview", "image_upload", "alt_text", "target_url")}),
        (
            "When and how often",
            {"fields": (("active_from", "active_until"), "weight", "is_active")},
        ),
        ("Results", {"fields": ("impressions", "clicks", "ctr", "created_at")}),
    )

    def changelist_view(self, request, extra_context=None):
        # Counts wait in the cache between flushes; show staff the numbers as of now.
        sponsor_stats_flush()
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        sponsor_stats_flush()
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        sponsor_save(sponsor=obj, image=form.processed_image)

    @admin.display(description="click-through rate")
    def ctr(self, obj):
        rate = obj.click_through_rate
        return "–" if rate is None else f"{rate:.2%}"

    @admin.display(description="current image")
    def preview(self, obj):
        if not obj.image:
            return "–"
        width = min(obj.image_width, 290) or 290
        height = round(obj.image_height * width / obj.image_width) if obj.image_width else ""
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}">',
            obj.image.url,
            obj.alt_text,
            width,
            height,
        )
