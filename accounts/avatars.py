"""Avatar images: validate an upload by decoding it, then re-encode clean squares.

Validation and re-encoding are ``radrounds.images`` (shared with sponsor images).
Default avatars are SVG initials on a colour derived from the username: no fonts or
files needed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import quote

from radrounds.images import MAX_BYTES, MAX_PIXELS, decode_upload, random_name, square_webp

__all__ = ["MAX_BYTES", "MAX_PIXELS", "ProcessedAvatar", "process_avatar", "random_name"]

SIZES = {"large": 256, "small": 64}

# Calm, mid-dark tones: white initials on each meet WCAG AA (>= 4.5:1).
DEFAULT_COLOURS = ["#1f5f8b", "#2d6a4f", "#7a3e9d", "#9c4221", "#36517d", "#25666e", "#8a3b5c"]


@dataclass(frozen=True)
class ProcessedAvatar:
    """The re-encoded squares, ready to be stored under random names."""

    large: bytes
    small: bytes
    extension: str = "webp"


def process_avatar(upload) -> ProcessedAvatar:
    """Validate an uploaded avatar and return clean re-encoded squares.

    Raises ``ValidationError`` for anything that is not a JPEG, PNG or WebP picture
    of at most 5 MB and 25 megapixels (see ``radrounds.images.decode_upload``).
    """
    image = decode_upload(upload)
    return ProcessedAvatar(
        large=square_webp(image, SIZES["large"]),
        small=square_webp(image, SIZES["small"]),
    )


def default_avatar_colour(seed: str) -> str:
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return DEFAULT_COLOURS[digest[0] % len(DEFAULT_COLOURS)]


def default_avatar_svg(initials: str, seed: str) -> str:
    colour = default_avatar_colour(seed)
    # Initials are letters taken from user text: keep only alphanumerics before embedding.
    safe = "".join(ch for ch in initials if ch.isalnum())[:2] or "?"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" fill="{colour}"/>'
        '<text x="50%" y="50%" dy=".35em" text-anchor="middle" fill="#ffffff" '
        'font-family="system-ui,-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif" '
        f'font-size="26" font-weight="600">{safe}</text></svg>'
    )


def default_avatar_data_uri(initials: str, seed: str) -> str:
    return "data:image/svg+xml;charset=utf-8," + quote(default_avatar_svg(initials, seed))
