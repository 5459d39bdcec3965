"""Progress of long work: callbacks from the engine and the knowledge store, bars in a terminal."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import Any

from rich.console import Console

from assistant.cli_common import DataArgs
from assistant.progress import load_with_progress, progress_bar
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


def test_loading_says_what_each_step_did(datasets_dir: Path, tmp_path: Path) -> None:
    from tools.engine.loading import load_customer_data

    orders = tmp_path / "orders.csv"
    with gzip.open(datasets_dir / "online_retail.csv.gz", "rt", encoding="utf-8",
                   errors="replace") as source:
        orders.write_text("".join(line for _, line in zip(range(20_001), source, strict=False)),
                          encoding="utf-8")
    events: list[ProgressEvent] = []
    data = load_customer_data(orders, progress=events.append)
    removed = sum(step.rows_removed for step in data.source.cleaning)
    assert [e.done for e in events] == [1, 2, 3, 4, 5] and events[-1].total == 5
    assert [e.summary for e in events] == [
        "read 20,000 rows", "parsed 8 columns", "roles: a transaction log",
        f"cleaning removed {removed:,} rows, kept {data.source.rows_kept:,}",
        f"{data.n_customers:,} customers"]


def test_the_cli_draws_the_load_on_a_terminal(datasets_dir: Path, tmp_path: Path) -> None:
    console, buffer = terminal()
    args = DataArgs(datasets_dir / "mall_customers.csv", None, None, None, tmp_path / "ws")
    data = load_with_progress(args, console)
    assert data.n_customers == 200
    shown = buffer.getvalue()
    assert "✓ read 200 rows" in shown and "✓ roles: a customer table" in shown
    console, buffer = terminal()
    load_with_progress(args, console)
    assert "✓ 200 customers from the cache" in buffer.getvalue()
