"""A profile's measures as a person reads them: the ones that differ most first, a rate as
a percentage, a year without a thousands separator, and a note for a stand-in value (999
for "never") left out of the means. Shared by the chat, the CLI and the replies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

TELLING = 8  # measures shown first; `--all` shows the rest


def telling(measures: list[dict[str, Any]], limit: int | None = TELLING
            ) -> list[dict[str, Any]]:
    """Measures by how much the segment differs from the base (standardised), largest first;
    the first `limit` (all: None)."""
    ranked = sorted(measures, key=lambda m: -abs(float(m.get("difference") or 0.0)))
    return ranked if limit is None else ranked[:limit]


def measure_value(measure: dict[str, Any], key: str, number: Callable[[Any], str],
                  percent: Callable[[Any], str], money: Callable[[Any], str] | None = None
                  ) -> str:
    value = measure.get(key)
    if value is None:
        return "-"
    unit = measure.get("unit")
    if unit == "rate" or measure.get("role") == "flag":  # the mean of 0/1 is a share
        return percent(value)
    if unit == "year":  # 1967, not 1,967
        return f"{float(value):.0f}"
    if money is not None and measure.get("role") == "monetary":
        return money(value)
    return number(value)


def left_out_notes(measures: list[dict[str, Any]]) -> list[str]:
    """"pdays: 999 (1,234 customers) left out of the means: a stand-in, not a number"."""
    notes = []
    for m in measures:
        left = m.get("left_out")
        if left:
            value = float(left["value"])
            shown = f"{value:.0f}" if value.is_integer() else f"{value}"
            notes.append(f"{m['column']}: {shown} ({int(left['customers']):,} customers) left "
                         "out of the means, as a stand-in for 'none', not a number.")
    return notes
