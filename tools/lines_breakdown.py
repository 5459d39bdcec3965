"""A breakdown's first, cold answer on a large order log, straight from the file.

`segment breakdown` loads the data (every feature of every customer, then the cache entry)
and asks `compute_figures`. On a large log not loaded before, most of that is work the
question never reads: `figures_from_scan` asks DuckDB's scan of the file for just spend and
the columns the figure names (issue 14: revenue by country on 10M lines). `quick_figures`
answers that way only when the answer is the one the load would give:

- the load would scan the file too (`loading.large_log`: SCAN_MIN_ROWS rows or more, no
  --table, no --as-of) and has no cache entry for it (reading one is quicker than any scan);
- the question is about everyone, with no rate (a target, a segment or a condition is
  read and described from the loaded data);
- the scan reads the file exactly and the figure raises nothing (an unknown column, say:
  the ordinary path words its own error, with its suggestions).

Otherwise None, and the command loads as before. The summary is `compute_figures`' own
(`figure_summaries.figures_summary`), so what is printed is the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tools.engine.dataset import MONETARY
from tools.engine.errors import EngineError
from tools.engine.figures import Figure, FigureTable
from tools.engine.figures_sql import figures_from_scan
from tools.engine.loading import has_cache_entry, large_log
from tools.figure_summaries import figures_summary

# The spend of a log the scan reads: the scan needs an amount, and its customers' spend is
# this feature (what `behaviour_column(data, Role.MONETARY)` finds once loaded).
LOG_MONEY = MONETARY
# compute_figures arguments that need the loaded data (see the module's docstring).
_NEEDS_DATA = ("segment", "condition", "target", "groups")


def quick_figures(path: Path, args: dict[str, Any], *, cache_dir: Path,
                  mapping: dict[str, str] | None = None, table: str | None = None,
                  as_of: str | None = None) -> dict[str, Any] | None:
    """The `compute_figures` summary for `args` (its arguments) from the lines of `path`, or
    None when the ordinary path (load, then compute_figures) must answer."""
    if table is not None or as_of is not None or any(args.get(k) for k in _NEEDS_DATA):
        return None
    if args.get("statistic") == "rate" or large_log(path) is None:
        return None
    if has_cache_entry(path, cache_dir, mapping=mapping):
        return None
    figure = Figure(statistic=args["statistic"], column=args.get("column"), by=args.get("by"),
                    bins=args.get("bins"), top=args.get("top", 10))
    found = figures_from_file(path, figure, mapping=mapping,
                              compare_with_base=bool(args.get("compare_with_base")))
    return None if found is None else figures_summary(found, from_log=True)


def figures_from_file(path: Path, figure: Figure, *, mapping: dict[str, str] | None,
                      compare_with_base: bool) -> FigureTable | None:
    """The figure from DuckDB's scan of the file; None when the scan cannot read it or the
    figure raises (the ordinary path then answers, or words the error)."""
    try:
        return figures_from_scan(str(path), figure, mapping=mapping,
                                 compare_with_base=compare_with_base)
    except EngineError:
        return None
