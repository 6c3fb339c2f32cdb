"""Site-level pages: Terms, Privacy, robots.txt and the error pages."""

import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from posts.models import SitePage
from posts.pagetext import render_page_text

logger = logging.getLogger(__name__)


@require_safe
def site_page(request, slug: str):
    page = get_object_or_404(SitePage, slug=slug)
    return render(
        request, "pages/site_page.html", {"page": page, "body": render_page_text(page.body)}
    )


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /members/me/",
        "Disallow: /sponsors/",
        "Disallow: /report/",
        "Disallow: /reports/",
        "Disallow: /search/",
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def server_error(request, template_name="500.html"):
    """The 500 page in the site's layout, rendered without the request or the database.

    Whatever broke the request (the database, a context processor ...) must not break
    this page too: it gets a plain context, and falls back to bare HTML if even the
    template fails.
    """
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_TAGLINE": settings.SITE_TAGLINE,
        "CURRENT_YEAR": timezone.now().year,
    }
    try:
        html = loader.get_template(template_name).render(context)
    except Exception:
        logger.exception("The 500 page itself failed to render")
        html = (
            "<!doctype html><title>Server error</title><h1>Something went wrong</h1>"
            '<p><a href="/">Back to radRounds</a></p>'
        )
    return HttpResponseServerError(html)
