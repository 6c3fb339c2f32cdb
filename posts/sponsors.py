"""The Sponsor Ad slot: weighted choice, the data a cached page carries, and image checks.

The home and post pages may be served from cached HTML shared by many visitors, so
the choice cannot be baked in once. The page carries every sponsor that may run
while it is cached (``slot_data``); ``static/js/sponsor.js`` picks one per visit by
weight among those inside their dates and reports the impression. The server also
picks one (``choose``) so the slot works without JavaScript.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from radrounds.images import decode_upload, fitted_webp

# Largest image kept: twice the sidebar's width, for sharp pictures on 2x screens.
IMAGE_BOX = (640, 640)


def process_sponsor_image(upload) -> tuple[bytes, tuple[int, int]]:
    """Validate an uploaded sponsor image like an avatar and re-encode it as WebP."""
    return fitted_webp(decode_upload(upload), IMAGE_BOX)


def choose(sponsors: Sequence, *, rng: random.Random | None = None):
    """One sponsor, each with probability weight / total weight; None for an empty list."""
    candidates = [s for s in sponsors if s.weight > 0]
    if not candidates:
        return None
    return (rng or random).choices(candidates, weights=[s.weight for s in candidates])[0]


def slot_sponsors(*, now=None) -> tuple[list, object | None]:
    """Sponsors a page may show while cached, and the server's own pick among the live ones."""
    from posts.models import Sponsor

    now = now or timezone.now()
    within = timedelta(seconds=settings.SPONSOR_LOOKAHEAD_SECONDS)
    upcoming = list(Sponsor.objects.upcoming(now=now, within=within))
    live = [
        s
        for s in upcoming
        if (s.active_from is None or s.active_from <= now)
        and (s.active_until is None or s.active_until > now)
    ]
    return upcoming, choose(live)


def slot_data(sponsors: Sequence) -> list[dict]:
    """What sponsor.js needs to choose by itself: no counts, nothing about the visitor."""
    return [
        {
            "id": s.pk,
            "name": s.name,
            "alt": s.alt_text,
            "image": s.image.url,
            "width": s.image_width,
            "height": s.image_height,
            "href": s.get_click_url(),
            "weight": s.weight,
            "from": s.active_from.isoformat() if s.active_from else None,
            "until": s.active_until.isoformat() if s.active_until else None,
        }
        for s in sponsors
    ]
