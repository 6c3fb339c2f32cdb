from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path

from posts.feeds import LatestPostsAtom, LatestPostsRss
from posts.sitemaps import SITEMAPS
from posts.urls import badge_patterns, report_patterns, sponsor_patterns
from posts.views import pages
from radrounds import health, media

admin.site.site_header = "radRounds administration"
admin.site.site_title = "radRounds admin"
admin.site.index_title = "Posts, members and moderation"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("members/", include("accounts.urls")),
    path("badges/", include(badge_patterns)),
    path("sponsors/", include(sponsor_patterns)),
    path("", include(report_patterns)),
    path("privacy/", pages.site_page, {"slug": "privacy"}, name="privacy"),
    path("terms/", pages.site_page, {"slug": "terms"}, name="terms"),
    path("feed/rss/", LatestPostsRss(), name="feed_rss"),
    path("feed/atom/", LatestPostsAtom(), name="feed_atom"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", pages.robots_txt, name="robots_txt"),
    path("", include("posts.urls")),
]

# 404, 403 and 400 use templates/404.html, 403.html and 400.html (Django's defaults
# find them); the 500 page must not depend on the request or the database.
handler500 = "posts.views.pages.server_error"

if settings.MEDIA_STORAGE == "filesystem" and settings.MEDIA_URL.startswith("/"):
    # Uploaded files, in every mode (not only DEBUG), with safe headers.
    prefix = settings.MEDIA_URL.strip("/")
    urlpatterns.insert(0, re_path(rf"^{prefix}/(?P<path>.+)$", media.serve_media, name="media"))
