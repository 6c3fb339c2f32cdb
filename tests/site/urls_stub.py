"""The site's URLs plus stub routes the tests need (a badge image, a view that fails)."""

from django.http import HttpResponse
from django.urls import path

from radrounds.urls import urlpatterns as site_urlpatterns

PNG_1X1 = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7"
    b"\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def badge_stub(request):
    # Stands in for issue 9's badge images, which are served under /badges/.
    return HttpResponse(PNG_1X1, content_type="image/png")


def broken(request):
    raise RuntimeError("the stub view failed on purpose")


urlpatterns = [
    path("badges/stub.png", badge_stub),
    path("broken/", broken),
    *site_urlpatterns,
]
