from django.urls import path

from posts.views import badges, citing, reading, sponsors

app_name = "posts"

urlpatterns = [
    path("", reading.home, name="home"),
    path("search/", reading.search, name="search"),
    path("posts/pmid/<int:pmid>/", reading.by_pmid, name="by_pmid"),
    path("posts/<int:pk>/cite.ris", citing.ris, name="cite_ris"),
    path("posts/<int:pk>/cite.bib", citing.bibtex, name="cite_bib"),
    path("posts/<int:pk>/", reading.detail, name="detail_no_slug"),
    path("posts/<int:pk>/<str:slug>/", reading.detail, name="detail"),
]

# Everything under /badges/ (one prefix, so headers for embedded images can target it).
badge_patterns = (
    [
        path("", badges.index, name="index"),
        path("network.png", badges.network_png, name="network"),
        path("members/<str:username>.png", badges.member_png, name="member"),
        path("posts/<int:pk>.png", badges.post_png, name="post"),
    ],
    "badges",
)

sponsor_patterns = (
    [
        path("<int:pk>/click/", sponsors.click, name="click"),
        path("impressions/", sponsors.impression, name="impression"),
    ],
    "sponsors",
)
