"""Honesty about the predictive traits: a holdout check and fit diagnostics in plain words.

- `holdout_check`: with a calibration end E before the data's last day, the models fitted
  on purchases up to E predict each customer's repeat purchases (purchase days) in the
  days the data covers after E; the check sets them against the purchase days that
  happened, per group of calibration repeat purchases (0, 1, ..., 6, 7+ as in Fader,
  Hardie & Lee 2005, figure 4) and in total.
- `diagnostics`: warnings (never lockouts) when the data is thin, when a fit did not
  converge, and notes on what the numbers rest on. Each has a stable `code` and its
  numbers in `values`, so the words can be given in another language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd

from tools.engine.predictive_data import (
    AGE_WEEKS,
    DAYS_PER_UNIT,
    HOLDOUT_PURCHASES,
    REPEAT_VALUE,
    REPEATS,
    WEEKS_TO_LAST,
    PurchaseHistory,
)
from tools.engine.predictive_models import FitInfo, PredictiveModels, expected_purchases

# Groups of calibration repeat purchases in the check: 0 .. LAST_GROUP-1, then LAST_GROUP+.
LAST_GROUP = 7


@dataclass(frozen=True)
class HoldoutGroup:
    """Customers with the same number of repeat purchases in the calibration period."""

    label: str  # "0", "1", ..., "7+"
    customers: int
    predicted: float  # expected repeat purchases in the holdout, summed over the group
    actual: int  # purchase days in the holdout, summed over the group

    @property
    def predicted_mean(self) -> float:
        return self.predicted / self.customers if self.customers else float("nan")

    @property
    def actual_mean(self) -> float:
        return self.actual / self.customers if self.customers else float("nan")


@dataclass(frozen=True)
class HoldoutCheck:
    """Predicted against actual repeat purchases after the calibration end."""

    calibration_end: date
    holdout_end: date
    holdout_days: int
    customers: int
    groups: tuple[HoldoutGroup, ...]
    predicted_repeat_purchases: float
    actual_repeat_purchases: int

    @property
    def relative_error(self) -> float:
        """(predicted - actual) / actual over all customers; NaN with no actual purchase."""
        actual = self.actual_repeat_purchases
        return (self.predicted_repeat_purchases - actual) / actual if actual else float("nan")

    def frame(self) -> pd.DataFrame:
        """One row per group (for a chart): customers, predicted and actual totals and means."""
        return pd.DataFrame({
            "group": [g.label for g in self.groups],
            "customers": [g.customers for g in self.groups],
            "predicted": [g.predicted for g in self.groups],
            "actual": [g.actual for g in self.groups],
            "predicted_mean": [g.predicted_mean for g in self.groups],
            "actual_mean": [g.actual_mean for g in self.groups],
        })


def holdout_check(history: PurchaseHistory, models: PredictiveModels) -> HoldoutCheck | None:
    """The check for a history whose data goes on after its calibration end (None when it
    does not), with `models` fitted on that history."""
    days = history.holdout_days
    if days <= 0:
        return None
    table = history.table
    x = table[REPEATS].to_numpy(dtype=float)
    predicted = expected_purchases(models.bgnbd.params, days / DAYS_PER_UNIT, x,
                                   table[WEEKS_TO_LAST].to_numpy(dtype=float),
                                   table[AGE_WEEKS].to_numpy(dtype=float))
    actual = table[HOLDOUT_PURCHASES].to_numpy(dtype=float)
    group = np.minimum(x, LAST_GROUP).astype(int)
    groups = []
    for number in range(LAST_GROUP + 1):
        members = group == number
        label = f"{number}+" if number == LAST_GROUP else str(number)
        groups.append(HoldoutGroup(label=label, customers=int(members.sum()),
                                   predicted=float(predicted[members].sum()),
                                   actual=int(actual[members].sum())))
    return HoldoutCheck(calibration_end=history.calibration_end, holdout_end=history.data_end,
                        holdout_days=days, customers=len(table), groups=tuple(groups),
                        predicted_repeat_purchases=float(predicted.sum()),
                        actual_repeat_purchases=int(actual.sum()))


Level = Literal["warning", "note"]


@dataclass(frozen=True)
class Diagnostic:
    level: Level  # "warning": read the figures with care; "note": what they rest on
    code: str
    message: str
    values: dict[str, float | int | str] = field(default_factory=dict)


# Thresholds of the warnings (thin data is warned about, never refused).
MIN_CUSTOMERS = 200
MIN_REPEAT_CUSTOMERS = 50
MIN_REPEAT_SHARE = 0.05
MIN_WINDOW_DAYS = 90
MIN_SPENDERS = 30
MAX_SPEND_CORRELATION = 0.3
MAX_HOLDOUT_ERROR = 0.2


def diagnostics(history: PurchaseHistory, models: PredictiveModels,
                check: HoldoutCheck | None = None) -> list[Diagnostic]:
    """Plain-words warnings and notes on the data, the fits and (when given) the holdout."""
    table = history.table
    found: list[Diagnostic] = []
    customers = len(table)
    repeat = int((table[REPEATS] > 0).sum())

    def add(level: Level, code: str, message: str, **values: float | int | str) -> None:
        found.append(Diagnostic(level, code, message, dict(values)))

    if customers < MIN_CUSTOMERS:
        add("warning", "few_customers", f"Only {customers:,} customers: the predictions are "
            "rough; read them as a ranking more than as exact numbers.", customers=customers)
    if repeat < MIN_REPEAT_CUSTOMERS or repeat < MIN_REPEAT_SHARE * customers:
        add("warning", "few_repeat_buyers", f"Only {repeat:,} of {customers:,} customers "
            "bought again in the calibration period; who will buy again is estimated from "
            "them, so it is uncertain.", repeat_customers=repeat, customers=customers)
    if history.window_days < MIN_WINDOW_DAYS:
        add("warning", "short_window", f"The calibration period covers {history.window_days} "
            "days; with less than about three months the model sees few repeat purchases "
            "and cannot tell a slow buyer from a lost one.", window_days=history.window_days)
    if history.customers_after_end:
        add("note", "after_calibration_end", f"{history.customers_after_end:,} customers first "
            f"bought after {history.calibration_end}: they are not in the predictions.",
            customers=history.customers_after_end)
    if history.customers_left_out:
        add("note", "left_out", f"{history.customers_left_out:,} customers were left out: "
            "their recency, frequency and tenure contradict each other.",
            customers=history.customers_left_out)
    found.extend(_fit_diagnostics("bgnbd", "the repeat-purchase model (BG/NBD)",
                                  models.bgnbd.info))
    if models.gamma_gamma is None:
        add("note", "no_spend_model", "No expected order value or CLV: "
            f"{models.gamma_gamma_skipped or 'the spend model was not fitted'}.")
    else:
        found.extend(_spend_diagnostics(table, models))
    if check is not None:
        found.extend(_holdout_diagnostics(check))
    return found


def _fit_diagnostics(code: str, name: str, info: FitInfo) -> list[Diagnostic]:
    if info.converged:
        return [Diagnostic("note", f"{code}_converged", f"The fit of {name} converged on "
                           f"{info.customers:,} customers in {info.iterations} steps.",
                           {"customers": info.customers, "iterations": info.iterations,
                            "log_likelihood": info.log_likelihood})]
    why = (f"{', '.join(info.at_bound)} ran to the edge of the search" if info.at_bound
           else f"the optimiser stopped with: {info.message}")
    return [Diagnostic("warning", f"{code}_not_converged", f"The fit of {name} did not "
                       f"settle ({why}); its predictions may be off. More data, or a longer "
                       "calibration period, usually helps.",
                       {"customers": info.customers, "message": info.message})]


def _spend_diagnostics(table: pd.DataFrame, models: PredictiveModels) -> list[Diagnostic]:
    assert models.gamma_gamma is not None
    found: list[Diagnostic] = []
    fit = models.gamma_gamma
    spenders = table[(table[REPEATS] > 0) & (table[REPEAT_VALUE] > 0)]
    found.extend(_fit_diagnostics("gamma_gamma", "the spend model (Gamma-Gamma)", fit.info))
    if len(spenders) < MIN_SPENDERS:
        found.append(Diagnostic("warning", "few_spenders", f"The expected order values rest "
                                f"on only {len(spenders):,} repeat customers' spending.",
                                {"customers": len(spenders)}))
    if fit.params.q <= 1:
        found.append(Diagnostic("warning", "no_population_mean", "Spending varies so much "
                                "between customers that there is no typical order value: "
                                "customers without a repeat purchase get none.",
                                {"q": fit.params.q}))
    varied = bool(spenders[REPEATS].std() > 0) and bool(spenders[REPEAT_VALUE].std() > 0)
    if len(spenders) >= 3 and varied:
        correlation = float(np.corrcoef(spenders[REPEATS], spenders[REPEAT_VALUE])[0, 1])
        if np.isfinite(correlation) and abs(correlation) > MAX_SPEND_CORRELATION:
            found.append(Diagnostic(
                "warning", "spend_depends_on_frequency", f"Order values go "
                f"{'up' if correlation > 0 else 'down'} with the number of purchases "
                f"(correlation {correlation:.2f}); the spend model assumes they do not, so "
                "its CLV is less reliable here.", {"correlation": round(correlation, 3)}))
    return found


def _holdout_diagnostics(check: HoldoutCheck) -> list[Diagnostic]:
    predicted, actual = check.predicted_repeat_purchases, check.actual_repeat_purchases
    values: dict[str, float | int | str] = {"predicted": round(predicted, 1), "actual": actual,
                                            "holdout_days": check.holdout_days}
    text = (f"In the {check.holdout_days} days after {check.calibration_end}, the model "
            f"expected {predicted:,.0f} repeat purchases and there were {actual:,}")
    error = check.relative_error
    if np.isfinite(error) and abs(error) > MAX_HOLDOUT_ERROR:
        return [Diagnostic("warning", "holdout_off", f"{text}: {abs(error):.0%} "
                           f"{'more' if error > 0 else 'fewer'} than happened. Treat the "
                           "predictions as a ranking rather than as counts.", values)]
    return [Diagnostic("note", "holdout", f"{text}.", values)]
