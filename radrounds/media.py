"""Serving uploaded files from MEDIA_URL with a content type they cannot fool.

Only the image types the site itself writes are served as images; anything else is
a download (``application/octet-stream``, attachment). ``nosniff`` and a sandboxing
Content-Security-Policy keep a file that somehow holds HTML or SVG from running in
the site's origin. Names are random and never reused, so files are cached for a year.
With MEDIA_STORAGE=s3 the object store serves them and this view is not routed.
"""

from pathlib import PurePosixPath

from django.conf import settings
from django.views.decorators.http import require_safe
from django.views.static import serve

SAFE_TYPES = {
    ".webp": "image/webp",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


@require_safe
def serve_media(request, path: str):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    content_type = SAFE_TYPES.get(PurePosixPath(path).suffix.lower())
    if content_type is None:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    else:
        response["Content-Type"] = content_type
    response.headers.pop("Content-Encoding", None)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
