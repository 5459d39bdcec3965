"""One measurement per process, so each peak memory figure is its own (ru_maxrss).

    python -m bench.measure engine FILE      # the product's steps, one after another
    python -m bench.measure pandas FILE      # the pandas script baseline
    python -m bench.measure duckdb FILE      # the hand-written DuckDB SQL baseline

Prints one JSON object: {"steps": [{"step", "seconds", "peak_mb"}, ...]}. Times
exclude the interpreter start and imports; peak memory is the process's peak
resident size so far (what a user's machine must hold at that moment).
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CHAT_REQUEST = "customers from Germany who spent over 500"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Steps:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def run(self, name: str, action: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        result = action()
        self.rows.append({"step": name, "seconds": time.perf_counter() - start,
                          "peak_mb": peak_mb()})
        return result


def engine(path: Path) -> list[dict[str, Any]]:
    # Imported before the clock starts, like the baselines.
    import duckdb  # noqa: F401
    import pandas as pd  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    from tools.engine.clustering import fit_clustering
    from tools.engine.definitions import And, Compare, In, Rank, RfmSegment
    from tools.engine.evaluate import evaluate
    from tools.engine.loading import load_customer_data
    from tools.engine.profiles import profile
    from tools.engine.rfm import rfm_summary, rfm_table

    steps = Steps()
    data = steps.run("load + features", lambda: load_customer_data(path))
    steps.run("RFM scores + segments", lambda: (rfm_table(data), rfm_summary(data)))
    at_risk = RfmSegment(segments=["At Risk"])
    steps.run("profile (At Risk)", lambda: profile(data, evaluate(at_risk, data)))
    pipeline = sum(row["seconds"] for row in steps.rows)
    steps.rows.append({"step": "pipeline: features+RFM+names+profile", "seconds": pipeline,
                       "peak_mb": peak_mb()})
    rule = And(all=[In(column="Country", values=["germany", "france"]),
                    Compare(column="monetary", op=">", value=500),
                    Rank(column="frequency", direction="top", percent=10)])
    steps.run("rule segment", lambda: evaluate(rule, data))
    steps.run("auto-k clustering", lambda: fit_clustering(data))
    with tempfile.TemporaryDirectory() as workspace:
        from assistant.core import Assistant

        assistant = steps.run("assistant start", lambda: Assistant(data,
                                                                   workspace=Path(workspace)))
        steps.run("chat turn (offline)", lambda: assistant.ask(CHAT_REQUEST))
    return steps.rows


def baseline(kind: str, path: Path) -> list[dict[str, Any]]:
    import duckdb  # noqa: F401
    import pandas  # noqa: F401

    from bench.baselines import duckdb_pipeline, pandas_pipeline

    steps = Steps()
    action = pandas_pipeline if kind == "pandas" else duckdb_pipeline
    steps.run("pipeline: features+RFM+names+profile", lambda: action(path))
    return steps.rows


def main(argv: list[str]) -> None:
    kind, path = argv[0], Path(argv[1])
    rows = engine(path) if kind == "engine" else baseline(kind, path)
    print(json.dumps({"steps": rows}))


if __name__ == "__main__":
    main(sys.argv[1:])
