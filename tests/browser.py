"""Headless Debian chromium through Playwright, for the tests that look at pages as a person would."""

import os
from contextlib import contextmanager
from pathlib import Path

from playwright import sync_api

ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "e2e"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# --no-sandbox: sessions and CI run as root. The rest: the network is closed here,
# so chromium must not try to reach Google's services (it would stall or log errors).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

if not Path(CHROMIUM).exists():  # `make test` installs it; a missing browser is an error, not a skip
    raise RuntimeError(f"no chromium at {CHROMIUM}: run `make browser-deps` (or set CHROMIUM=...)")


@contextmanager
def launch_chromium(timeout_seconds=30):
    """A Playwright browser on the system chromium (Playwright's own download does not work here); always closed."""
    playwright = sync_api.sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                                             timeout=timeout_seconds * 1000)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()
