"""Security headers on pages, badge images and uploaded files."""

from http import HTTPStatus

import pytest

from tests.factories import PostFactory

pytestmark = pytest.mark.django_db


def _csp(response) -> dict[str, str]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, _, value = part.strip().partition(" ")
        directives[name] = value
    return directives


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/members/", "/search/?q=spine"])
def test_pages_send_a_csp_without_inline_code_or_styles(client, url):
    response = client.get(url)

    csp = _csp(response)
    assert csp["script-src"] == "'self'"
    assert csp["style-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_a_post_page_sends_every_security_header(client):
    response = client.get(PostFactory().get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert "camera=()" in response["Permissions-Policy"]


def test_error_pages_carry_the_headers_too(client):
    response = client.get("/no-such-page/")

    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.urls("tests.site.urls_stub")
def test_badge_images_may_be_embedded_by_other_sites(client):
    response = client.get("/badges/stub.png")

    assert response["Content-Type"] == "image/png"
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_html_pages_under_the_badge_prefix_stay_same_origin(client):
    response = client.get("/badges/")  # the badges page, HTML

    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_https_responses_carry_hsts_for_a_year(client, settings):
    # The production value (checked in test_production_settings) on a secure request.
    settings.SECURE_HSTS_SECONDS = 31_536_000

    response = client.get("/", secure=True)

    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_plain_http_responses_never_carry_hsts(client, settings):
    settings.SECURE_HSTS_SECONDS = 31_536_000

    response = client.get("/")

    assert "Strict-Transport-Security" not in response


def _media_file(settings, name: str, data: bytes):
    path = settings.MEDIA_ROOT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def test_uploaded_images_are_served_with_their_type_nosniff_and_a_sandbox(client, settings):
    _media_file(settings, "avatars/abc-256.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ")

    response = client.get("/media/avatars/abc-256.webp")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "immutable" in response["Cache-Control"]


def test_an_uploaded_file_of_another_type_is_a_download_never_a_page(client, settings):
    _media_file(settings, "avatars/evil.html", b"<script>alert(1)</script>")

    response = client.get("/media/avatars/evil.html")

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_media_paths_cannot_leave_the_media_folder(client, settings):
    _media_file(settings, "avatars/ok.webp", b"x")
    # Content that cannot appear by accident (error pages may echo the path itself).
    (settings.MEDIA_ROOT.parent / "secret.txt").write_text("do-not-serve-7d1f")

    response = client.get("/media/../secret.txt")
    encoded = client.get("/media/avatars/..%2F..%2Fsecret.txt")

    for answer in (response, encoded):
        assert answer.status_code in (HTTPStatus.BAD_REQUEST, HTTPStatus.NOT_FOUND)
        assert b"do-not-serve-7d1f" not in answer.content


def test_a_missing_media_file_is_404(client):
    assert client.get("/media/avatars/none.webp").status_code == HTTPStatus.NOT_FOUND
