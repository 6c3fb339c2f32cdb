"""Browser journeys: Debian's headless Chromium driven by Playwright, against a live server.

Playwright's own browser download is not used; the system Chromium is. Without it,
these tests skip on a developer's machine but fail in CI (CI=true), so a green CI
always means the journeys really ran.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.core.cache import caches

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM
# calls from a thread with a running loop unless told this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing at {CHROMIUM}; .ci/run should have installed it.")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_site(live_server, transactional_db):
    """The live server with empty caches, so no view mark or limit leaks between journeys."""
    for cache in caches.all():
        cache.clear()
    return live_server


def _new_page(browser, width=1280, height=900, user_agent=None):
    options = {"viewport": {"width": width, "height": height}}
    if user_agent:
        options["user_agent"] = user_agent
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


@pytest.fixture
def page(browser):
    context, page = _new_page(browser)
    yield page
    context.close()


@pytest.fixture
def new_page(browser):
    """Open another, independent browser (its own cookies): a second visitor.

    Anonymous visitors are told apart by address and user agent, and every test
    browser comes from 127.0.0.1, so a distinct visitor needs its own user agent.
    """
    contexts = []

    def make(width=1280, height=900, user_agent=None):
        context, page = _new_page(browser, width, height, user_agent)
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot to screenshots/<name>.png for people to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(page, name: str):
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take
