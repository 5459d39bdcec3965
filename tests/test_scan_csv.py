"""Large CSV logs summarised by DuckDB give exactly the pandas-path customers, or fall back."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pandas as pd
import pytest

from tools.engine.dataset import CustomerData
from tools.engine.loading import load_customer_data
from tools.engine.scan import SCAN_MIN_ROWS
from tools.engine.scan_csv import csv_rows_estimate, scan_csv


@pytest.fixture(scope="module")
def retail_csv(retail_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("csv") / "online_retail.csv"
    with gzip.open(retail_path, "rb") as source, path.open("wb") as target:
        shutil.copyfileobj(source, target)
    return path


def test_online_retail_csv_takes_the_duckdb_path_with_the_same_customers(
        retail: CustomerData, retail_csv: Path, tmp_path: Path) -> None:
    assert csv_rows_estimate(retail_csv) >= SCAN_MIN_ROWS
    data = load_customer_data(retail_csv, cache_dir=tmp_path)
    assert any("Column roles were read from the first" in w for w in data.source.warnings)
    assert data.n_customers == 4338
    pd.testing.assert_frame_equal(data.customers, retail.customers)
    assert data.source.cleaning == retail.source.cleaning
    assert data.source.rows_read == retail.source.rows_read
    assert data.source.rows_kept == retail.source.rows_kept
    assert data.source.as_of == retail.source.as_of


def _write(path: Path, rows: list[str]) -> Path:
    path.write_text("order,customer,day,amount,channel\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


def test_a_small_messy_log_gives_the_pandas_customers(tmp_path: Path) -> None:
    path = _write(tmp_path / "log.csv", [
        "A1, 0012,2024-01-05 10:00:00,10.5,Web", "A1,12,2024-01-05 11:00:00,5,web",
        "A2,12,2024-02-01,0.1,Store", "C7,12,2024-02-04 09:00:00,7,Store",
        "B1,7,2024-03-01 12:00:00,-0.2,n/a", "B2,7,2024-03-02 12:00:00,3,Store",
        "B3,n/a,2024-03-03 12:00:00,9,Web", "B4,8,,9,Web", "B5,9,2024-03-03 12:00:00,2,Web"])
    scanned = scan_csv(path)
    assert scanned is not None
    expected = load_customer_data(path, cache_dir=tmp_path)
    pd.testing.assert_frame_equal(scanned.customers, expected.customers)
    assert scanned.cleaning == expected.source.cleaning
    assert scanned.as_of == expected.source.as_of


@pytest.mark.parametrize("odd_row", [
    "B9,9,03/04/2024 12:00,2,Web",      # a d/m/y date: pandas reads it, DuckDB would not
    "B9,9,2024-03-03 12:00:00,\"1,200\",Web",  # a thousands separator
    "B9,9,2024-03-03 12:00:00,£2,Web",  # a currency sign
])
def test_values_only_pandas_reads_fall_back(tmp_path: Path, odd_row: str) -> None:
    path = _write(tmp_path / "log.csv", ["A1,12,2024-01-05 10:00:00,10.5,Web", odd_row])
    assert scan_csv(path) is None


def test_other_encodings_and_compressed_files_are_not_estimated(tmp_path: Path,
                                                               retail_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes("order,customer\nA1,Café\n".encode("cp1252"))
    assert csv_rows_estimate(latin) == 0
    assert csv_rows_estimate(retail_path) == 0
