"""`segment predict` and the purchase lines it rests on, through the real loader and files.

The logs are invented (a tea shop with its own column names, drawn from the models
themselves), plus the bundled CDNOW sample for the published figures.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from assistant.cli_predict import register
from tests.predictive_simulation import simulated_log
from tools.engine.errors import DataError
from tools.engine.loading import load_customer_data
from tools.engine.predictive import predict
from tools.engine.predictive_data import PredictConfig
from tools.engine.purchase_lines import LINES_KEY, purchase_lines
from tools.predicted import predict_data

CDNOW = Path(__file__).resolve().parents[1] / "tools" / "datasets" / "cdnow_sample.csv"


def _app() -> typer.Typer:
    app = typer.Typer()
    app.command("noop")(lambda: None)  # two commands: typer keeps the command name
    register(app)
    return app


def tea_log(folder: Path, customers: int = 400, seed: int = 3) -> Path:
    """A tea shop's order lines: its own names for the customer, the day and the money, two
    lines to some orders, a refund line, and a wholesale column no model should read."""
    log = simulated_log(customers, seed=seed, period_days=400)
    frame = pd.DataFrame({"Drinker": [f"T{c:04d}" for c in log["customer_id"]],
                          "BrewedOn": log["day"].dt.strftime("%Y-%m-%d"),
                          "PaidEUR": log["amount"], "Blend": "oolong"})
    extra = frame.iloc[::7].assign(PaidEUR=1.5, Blend="sencha")  # second line, same day
    refund = frame.iloc[:1].assign(PaidEUR=-4.0)
    path = folder / "tea_orders.csv"
    pd.concat([frame, extra, refund]).to_csv(path, index=False)
    return path


# The tea shop's names say nothing a loader could know: the user maps them.
TEA_MAP = {"customer_id": "Drinker", "date": "BrewedOn", "amount": "PaidEUR"}
TEA_ARGS = [f"--map={role}={column}" for role, column in TEA_MAP.items()]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_app(), ["predict", *args], env={"COLUMNS": "400"})
    return result.exit_code, result.stdout, result.stderr


def test_the_loader_keeps_the_cleaned_lines_and_a_cached_load_reads_them_again(
        tmp_path: Path) -> None:
    path = tea_log(tmp_path)
    fresh = load_customer_data(path, mapping=TEA_MAP)
    lines = fresh.derived[LINES_KEY]
    # the purchase lines, then the log's attribute columns (for `purchased`)
    assert list(lines.columns) == ["customer_id", "day", "amount", "Blend"]
    assert (lines["amount"] > 0).all()  # the refund line was cleaned away
    assert set(lines["customer_id"]) == set(fresh.customers.index)
    cache = tmp_path / "cache"
    load_customer_data(path, cache_dir=cache, mapping=TEA_MAP)
    cached = load_customer_data(path, cache_dir=cache, mapping=TEA_MAP)
    assert LINES_KEY not in cached.derived  # the cache keeps customers only ...
    again = purchase_lines(cached)  # ... so the file is read again, with the same roles
    pd.testing.assert_frame_equal(again.reset_index(drop=True), lines.reset_index(drop=True))
    # The exact route: the prediction over lines, where two lines of a day are one purchase.
    expected = predict(lines).customers
    got = predict_data(cached).customers
    pd.testing.assert_frame_equal(got, expected)


def test_json_contract_on_an_invented_log_with_a_holdout(tmp_path: Path) -> None:
    path = tea_log(tmp_path)
    code, out, err = _run("--data", str(path), "--calibration-end", "2024-09-30",
                          "--horizon-days", "60", "--margin", "0.4", "--json", *TEA_ARGS,
                          "--workspace", str(tmp_path / "ws"))
    assert code == 0, err
    result = json.loads(out)
    bgnbd = result["model"]["bgnbd"]
    assert set(bgnbd) == {"r", "alpha", "a", "b", "time_unit"} and bgnbd["time_unit"] == "weeks"
    assert set(result["model"]["gamma_gamma"]) == {"p", "q", "gamma"}
    loaded = load_customer_data(path, mapping=TEA_MAP)
    rows = result["customers"]
    assert [r["customer_id"] for r in rows] == list(loaded.customers.index)  # every customer
    predicted = [r for r in rows if r["p_alive"] is not None]
    assert predicted and all(set(r) == {"customer_id", "expected_purchases", "p_alive",
                                        "expected_avg_order_value", "clv"} for r in rows)
    for row in predicted:
        assert 0 <= row["p_alive"] <= 1 and row["expected_purchases"] >= 0
        assert row["clv"] == pytest.approx(row["expected_purchases"]
                                           * row["expected_avg_order_value"] * 0.4)
    holdout = result["holdout"]
    # Actual repeat purchases counted here, independently: purchase days after the end.
    lines = loaded.derived[LINES_KEY]
    days = lines.assign(day=pd.to_datetime(lines["day"]).dt.normalize()).drop_duplicates(
        ["customer_id", "day"])
    known = days[days["customer_id"].isin(days.loc[days["day"] <= "2024-09-30",
                                                   "customer_id"])]
    assert holdout["actual_repeat_purchases"] == int((known["day"] > "2024-09-30").sum())
    assert holdout["predicted_repeat_purchases"] == pytest.approx(
        holdout["actual_repeat_purchases"], rel=0.35)
    assert result["horizon_days"] == 60 and result["calibration_end"] == "2024-09-30"


def test_no_holdout_without_a_calibration_end_and_the_csv_out(tmp_path: Path) -> None:
    path = tea_log(tmp_path, customers=250, seed=5)
    out = tmp_path / "exports" / "predicted.csv"
    code, text, err = _run("--data", str(path), "--out", str(out), *TEA_ARGS, "--workspace",
                           str(tmp_path / "ws"))
    assert code == 0, err
    assert str(out.resolve()) in " ".join(text.split())  # the full path, even when wrapped
    assert "Top 10 customers" in text and "likely to buy again" in text
    written = pd.read_csv(out)
    assert list(written.columns) == ["customer_id", "expected_purchases", "p_alive",
                                     "expected_avg_order_value", "clv"]
    assert len(written) == len(load_customer_data(path, mapping=TEA_MAP).customers)
    code, text, _ = _run("--data", str(path), "--json", *TEA_ARGS, "--workspace",
                         str(tmp_path / "ws"))
    assert "holdout" not in json.loads(text)


def test_cdnow_through_the_command_reproduces_the_published_fit(tmp_path: Path) -> None:
    code, out, err = _run("--data", str(CDNOW), "--calibration-end", "1997-09-30", "--json",
                          "--workspace", str(tmp_path))
    assert code == 0, err
    model = json.loads(out)["model"]
    # After the product's cleaning (8 lines of $0 dropped): within 1% of the paper.
    for name, published in (("r", 0.243), ("alpha", 4.414), ("a", 0.793), ("b", 2.426)):
        assert model["bgnbd"][name] == pytest.approx(published, rel=0.01)
    for name, published in (("p", 6.25), ("q", 3.74), ("gamma", 15.44)):
        assert model["gamma_gamma"][name] == pytest.approx(published, rel=0.01)
    holdout = json.loads(out)["holdout"]
    assert holdout["actual_repeat_purchases"] == 1882


@pytest.mark.parametrize("args,words", [
    (["--calibration-end", "2030-01-01"], "outside the data"),
    (["--calibration-end", "1990-01-01"], "outside the data"),
    (["--calibration-end", "30/09/2024"], "YYYY-MM-DD"),
    (["--margin", "0"], "above 0"),
    (["--out", "predicted.xlsx"], ".csv"),
])
def test_bad_options_are_one_line(tmp_path: Path, args: list[str], words: str) -> None:
    path = tea_log(tmp_path, customers=60)
    code, out, err = _run("--data", str(path), *args, *TEA_ARGS, "--workspace",
                          str(tmp_path / "ws"))
    assert code != 0 and words in err and "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1


def test_a_customer_table_a_log_without_amounts_or_dates_get_what_to_do(
        tmp_path: Path) -> None:
    table = tmp_path / "members.csv"
    pd.DataFrame({"member": ["a", "b", "c"], "points": [10, 20, 30],
                  "club": ["x", "y", "x"]}).to_csv(table, index=False)
    code, _, err = _run("--data", str(table), "--workspace", str(tmp_path / "ws"))
    assert code == 1 and "purchase log" in err and "--map date=COLUMN" in err
    no_amounts = tmp_path / "visits.csv"
    log = simulated_log(80, seed=1)
    pd.DataFrame({"customer_id": log["customer_id"], "order_date": log["day"].dt.date}
                 ).to_csv(no_amounts, index=False)
    code, _, err = _run("--data", str(no_amounts), "--workspace", str(tmp_path / "ws"))
    assert code == 1 and "--map amount=COLUMN" in err and len(err.strip().splitlines()) == 1
    # The engine still predicts purchases without amounts where asked to.
    loaded = load_customer_data(no_amounts)
    assert predict_data(loaded, need_amounts=False).models.gamma_gamma is None
    with pytest.raises(DataError, match="purchase log"):
        predict_data(load_customer_data(table), PredictConfig(calibration_end=date(2024, 1, 1)))
