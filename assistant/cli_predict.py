"""`segment predict`: who will buy again, and what they are worth (issue 18).

Registered on the main app with `register(app)`. The engine does the work
(`tools/predicted.py` over `tools/engine/predictive*.py`); this module parses the options,
prints the JSON contract or a short summary, and writes the per-customer CSV.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from assistant.cli_common import (
    DEFAULT_WORKSPACE,
    DataArgs,
    DataOpt,
    JsonOpt,
    MapOpt,
    TableOpt,
    WorkspaceOpt,
    fail,
    guarded,
    print_json,
)
from tools.predicted import (
    fit_in_words,
    predict_data,
    predicted_frame,
    prediction_json,
    top_customers,
)

if TYPE_CHECKING:
    from rich.console import Console

    from tools.engine.predictive import Prediction


def calibration_day(value: str | None) -> date | None:
    """--calibration-end as a date, or a one-line error saying how to write it."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--calibration-end {value}: give a date as YYYY-MM-DD, e.g. 2024-06-30")


@guarded
def predict(
    data_file: DataOpt,
    calibration_end: Annotated[str | None, typer.Option(
        "--calibration-end", metavar="YYYY-MM-DD", help="Fit on purchases up to this day; "
        "later ones check the prediction (default: the last day of the data).")] = None,
    horizon_days: Annotated[int, typer.Option(
        "--horizon-days", min=1, max=3650, help="Predict purchases and CLV over this many "
        "days after the calibration end.")] = 90,
    margin: Annotated[float, typer.Option(
        "--margin", help="Share of revenue kept as "
        "profit, for the CLV (1 = CLV in revenue).")] = 1.0,
    out: Annotated[Path | None, typer.Option(
        "--out", help="Write every customer's predictions to this CSV file.")] = None,
    as_json: JsonOpt = False,
    maps: MapOpt = None,
    table: TableOpt = None,
    workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
) -> None:
    """Predict each customer's purchases in the next days, P(alive), order value and CLV."""
    end = calibration_day(calibration_end)
    if not 0 < margin <= 1:
        fail(f"--margin {margin:g}: give the share of revenue kept as profit, above 0 and "
             "at most 1 (e.g. 0.3 for 30%)")
    if out is not None:
        if out.suffix.lower() != ".csv":
            fail(f"--out {out.name}: predictions are written as CSV; give a .csv file")
        if out.resolve() == data_file.resolve():
            fail(f"--out {out} is the data file itself: choose another file")
        if out.is_dir():
            fail(f"--out {out} is a folder: give a file name such as {out / 'predictions.csv'}")
    from assistant.progress import load_with_progress
    from tools.engine.predictive_data import PredictConfig

    data = load_with_progress(DataArgs(data_file, maps, None, table, workspace))
    config = PredictConfig(calibration_end=end, horizon_days=horizon_days, margin=margin)
    prediction = predict_data(data, config, table=table)
    written = _write_csv(prediction, data.customers.index, out) if out is not None else None
    if as_json:
        result = prediction_json(prediction, data.customers.index)
        if written is not None:
            result["out"] = str(written)
        print_json(result)
        return
    from assistant.cli_render import console

    screen = console()
    _summary(screen, prediction, Path(data.source.path).name)
    if written is not None:
        screen.print(f"Wrote the predictions of every customer to {written}", markup=False)


def _write_csv(prediction: Prediction, index: object, out: Path) -> Path:
    frame = predicted_frame(prediction, index)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    frame.to_csv(tmp, index_label="customer_id", float_format="%.6g")
    tmp.replace(out)
    return out.resolve()


def _summary(screen: Console, prediction: Prediction, name: str) -> None:
    from rich.table import Table

    for line in fit_in_words(prediction, name):
        screen.print(line, markup=False)
    for item in prediction.diagnostics:
        if item.level == "warning":
            screen.print(f"Warning: {item.message}", markup=False)
    top = top_customers(prediction)
    grid = Table(title=f"Top {len(top)} customers by predicted value")
    for column in ("customer", "expected purchases", "P(alive)", "order value", "CLV"):
        grid.add_column(column, justify="left" if column == "customer" else "right")
    for cid, row in top.iterrows():
        grid.add_row(str(cid), *(_cell(v, d) for v, d in zip(row.to_numpy(), (2, 2, 2, 2),
                                                               strict=True)))
    screen.print(grid)


def _cell(value: float, digits: int) -> str:
    return "-" if value != value else f"{value:,.{digits}f}"  # NaN != NaN


def register(app: typer.Typer) -> None:
    """Add `predict` to the `segment` app."""
    app.command("predict")(predict)
