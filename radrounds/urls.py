from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from radrounds import health, media


def placeholder(title: str, name: str):
    """A page whose feature arrives in a later issue; the footer links to it already."""
    return path(
        f"{name}/",
        TemplateView.as_view(
            template_name="pages/placeholder.html", extra_context={"title": title}
        ),
        name=name,
    )


admin.site.site_header = "radRounds administration"
admin.site.site_title = "radRounds admin"
admin.site.index_title = "Posts, members and moderation"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("members/", include("accounts.urls")),
    placeholder("Badges", "badges"),
    placeholder("Report an Issue", "report"),
    placeholder("Privacy", "privacy"),
    placeholder("Terms of Service", "terms"),
    path("", include("posts.urls")),
]

if settings.MEDIA_STORAGE == "filesystem" and settings.MEDIA_URL.startswith("/"):
    # Uploaded files, in every mode (not only DEBUG), with safe headers.
    prefix = settings.MEDIA_URL.strip("/")
    urlpatterns.insert(0, re_path(rf"^{prefix}/(?P<path>.+)$", media.serve_media, name="media"))
