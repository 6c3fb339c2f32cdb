from django.conf import settings
from django.utils import timezone


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_TAGLINE": settings.SITE_TAGLINE,
        "CURRENT_YEAR": timezone.now().year,
    }
