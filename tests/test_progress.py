"""Progress of long work: callbacks from the engine and the knowledge store, bars in a terminal."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from rich.console import Console

from assistant.cli_common import DataArgs
from assistant.progress import load_summary, load_with_progress, progress_bar
from tools.engine.progress import ProgressEvent


def terminal() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=True, width=120, color_system=None), buffer


def test_knowledge_build_reports_each_step(tmp_path: Path) -> None:
    from tools.knowledge.store import KnowledgeStore

    events: list[ProgressEvent] = []
    report = KnowledgeStore(tmp_path).build(progress=events.append)
    assert events[0].summary == f"embedded {report.passages:,} passages"
    assert events[-1].done == events[-1].total == report.passages + 1
    assert [e.done for e in events] == sorted(e.done for e in events)
    again: list[ProgressEvent] = []
    KnowledgeStore(tmp_path).build(progress=again.append)
    assert [e.summary for e in again] == ["the stored index is up to date"]


def test_clustering_reports_every_k(mall: Any) -> None:
    from tools.engine.cluster_model import CustomerClustering

    events: list[ProgressEvent] = []
    model = CustomerClustering(k_range=(2, 5)).fit(mall.customers, progress=events.append)
    assert [e.summary for e in events if e.summary.startswith("k-means")] == [
        f"k-means with k={k}" for k in range(2, 6)]
    assert events[-1].done == events[-1].total
    assert events[-1].summary.startswith(f"{model.k_} clusters")


def test_bar_and_summary_lines_on_a_terminal() -> None:
    console, buffer = terminal()
    with progress_bar("Knowledge base", console) as progress:
        assert progress is not None
        progress(ProgressEvent("knowledge", 1, 2, "embedded 10 passages"))
        progress(ProgressEvent("knowledge", 2, 2, "stored [10] of 10 passages"))
    shown = buffer.getvalue()
    assert "✓ embedded 10 passages" in shown and "✓ stored [10] of 10 passages" in shown


def test_nothing_is_drawn_off_a_terminal() -> None:
    buffer = io.StringIO()
    with progress_bar("Loading", Console(file=buffer, force_terminal=False)) as progress:
        assert progress is None
    assert buffer.getvalue() == ""


def test_load_summary_says_what_each_step_did(retail: Any, datasets_dir: Path,
                                             tmp_path: Path) -> None:
    lines = load_summary(retail)
    assert lines[0].startswith("read 541,909 rows")
    removed = sum(step.rows_removed for step in retail.source.cleaning)
    assert removed > 0 and len(lines) == len(retail.source.cleaning) + 2
    assert lines[-1].startswith(f"kept {retail.source.rows_kept:,} rows -> 4,338 customers")
    console, buffer = terminal()
    args = DataArgs(datasets_dir / "mall_customers.csv", None, None, None, tmp_path / "ws")
    data = load_with_progress(args, console)
    assert data.n_customers == 200
    assert "✓ read 200 rows" in buffer.getvalue()
    console, buffer = terminal()
    load_with_progress(args, console)
    assert "200 customers from the cache" in buffer.getvalue()
