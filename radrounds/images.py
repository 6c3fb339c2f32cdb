"""Uploaded pictures: validate by decoding, then re-encode from the pixels alone.

Shared by profile pictures (``accounts.avatars``) and sponsor images
(``posts.sponsors``). Nothing from an uploaded file reaches the disk as-is: the file
is decoded with Pillow (its name and the browser's content type are ignored),
EXIF orientation is applied, and new files are written from the pixels, so EXIF
(GPS, camera serials), ICC tricks and trailing payloads are dropped.
"""

from __future__ import annotations

import io
import secrets
import threading
import warnings

from django.core.exceptions import ValidationError
from PIL import Image, ImageOps

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 25_000_000
# MPO is a JPEG with extra frames (phones write them for depth or stereo shots); its
# first frame is an ordinary JPEG picture.
ALLOWED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
# Pictures are scaled to this before anything else: plenty for what the site shows.
# JPEGs are decoded straight at a reduced scale (DCT scaling), so a 25 MP photo never
# occupies 75 MB; PNG and WebP cannot be, so at most DECODE_SLOTS are decoded at once
# per process, which bounds the memory of many simultaneous uploads.
WORKING_SIZE = (1024, 1024)
DECODE_SLOTS = threading.BoundedSemaphore(2)


def _invalid(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def decode_upload(
    upload,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    working_size: tuple[int, int] = WORKING_SIZE,
) -> Image.Image:
    """Decode an uploaded JPEG, PNG or WebP picture and return its upright pixels,
    scaled down to fit ``working_size`` (first frame only).

    Raises ``ValidationError`` for anything else, for files over ``max_bytes`` and
    pictures over ``max_pixels``. Decompression bombs are refused before their
    pixels are decoded.
    """
    megabytes = max_bytes // (1024 * 1024)
    too_big = _invalid(
        f"The image is larger than {megabytes} MB. Please choose a smaller file.", "too_big"
    )
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        raise too_big
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_big
    if not data:
        raise _invalid("The file is empty.", "empty")

    with DECODE_SLOTS:
        image = _decode(data, max_pixels=max_pixels, working_size=working_size)
    # Transparency is an alpha band (RGBA, LA ...) or, in palette pictures (logos shrunk
    # with pngquant or TinyPNG), a tRNS chunk: Pillow's has_transparency_data sees both.
    return image.convert("RGBA") if image.has_transparency_data else image.convert("RGB")


def _decode(data: bytes, *, max_pixels: int, working_size: tuple[int, int]) -> Image.Image:
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
        if width * height > max_pixels:
            raise _invalid(
                f"The image is larger than {max_pixels // 1_000_000} megapixels. "
                "Please choose a smaller one.",
                "too_many_pixels",
            )
        try:
            # thumbnail() asks JPEG decoders for a reduced-scale decode (draft) before
            # loading; other formats are reduced right after decoding.
            image.thumbnail(working_size, Image.Resampling.LANCZOS)
            image = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _invalid("The image has too many pixels.", "too_many_pixels") from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise not_an_image from None
    return image


def encode_webp(image: Image.Image, *, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    # No exif= or icc_profile= arguments: the new file carries pixels only.
    image.save(buffer, format="WEBP", quality=quality, method=4)
    return buffer.getvalue()


def square_webp(image: Image.Image, size: int) -> bytes:
    return encode_webp(ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS))


def fitted_webp(image: Image.Image, box: tuple[int, int]) -> tuple[bytes, tuple[int, int]]:
    """Shrink (never enlarge) ``image`` to fit inside ``box``; returns the bytes and size."""
    fitted = image.copy()
    fitted.thumbnail(box, Image.Resampling.LANCZOS)
    return encode_webp(fitted), fitted.size


def random_name(label: str, extension: str) -> str:
    """An unguessable file name: uploaded pictures must not be enumerable by URL."""
    return f"{secrets.token_urlsafe(18)}-{label}.{extension}"
