"""The predictive-traits tool, and what of a prediction may leave the engine.

`predict_traits` fits BG/NBD and Gamma-Gamma on the loaded log (tools/predicted.py) and
puts each customer's predicted measures on the data as ordinary columns
(`expected_purchases`, `p_alive`, `expected_avg_order_value`, `clv`), so that
`define_segment`, `profile_segment` and `compare_segments` use them like any measure. A
condition or a saved segment that names them before any prediction was asked for gets
them first, with the default settings (`Toolkit.predictions_for`). What leaves for a model is
aggregate only: parameters, counts, totals, the holdout check and the diagnostics.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from tools.predicted import counts, meanings, predict_data, show_predictions
from tools.tool_result import ToolResult
from tools.tool_specs import PredictTraitsArgs
from tools.tool_summaries import customers

if TYPE_CHECKING:
    from tools.engine.predictive import Prediction
    from tools.toolkit import Toolkit


def predict_traits(ctx: Toolkit, args: PredictTraitsArgs) -> ToolResult:
    from tools.engine.predictive_data import PredictConfig

    config = PredictConfig(calibration_end=args.calibration_end,
                           horizon_days=args.horizon_days, margin=args.margin)
    prediction = predict_data(ctx.data, config, need_amounts=False)
    show_predictions(ctx.data, prediction)
    ctx.forget_masks()  # expected purchases over another horizon: new members
    summary = prediction_summary(prediction)
    message = (f"Predicted for {customers(summary['customers'])} at "
               f"{summary['calibration_end']}: {summary['likely_to_buy']:,} likely to buy "
               f"again in the next {args.horizon_days} days, {summary['probably_lapsed']:,} "
               "probably lapsed.")
    return ToolResult("predict_traits", True, summary, message=message)


def prediction_summary(prediction: Prediction) -> dict[str, Any]:
    """What a model or the reply may see: no customer ids, no rows."""
    frame = prediction.customers
    params = prediction.models.bgnbd.params
    spend = prediction.models.gamma_gamma
    found = counts(prediction)
    value = float(frame["clv"].sum(min_count=1))
    summary: dict[str, Any] = {
        "customers": len(frame),
        "calibration_end": prediction.history.calibration_end.isoformat(),
        "horizon_days": prediction.config.horizon_days,
        "margin": prediction.config.margin,
        "bgnbd": {"r": round(params.r, 4), "alpha": round(params.alpha, 4),
                  "a": round(params.a, 4), "b": round(params.b, 4), "time_unit": "weeks"},
        "gamma_gamma": None if spend is None else {
            "p": round(spend.params.p, 4), "q": round(spend.params.q, 4),
            "gamma": round(spend.params.gamma, 4)},
        "purchases_per_year_while_active": round(params.r / params.alpha * 52, 2),
        "share_leaving_after_a_purchase": round(params.a / (params.a + params.b), 4),
        "expected_purchases": round(float(frame["expected_purchases"].sum()), 1),
        "expected_value": None if math.isnan(value) else round(value, 2),
        "likely_to_buy": found.get("likely_to_buy", 0),
        "probably_lapsed": found.get("probably_lapsed", 0),
        "columns": ["expected_purchases", "p_alive", "expected_avg_order_value", "clv"],
        "meanings": meanings(),
        "diagnostics": [{"level": d.level, "code": d.code, "message": d.message}
                        for d in prediction.diagnostics],
    }
    check = prediction.holdout
    if check is not None:
        summary["holdout"] = {
            "days": check.holdout_days,
            "predicted_repeat_purchases": round(check.predicted_repeat_purchases, 1),
            "actual_repeat_purchases": check.actual_repeat_purchases,
            "groups": [{"repeat_purchases": g.label, "customers": g.customers,
                        "predicted": round(g.predicted, 1), "actual": g.actual}
                       for g in check.groups]}
    return summary
