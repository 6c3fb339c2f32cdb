from django.urls import path

from posts import views

app_name = "posts"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("posts/pmid/<int:pmid>/", views.by_pmid, name="by_pmid"),
    path("posts/<int:pk>/", views.detail, name="detail_no_slug"),
    path("posts/<int:pk>/<str:slug>/", views.detail, name="detail"),
]
