"""Cell values that stand for "no value", and when a common one is a real answer instead.

Exports write a missing value as "", "n/a", "null", "unknown", "-", ... In a number or
date column such a marker is always a missing value. In a text column, though, "Unknown"
given for a fifth of the customers is an answer a marketer wants to select ("customers whose
region is unknown"), so a *soft* marker that is a common value of a text column is kept as a
value (`kept_markers`); a rare one stays missing. *Hard* markers ("", "null", "nan", "#n/a")
are never values. "other" is not a marker at all: it is always a value.

Both load paths decide with `keeps_marker` from the same three counts, so a large file read
by DuckDB (`scan.py`) keeps exactly the markers pandas keeps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

MISSING_TOKENS = frozenset({"", "unknown", "n/a", "na", "null", "-", "--", "nan", "none",
                            "#n/a", "nat", "?"})
# What a program writes for "no value": never a category a person chose.
HARD_MISSING = frozenset({"", "null", "nan", "nat", "#n/a"})
# What a person (or a form) writes for "no answer": a value when it is common.
SOFT_MISSING = MISSING_TOKENS - HARD_MISSING
# A soft marker is kept when it fills at least 2 cells and either KEEP_PERCENT % of the
# column's cells or, in a column of at most KEEP_TOP_AMONG distinct values (a category, as
# `roles.MAX_CATEGORY_VALUES`), as many cells as its KEEP_TOP-th most common value. In free
# text (notes, product names) a marker among values that each occur once stays missing.
KEEP_MIN_CELLS = 2
KEEP_PERCENT = 1
KEEP_TOP = 5
KEEP_TOP_AMONG = 100


def marker_key(text: str) -> str:
    """A cell's text as markers are matched: stripped and lower-case."""
    return text.strip().lower()


def is_marker(text: str) -> bool:
    return marker_key(text) in MISSING_TOKENS


def missing_markers(values: pd.Series) -> pd.Series:
    """Whether each cell is missing or a missing marker (judged once per distinct value)."""
    codes, distinct = pd.factorize(values)
    # The last place answers code -1, a missing cell.
    hits = np.array([is_marker(str(v)) for v in distinct] + [True], dtype=bool)
    return pd.Series(hits[codes], index=values.index)


def keeps_marker(cells: int, rows: int, top: int | None) -> bool:
    """Whether a soft marker filling `cells` of `rows` cells is kept as a value.

    `top`: `top_cells` of the column (None: too many distinct values to rank).
    """
    return cells >= KEEP_MIN_CELLS and (cells * 100 >= KEEP_PERCENT * rows
                                        or (top is not None and cells >= top))


def top_cells(counts: Iterable[int], distinct: int) -> int | None:
    """The cells of the column's KEEP_TOP-th most common value (0 when it has fewer), from
    the cells of its most common values (at least KEEP_TOP of them, hard markers left out)
    and its number of `distinct` values; None when that is above KEEP_TOP_AMONG."""
    if distinct > KEEP_TOP_AMONG:
        return None
    ranked = sorted(counts, reverse=True)[:KEEP_TOP]
    return ranked[KEEP_TOP - 1] if len(ranked) >= KEEP_TOP else 0


def kept_markers(marker_cells: Mapping[str, int], rows: int,
                 top: int | None) -> frozenset[str]:
    """The soft markers (as `marker_key`) kept as values of a text column.

    `marker_cells`: cells per spelling of a marker as written (stripped); `rows`: all cells
    of the column; `top`: `top_cells` of its values. The spellings of a marker ("Unknown",
    "UNKNOWN") count together.
    """
    totals: Counter[str] = Counter()
    for value, cells in marker_cells.items():
        key = marker_key(value)
        if key in SOFT_MISSING:
            totals[key] += cells
    return frozenset(key for key, cells in totals.items() if keeps_marker(cells, rows, top))
