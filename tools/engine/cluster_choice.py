"""Why a clustering has the k it has, as facts: who chose k, its silhouette, the k range
tried, the runner-up, and how many customers the scoring and k-means ran on.

The engine keeps these as data so a reply can say them in the request's language
(`assistant/replies.py`); `KChoice.english()` is the one English sentence the engine has
always given (`CustomerClustering.k_reason_`, `ClusteringResult.reason`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class KChoice:
    k: int
    by_user: bool  # the user asked for this k; else it had the highest silhouette
    silhouette: float  # of k; NaN when it could not be scored
    k_range: tuple[int, int]  # smallest and largest k tried (both k when the user chose)
    # The k with the next highest silhouette, and that silhouette (None: only k was tried).
    runner_up: int | None
    runner_up_silhouette: float | None
    scored_on: int  # customers the silhouettes were computed on (a sample of large bases)
    fitted_on: int  # customers k-means ran on for each k (fewer: refined on all after)
    customers: int  # customers clustered

    def to_dict(self) -> dict[str, Any]:
        # Unrounded: a reply rounds them as the engine's sentence does, to the same digits.
        return {"k": self.k, "by_user": self.by_user, "silhouette": _number(self.silhouette),
                "k_range": list(self.k_range), "runner_up": self.runner_up,
                "runner_up_silhouette": _number(self.runner_up_silhouette),
                "scored_on": self.scored_on, "fitted_on": self.fitted_on,
                "customers": self.customers}

    def english(self) -> str:
        """"k=6: highest silhouette (0.55) among k=2..8 on all 400 customers; next best
        k=3 (0.41)", and the k-means sample when there was one."""
        where = (f"on all {self.customers:,} customers" if self.scored_on == self.customers
                 else f"on a {self.scored_on:,}-customer sample")
        if self.by_user:
            reason = f"k={self.k}: chosen by you (silhouette {self.silhouette:.2f} {where})"
        else:
            low, high = self.k_range
            reason = (f"k={self.k}: highest silhouette ({self.silhouette:.2f}) among "
                      f"k={low}..{high} {where}")
            if self.runner_up is not None:
                reason += f"; next best k={self.runner_up} ({self.runner_up_silhouette:.2f})"
        if self.fitted_on < self.customers:
            reason += (f" (k-means on a {self.fitted_on:,}-customer sample, the chosen "
                       f"model refined on all {self.customers:,})")
        return reason


def k_choice(silhouettes: dict[int, float], k: int, *, by_user: bool, scored_on: int,
             fitted_on: int, customers: int) -> KChoice:
    """The facts of choosing `k` among the silhouettes of the k tried (NaN: not scored)."""
    tried = list(silhouettes)
    others = {other: value for other, value in silhouettes.items()
              if other != k and not math.isnan(value)}
    # The first highest, as pandas' idxmax: ties go to the smaller k.
    runner_up = max(others, key=lambda other: others[other]) if others else None
    return KChoice(k=int(k), by_user=by_user, silhouette=float(silhouettes[k]),
                   k_range=(int(tried[0]), int(tried[-1])),
                   runner_up=None if by_user or runner_up is None else int(runner_up),
                   runner_up_silhouette=None if by_user or runner_up is None
                   else float(others[runner_up]),
                   scored_on=scored_on, fitted_on=fitted_on, customers=customers)


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)
