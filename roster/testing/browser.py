"""Headless Chromium for the browser tests, driven by Playwright.

The browser is Debian's `chromium`, never one Playwright downloads; the
tests drive it against pytest-django's live server. Screenshots of the
pages a test visits go to `ROSTER_SCREENSHOTS` (default `test-artifacts/`).
"""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test's thread; Django then
# refuses ORM calls from that thread unless told the loop is not its own.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ROSTER_CHROMIUM", "/usr/bin/chromium")
# Without these flags Chromium reaches for Google's hosts at start, which
# a closed network refuses many times over.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path():
    """The Chromium binary; a missing one fails the test run loudly."""
    path = shutil.which(CHROMIUM) or CHROMIUM
    if not Path(path).exists():
        raise RuntimeError(
            f"No Chromium at {path}: apt-get install chromium chromium-driver"
        )
    return path


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=FLAGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser tab whose relative URLs go to the live server."""
    context = chromium.new_context(base_url=live_server.url)
    tab = context.new_page()
    yield tab
    context.close()


def screenshot(page, name):
    """Save what the page shows now as `<name>.png` among the artifacts."""
    folder = Path(os.environ.get("ROSTER_SCREENSHOTS", "test-artifacts"))
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
