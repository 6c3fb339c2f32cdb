"""`make serve`'s configuration in a real browser: gunicorn, DEBUG off, WhiteNoise, CSP.

The site runs as production runs it, in its own processes: production settings with a
test-only secret, a temporary SQLite file, `migrate` and `collectstatic` into a
temporary folder, then gunicorn with radrounds/gunicorn.conf.py on a free port.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"

SETUP_MEMBER = """
import io
from allauth.account.models import EmailAddress
from PIL import Image
from accounts.avatars import process_avatar
from accounts.models import User
from accounts.services import profile_update
user = User.objects.create_user("ana", "ana@example.org", {password!r})
user.display_name = "Dr. Ana Ortiz"
user.save()
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
picture = io.BytesIO()
Image.new("RGB", (300, 300), (30, 120, 200)).save(picture, format="PNG")
picture.seek(0)
profile_update(user=user, data={{}}, avatar=process_avatar(picture))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def production_site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production")
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
        and key != "DJANGO_ALLOW_ASYNC_UNSAFE"  # set for Playwright in this process only
    }
    env.update(
        RADROUNDS_MODE="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SQLITE_PATH=str(folder / "db.sqlite3"),
        STATIC_ROOT=str(folder / "static"),
        MEDIA_ROOT=str(folder / "media"),
        TRUSTED_PROXIES="127.0.0.1",
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="2",
    )

    def manage(*args):
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=300
        )

    manage("migrate", "--no-input", "--verbosity", "0")
    manage("collectstatic", "--no-input", "--verbosity", "0")
    manage("seed_demo")
    manage("shell", "-c", SETUP_MEMBER.format(password=PASSWORD))
    log = (folder / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "radrounds/gunicorn.conf.py", "radrounds.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start: " + (folder / "gunicorn.log").read_text())
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture
def watched_page(page):
    """A page that records CSP violations and console errors."""
    page.add_init_script(
        "window.__csp = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    errors = []
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.console_errors = errors
    return page


def _no_violations(page):
    assert page.evaluate("window.__csp") == []
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []


def test_pages_are_styled_avatars_load_and_nothing_breaks_the_csp(
    production_site, watched_page, screenshot
):
    page = watched_page
    page.goto(production_site + "/")
    expect(page.get_by_role("heading", name="Latest posts")).to_be_visible()
    header_background = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    assert header_background not in ("rgba(0, 0, 0, 0)", "transparent")  # site.css applied
    assert page.evaluate("document.styleSheets[0].href").split("/")[-1].count(".") == 2
    _no_violations(page)
    screenshot(page, "production-home")

    page.get_by_role("link", name="Management of chronic low back pain").first.click()
    expect(page.locator("#view-count")).to_have_text("Views: 1")
    _no_violations(page)

    page.goto(production_site + "/accounts/login/")
    page.get_by_label("Username or email").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".account-menu")).to_be_visible()

    page.goto(production_site + "/members/ana/")
    expect(page.locator("img.avatar").first).to_be_visible()
    widths = page.locator("img.avatar").evaluate_all(
        "images => images.map(img => img.complete ? img.naturalWidth : 0)"
    )
    assert 256 in widths and 0 not in widths  # the profile's picture and the menu's, loaded
    sources = page.locator("img.avatar").evaluate_all("images => images.map(i => i.src)")
    assert all("/media/avatars/" in src for src in sources)
    _no_violations(page)
    screenshot(page, "production-profile")

    # Every other kind of page a member meets, allauth's included.
    for path in (
        "/members/",
        "/members/ana/edit/",
        "/members/me/settings/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate",
        "/search/?q=spine",
    ):
        page.goto(production_site + path)
        expect(page.locator("main")).to_be_visible()
        _no_violations(page)
    page.context.clear_cookies()
    for path in ("/accounts/signup/", "/accounts/password/reset/"):
        page.goto(production_site + path)
        _no_violations(page)
    assert page.console_errors == []


def test_production_headers_cookies_and_static_caching(production_site):
    login = urllib.request.urlopen(production_site + "/accounts/login/", timeout=10)
    cookies = login.headers.get_all("Set-Cookie")
    assert any(c.startswith("__Host-csrftoken=") and "Secure" in c for c in cookies)
    assert "frame-ancestors 'none'" in login.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in login.headers  # plain HTTP on loopback

    behind_tls = urllib.request.Request(
        production_site + "/", headers={"X-Forwarded-Proto": "https"}
    )
    with urllib.request.urlopen(behind_tls, timeout=10) as answer:
        assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")

    html = urllib.request.urlopen(production_site + "/", timeout=10).read().decode()
    stylesheet = html.split('rel="stylesheet" href="')[1].split('"')[0]
    request = urllib.request.Request(
        production_site + stylesheet, headers={"Accept-Encoding": "gzip"}
    )
    with urllib.request.urlopen(request, timeout=10) as css:
        assert "immutable" in css.headers["Cache-Control"]
        assert css.headers["Content-Encoding"] == "gzip"
