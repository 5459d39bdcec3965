"""The lean scan of `figures_from_lines` (spend and attributes only, kept in DuckDB) against
loading the file and asking pandas: cancellation marks judged from the order id's first
bytes, several attributes at once, and CSV files as well as Parquet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.test_figures_from_lines import MAPPING, logs, summary
from tools.engine.definitions import Condition, In
from tools.engine.errors import DataError, DefinitionError
from tools.engine.evaluate import evaluate
from tools.engine.figures import Figure, figures
from tools.engine.figures_sql import figures_from_lines
from tools.engine.loading import load_customer_data

# Order ids around the "C" mark: white space before it, other first bytes, other letters.
ORDER_IDS = ("T1", "T2", "C3", "c-4", " C5", "\tc 6", "\nC7", "XC8", "!C9", "D1", "b2",
             "Ĉ3", "CC4", "C", "", "7C", "C0x", "c9", "C:1", "c/2", "C_")
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def pandas_answer(path: Path, figure: Figure, population: Condition | None,
                  mapping: dict[str, str]) -> Any:
    data = load_customer_data(path, mapping=mapping)
    members = evaluate(population, data) if population is not None else None
    return summary(figures(data, figure, members))


def same_answer(path: Path, figure: Figure, population: Condition | None,
                mapping: dict[str, str] = MAPPING) -> None:
    try:
        expected = pandas_answer(path, figure, population, mapping)
    except DefinitionError:  # a channel no customer kept: the question is refused, not asked
        assume(False)
        return
    except DataError:  # a log with no kept line loads as an error: so must the SQL
        with pytest.raises(DataError):
            figures_from_lines(str(path), figure, population=population, mapping=mapping)
        return
    got = figures_from_lines(str(path), figure, population=population, mapping=mapping)
    assert summary(got) == expected


@SETTINGS
@given(log=logs(ORDER_IDS), by=st.sampled_from(["channel", "region"]))
def test_cancellation_marks_from_the_first_bytes_agree_with_loading(
        tmp_path: Path, log: pd.DataFrame, by: str) -> None:
    path = tmp_path / "marks.parquet"
    log.to_parquet(path, index=False)
    same_answer(path, Figure(statistic="sum", column="monetary", by=by, top=4), None)


@SETTINGS
@given(log=logs(ORDER_IDS), by=st.sampled_from(["channel", "region"]),
       marked=st.sampled_from([ORDER_IDS, ["C1", "c-2", " C3"]]))
def test_whole_number_ids_agree_with_loading(tmp_path: Path, log: pd.DataFrame, by: str,
                                             marked: list[str]) -> None:
    # Whole-number ids: a customer's kept lines of one value are one group, whether the "C"
    # mark is in use or on every order (then it cancels nothing).
    log["shopper"] = log["shopper"].str.strip().map(
        {"A1": 11, "A2": 12, "B7": 27, "B8": 28, "C9": 39, "D0": 40})
    log["ticket"] = [marked[n % len(marked)] for n in range(len(log))]
    path = tmp_path / "ids.parquet"
    log.to_parquet(path, index=False)
    same_answer(path, Figure(statistic="sum", column="monetary", by=by, top=4), None)


@SETTINGS
@given(log=logs(ORDER_IDS), states=st.lists(st.sampled_from(["shipped", "delivered", "Cancelled",
                                                    "returned"]), min_size=40, max_size=40))
def test_a_status_column_agrees_with_loading(tmp_path: Path, log: pd.DataFrame,
                                             states: list[str]) -> None:
    # Kept lines of one customer and value may differ in status ("shipped", "delivered").
    log["shopper"] = log["shopper"].str.strip().map(
        {"A1": 11, "A2": 12, "B7": 27, "B8": 28, "C9": 39, "D0": 40})
    log["state"] = states[:len(log)]
    path = tmp_path / "status.parquet"
    log.to_parquet(path, index=False)
    same_answer(path, Figure(statistic="sum", column="monetary", by="region"), None,
                {**MAPPING, "status": "state"})


@SETTINGS
@given(log=logs(ORDER_IDS), channels=st.lists(st.sampled_from(["web", "store", "app"]), min_size=1,
                                     max_size=2))
def test_several_attributes_agree_with_loading(tmp_path: Path, log: pd.DataFrame,
                                               channels: list[str]) -> None:
    path = tmp_path / "two.parquet"
    log.to_parquet(path, index=False)
    same_answer(path, Figure(statistic="mean", column="monetary", by="region"),
                In(column="channel", values=[*channels]))


@SETTINGS
@given(log=logs(ORDER_IDS))
def test_a_csv_file_agrees_with_loading(tmp_path: Path, log: pd.DataFrame) -> None:
    path = tmp_path / "lines.csv"
    log.to_csv(path, index=False)
    same_answer(path, Figure(statistic="revenue_share", by="channel"), None)
