import io
import os
import struct
import zlib
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from accounts.avatars import process_avatar
from accounts.models import User
from tests.accounts.images import image_upload


def png_bomb(width=100_000, height=100_000) -> bytes:
    """A tiny PNG whose header claims a huge canvas: decoding it would eat gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def jpeg_with_gps_rotated() -> bytes:
    """A 60x30 JPEG, left half red, with GPS EXIF and orientation 6 (rotate 90° clockwise)."""
    image = Image.new("RGB", (60, 30), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "RadCam"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (52.0, 31.0, 12.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (13.0, 24.0, 36.0),
    }
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=95)
    return buffer.getvalue()


@pytest.fixture
def edit_url(verified_user):
    return reverse("accounts:edit", kwargs={"username": verified_user.username})


@pytest.fixture
def signed_in(client, verified_user):
    client.force_login(verified_user)
    return client


def upload(client, url, file, **extra):
    return client.post(url, {"display_name": "Ana Ortiz", "avatar_upload": file, **extra})


def test_png_avatar_is_stored_as_two_webp_squares(signed_in, edit_url, verified_user):
    response = upload(signed_in, edit_url, image_upload(size=(400, 300)))

    assert response.status_code == HTTPStatus.FOUND
    verified_user.refresh_from_db()
    with verified_user.avatar.open("rb") as f:
        large = Image.open(f)
        assert (large.format, large.size) == ("WEBP", (256, 256))
    with verified_user.avatar_small.open("rb") as f:
        assert Image.open(f).size == (64, 64)


def test_avatar_file_names_are_random_not_the_uploaded_name(signed_in, edit_url, verified_user):
    upload(signed_in, edit_url, image_upload(name="ana-ortiz-passport.png"))

    verified_user.refresh_from_db()
    assert "passport" not in verified_user.avatar.name
    assert len(verified_user.avatar.name.rsplit("/", 1)[1]) >= 24


def test_png_decompression_bomb_is_rejected_with_a_form_error(signed_in, edit_url):
    bomb = SimpleUploadedFile("bomb.png", png_bomb(), content_type="image/png")
    assert len(bomb) < 2000

    response = upload(signed_in, edit_url, bomb)

    assert response.status_code == HTTPStatus.OK
    assert "too many pixels" in response.context["form"].errors["avatar_upload"][0]


def test_image_over_25_megapixels_is_rejected():
    # Below Pillow's own bomb threshold, above ours: 6000 x 5000 = 30 MP.
    big = SimpleUploadedFile("big.png", png_bomb(6000, 5000), content_type="image/png")

    with pytest.raises(ValidationError, match="25 megapixels"):
        process_avatar(big)


def test_gif_is_rejected(signed_in, edit_url):
    response = upload(signed_in, edit_url, image_upload(name="cat.gif", fmt="GIF"))

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["avatar_upload"] == ["Upload a JPEG, PNG or WebP image."]


def test_text_file_named_jpg_is_rejected(signed_in, edit_url):
    fake = SimpleUploadedFile("photo.jpg", b"just some text, not a picture\n" * 10, "image/jpeg")

    response = upload(signed_in, edit_url, fake)

    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["avatar_upload"] == ["Upload a JPEG, PNG or WebP image."]


def test_image_over_5_mb_is_rejected(signed_in, edit_url):
    # Random pixels do not compress: a 1500x1500 RGB PNG of noise is ~6.7 MB.
    noise = Image.frombytes("RGB", (1500, 1500), os.urandom(1500 * 1500 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG", compress_level=0)
    assert buffer.tell() > 5 * 1024 * 1024

    response = upload(
        signed_in, edit_url, SimpleUploadedFile("big.png", buffer.getvalue(), "image/png")
    )

    assert response.status_code == HTTPStatus.OK
    assert "larger than 5 MB" in response.context["form"].errors["avatar_upload"][0]


def test_jpeg_gps_exif_is_stripped_and_orientation_applied(signed_in, edit_url, verified_user):
    original = Image.open(io.BytesIO(jpeg_with_gps_rotated()))
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test file really has GPS

    upload(signed_in, edit_url, SimpleUploadedFile("me.jpg", jpeg_with_gps_rotated(), "image/jpeg"))

    verified_user.refresh_from_db()
    with verified_user.avatar.open("rb") as f:
        raw = f.read()
    stored = Image.open(io.BytesIO(raw))
    assert b"Exif" not in raw and b"RadCam" not in raw
    assert not stored.getexif()
    # Rotated 90° clockwise, the red left half becomes the top half.
    top = stored.convert("RGB").getpixel((128, 40))
    bottom = stored.convert("RGB").getpixel((128, 215))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_bad_upload_keeps_the_previous_avatar(signed_in, edit_url, verified_user):
    upload(signed_in, edit_url, image_upload())
    verified_user.refresh_from_db()
    before = verified_user.avatar.name

    upload(signed_in, edit_url, image_upload(name="x.gif", fmt="GIF"))

    verified_user.refresh_from_db()
    assert verified_user.avatar.name == before
    assert verified_user.avatar.storage.exists(before)


def test_replacing_an_avatar_deletes_the_old_files(
    signed_in, edit_url, verified_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in, edit_url, image_upload())
    verified_user.refresh_from_db()
    old = [verified_user.avatar.name, verified_user.avatar_small.name]

    with django_capture_on_commit_callbacks(execute=True):
        upload(signed_in, edit_url, image_upload(colour=(200, 30, 30)))

    verified_user.refresh_from_db()
    storage = verified_user.avatar.storage
    assert not any(storage.exists(name) for name in old)
    assert storage.exists(verified_user.avatar.name)


def test_member_can_remove_their_avatar(signed_in, edit_url, verified_user):
    upload(signed_in, edit_url, image_upload())

    signed_in.post(edit_url, {"display_name": "Ana", "avatar_remove": "on"})

    assert User.objects.get(pk=verified_user.pk).avatar.name == ""


def test_member_without_avatar_gets_generated_initials(client, verified_user):
    verified_user.display_name = "Ana Ortiz"
    verified_user.save()

    response = client.get(verified_user.get_absolute_url())

    assert "data:image/svg+xml" in response.content.decode()
    assert "%3EAO%3C" in response.content.decode()  # the initials, URL-encoded in the SVG


def test_a_picture_that_cannot_be_stored_leaves_the_whole_edit_unsaved(
    signed_in, edit_url, verified_user, settings, tmp_path
):
    # MEDIA_ROOT pointing at a file makes every avatar write fail on the server side.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker
    signed_in.raise_request_exception = False

    response = signed_in.post(
        edit_url, {"display_name": "Dr. Ana Ortiz", "avatar_upload": image_upload()}
    )

    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    verified_user.refresh_from_db()
    assert verified_user.display_name == ""
    assert not verified_user.avatar
