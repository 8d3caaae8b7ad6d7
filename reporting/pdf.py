"""The report as an A4 PDF: the rendered HTML page printed by headless Chromium (Playwright drives the
browser installed on the machine; nothing is downloaded). Without Chromium the PDF is skipped, never
the run: `pdf_unavailable()` says why, in words the run prints."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# A4 less the margins below: the page is laid out (and plotly draws its charts) at the printed width,
# so nothing is cut at the margin.
A4_MARGIN_MM = 12
PRINT_WIDTH_PX = round((210 - 2 * A4_MARGIN_MM) / 25.4 * 96)
# Without the background-networking flags Chromium keeps dialling hosts it cannot reach.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
CHARTS_DRAWN = "[...document.querySelectorAll('.chart .js-plotly-plot')].every(p => p.querySelector('.main-svg'))"
FOOTER = (
    '<div style="font-size:8px;width:100%;text-align:center;color:#566573">'
    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
)


def find_chromium() -> str | None:
    """The Chromium (or Chrome) on this machine, if any."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    return None


def pdf_unavailable() -> str | None:
    """Why no PDF can be printed on this machine (None when it can)."""
    if find_chromium() is None:
        return (
            "PDF skipped: Chromium is not installed (Debian: `apt-get install chromium`, or "
            "`bash .ci/system_packages.sh`); the HTML report is complete"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "PDF skipped: the playwright package is missing (`make setup` installs it); the HTML report is complete"
    return None


def print_pdf(html_path: Path, pdf_path: Path, timeout_ms: int = 120_000) -> Path:
    """Print the report page `html_path` to `pdf_path` (A4, page numbers), written atomically."""
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError(pdf_unavailable())
    partial = pdf_path.with_name(f".{pdf_path.name}.{os.getpid()}.partial")
    with tempfile.TemporaryDirectory(prefix="par-report-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": PRINT_WIDTH_PX, "height": 1100},
        )
        try:
            page = context.new_page()
            page.set_default_timeout(timeout_ms)
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
            page.wait_for_function(CHARTS_DRAWN)
            page.emulate_media(media="print")
            page.pdf(
                path=str(partial),
                format="A4",
                print_background=True,
                margin={side: f"{A4_MARGIN_MM}mm" for side in ("top", "bottom", "left", "right")},
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=FOOTER,
            )
        finally:
            context.close()
    partial.replace(pdf_path)
    return pdf_path
