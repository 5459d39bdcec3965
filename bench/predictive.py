"""Predictive traits (issue 18): how long the BG/NBD + Gamma-Gamma steps take.

    .venv/bin/python -m bench.predictive                     # CDNOW sample and 25k customers
    .venv/bin/python -m bench.predictive --customers 25000,100000 --repeat 3

For the bundled CDNOW sample (2,357 customers, the published calibration period) and for
purchase logs drawn from the CDNOW estimates (tests/predictive_simulation.py, fixed seed),
each step of `tools.engine.predictive.predict` is timed in this process, fastest of
`--repeat` runs: the per-customer history from the lines, the BG/NBD fit, the Gamma-Gamma
fit, the per-customer predictions and the holdout check. The cold import of the module
and one whole `predict` in a fresh interpreter (imports included) are measured in a
subprocess. Not a test: nothing here runs in `make test`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

import pandas as pd  # noqa: E402

from tools.datasets import FOLDER  # noqa: E402
from tools.engine.predictive import PredictConfig, customer_predictions, fit_models  # noqa: E402
from tools.engine.predictive_check import holdout_check  # noqa: E402
from tools.engine.predictive_data import (  # noqa: E402
    AGE_WEEKS,
    REPEAT_VALUE,
    REPEATS,
    WEEKS_TO_LAST,
    purchase_history,
)
from tools.engine.predictive_models import fit_bgnbd, fit_gamma_gamma  # noqa: E402

CDNOW_END = date(1997, 9, 30)
SIMULATED_END = date(2024, 9, 30)


def cdnow_lines() -> pd.DataFrame:
    raw = pd.read_csv(FOLDER / "cdnow_sample.txt", sep=r"\s+", header=None, dtype={"date": str},
                      names=["customer_id", "sample_id", "date", "cds", "amount"])
    return pd.DataFrame({"customer_id": raw["customer_id"],
                         "day": pd.to_datetime(raw["date"], format="%Y%m%d"),
                         "amount": raw["amount"]})


def fastest(action: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def steps(lines: pd.DataFrame, end: date, repeat: int) -> dict[str, float]:
    times: dict[str, float] = {}
    times["history"], history = fastest(lambda: purchase_history(lines, end), repeat)
    table = history.table
    times["BG/NBD fit"], _ = fastest(lambda: fit_bgnbd(
        table[REPEATS], table[WEEKS_TO_LAST], table[AGE_WEEKS]), repeat)
    spenders = table[(table[REPEATS] > 0) & (table[REPEAT_VALUE] > 0)]
    times["Gamma-Gamma fit"], _ = fastest(lambda: fit_gamma_gamma(
        spenders[REPEATS], spenders[REPEAT_VALUE]), repeat)
    models = fit_models(history)
    times["predictions"], _ = fastest(
        lambda: customer_predictions(history, models, PredictConfig(horizon_days=90)), repeat)
    times["holdout check"], _ = fastest(lambda: holdout_check(history, models), repeat)
    times["total"] = sum(times.values())
    return times


WHOLE = """
import sys, time
start = time.perf_counter()
sys.path[:0] = [{root!r}, {tests!r}]
from datetime import date
from tools.engine.predictive import PredictConfig, predict
imported = time.perf_counter()
if {customers} == 0:
    from bench.predictive import CDNOW_END, cdnow_lines
    lines, end = cdnow_lines(), CDNOW_END
else:
    from predictive_simulation import simulated_log
    lines, end = simulated_log({customers}, seed=1), date(2024, 9, 30)
ready = time.perf_counter()
predict(lines, PredictConfig(calibration_end=end))
done = time.perf_counter()
print(f"{{imported - start:.2f}} {{done - ready:.2f}}")
"""


def whole_process(customers: int) -> tuple[float, float, float]:
    """(import seconds, predict seconds, wall seconds) in a fresh interpreter."""
    script = WHOLE.format(root=str(ROOT), tests=str(ROOT / "tests"), customers=customers)
    start = time.perf_counter()
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True, timeout=600)
    wall = time.perf_counter() - start
    imported, predicted = (float(v) for v in shown.stdout.split())
    return imported, predicted, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", default="25000",
                        help="sizes of the simulated logs, comma-separated")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from predictive_simulation import simulated_log

    cases: list[tuple[str, pd.DataFrame, date, int]] = [
        ("CDNOW sample (2,357)", cdnow_lines(), CDNOW_END, 0)]
    for size in (int(s) for s in args.customers.split(",") if s):
        log = simulated_log(size, seed=1)
        cases.append((f"simulated {size:,} ({len(log):,} lines)", log, SIMULATED_END, size))
    names = ["history", "BG/NBD fit", "Gamma-Gamma fit", "predictions", "holdout check",
             "total"]
    print("| data | " + " | ".join(names) + " | import (fresh process) | predict "
          "(fresh process) | whole process |")
    print("|---" * (len(names) + 4) + "|")
    for label, lines, end, size in cases:
        times = steps(lines, end, args.repeat)
        imported, predicted, wall = whole_process(size)
        print(f"| {label} | " + " | ".join(f"{times[n]:.2f} s" for n in names)
              + f" | {imported:.2f} s | {predicted:.2f} s | {wall:.2f} s |", flush=True)


if __name__ == "__main__":
    main()
