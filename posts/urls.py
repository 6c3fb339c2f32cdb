from django.urls import path

from posts.views import reading, search

app_name = "posts"

urlpatterns = [
    path("", reading.home, name="home"),
    path("search/", search.search, name="search"),
    path("posts/pmid/<int:pmid>/", reading.by_pmid, name="by_pmid"),
    path("posts/<int:pk>/", reading.detail, name="detail_no_slug"),
    path("posts/<int:pk>/<str:slug>/", reading.detail, name="detail"),
]
