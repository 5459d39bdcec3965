"""A breakdown straight from the order lines, against the same one written in DuckDB SQL.

    .venv/bin/python -m bench.breakdown --size 10M --repeat 5

"Revenue by country" (issue 14): the engine's SQL path (`figures_from_lines`: the
features query over the file, then the grouping, top 10 and "other") and one DuckDB
statement written by hand for the same answer, run alternately in this process on the
same Parquet file (bench/orders.py), fastest of `--repeat` runs each. The two answers
are compared before any time is reported. Not a test: nothing here runs in `make test`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.orders import order_lines_file, parse_size, size_label  # noqa: E402

BY_HAND = """
WITH lines AS (
    SELECT CustomerID AS id, InvoiceNo, Quantity * UnitPrice AS amount, Country
    FROM read_parquet($path)
    WHERE CustomerID IS NOT NULL AND InvoiceDate IS NOT NULL
      AND NOT starts_with(InvoiceNo, 'C') AND Quantity > 0 AND Quantity * UnitPrice > 0),
customers AS (SELECT id, sum(amount) AS revenue FROM lines GROUP BY id),
countries AS (
    SELECT id, arg_min(Country, (-n, Country)) AS Country FROM (
        SELECT id, Country, count(*) AS n FROM lines GROUP BY id, Country) GROUP BY id)
SELECT Country, count(*) AS customers, sum(revenue) AS revenue
FROM customers JOIN countries USING (id) GROUP BY Country ORDER BY revenue DESC, Country
"""


def by_hand(path: Path) -> list[tuple[str, int, float]]:
    import duckdb

    connection = duckdb.connect()
    try:
        rows = connection.execute(BY_HAND, {"path": str(path)}).fetchall()
    finally:
        connection.close()
    top, rest = rows[:10], rows[10:]
    if rest:
        top.append(("other", sum(r[1] for r in rest), sum(r[2] for r in rest)))
    return [(str(c), int(n), float(v)) for c, n, v in top]


def engine(path: Path) -> list[tuple[str, int, float]]:
    from tools.engine.figures import Figure
    from tools.engine.figures_sql import figures_from_lines

    table = figures_from_lines(str(path), Figure(statistic="sum", column="monetary",
                                                 by="Country", top=10))
    return [(r.group, r.customers, float(r.value or 0.0)) for r in table.rows]


def fastest(action: Any, path: Path, repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = action(path)
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10M")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cache-dir", type=Path, default=ROOT / ".bench")
    args = parser.parse_args(argv)
    lines = parse_size(args.size)
    path = order_lines_file(lines, args.cache_dir)
    import duckdb  # noqa: F401  (imports before the clock, for both)

    import tools.engine.figures_sql  # noqa: F401

    ours, theirs = [], []
    for _ in range(args.repeat):  # alternately, so a busy minute hits both alike
        ours.append(fastest(engine, path, 1))
        theirs.append(fastest(by_hand, path, 1))
    engine_rows, hand_rows = ours[-1][1], theirs[-1][1]
    same = len(engine_rows) == len(hand_rows) and all(
        a[0] == b[0] and a[1] == b[1] and abs(a[2] - b[2]) <= 1e-6 * max(1.0, abs(b[2]))
        for a, b in zip(engine_rows, hand_rows, strict=True))
    if not same:
        raise SystemExit(f"the answers differ:\nengine {engine_rows}\nby hand {hand_rows}")
    mine = min(t for t, _ in ours)
    hand = min(t for t, _ in theirs)
    ratios = sorted(a / b for (a, _), (b, _) in zip(ours, theirs, strict=True))
    print(f"## Breakdown of revenue by country, {size_label(lines)} order lines\n")
    print("| run | seconds (fastest of {}) |".format(args.repeat))
    print("|---|---:|")
    print(f"| engine (figures_from_lines) | {mine:.2f} |")
    print(f"| DuckDB SQL by hand | {hand:.2f} |")
    print(f"\nEngine / by hand: {mine / hand:.2f}x (fastest runs), "
          f"{ratios[len(ratios) // 2]:.2f}x (median of rounds); target 1.2x; same answer: yes")


if __name__ == "__main__":
    main()
