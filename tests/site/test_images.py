"""Uploaded pictures are validated by decoding and re-encoded from pixels alone
(radrounds.images, shared by avatars and sponsor images). Real files made with Pillow."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps

from radrounds.images import (
    MAX_BYTES,
    decode_upload,
    encode_webp,
    fitted_webp,
    square_webp,
)


def picture(fmt="PNG", size=(60, 40), mode="RGB", colour=(20, 90, 160), **save) -> bytes:
    buffer = io.BytesIO()
    if mode == "RGBA" and len(colour) == 3:
        colour = (*colour, 128)
    Image.new(mode, size, colour).save(buffer, format=fmt, **save)
    return buffer.getvalue()


class Upload(io.BytesIO):
    """What Django hands a form: a file with a ``size`` (or without one, as a stream)."""

    def __init__(self, data: bytes, size=None):
        super().__init__(data)
        if size is not None:
            self.size = size


def refusal(upload, **limits) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        decode_upload(upload, **limits)
    return caught.value


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted(fmt):
    image = decode_upload(Upload(picture(fmt)))

    assert image.size == (60, 40)


def test_a_file_whose_size_is_over_the_limit_is_refused_before_reading():
    data = picture()
    error = refusal(Upload(data, size=MAX_BYTES + 1))

    assert error.code == "too_big"
    assert error.messages == ["The image is larger than 5 MB. Please choose a smaller file."]


def test_the_limit_itself_is_allowed():
    data = picture()

    assert decode_upload(Upload(data, size=len(data)), max_bytes=len(data)).size == (60, 40)
    assert decode_upload(Upload(data), max_bytes=len(data)).size == (60, 40)


def test_a_stream_longer_than_the_limit_is_refused_whatever_size_it_claims():
    data = picture()

    assert refusal(Upload(data, size=10), max_bytes=len(data) - 1).code == "too_big"
    assert refusal(Upload(data), max_bytes=len(data) - 1).code == "too_big"


def test_the_size_message_names_the_limit_in_megabytes():
    error = refusal(Upload(picture(), size=3 * 1024 * 1024 + 1), max_bytes=3 * 1024 * 1024)

    assert error.messages == ["The image is larger than 3 MB. Please choose a smaller file."]


def test_an_empty_file_is_refused():
    error = refusal(Upload(b""))

    assert (error.code, error.messages) == ("empty", ["The file is empty."])


@pytest.mark.parametrize(
    "data",
    [b"not a picture at all", picture("GIF"), picture("BMP"), picture()[:40]],
    ids=["text", "gif", "bmp", "truncated-png"],
)
def test_anything_but_a_whole_jpeg_png_or_webp_is_refused(data):
    error = refusal(Upload(data))

    assert (error.code, error.messages) == ("invalid_image", ["Upload a JPEG, PNG or WebP image."])


def test_a_picture_over_the_pixel_limit_is_refused_before_decoding():
    error = refusal(Upload(picture(size=(2000, 1001))), max_pixels=2_000_000)

    assert error.code == "too_many_pixels"
    assert error.messages == ["The image is larger than 2 megapixels. Please choose a smaller one."]


def test_the_pixel_limit_itself_is_allowed():
    assert decode_upload(Upload(picture(size=(50, 40))), max_pixels=2000).size == (50, 40)


def test_a_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)

    error = refusal(Upload(picture(size=(60, 40))))

    assert (error.code, error.messages) == ("too_many_pixels", ["The image has too many pixels."])


def test_a_picture_just_over_pillows_warning_line_is_refused_too(monkeypatch):
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that: treated as an error.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)

    assert refusal(Upload(picture(size=(40, 30)))).code == "too_many_pixels"


def test_large_pictures_are_scaled_to_fit_the_working_size():
    image = decode_upload(Upload(picture(size=(300, 100))), working_size=(120, 120))

    assert image.size == (120, 40)


def test_the_working_size_defaults_to_1024():
    assert decode_upload(Upload(picture(size=(2048, 512)))).size == (1024, 256)


def test_transparency_is_kept_and_everything_else_is_rgb():
    assert decode_upload(Upload(picture(mode="RGBA"))).mode == "RGBA"
    assert decode_upload(Upload(picture(mode="L", colour=128))).mode == "RGB"
    assert decode_upload(Upload(picture("JPEG", mode="CMYK", colour=(0, 0, 0, 0)))).mode == "RGB"


def _indexed_png_with_a_transparent_background() -> bytes:
    # What pngquant or TinyPNG make of a logo: a palette picture whose transparency is a
    # tRNS chunk (one alpha byte per palette entry), not an alpha band.
    image = Image.new("P", (60, 40), 0)
    image.putpalette([0, 0, 0, 200, 30, 30])
    image.paste(1, (20, 10, 40, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", transparency=bytes([0, 255]))
    return buffer.getvalue()


def test_an_indexed_picture_keeps_its_transparent_background():
    image = decode_upload(Upload(_indexed_png_with_a_transparent_background()))

    assert image.mode == "RGBA"
    assert image.getpixel((2, 2))[3] == 0  # the background stays see-through
    assert image.getpixel((30, 20)) == (200, 30, 30, 255)


def test_an_indexed_picture_stored_as_webp_keeps_its_transparent_background():
    image = decode_upload(Upload(_indexed_png_with_a_transparent_background()))

    stored = Image.open(io.BytesIO(fitted_webp(image, (60, 40))[0]))

    assert stored.mode == "RGBA"
    assert stored.getpixel((2, 2))[3] == 0


def test_a_greyscale_picture_with_transparency_becomes_rgba():
    image = decode_upload(Upload(picture(mode="LA", colour=(128, 100))))

    assert (image.mode, image.getpixel((0, 0))) == ("RGBA", (128, 128, 128, 100))


def test_a_jpeg_whose_exif_block_is_cut_short_is_accepted_though_pillow_warns():
    # Some editors truncate the EXIF block; Pillow warns (a UserWarning) and reads the
    # pixels anyway. Only its decompression-bomb warning is an error here.
    exif = Image.Exif()
    exif[0x010F] = "A camera maker's name"
    data = picture("JPEG", exif=exif.tobytes()[:-10])

    with pytest.warns(UserWarning, match="Truncated File Read"):
        image = decode_upload(Upload(data))

    assert (image.mode, image.size) == ("RGB", (60, 40))


def test_exif_orientation_is_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to show
    data = picture("JPEG", size=(60, 40), exif=exif.tobytes())

    assert decode_upload(Upload(data)).size == (40, 60)


def test_webp_output_carries_pixels_only():
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    source = Image.open(io.BytesIO(picture("JPEG", exif=exif.tobytes())))

    encoded = Image.open(io.BytesIO(encode_webp(source)))

    assert encoded.format == "WEBP"
    assert not encoded.info.get("exif")
    assert not encoded.info.get("icc_profile")


def test_webp_quality_changes_the_output():
    noisy = Image.effect_noise((64, 64), 80).convert("RGB")

    assert len(encode_webp(noisy, quality=10)) < len(encode_webp(noisy))


def test_a_square_is_cropped_to_the_size_asked():
    square = Image.open(io.BytesIO(square_webp(Image.new("RGB", (90, 30)), 24)))

    assert (square.format, square.size) == ("WEBP", (24, 24))


def test_fitting_shrinks_into_the_box_and_never_enlarges():
    data, size = fitted_webp(Image.new("RGB", (400, 100)), (200, 200))
    assert size == (200, 50)
    assert Image.open(io.BytesIO(data)).size == (200, 50)

    small = Image.new("RGB", (40, 20))
    assert fitted_webp(small, (200, 200))[1] == (40, 20)
    assert small.size == (40, 20)  # the caller's picture is left as it was


def test_an_oversized_stream_is_read_no_further_than_one_byte_past_the_limit():
    upload = Upload(b"x" * 500)

    assert refusal(upload, max_bytes=100).code == "too_big"
    assert upload.tell() == 101  # never the whole file into memory


@pytest.mark.parametrize(
    "error", [Image.DecompressionBombError("bomb"), Image.DecompressionBombWarning("bomb")]
)
def test_a_bomb_pillow_only_detects_while_scaling_is_refused_too(monkeypatch, error):
    # Pillow checks again when it crops or reads further frames; its error, raised
    # where it would be, must give the same answer as one found on opening.
    def thumbnail(self, *args, **kwargs):
        raise error

    monkeypatch.setattr(Image.Image, "thumbnail", thumbnail)

    refused = refusal(Upload(picture()))

    assert (refused.code, refused.messages) == (
        "too_many_pixels",
        ["The image has too many pixels."],
    )


def test_scaling_uses_lanczos_resampling():
    source = Image.effect_noise((300, 200), 60).convert("RGB")
    buffer = io.BytesIO()
    source.save(buffer, format="PNG")
    expected = source.copy()
    expected.thumbnail((150, 150), Image.Resampling.LANCZOS)

    scaled = decode_upload(Upload(buffer.getvalue()), working_size=(150, 150))

    assert scaled.tobytes() == expected.tobytes()


def _noise(size=(90, 60)) -> Image.Image:
    return Image.effect_noise(size, 60).convert("RGB")


def _webp(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="WEBP", **options)
    return buffer.getvalue()


def test_pictures_are_stored_as_webp_at_quality_85_and_compression_method_4():
    image = _noise()

    assert encode_webp(image) == _webp(image, quality=85, method=4)
    assert encode_webp(image, quality=60) == _webp(image, quality=60, method=4)


def test_squares_are_centre_cropped_and_scaled_with_lanczos():
    image = _noise()
    expected = ImageOps.fit(image, (24, 24), Image.Resampling.LANCZOS)

    assert square_webp(image, 24) == _webp(expected, quality=85, method=4)


def test_fitted_pictures_are_scaled_with_lanczos():
    image = _noise((120, 60))
    expected = image.copy()
    expected.thumbnail((60, 60), Image.Resampling.LANCZOS)

    assert fitted_webp(image, (60, 60)) == (_webp(expected, quality=85, method=4), (60, 30))
