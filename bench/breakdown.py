"""A breakdown straight from the order lines, against the same one written in DuckDB SQL.

    .venv/bin/python -m bench.breakdown --size 10M --repeat 5

"Revenue by country" (issue 14): the command itself (`segment breakdown --by Country
--measure revenue --json` in a workspace with no cache: a first, cold question, which
`tools/lines_breakdown.py` answers from the file's lines), the engine's path over the file
alone (`figures_from_lines`: the scan of the file for spend and country, then the grouping,
top 10 and "other"), the ordinary path (load every feature, then figures: what a question
about a segment or a rate still runs) and one DuckDB statement written by hand for the same
answer, run alternately in this process on the same Parquet file (bench/orders.py). The
answers are compared before any time is reported. Not a test: nothing here runs in
`make test`.
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


FIGURE = {"statistic": "sum", "column": "monetary", "by": "Country", "top": 10}


def command(path: Path) -> list[tuple[str, int, float]]:
    """`segment breakdown --by Country --measure revenue --json` on a cold file: the command's
    own function, in a fresh workspace (no cache entry), its printed rows read back."""
    import contextlib
    import io
    import json
    import tempfile

    from assistant.cli_breakdown import breakdown

    printed = io.StringIO()
    with tempfile.TemporaryDirectory() as workspace, contextlib.redirect_stdout(printed):
        breakdown(path, by="Country", measure="revenue", as_json=True,
                  workspace=Path(workspace))
    rows = json.loads(printed.getvalue())["rows"]
    return [(r["group"], r["customers"], float(r["value"] or 0.0)) for r in rows]


def engine(path: Path) -> list[tuple[str, int, float]]:
    """The ordinary path: load every feature, then figures (a later question's, with no cache)."""
    from tools.engine.figures import Figure, figures
    from tools.engine.loading import load_customer_data

    table = figures(load_customer_data(path), Figure(**FIGURE))  # type: ignore[arg-type]
    return [(r.group, r.customers, float(r.value or 0.0)) for r in table.rows]


def engine_sql(path: Path) -> list[tuple[str, int, float]]:
    """The path over the file: the scan for spend and country, then the grouping, in DuckDB."""
    from tools.engine.figures import Figure
    from tools.engine.figures_sql import figures_from_lines

    table = figures_from_lines(str(path), Figure(**FIGURE))  # type: ignore[arg-type]
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

    import assistant.cli_breakdown  # noqa: F401
    import tools.engine.figures_sql  # noqa: F401
    import tools.lines_breakdown  # noqa: F401

    actions = {"command": command, "sql": engine_sql, "engine": engine, "hand": by_hand}
    runs: dict[str, list[tuple[float, Any]]] = {name: [] for name in actions}
    for _ in range(args.repeat):  # alternately, so a busy minute hits all alike
        for name, action in actions.items():
            runs[name].append(fastest(action, path, 1))
    hand_rows = runs["hand"][-1][1]
    for name in ("command", "sql", "engine"):
        rows = runs[name][-1][1]
        same = len(rows) == len(hand_rows) and all(
            a[0] == b[0] and a[1] == b[1] and abs(a[2] - b[2]) <= 1e-6 * max(1.0, abs(b[2]))
            for a, b in zip(rows, hand_rows, strict=True))
        if not same:
            raise SystemExit(f"the answers differ:\n{name} {rows}\nby hand {hand_rows}")
    hand = min(t for t, _ in runs["hand"])
    print(f"## Breakdown of revenue by country, {size_label(lines)} order lines\n")
    print(f"| run | seconds (fastest of {args.repeat}) | / by hand (fastest) | "
          "/ by hand (median of rounds) |")
    print("|---|---:|---:|---:|")
    for name, label in (("command", "`segment breakdown` on a cold file (from the lines)"),
                        ("sql", "engine: path over the file (figures_from_lines)"),
                        ("engine", "engine: load + figures (the ordinary path)"),
                        ("hand", "DuckDB SQL by hand")):
        best = min(t for t, _ in runs[name])
        ratios = sorted(a / b for (a, _), (b, _) in zip(runs[name], runs["hand"],
                                                           strict=True))
        print(f"| {label} | {best:.2f} | {best / hand:.2f}x | {ratios[len(ratios) // 2]:.2f}x |")
    print("\nThe four answers are the same (groups, customers, revenue). Target: 1.2x.")


if __name__ == "__main__":
    main()
