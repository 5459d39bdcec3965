"""Predictive traits from purchase lines: the SEMANTICS.md conventions, predictions, the
holdout check and the diagnostics (the formulas themselves: test_predictive_models.py)."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from predictive_simulation import CDNOW_BGNBD, simulated_log
from pydantic import ValidationError
from test_predictive_models import CALIBRATION_END, cdnow_lines

from tools.engine.errors import DataError
from tools.engine.predictive import (
    PredictConfig,
    customer_predictions,
    fit_models,
    predict,
    predict_history,
)
from tools.engine.predictive_check import diagnostics, holdout_check
from tools.engine.predictive_data import (
    AGE_WEEKS,
    CLV,
    EXPECTED_AOV,
    EXPECTED_PURCHASES,
    HOLDOUT_PURCHASES,
    P_ALIVE,
    PREDICTED_COLUMNS,
    REPEAT_VALUE,
    REPEATS,
    WEEKS_TO_LAST,
    history_from_features,
    purchase_history,
)
from tools.engine.predictive_models import (
    BgNbdFit,
    BgNbdParams,
    FitInfo,
    PredictiveModels,
    expected_purchases,
    p_alive,
)


def lines(*rows: tuple[object, str, float]) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": [r[0] for r in rows],
                         "day": pd.to_datetime([r[1] for r in rows], format="ISO8601"),
                         "amount": [r[2] for r in rows]})


def test_one_purchase_is_one_customer_day_and_times_are_in_weeks() -> None:
    history = purchase_history(lines(
        ("a", "2024-01-01T09:00", 10.0), ("a", "2024-01-01T17:30", 5.0),  # one purchase: 15
        ("a", "2024-01-15", 20.0), ("a", "2024-01-29", 40.0),
        ("b", "2024-01-08", 7.0),
        ("c", "2024-01-22", 3.0), ("c", "2024-02-05", 9.0),  # the 2nd purchase is after E
    ), date(2024, 1, 29))
    table = history.table
    assert list(table.index) == ["a", "b", "c"]
    assert table.loc["a", REPEATS] == 2  # three purchase days, the first left out
    assert table.loc["a", WEEKS_TO_LAST] == 4 and table.loc["a", AGE_WEEKS] == 4
    assert table.loc["a", REPEAT_VALUE] == 30  # mean of 20 and 40: the first day left out
    assert table.loc["b", REPEATS] == 0 and table.loc["b", WEEKS_TO_LAST] == 0
    assert table.loc["b", AGE_WEEKS] == 3 and np.isnan(table.loc["b", REPEAT_VALUE])
    assert table.loc["c", REPEATS] == 0 and table.loc["c", HOLDOUT_PURCHASES] == 1
    assert history.holdout_days == 7 and history.data_end == date(2024, 2, 5)
    assert history.window_days == 29 and history.customers_after_end == 0


def test_default_calibration_end_is_the_last_day_and_late_customers_are_counted() -> None:
    log = lines(("a", "2024-01-01", 1.0), ("a", "2024-03-01", 2.0), ("b", "2024-03-05", 4.0))
    assert purchase_history(log).calibration_end == date(2024, 3, 5)
    early = purchase_history(log, date(2024, 3, 1))
    assert list(early.table.index) == ["a"] and early.customers_after_end == 1
    with pytest.raises(DataError, match="before the first purchase"):
        purchase_history(log, date(2023, 12, 31))
    with pytest.raises(DataError):
        purchase_history(log.iloc[0:0])


def test_a_log_without_amounts_predicts_purchases_but_no_value() -> None:
    log = simulated_log(400, seed=3).drop(columns=["amount"])
    prediction = predict(log, amount=None)
    assert prediction.models.gamma_gamma is None
    assert prediction.customers[EXPECTED_PURCHASES].notna().all()
    assert prediction.customers[[EXPECTED_AOV, CLV]].isna().all().all()
    assert "no_spend_model" in {d.code for d in prediction.diagnostics}


def test_config_is_checked() -> None:
    with pytest.raises(ValidationError):
        PredictConfig(horizon_days=0)
    with pytest.raises(ValidationError):
        PredictConfig(margin=1.5)
    with pytest.raises(ValidationError):
        PredictConfig(horizon=90)  # type: ignore[call-arg]


def test_cdnow_predictions_and_holdout() -> None:
    config = PredictConfig(calibration_end=CALIBRATION_END, horizon_days=273, margin=0.3)
    prediction = predict(cdnow_lines(), config)
    customers = prediction.customers
    assert list(customers.columns) == list(PREDICTED_COLUMNS) and len(customers) == 2357
    assert customers.notna().all().all()
    history = prediction.history.table
    assert (customers.loc[history[REPEATS] == 0, P_ALIVE] == 1).all()
    assert np.allclose(customers[CLV], customers[EXPECTED_PURCHASES]
                       * customers[EXPECTED_AOV] * 0.3)
    check = prediction.holdout
    assert check is not None and check.holdout_days == 273  # 1997-10-01 .. 1998-06-30
    # The actual count, independently: purchase days after E per customer.
    raw = cdnow_lines()
    after = raw[raw["day"] > pd.Timestamp(CALIBRATION_END)]
    assert check.actual_repeat_purchases == len(after.drop_duplicates(["customer_id", "day"]))
    assert sum(g.customers for g in check.groups) == 2357
    assert sum(g.actual for g in check.groups) == check.actual_repeat_purchases
    assert sum(g.predicted for g in check.groups) == pytest.approx(
        check.predicted_repeat_purchases)
    assert [g.label for g in check.groups] == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    means = [g.predicted_mean for g in check.groups]
    assert means == sorted(means)  # more calibration purchases, more expected
    # Measured: 1,653 expected against 1,882 purchase days (12% under).
    assert check.predicted_repeat_purchases == pytest.approx(1653.4, abs=0.5)
    assert check.actual_repeat_purchases == 1882
    frame = check.frame()
    assert list(frame.columns) == ["group", "customers", "predicted", "actual",
                                   "predicted_mean", "actual_mean"] and len(frame) == 8
    levels = {d.code: d.level for d in prediction.diagnostics}
    assert "warning" not in levels.values(), prediction.diagnostics
    assert {"bgnbd_converged", "gamma_gamma_converged", "holdout"} <= set(levels)


def test_no_holdout_when_the_data_ends_at_the_calibration_end() -> None:
    prediction = predict(cdnow_lines())
    assert prediction.history.calibration_end == date(1998, 6, 30)
    assert prediction.holdout is None


def test_simulated_base_holdout_and_speed() -> None:
    """25,000 customers drawn from the CDNOW estimates: the fit recovers them roughly
    (days are whole, so purchases on one day merge) and predicts the holdout closely."""
    log = simulated_log(25_000, seed=1)
    start = time.perf_counter()
    prediction = predict(log, PredictConfig(calibration_end=date(2024, 9, 30)))
    seconds = time.perf_counter() - start
    assert seconds < 10  # the budget for a 25k-customer log on 2 cores (~1 s here)
    fitted = prediction.models.bgnbd.params
    for name in ("r", "alpha", "a", "b"):
        assert getattr(fitted, name) == pytest.approx(getattr(CDNOW_BGNBD, name), rel=0.15)
    check = prediction.holdout
    assert check is not None and abs(check.relative_error) < 0.05
    spend = prediction.models.gamma_gamma
    assert spend is not None and spend.params.population_mean == pytest.approx(35.2, rel=0.05)


def test_thin_data_is_warned_about_not_refused() -> None:
    log = simulated_log(40, seed=5, cohort_days=14, period_days=60)
    prediction = predict(log)
    codes = {d.code for d in prediction.diagnostics if d.level == "warning"}
    assert {"few_customers", "few_repeat_buyers", "short_window"} <= codes
    assert prediction.customers[EXPECTED_PURCHASES].notna().all()
    assert all(d.message and d.message[0].isupper() for d in prediction.diagnostics)


def test_a_fit_that_did_not_settle_is_said_in_plain_words() -> None:
    history = purchase_history(simulated_log(300, seed=2))
    stuck = BgNbdFit(BgNbdParams(0.2, 4.0, 0.8, 2.4),
                     FitInfo(log_likelihood=-1e3, converged=False, iterations=2000,
                             message="ABNORMAL", customers=300, at_bound=("b",)))
    found = diagnostics(history, PredictiveModels(stuck, None, "the data has no amounts"))
    warning = next(d for d in found if d.code == "bgnbd_not_converged")
    assert warning.level == "warning" and "b ran to the edge" in warning.message


def test_spend_that_grows_with_frequency_is_flagged() -> None:
    log = simulated_log(3000, seed=4)
    counts = log.groupby("customer_id")["day"].transform("nunique")
    log["amount"] = log["amount"] * counts  # frequent buyers spend more per order
    codes = {d.code for d in predict(log).diagnostics}
    assert "spend_depends_on_frequency" in codes


def test_holdout_check_matches_the_formula_per_customer() -> None:
    history = purchase_history(simulated_log(500, seed=6), date(2024, 6, 30))
    models = fit_models(history)
    check = holdout_check(history, models)
    assert check is not None
    table = history.table
    each = expected_purchases(models.bgnbd.params, history.holdout_days / 7, table[REPEATS],
                              table[WEEKS_TO_LAST], table[AGE_WEEKS])
    assert check.predicted_repeat_purchases == pytest.approx(float(np.sum(each)))
    assert check.actual_repeat_purchases == int(table[HOLDOUT_PURCHASES].sum())


def test_the_products_customer_features_map_onto_the_history(tmp_path: Path) -> None:
    """Through the real loader (a log without an order id, so frequency counts purchase
    days): x, t_x and T agree exactly; m_x is the mean of all purchases there."""
    from tools.engine.loading import load_customer_data

    log = simulated_log(300, seed=7)
    path = tmp_path / "orders.csv"
    log.assign(day=log["day"].dt.strftime("%Y-%m-%d")).rename(
        columns={"customer_id": "CustomerID", "day": "OrderDate", "amount": "Amount"}
    ).to_csv(path, index=False)
    data = load_customer_data(path, mapping={"customer_id": "CustomerID", "date": "OrderDate",
                                             "amount": "Amount"})
    assert data.source.as_of is not None
    mapped = history_from_features(data.customers, data.source.as_of)
    exact = purchase_history(log)
    assert mapped.calibration_end == exact.calibration_end
    both = exact.table.join(mapped.table, how="inner", suffixes=("", "_mapped"))
    assert len(both) == len(exact.table) == len(mapped.table)
    for column in (REPEATS, WEEKS_TO_LAST, AGE_WEEKS):
        assert np.allclose(both[column], both[f"{column}_mapped"]), column
    models = fit_models(exact)
    a = customer_predictions(exact, models)[[EXPECTED_PURCHASES, P_ALIVE]]
    b = customer_predictions(mapped, models)[[EXPECTED_PURCHASES, P_ALIVE]]
    assert np.allclose(a.to_numpy(), b.loc[a.index].to_numpy())


@st.composite
def small_logs(draw: st.DrawFn) -> pd.DataFrame:
    n = draw(st.integers(1, 60))
    customers = draw(st.lists(st.integers(1, 12), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 400), min_size=n, max_size=n))
    amounts = draw(st.lists(st.floats(0.01, 5000), min_size=n, max_size=n))
    return pd.DataFrame({"customer_id": customers,
                         "day": pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D"),
                         "amount": amounts})


@settings(max_examples=25, deadline=None)
@given(log=small_logs(), horizon=st.integers(1, 3650), cut=st.floats(0.0, 1.0))
def test_predictions_on_any_small_log_are_finite_and_bounded(log: pd.DataFrame, horizon: int,
                                                             cut: float) -> None:
    first, last = log["day"].min(), log["day"].max()
    end = (first + (last - first) * cut).date()
    prediction = predict(log, PredictConfig(calibration_end=end, horizon_days=horizon))
    out = prediction.customers
    assert len(out) == log.loc[log["day"].dt.date <= end, "customer_id"].nunique()
    assert np.isfinite(out[EXPECTED_PURCHASES]).all() and (out[EXPECTED_PURCHASES] >= 0).all()
    assert ((out[P_ALIVE] >= 0) & (out[P_ALIVE] <= 1)).all()
    value = out[EXPECTED_AOV].dropna()
    assert np.isfinite(value).all() and (value > 0).all()
    assert (out[CLV].dropna() >= 0).all()
    table = prediction.history.table
    assert ((table[WEEKS_TO_LAST] >= 0) & (table[WEEKS_TO_LAST] <= table[AGE_WEEKS])).all()
    assert (out.loc[table[REPEATS] == 0, P_ALIVE] == 1).all()
    assert all(d.level in ("warning", "note") and d.message for d in prediction.diagnostics)


def test_predict_history_uses_the_given_fit_conventions() -> None:
    history = purchase_history(simulated_log(200, seed=8))
    prediction = predict_history(history, PredictConfig(horizon_days=30))
    table = history.table
    expected = expected_purchases(prediction.models.bgnbd.params, 30 / 7, table[REPEATS],
                                  table[WEEKS_TO_LAST], table[AGE_WEEKS])
    assert np.allclose(prediction.customers[EXPECTED_PURCHASES], expected)
    assert np.allclose(prediction.customers[P_ALIVE],
                       p_alive(prediction.models.bgnbd.params, table[REPEATS],
                               table[WEEKS_TO_LAST], table[AGE_WEEKS]))


def test_contradictory_customer_rows_are_left_out_and_said() -> None:
    customers = pd.DataFrame({"recency_days": [1, 30, 50, 10, 5],
                              "frequency": [3, 1, 2, 1, 2],
                              "tenure_days": [100, 30, 40, 60, 5]},
                             index=pd.Index([1, 2, 3, 4, 5], name="customer_id"))
    history = history_from_features(customers, date(2024, 4, 1))
    assert list(history.table.index) == [1, 2, 5]  # 3: recency > tenure; 4: one purchase,
    assert history.customers_left_out == 2  # yet first and last on different days
    assert history.calibration_end == date(2024, 3, 31)
    assert history.table.loc[1, WEEKS_TO_LAST] == 99 / 7
    assert history.table.loc[1, AGE_WEEKS] == 99 / 7
    models = fit_models(history)
    assert "left_out" in {d.code for d in diagnostics(history, models)}
    with pytest.raises(DataError):
        history_from_features(customers.drop(columns=["tenure_days"]), date(2024, 4, 1))
