"""Predictive traits: who will buy again, and what they are worth (BG/NBD + Gamma-Gamma).

The entry point: `predict(lines, config)` builds each customer's history at the
calibration end (`predictive_data.py`, the SEMANTICS.md conventions), fits the models by
maximum likelihood (`predictive_models.py`), predicts per customer, and checks itself
(`predictive_check.py`: the holdout when the data goes on after the calibration end, and
the diagnostics in plain words). Predictions are made at the calibration end E:

- `expected_purchases`: expected purchase days in the next `horizon_days` after E;
- `p_alive`: the probability that the customer is still a customer at E;
- `expected_avg_order_value`: the Gamma-Gamma expected amount of a purchase (a customer
  with no repeat purchase gets the population mean);
- `clv`: expected purchases x expected order value x margin, over the horizon,
  undiscounted (NaN without amounts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.engine.predictive_check import Diagnostic, HoldoutCheck, diagnostics, holdout_check
from tools.engine.predictive_data import (
    AGE_WEEKS,
    CLV,
    DAYS_PER_UNIT,
    EXPECTED_AOV,
    EXPECTED_PURCHASES,
    P_ALIVE,
    REPEAT_VALUE,
    REPEATS,
    WEEKS_TO_LAST,
    PredictConfig,
    PurchaseHistory,
    purchase_history,
)
from tools.engine.predictive_models import (
    PredictiveModels,
    expected_order_value,
    expected_purchases,
    fit_bgnbd,
    fit_gamma_gamma,
    p_alive,
)

# Gamma-Gamma needs a few repeat customers with an amount to estimate three parameters.
MIN_GAMMA_GAMMA_CUSTOMERS = 3


@dataclass(frozen=True)
class Prediction:
    """Everything `segment predict` shows: the fits, one row per customer, the checks."""

    config: PredictConfig
    history: PurchaseHistory
    models: PredictiveModels
    customers: pd.DataFrame  # index customer_id; EXPECTED_PURCHASES, P_ALIVE, EXPECTED_AOV, CLV
    holdout: HoldoutCheck | None  # None when the data ends at the calibration end
    diagnostics: tuple[Diagnostic, ...]


def fit_models(history: PurchaseHistory) -> PredictiveModels:
    """BG/NBD over every customer of the history; Gamma-Gamma over those with x > 0 and
    m_x > 0 when the data has amounts and there are enough of them."""
    table = history.table
    bgnbd = fit_bgnbd(table[REPEATS].to_numpy(), table[WEEKS_TO_LAST].to_numpy(),
                      table[AGE_WEEKS].to_numpy())
    if not history.has_amount:
        return PredictiveModels(bgnbd, None, "the data has no purchase amounts")
    spenders = table[(table[REPEATS] > 0) & (table[REPEAT_VALUE] > 0)]
    if len(spenders) < MIN_GAMMA_GAMMA_CUSTOMERS:
        return PredictiveModels(bgnbd, None, f"only {len(spenders)} customers bought again "
                                "with an amount above zero")
    gamma_gamma = fit_gamma_gamma(spenders[REPEATS].to_numpy(),
                                  spenders[REPEAT_VALUE].to_numpy())
    return PredictiveModels(bgnbd, gamma_gamma)


def customer_predictions(history: PurchaseHistory, models: PredictiveModels,
                         config: PredictConfig | None = None) -> pd.DataFrame:
    """One row per customer of the history: expected purchases in the next
    `horizon_days` after E, P(alive) at E, expected average order value and CLV (NaN
    without a Gamma-Gamma fit)."""
    config = config or PredictConfig()
    table = history.table
    x, t_x, T = (table[c].to_numpy(dtype=float) for c in (REPEATS, WEEKS_TO_LAST, AGE_WEEKS))
    params = models.bgnbd.params
    purchases = expected_purchases(params, config.horizon_days / DAYS_PER_UNIT, x, t_x, T)
    alive = p_alive(params, x, t_x, T)
    if models.gamma_gamma is not None:
        value = expected_order_value(models.gamma_gamma.params, x,
                                     table[REPEAT_VALUE].to_numpy(dtype=float))
    else:
        value = np.full(len(table), np.nan)
    return pd.DataFrame({EXPECTED_PURCHASES: purchases, P_ALIVE: alive, EXPECTED_AOV: value,
                         CLV: purchases * value * config.margin}, index=table.index)


def predict_history(history: PurchaseHistory,
                    config: PredictConfig | None = None) -> Prediction:
    """Fit, predict and check on a history already built (`purchase_history` or
    `predictive_data.history_from_features`)."""
    config = config or PredictConfig()
    models = fit_models(history)
    check = holdout_check(history, models)
    return Prediction(config=config, history=history, models=models,
                      customers=customer_predictions(history, models, config), holdout=check,
                      diagnostics=tuple(diagnostics(history, models, check)))


def predict(lines: pd.DataFrame, config: PredictConfig | None = None, *,
            customer: str = "customer_id", day: str = "day",
            amount: str | None = "amount") -> Prediction:
    """Predictive traits from cleaned purchase lines (customer, date, amount per line)."""
    config = config or PredictConfig()
    history = purchase_history(lines, config.calibration_end, customer=customer, day=day,
                               amount=amount)
    return predict_history(history, config)
