"""A log's yes/no flag and its numbers that are no role become customer attributes on every
path: the flag the most frequent value of the kept lines (a tie to False), the number their
mean. Expected values come from pandas over the invented log itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tests.test_figures_from_lines import summary
from tools.engine.definitions import Compare
from tools.engine.evaluate import evaluate
from tools.engine.feature_sql import features_sql
from tools.engine.figures import Figure, figures
from tools.engine.figures_sql import figures_from_lines
from tools.engine.lines_kept import LINES_KEY
from tools.engine.loading import load_customer_data
from tools.engine.scan import scan_parquet
from tools.engine.scan_csv import scan_csv
from tools.engine.schema import Role


def invented_log() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    rows: list[dict[str, Any]] = []
    for i in range(90):
        rows.append({
            # Every 17th order is cancelled ("C"): its flag and minutes must not count.
            "order_id": f"{'C' if i % 17 == 5 else ''}{500000 + i}",
            "client_id": 100 + i % 11,
            "ordered_at": pd.Timestamp("2024-03-01") + pd.Timedelta(days=i * 3 % 50,
                                                                     hours=i % 7),
            "basket_value": round(float(rng.uniform(5, 80)), 2),
            "region": ["North", "South", "East"][int(rng.integers(0, 3))],
            "gift_wrapped": bool(rng.integers(0, 2)),
            "wait_minutes": int(rng.integers(15, 90)),
        })
    # A customer with one wrapped and one unwrapped order: the tie goes to False.
    for number, wrapped in enumerate((True, False)):
        rows.append({"order_id": f"T{number}", "client_id": 999,
                     "ordered_at": pd.Timestamp("2024-03-10"), "basket_value": 10.0,
                     "region": "East", "gift_wrapped": wrapped, "wait_minutes": 20 + number})
    return pd.DataFrame(rows)


def expected(log: pd.DataFrame) -> pd.DataFrame:
    kept = log[~log["order_id"].str.startswith("C")]
    by = kept.groupby("client_id")

    def mode(values: pd.Series) -> bool:
        counts = values.value_counts()
        return bool(sorted(counts[counts == counts.max()].index)[0])

    return pd.DataFrame({"gift_wrapped": by["gift_wrapped"].agg(mode),
                         "wait_minutes": by["wait_minutes"].mean()})


def check(customers: pd.DataFrame, log: pd.DataFrame) -> None:
    wanted = expected(log)
    found = customers.loc[wanted.index]
    assert found["gift_wrapped"].astype(bool).tolist() == wanted["gift_wrapped"].tolist()
    assert np.allclose(found["wait_minutes"].astype(float), wanted["wait_minutes"])


@pytest.fixture()
def log() -> pd.DataFrame:
    return invented_log()


def test_the_ordinary_load_makes_both_attributes(tmp_path: Path, log: pd.DataFrame) -> None:
    path = tmp_path / "orders.csv"
    log.to_csv(path, index=False)
    data = load_customer_data(path)
    check(data.customers, log)
    assert data.customers.loc[999, "gift_wrapped"] == False  # noqa: E712 (the tie)
    assert data.customers.loc[999, "wait_minutes"] == pytest.approx(20.5)
    flag, number = data.schema.column("gift_wrapped"), data.schema.column("wait_minutes")
    assert flag is not None and flag.role is Role.FLAG
    assert number is not None and number.role is Role.MEASURE and "mean" in number.reason
    # The kept lines carry them too, for questions about purchases.
    lines = data.derived[LINES_KEY]
    assert {"gift_wrapped", "wait_minutes"} <= set(lines.columns)
    assert len(lines) == int((~log["order_id"].str.startswith("C")).sum())


def test_a_missing_number_is_left_out_of_the_mean(tmp_path: Path, log: pd.DataFrame) -> None:
    log["wait_minutes"] = log["wait_minutes"].astype("float64")
    log.loc[log["client_id"] == 999, "wait_minutes"] = [np.nan, 30.0]
    path = tmp_path / "orders.csv"
    log.to_csv(path, index=False)
    customers = load_customer_data(path).customers
    assert customers.loc[999, "wait_minutes"] == pytest.approx(30.0)


def test_the_parquet_scan_agrees(tmp_path: Path, log: pd.DataFrame) -> None:
    path = tmp_path / "orders.parquet"
    log.to_parquet(path, index=False)
    scanned = scan_parquet(path)
    assert scanned is not None
    check(scanned.customers, log)
    pandas = load_customer_data(path).customers
    pd.testing.assert_series_equal(scanned.customers["gift_wrapped"], pandas["gift_wrapped"],
                                   check_names=False, check_index_type=False)
    assert np.allclose(scanned.customers["wait_minutes"], pandas["wait_minutes"])


def test_the_csv_scan_reads_the_number(tmp_path: Path, log: pd.DataFrame) -> None:
    path = tmp_path / "orders.csv"
    log.drop(columns=["gift_wrapped"]).to_csv(path, index=False)
    scanned = scan_csv(path)
    assert scanned is not None
    wanted = expected(log)["wait_minutes"]
    assert np.allclose(scanned.customers.loc[wanted.index, "wait_minutes"], wanted)


def test_the_standalone_query_agrees(tmp_path: Path, log: pd.DataFrame) -> None:
    import duckdb

    path = tmp_path / "orders.parquet"
    log.to_parquet(path, index=False)
    data = load_customer_data(path)
    query = features_sql(data.source.raw_schema, table="order_lines")
    connection = duckdb.connect()
    connection.execute(f"CREATE VIEW order_lines AS SELECT * FROM read_parquet('{path}')")
    found = connection.execute(query).df().set_index("customer_id")
    check(found, log)


def test_figures_from_the_lines_agree_with_loading(tmp_path: Path, log: pd.DataFrame) -> None:
    path = tmp_path / "orders.parquet"
    log.to_parquet(path, index=False)
    data = load_customer_data(path)
    for figure in (Figure(statistic="mean", column="wait_minutes", by="region"),
                   Figure(statistic="sum", column="monetary", by="gift_wrapped"),
                   Figure(statistic="rate", by="region",
                          target=Compare(column="gift_wrapped", op="==", value=True))):
        target = evaluate(figure.target, data) if figure.target is not None else None
        wanted = summary(figures(data, figure, target_mask=target))
        assert summary(figures_from_lines(str(path), figure)) == wanted
