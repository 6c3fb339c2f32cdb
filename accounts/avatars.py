"""Avatar images: validate an upload by decoding it, then re-encode clean squares.

Nothing from the uploaded file reaches the disk as-is. The file is decoded with
Pillow (the name and the browser's content type are ignored), orientation from EXIF
is applied, and new WebP files are written from the pixels alone, so EXIF (GPS,
camera serials), ICC tricks and trailing payloads are dropped. Default avatars are
SVG initials on a colour derived from the username: no fonts or files needed.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import threading
import warnings
from dataclasses import dataclass
from urllib.parse import quote

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000
# MPO is a JPEG with extra frames (phones write them for depth or stereo shots); its
# first frame is an ordinary JPEG picture.
ALLOWED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
SIZES = {"large": 256, "small": 64}
# Pictures are scaled to this before anything else: plenty for a 256 px square. JPEGs
# are decoded straight at a reduced scale (DCT scaling), so a 25 MP photo never
# occupies 75 MB; PNG and WebP cannot be, so at most DECODE_SLOTS are decoded at once
# per process, which bounds the memory of many simultaneous uploads.
WORKING_SIZE = (1024, 1024)
DECODE_SLOTS = threading.BoundedSemaphore(2)

# Calm, mid-dark tones: white initials on each meet WCAG AA (>= 4.5:1).
DEFAULT_COLOURS = ["#1f5f8b", "#2d6a4f", "#7a3e9d", "#9c4221", "#36517d", "#25666e", "#8a3b5c"]


@dataclass(frozen=True)
class ProcessedAvatar:
    """The re-encoded squares, ready to be stored under random names."""

    large: bytes
    small: bytes
    extension: str = "webp"


def _invalid(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def process_avatar(upload) -> ProcessedAvatar:
    """Validate an uploaded avatar and return clean re-encoded squares.

    Raises ``ValidationError`` for anything that is not a JPEG, PNG or WebP picture
    of at most 5 MB and 25 megapixels. Decompression bombs are refused before their
    pixels are decoded.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _invalid("The image is larger than 5 MB. Please choose a smaller file.", "too_big")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _invalid("The image is larger than 5 MB. Please choose a smaller file.", "too_big")
    if not data:
        raise _invalid("The file is empty.", "empty")

    with DECODE_SLOTS:
        image = _decode(data)

    image = image.convert("RGBA") if "A" in image.getbands() else image.convert("RGB")
    return ProcessedAvatar(
        large=_square_webp(image, SIZES["large"]),
        small=_square_webp(image, SIZES["small"]),
    )


def _decode(data: bytes) -> Image.Image:
    """Decode the first frame, scaled down to WORKING_SIZE, with EXIF orientation applied."""
    not_an_image = _invalid("Upload a JPEG, PNG or WebP image.", "invalid_image")
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that; treat it as an error.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _invalid("The image has too many pixels.", "too_many_pixels") from None
        except (OSError, SyntaxError, ValueError):
            raise not_an_image from None

        if image.format not in ALLOWED_FORMATS:
            raise not_an_image
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _invalid(
                "The image is larger than 25 megapixels. Please choose a smaller one.",
                "too_many_pixels",
            )
        try:
            # thumbnail() asks JPEG decoders for a reduced-scale decode (draft) before
            # loading; other formats are reduced right after decoding.
            image.thumbnail(WORKING_SIZE, Image.Resampling.LANCZOS)
            image = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _invalid("The image has too many pixels.", "too_many_pixels") from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise not_an_image from None
    return image


def _square_webp(image: Image.Image, size: int) -> bytes:
    square = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    # No exif= or icc_profile= arguments: the new file carries pixels only.
    square.save(buffer, format="WEBP", quality=85, method=4)
    return buffer.getvalue()


def random_name(label: str, extension: str) -> str:
    """An unguessable file name: profile pictures must not be enumerable by URL."""
    return f"{secrets.token_urlsafe(18)}-{label}.{extension}"


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
