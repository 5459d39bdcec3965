"""The HTML report: built from the engine, escaped, self-contained, and drawn by real Chromium."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from assistant.browser import find_chromium, screenshot
from assistant.cli_report import register
from tools.engine.definitions import Compare, RfmSegment
from tools.engine.evaluate import evaluate
from tools.engine.loading import load_customer_data
from tools.report import ReportSegment, build_report
from tools.report_html import markdown_html, render_html
from tools.svg_charts import BASE_FILL, SEGMENT_FILL, heat_fill

sys.path.insert(0, str(Path(__file__).parent))
from png_pixels import read_png  # noqa: E402

HOSTILE = """id,Country,Spend,Orders,DaysSinceLastOrder
1,<script>alert('x')</script>,120,3,10
2,<img src=x onerror=alert(1)>,800,9,40
3,France,950,4,200
4,<script>alert('x')</script>,400,1,300
5,France,1500,12,5
6,Spain,700,2,90
"""


def segment(data: Any, label: str, condition: Any, kind: str = "rfm") -> ReportSegment:
    return ReportSegment(label, kind, condition, evaluate(condition, data))


def colour_pixels(pixels: np.ndarray, colour: tuple[int, int, int], tolerance: int = 6) -> int:
    return int(np.all(np.abs(pixels[..., :3].astype(int) - colour) <= tolerance, axis=2).sum())


def rgb(css: str) -> tuple[int, int, int]:
    if css.startswith("#"):
        return int(css[1:3], 16), int(css[3:5], 16), int(css[5:7], 16)
    red, green, blue = map(int, re.findall(r"\d+", css))
    return red, green, blue


@pytest.fixture(scope="module")
def retail_report(retail: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tools.knowledge.store import KnowledgeStore

    # shared with the other knowledge tests so the store is built once per session
    store = KnowledgeStore(tmp_path_factory.getbasetemp() / "knowledge-workspace")
    report = build_report(retail, [segment(retail, "Champions", RfmSegment(segments=["Champions"])),
                                   segment(retail, "At Risk", RfmSegment(segments=["At Risk"]))],
                          knowledge=store)
    path = tmp_path_factory.mktemp("report") / "report.html"
    path.write_text(render_html(report), encoding="utf-8")
    return path


def test_report_holds_every_part(retail_report: Path, retail: Any) -> None:
    page = retail_report.read_text(encoding="utf-8")
    assert page.count("<svg") == 5  # sizes, RFM segments, RFM grid, two distributions
    for part in ("id='sizes'", "id='rfm'", "id='segment-1'", "id='segment-2'",
                 "id='comparison'", "Definition", "type: rfm_segment", "Campaign plan",
                 "What this segment is", "Champions compared with At Risk"):
        assert part in page, part
    assert "632</strong> customers" in page and "596</strong> customers" in page
    assert ">438<" in page  # the Champions' R5 F5 cell of the grid
    assert retail.source.content_hash[:16] in page
    # self-contained: no script, no stylesheet or image fetched from anywhere
    assert "<script" not in page and "<link" not in page
    assert not re.search(r"(src|href)\s*=", page)
    assert set(re.findall(r"https?://[^'\" ]+", page)) <= {"http://www.w3.org/2000/svg"}


def test_data_values_are_escaped(tmp_path: Path) -> None:
    path = tmp_path / "hostile.csv"
    path.write_text(HOSTILE, encoding="utf-8")
    data = load_customer_data(path)
    label = "<b onmouseover=alert(1)>VIP</b>"
    report = build_report(data, [ReportSegment(label, "file",
                                               Compare(column="Spend", op=">", value=100),
                                               evaluate(Compare(column="Spend", op=">",
                                                                value=100), data))])
    page = render_html(report)
    assert "<script" not in page and "<img" not in page and "<b onmouseover" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;b onmouseover=alert(1)&gt;VIP&lt;/b&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_markdown_is_escaped_before_it_is_formatted() -> None:
    html = markdown_html("### Who\n\n**Bold** <i>x</i> `code`\n\n- one\n- two\n\n> quoted")
    assert "<h5>Who</h5>" in html and "<strong>Bold</strong>" in html
    assert "&lt;i&gt;x&lt;/i&gt;" in html and "<code>code</code>" in html
    assert "<ul><li>one</li><li>two</li></ul>" in html and "<blockquote>quoted" in html


chromium = pytest.mark.skipif(
    find_chromium() is None,
    reason="Chromium is not installed (make test installs Debian's chromium when run as root)")


@chromium
def test_the_browser_shows_the_charts(retail_report: Path, tmp_path: Path) -> None:
    shot = screenshot(retail_report, tmp_path / "report.png", 1000, 2600)
    pixels = read_png(shot)
    assert pixels.shape[:2] == (2600, 1000)
    # the same page without its charts: what is left of each colour is not a chart
    page = retail_report.read_text(encoding="utf-8")
    bare = tmp_path / "bare.html"
    bare.write_text(re.sub(r"<svg.*?</svg>", "", page, flags=re.S), encoding="utf-8")
    bare_pixels = read_png(screenshot(bare, tmp_path / "bare.png", 1000, 2600))
    bars = colour_pixels(pixels, rgb(SEGMENT_FILL)) - colour_pixels(bare_pixels,
                                                                    rgb(SEGMENT_FILL))
    assert bars > 20_000  # the bars of the size, RFM and distribution charts
    assert colour_pixels(pixels, rgb(heat_fill(1.0))) > 3_000  # the grid's fullest cell
    assert colour_pixels(pixels, rgb(BASE_FILL)) > 1_000  # the base's bars in a distribution
    rows = np.where(np.all(np.abs(pixels[..., :3].astype(int) - rgb(SEGMENT_FILL)) <= 6,
                           axis=2).any(axis=1))[0]
    assert rows.max() - rows.min() > 1500  # charts all down the page, not one blot


@chromium
def test_no_injected_markup_runs_in_the_browser(tmp_path: Path) -> None:
    path = tmp_path / "hostile.csv"
    path.write_text(HOSTILE, encoding="utf-8")
    data = load_customer_data(path)
    condition = Compare(column="Spend", op=">", value=100)
    page = tmp_path / "hostile.html"
    page.write_text(render_html(build_report(data, [ReportSegment(
        "<img src=x onerror=alert(1)>", "file", condition, evaluate(condition, data))])),
        encoding="utf-8")
    dom = subprocess.run([str(find_chromium()), "--headless", "--no-sandbox", "--disable-gpu",
                          f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                          page.resolve().as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    assert "<svg" in dom and "<main>" in dom
    assert "<img" not in dom and "<script" not in dom


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """The segment command (only the report commands here)."""

    register(app)
    return app


@chromium
def test_report_command_with_png_charts(app: typer.Typer, tmp_path: Path,
                                        datasets_dir: Path) -> None:
    html, pngs = tmp_path / "out" / "report.html", tmp_path / "png"
    result = CliRunner().invoke(app, [
        "report", "all", "--data", str(datasets_dir / "mall_customers.csv"), "--html", str(html),
        "--png-dir", str(pngs), "--json", "--workspace", str(tmp_path / ".segment")])
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    # a customer table without purchase counts has no RFM grid, and says so
    assert summary["charts"] == ["sizes", "segment-1-distribution"]
    assert any("RFM" in note for note in summary["notes"])
    for png in map(Path, summary["pngs"]):
        pixels = read_png(png)
        assert colour_pixels(pixels, rgb(SEGMENT_FILL)) > 500, png
    assert "all customers" in html.read_text(encoding="utf-8")


def test_report_command_refusals(app: typer.Typer, tmp_path: Path, datasets_dir: Path) -> None:
    data = str(datasets_dir / "mall_customers.csv")
    for args, fragment in ((["--html", str(tmp_path / "r.txt")], "--html"),
                           (["--html", str(tmp_path / "r.html"), "--lang", "fr"], "--lang"),
                           (["Champion", "--html", str(tmp_path / "r.html")], "Champions")):
        result = CliRunner().invoke(app, ["report", *args, "--data", data,
                                          "--workspace", str(tmp_path / ".segment")])
        assert result.exit_code == 1 and fragment in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
