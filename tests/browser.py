"""Headless Chromium for the tests that look at a page as a person would (Debian's `chromium`).

`.ci/run` installs Chromium; `make test` on a machine without it skips these tests and says why.
Playwright drives the system browser: nothing is downloaded.
"""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# Without the background-networking flags Chromium keeps dialling out, which this closed network refuses.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

requires_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed: `bash .ci/system_packages.sh` installs it (CI always does)"
)


@dataclass
class PageVisit:
    """What a page did while it was open: its console errors and uncaught exceptions."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        return self.console_errors + self.page_errors


@contextmanager
def open_page(url: str, timeout_ms: int = 60_000):
    """Open `url` in headless Chromium; yield (page, visit) with console errors collected."""
    from playwright.sync_api import sync_playwright

    visit = PageVisit()
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = context.new_page()
            page.set_default_timeout(timeout_ms)
            page.on("console", lambda msg: visit.console_errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: visit.page_errors.append(str(exc)))
            page.goto(url, wait_until="load")
            yield page, visit
        finally:
            context.close()
