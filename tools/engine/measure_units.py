"""How a number column should be read in a profile: a rate, a year, or an amount; and the
stand-in values ("sentinels") that mean "none" rather than a quantity.

A yes/no column averages to a share ("20% took the offer", not "y: 0.2"); a birth year is
shown as 1967, not 1,967; and a bank's `pdays` of 999 ("never contacted") or -1 is not a
number of days, so it is left out of the means (and said so) instead of dragging them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tools.engine.schema import Role

RATE, YEAR, NUMBER = "rate", "year", "number"
# Values that data exports use for "not applicable": the extremes of a column.
_NEGATIVE_SENTINELS = (-1.0, -9.0, -99.0, -999.0, -9999.0)
_NINES_SENTINELS = (99.0, 999.0, 9999.0, 99999.0, 999999.0)
_SENTINEL_SHARE = 0.02  # at least this share of the values, so it is a code, not an outlier
_YEARS = (1900.0, 2100.0)


@dataclass(frozen=True)
class Sentinel:
    value: float
    count: int


def measure_unit(role: Role, values: np.ndarray) -> str:
    """RATE for yes/no columns (0/1), YEAR for whole numbers that are all years, else NUMBER."""
    known = values[~np.isnan(values)]
    if role is Role.FLAG or (len(known) and np.isin(known, (0.0, 1.0)).all()):
        return RATE
    if len(known) and np.all(known == np.round(known)) and \
            _YEARS[0] <= known.min() and known.max() <= _YEARS[1]:
        return YEAR
    return NUMBER


def find_sentinel(values: np.ndarray) -> Sentinel | None:
    """A stand-in value at one extreme of the column, far from the other values: -1 below
    values that are never negative, or 999 above values under half of it."""
    known = values[~np.isnan(values)]
    if len(known) < 10:
        return None
    low, high = float(known.min()), float(known.max())
    for value, rest in ((low, known[known != low]), (high, known[known != high])):
        count = int((known == value).sum())
        # Three other values at least: -1 beside 0 and 1 is a direction, not a stand-in.
        if count < _SENTINEL_SHARE * len(known) or len(np.unique(rest)) < 3:
            continue
        if value in _NEGATIVE_SENTINELS and rest.min() >= 0:
            return Sentinel(value, count)
        if value in _NINES_SENTINELS and rest.max() < value / 2:
            return Sentinel(value, count)
    return None
