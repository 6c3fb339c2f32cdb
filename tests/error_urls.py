"""The site's URLs plus one view that fails, for testing the 500 page."""

from django.urls import path

from radrounds.urls import handler500
from radrounds.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("the database fell over")


urlpatterns = [path("broken/", broken), *site_urlpatterns]

__all__ = ["handler500", "urlpatterns"]
