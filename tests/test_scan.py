"""Large Parquet logs computed in DuckDB from the file give exactly the pandas-path customers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import tools.engine.loading as loading
from tools.engine.dataset import CustomerData
from tools.engine.loading import load_customer_data
from tools.engine.scan import scan_parquet


def _typed_retail(retail_path: Path, out: Path) -> Path:
    """Online Retail as a typed Parquet export (dates as timestamps, numbers as numbers)."""
    raw = pd.read_csv(retail_path, dtype=str, keep_default_na=False)
    typed = pd.DataFrame({
        "InvoiceNo": raw["InvoiceNo"],
        "StockCode": raw["StockCode"],
        "Description": raw["Description"],
        "Quantity": raw["Quantity"].astype("int64"),
        "InvoiceDate": pd.to_datetime(raw["InvoiceDate"], format="%Y-%m-%d %H:%M:%S"),
        "UnitPrice": raw["UnitPrice"].astype("float64"),
        "CustomerID": pd.to_numeric(raw["CustomerID"].replace("", None)).astype("Int64"),
        "Country": raw["Country"],
    })
    path = out / "online_retail.parquet"
    typed.to_parquet(path, index=False)
    return path


def test_online_retail_parquet_matches_the_csv_load(retail: CustomerData, retail_path: Path,
                                                     tmp_path: Path) -> None:
    scanned = scan_parquet(_typed_retail(retail_path, tmp_path))
    assert scanned is not None
    assert len(scanned.customers) == 4338
    assert scanned.as_of == date(2011, 12, 10) == retail.source.as_of
    pd.testing.assert_frame_equal(scanned.customers, retail.customers)
    assert scanned.cleaning == retail.source.cleaning
    assert scanned.rows_read == retail.source.rows_read
    assert scanned.rows_kept == retail.source.rows_kept


def _messy_log() -> pd.DataFrame:
    """Text ids with padding and blanks, missing markers, ties, cancellations, a status."""
    rows = [
        # id, order, day, amount, status, channel
        (" 0012", "A1", "2024-01-05 10:00", 10.0, "paid", "Web"),
        ("12", "A1", "2024-01-05 11:00", 5.5, "paid", " web "),
        ("12", "A2", "2024-02-01 09:00", 0.1, "paid", "Store"),
        ("12", "A3", "2024-02-03 09:00", 7.0, "Voided", "Store"),
        ("12", "A4", "2024-02-03 10:00", 0.5, "Returned", "Web"),
        ("12", "c-77", "2024-02-04 09:00", 7.0, "paid", "Store"),
        ("7", "B1", "2024-03-01 12:00", 0.2, "paid", "n/a"),
        ("7", "B1", "2024-03-01 12:30", 0.1, "paid", "Store"),
        ("7", " B2 ", "2024-03-02 12:00", 3.0, "paid", "Web"),
        ("7", "B2", "2024-03-02 13:00", -3.0, "paid", "Web"),
        ("n/a", "X1", "2024-03-03 12:00", 9.0, "paid", "Web"),
        ("", "X2", "2024-03-03 12:00", 9.0, "paid", "Web"),
        ("31", "n/a", "2024-03-05 08:00", 4.0, "paid", None),
        ("31", "D1", "2024-03-09 08:00", 0.0, "paid", "Phone"),
        ("31", "D2", "2024-03-09 09:00", 2.5, None, "Phone"),
        ("5", "E1", "2024-03-10 23:59", 1.0, "paid", "Web"),
    ]
    frame = pd.DataFrame(rows, columns=["Customer Id", "Order No", "Order Date", "Revenue",
                                        "Status", "Channel"])
    frame["Order Date"] = pd.to_datetime(frame["Order Date"])
    return frame


@pytest.mark.parametrize("as_of", [None, "2024-03-02"])
def test_messy_typed_log_matches_the_pandas_path(tmp_path: Path, as_of: str | None) -> None:
    path = tmp_path / "messy.parquet"
    _messy_log().to_parquet(path, index=False)
    ordinary = load_customer_data(path, as_of=as_of)  # small: the ordinary path
    assert not any("Column roles were read" in w for w in ordinary.source.warnings)
    scanned = scan_parquet(path, as_of=date.fromisoformat(as_of) if as_of else None)
    assert scanned is not None
    pd.testing.assert_frame_equal(scanned.customers, ordinary.customers)
    assert scanned.cleaning == ordinary.source.cleaning
    assert scanned.as_of == ordinary.source.as_of
    later = [w for w in ordinary.source.warnings if "left out" in w]
    assert later == [n for n in scanned.notes if "left out" in n]


def test_large_parquet_takes_the_scan_path(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "messy.parquet"
    _messy_log().to_parquet(path, index=False)
    monkeypatch.setattr(loading, "SCAN_MIN_ROWS", 10)
    data = load_customer_data(path)
    assert any("Column roles were read from the first 16 of 16 rows" in w
               for w in data.source.warnings)
    # A1, A2, A4 (returned: a purchase); A3 voided, c-77 cancelled.
    assert data.customers.loc[12, "frequency"] == 3
    assert data.customers.loc[12, "monetary"] == 16.1
    assert data.customers.loc[12, "Status"] == "paid"  # the status is an attribute too
    # "n/a" is missing; the -3.0 line is dropped: Store 1, Web 1, a tie -> alphabetical.
    assert data.customers.loc[7, "Channel"] == "Store"
    assert data.schema.column("Channel") is not None


def test_text_dates_fall_back_to_the_ordinary_path(tmp_path: Path) -> None:
    frame = _messy_log()
    frame["Order Date"] = frame["Order Date"].dt.strftime("%d/%m/%Y")
    path = tmp_path / "text_dates.parquet"
    frame.to_parquet(path, index=False)
    assert scan_parquet(path) is None


def test_amounts_beyond_64_bit_millionths_are_summed_exactly_on_both_paths(
        tmp_path: Path) -> None:
    """A line of 20 trillion does not fit 64-bit millionths: the groups are made again wider."""
    frame = pd.DataFrame({
        "CustomerID": [1, 1, 2, 2],
        "InvoiceNo": ["A1", "A2", "B1", "B1"],
        "InvoiceDate": pd.to_datetime(["2024-01-02", "2024-01-05", "2024-01-03", "2024-01-03"]),
        "Amount": [2e13, 0.25, 10.5, 0.125],
    })
    path = tmp_path / "huge.parquet"
    frame.to_parquet(path, index=False)
    ordinary = load_customer_data(path)
    scanned = scan_parquet(path)
    assert scanned is not None
    for customers in (ordinary.customers, scanned.customers):
        assert customers.loc[1, "monetary"] == 20_000_000_000_000.25
        assert customers.loc[1, "frequency"] == 2
        assert customers.loc[2, "monetary"] == 10.625
    pd.testing.assert_frame_equal(scanned.customers, ordinary.customers)


def test_a_customer_with_no_value_of_an_attribute_keeps_a_missing_value(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "CustomerID": [1, 2, 2, 3],
        "InvoiceNo": ["A1", "B1", "B2", "D1"],
        "InvoiceDate": pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]),
        "Amount": [5.0, 6.0, 7.0, 8.0],
        "Channel": ["Web", "n/a", None, "Store"],
    })
    path = tmp_path / "gaps.parquet"
    frame.to_parquet(path, index=False)
    ordinary = load_customer_data(path)
    scanned = scan_parquet(path)
    assert scanned is not None
    for customers in (ordinary.customers, scanned.customers):
        assert customers["Channel"].isna().tolist() == [False, True, False]
        assert customers.loc[3, "Channel"] == "Store"
    pd.testing.assert_frame_equal(scanned.customers, ordinary.customers)


def test_nan_numbers_are_missing_on_both_paths(tmp_path: Path) -> None:
    """Spark and Polars write NaN, not null, for a missing number: the line is left out."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({
        "CustomerID": pa.array([1, 1, 2, 2], pa.int64()),
        "InvoiceNo": ["A1", "A2", "B1", "B2"],
        "InvoiceDate": pa.array(pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04",
                                                "2024-01-05"])),
        "Quantity": pa.array([1.0, float("nan"), 2.0, 3.0], pa.float64(), from_pandas=False),
        "UnitPrice": pa.array([5.0, 4.0, float("nan"), 2.5], pa.float64(), from_pandas=False),
    })
    path = tmp_path / "nan.parquet"
    pq.write_table(table, path)
    ordinary = load_customer_data(path)
    scanned = scan_parquet(path)
    assert scanned is not None
    assert ordinary.customers["monetary"].tolist() == [5.0, 7.5]
    pd.testing.assert_frame_equal(scanned.customers, ordinary.customers)
    assert scanned.cleaning == ordinary.source.cleaning
