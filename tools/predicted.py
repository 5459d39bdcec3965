"""Predictive traits over a loaded dataset: the fit, the columns segments use, the JSON.

The engine (`tools/engine/predictive*.py`) predicts from purchase lines; this module takes
them from the loaded log (`purchase_lines`), keeps one prediction per setting in
`data.derived`, and adds the predicted measures to the customers as ordinary columns
(`expected_purchases`, `p_alive`, `expected_avg_order_value`, `clv`), so that segments,
profiles and compare use them like any measure. What "likely to buy again" or "probably
lapsed" mean is data (`predicted_meanings.yaml`), read by `meaning`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, timedelta
from importlib import resources
from typing import TYPE_CHECKING, Any

from tools.engine.errors import DataError, DefinitionError
from tools.engine.schema import DType, Role

if TYPE_CHECKING:
    import pandas as pd

    from tools.engine.dataset import CustomerData
    from tools.engine.definitions import Condition
    from tools.engine.predictive import Prediction
    from tools.engine.predictive_data import PredictConfig

_KEY = "prediction:"
# The config whose columns are on the customers now ("likely to buy" reads these).
_SHOWN = "prediction_shown"
_MEANINGS = "predicted_meanings.yaml"
TOP_CUSTOMERS = 10


def predicted_columns() -> tuple[str, ...]:
    from tools.engine.predictive_data import PREDICTED_COLUMNS

    return PREDICTED_COLUMNS


def predict_data(data: CustomerData, config: PredictConfig | None = None, *,
                 table: str | None = None, need_amounts: bool = True) -> Prediction:
    """The prediction for these settings (fitted once per dataset and settings).

    `need_amounts`: a log without amounts is refused (the command's contract has order
    values and CLV); otherwise it gets expected purchases and P(alive) only.
    """
    from tools.engine.predictive import predict
    from tools.engine.predictive_data import PredictConfig
    from tools.engine.purchase_lines import purchase_lines

    config = config or PredictConfig()
    key = _KEY + config.model_dump_json()
    cached = data.derived.get(key)
    if cached is not None:
        return cached
    lines = purchase_lines(data, table=table)
    if lines.empty:
        raise DataError("No purchases are left after cleaning to predict from; check the "
                        "mapping with --map date=COLUMN and --map amount=COLUMN.")
    if need_amounts and not lines["amount"].notna().any():
        raise DataError("The log has no purchase amounts, so no order value or CLV can be "
                        "predicted; map the amount column with --map amount=COLUMN.")
    _check_end(config.calibration_end, lines)
    prediction = predict(lines, config)
    data.derived[key] = prediction
    return prediction


def _check_end(end: date | None, lines: pd.DataFrame) -> None:
    import pandas as pd

    if end is None:
        return
    days = pd.to_datetime(lines["day"])
    first, last = days.min().date(), days.max().date()
    if not first <= end < last:
        raise DataError(f"The calibration end {end} is outside the data's purchases "
                        f"({first} to {last}); choose a day from {first} to the day before "
                        f"{last}, or leave --calibration-end out to use all of it.")


def predicted_frame(prediction: Prediction, index: pd.Index) -> pd.DataFrame:
    """The predicted measures for every customer of `index` (NaN for a customer the
    prediction has no history of: first purchase after the calibration end)."""
    return prediction.customers.reindex(index)


def show_predictions(data: CustomerData, prediction: Prediction) -> list[str]:
    """Put the predicted measures on the customers (replacing earlier ones) so that
    definitions, profiles and compare read them; returns their names."""
    from tools.engine.roles import describe_column

    frame = predicted_frame(prediction, data.customers.index)
    names = list(frame.columns)
    customers = data.customers.drop(columns=[n for n in names if n in data.customers.columns])
    data.customers = customers.join(frame)
    horizon = prediction.config.horizon_days
    reasons = {
        "expected_purchases": f"predicted purchase days in the {horizon} days after "
                              f"{prediction.history.calibration_end} (BG/NBD)",
        "p_alive": "predicted probability that the customer is still a customer (BG/NBD)",
        "expected_avg_order_value": "predicted average order value (Gamma-Gamma)",
        "clv": f"predicted value over the next {horizon} days: expected purchases x "
               f"expected order value x margin {prediction.config.margin:g}",
    }
    kept = [c for c in data.schema.columns if c.name not in names]
    infos = [describe_column(n, data.customers[n], DType.NUMBER, Role.MEASURE, reasons[n])
             for n in names]
    data.schema = replace(data.schema, columns=(*kept, *infos))
    data.derived[_SHOWN] = prediction.config
    return names


def shown_config(data: CustomerData) -> PredictConfig | None:
    """The settings of the predicted columns now on the customers, if any."""
    config = data.derived.get(_SHOWN)
    return config


def meanings() -> dict[str, dict[str, Any]]:
    """The named predicted conditions ("likely_to_buy": {column, op, value}, ...)."""
    import yaml

    text = resources.files("tools").joinpath(_MEANINGS).read_text(encoding="utf-8")
    loaded = yaml.safe_load(text)
    return {str(k): dict(v) for k, v in loaded.items()}


def meaning(name: str) -> Condition:
    """The condition a predicted-trait word stands for, as `predicted_meanings.yaml` says."""
    from pydantic import TypeAdapter

    from tools.engine.definitions import Condition

    entries = meanings()
    entry = entries.get(name)
    if entry is None:
        raise DefinitionError(f"No predicted trait named {name!r}.", options=sorted(entries))
    if "rank" in entry:
        node: dict[str, Any] = {"type": "rank", "column": entry["rank"],
                                "direction": entry.get("direction", "top"),
                                "percent": entry.get("percent"), "n": entry.get("n")}
    else:
        node = {"type": "compare", "column": entry["column"], "op": entry["op"],
                "value": entry["value"]}
    condition: Condition = TypeAdapter(Condition).validate_python(node)
    return condition


def uses_predictions(condition: object) -> bool:
    """Whether a condition (or tool arguments) names a predicted measure."""
    text = condition.model_dump_json() if hasattr(condition, "model_dump_json") else str(
        condition)
    return any(f'"{name}"' in text or f"'{name}'" in text for name in predicted_columns())


def add_predicted_measures(data: CustomerData, condition: object) -> bool:
    """Fit and show the predicted measures when `condition` (or tool arguments) names one
    the customers lack, with the default settings; True when it did. A column of the
    user's own with such a name is left alone."""
    if not uses_predictions(condition):
        return False
    present = [c for c in predicted_columns() if c in data.customers.columns]
    if present and shown_config(data) is None:
        return False  # the data's own column of that name
    if len(present) == len(predicted_columns()):
        return False
    show_predictions(data, predict_data(data, None, need_amounts=False))
    return True


def prediction_json(prediction: Prediction, index: pd.Index) -> dict[str, Any]:
    """`segment predict --json`: the fitted parameters, every customer, and the holdout."""
    from tools.engine.predictive_data import TIME_UNIT

    bgnbd = prediction.models.bgnbd.params
    spend = prediction.models.gamma_gamma
    frame = predicted_frame(prediction, index)
    out: dict[str, Any] = {
        "model": {
            "bgnbd": {"r": bgnbd.r, "alpha": bgnbd.alpha, "a": bgnbd.a, "b": bgnbd.b,
                      "time_unit": TIME_UNIT},
            "gamma_gamma": (None if spend is None else
                            {"p": spend.params.p, "q": spend.params.q,
                             "gamma": spend.params.gamma}),
        },
        "calibration_end": prediction.history.calibration_end.isoformat(),
        "horizon_days": prediction.config.horizon_days,
        "margin": prediction.config.margin,
        "customers": [
            {"customer_id": _plain(cid), "expected_purchases": _number(row[0]),
             "p_alive": _number(row[1]), "expected_avg_order_value": _number(row[2]),
             "clv": _number(row[3])}
            for cid, row in zip(frame.index, frame[list(predicted_columns())].to_numpy(),
                                strict=True)],
        "diagnostics": [{"level": d.level, "code": d.code, "message": d.message}
                        for d in prediction.diagnostics],
    }
    if prediction.holdout is not None:
        check = prediction.holdout
        out["holdout"] = {
            "predicted_repeat_purchases": check.predicted_repeat_purchases,
            "actual_repeat_purchases": check.actual_repeat_purchases,
            "start": (check.calibration_end + timedelta(days=1)).isoformat(),
            "end": check.holdout_end.isoformat(),
            "customers": check.customers,
        }
    return out


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _number(value: Any) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None


def top_customers(prediction: Prediction, n: int = TOP_CUSTOMERS) -> pd.DataFrame:
    """The customers with the highest CLV (expected purchases when there is none)."""
    from tools.engine.predictive_data import CLV, EXPECTED_PURCHASES

    frame = prediction.customers
    by = CLV if frame[CLV].notna().any() else EXPECTED_PURCHASES
    return frame.sort_values([by], ascending=False, kind="stable").head(n)


def counts(prediction: Prediction) -> dict[str, int]:
    """How many predicted customers each named predicted trait holds (thresholds as data)."""
    import numpy as np

    frame = prediction.customers
    found: dict[str, int] = {}
    for name, entry in meanings().items():
        if "rank" in entry or entry.get("column") not in frame.columns:
            continue
        values = frame[entry["column"]].to_numpy(dtype=float)
        test = {">=": np.greater_equal, ">": np.greater, "<": np.less,
                "<=": np.less_equal}[entry["op"]]
        found[name] = int(test(values, float(entry["value"])).sum())
    return found


def fit_in_words(prediction: Prediction, name: str) -> list[str]:
    """The summary `segment predict` prints: what was fitted, in plain words."""
    history, config = prediction.history, prediction.config
    params = prediction.models.bgnbd.params
    weekly = params.r / params.alpha
    leave = params.a / (params.a + params.b)
    frame = prediction.customers
    lines = [
        f"Predictions for {len(frame):,} customers of {name}, made at "
        f"{history.calibration_end} for the next {config.horizon_days} days.",
        f"Repeat purchases (BG/NBD, per week: r {params.r:.3f}, alpha {params.alpha:.3f}, "
        f"a {params.a:.3f}, b {params.b:.3f}): while still a customer, an average one buys "
        f"{weekly * 52:.1f} times a year, and after each purchase about {leave:.0%} stop "
        "buying for good.",
    ]
    spend = prediction.models.gamma_gamma
    if spend is not None:
        lines.append(f"Order value (Gamma-Gamma: p {spend.params.p:.2f}, q {spend.params.q:.2f},"
                     f" gamma {spend.params.gamma:.2f}): a typical order is worth "
                     f"{spend.params.population_mean:,.2f}; a customer's own orders pull "
                     "their expected value towards their own average.")
    found = counts(prediction)
    entries = meanings()
    words = {"likely_to_buy": "likely to buy again", "probably_lapsed": "probably lapsed"}
    for key, said in words.items():
        if key in found:
            entry = entries[key]
            lines.append(f"{found[key]:,} customers are {said} ({entry['column']} "
                         f"{entry['op']} {entry['value']}).")
    total = frame["expected_purchases"].sum()
    value = frame["clv"].sum(min_count=1)
    lines.append(f"Expected in the next {config.horizon_days} days: {total:,.0f} purchases"
                 + ("" if value != value else f" worth {value:,.2f} (CLV, margin "
                    f"{config.margin:g})") + ".")
    check = prediction.holdout
    if check is not None:
        error = check.relative_error
        lines.append(f"Check on the {check.holdout_days} days after {check.calibration_end}: "
                     f"predicted {check.predicted_repeat_purchases:,.0f} repeat purchases, "
                     f"actual {check.actual_repeat_purchases:,}"
                     + ("" if error != error else
                        f" ({abs(error):.0%} {'more' if error > 0 else 'fewer'} predicted)")
                     + ".")
    return lines
