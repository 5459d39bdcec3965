"""Headless Chromium for pictures of HTML: PNG charts and screenshots of a report."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from tools.engine.errors import EngineError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_TIMEOUT = 120


def find_chromium() -> str | None:
    return next((found for name in CANDIDATES if (found := shutil.which(name))), None)


def screenshot(page: Path, png: Path, width: int, height: int) -> Path:
    """Render `page` (an HTML file) at width x height pixels into `png`."""
    browser = find_chromium()
    if browser is None:
        raise EngineError("PNG pictures need Chromium, which is not installed: install the "
                          "`chromium` package (apt-get install chromium) or leave out --png-dir.")
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="segment-chromium-") as profile:
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                   "--no-first-run", "--disable-dev-shm-usage", "--mute-audio",
                   f"--user-data-dir={profile}", f"--window-size={width},{height}",
                   f"--screenshot={png.resolve()}", page.resolve().as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT,
                                  check=False)
        except subprocess.TimeoutExpired:
            raise EngineError(f"Chromium took over {_TIMEOUT} s to draw {page.name}: try "
                              "again, or leave out --png-dir.") from None
    if not png.is_file():
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1][:160]
        raise EngineError(f"Chromium could not draw {page.name} ({detail}).")
    return png


def chart_pngs(charts: list[tuple[str, str, int, int]], folder: Path) -> list[Path]:
    """(name, svg, width, height) -> folder/name.png, each chart alone on a white page."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="segment-charts-") as scratch:
        for name, svg, width, height in charts:
            page = Path(scratch) / f"{name}.html"
            page.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
                            "html,body{margin:0;background:#fff}</style></head><body>"
                            f"{svg}</body></html>", encoding="utf-8")
            written.append(screenshot(page, folder / f"{name}.png", width, height))
    return written
