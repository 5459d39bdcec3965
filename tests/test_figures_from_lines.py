"""Questions about the data straight from an order-line file: `figures_from_lines`.

A question that reads only spend and attributes asks the scan for just those (one grouping
per customer and value); any other takes every feature. Both must give what loading the
file and asking pandas gives, on invented logs with what real ones carry:
cancelled orders, returns, text ids with spaces, missing markers and ties among a
customer's attribute values.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.engine.definitions import Compare, In
from tools.engine.errors import DataError
from tools.engine.evaluate import evaluate
from tools.engine.figures import Figure, FigureTable, figures
from tools.engine.figures_sql import _columns_read, figures_from_lines
from tools.engine.loading import load_customer_data

# Names no lexicon knows, so the roles are mapped, as a user would with --map.
MAPPING = {"customer_id": "shopper", "date": "bought_at", "order_id": "ticket",
           "quantity": "qty", "unit_price": "price_each"}
CHANNELS = ["web", "store", "app", "n/a", " web", "unknown"]
REGIONS = ["North", "South", "East"]


def order_log(rows: list[tuple[str, int, str, int, float, str, str]]) -> pd.DataFrame:
    """Lines as (customer, day of Jan 2024, order id, quantity, price, channel, region)."""
    return pd.DataFrame({
        "shopper": [r[0] for r in rows],
        "bought_at": pd.to_datetime([f"2024-01-{r[1]:02d} 10:00" for r in rows]),
        "ticket": [r[2] for r in rows],
        "qty": [r[3] for r in rows],
        "price_each": [r[4] for r in rows],
        "channel": [r[5] for r in rows],
        "region": [r[6] for r in rows],
    })


def plain_log() -> pd.DataFrame:
    rows = []
    for n in range(40):
        customer = f"S{n % 13:03d}" if n % 5 else f" S{n % 13:03d} "  # the same id, spaced
        order = f"C{n}" if n % 11 == 0 else f"T{n // 2}"  # cancellations
        quantity = -1 if n % 17 == 0 else 1 + n % 4  # returns
        rows.append((customer, 1 + n % 28, order, quantity, 2.5 + n % 7,
                     CHANNELS[n % len(CHANNELS)], REGIONS[(n // 3) % 3]))
    return order_log(rows)


def summary(table: FigureTable) -> list[tuple[str, int, int, float | None]]:
    return [(r.group, r.customers, r.known,
             None if r.value is None else round(r.value, 6)) for r in table.rows]


def pandas_answer(path: Path, figure: Figure) -> list[tuple[str, int, int, float | None]]:
    data = load_customer_data(path, mapping=MAPPING)
    target = evaluate(figure.target, data) if figure.target is not None else None
    return summary(figures(data, figure, target_mask=target))


QUESTIONS = [
    Figure(statistic="sum", column="monetary", by="channel", top=3),
    Figure(statistic="customers", by="region"),
    Figure(statistic="revenue_share", by="channel"),
    Figure(statistic="mean", column="monetary", by="region"),
    Figure(statistic="median", column="monetary", by="channel"),
    Figure(statistic="rate", target=In(column="channel", values=["web"]), by="region"),
    Figure(statistic="spend_per_customer", by="channel"),
    # These read orders, so they take the full features query.
    Figure(statistic="order_value", by="channel"),
    Figure(statistic="sum", column="monetary", by="region",
           target=Compare(column="frequency", op=">", value=1)),
]


@pytest.mark.parametrize("figure", QUESTIONS, ids=lambda f: f"{f.statistic}-{f.by}")
def test_lines_answer_as_loading_does(tmp_path: Path, figure: Figure) -> None:
    path = tmp_path / "lines.parquet"
    plain_log().to_parquet(path, index=False)
    got = summary(figures_from_lines(str(path), figure, mapping=MAPPING))
    assert got == pandas_answer(path, figure)
    assert sum(row[1] for row in got) == len(load_customer_data(path, mapping=MAPPING).customers)


def test_questions_about_spend_and_attributes_take_the_lean_query() -> None:
    assert _columns_read(QUESTIONS[0], None) == ["channel"]
    assert _columns_read(QUESTIONS[-1], None) == ["region", "frequency"]
    # The population is read too.
    assert _columns_read(QUESTIONS[1], In(column="channel", values=["app"])) == \
        ["region", "channel"]


def test_a_population_from_the_lines(tmp_path: Path) -> None:
    path = tmp_path / "lines.parquet"
    plain_log().to_parquet(path, index=False)
    figure = Figure(statistic="sum", column="monetary", by="region")
    web = In(column="channel", values=["web"])
    got = summary(figures_from_lines(str(path), figure, population=web,
                                         mapping=MAPPING))
    data = load_customer_data(path, mapping=MAPPING)
    members = evaluate(web, data)
    expected = summary(figures(data, figure, population=members))
    assert got == expected and got


def test_when_every_order_looks_cancelled_the_mark_is_not_a_cancellation(
        tmp_path: Path) -> None:
    rows = [(f"K{n % 4}", 1 + n, f"C{n}", 1, 10.0, "web", REGIONS[n % 3]) for n in range(12)]
    path = tmp_path / "all_marked.parquet"
    order_log(rows).to_parquet(path, index=False)
    figure = Figure(statistic="sum", column="monetary", by="region")
    got = summary(figures_from_lines(str(path), figure, mapping=MAPPING))
    assert got == pandas_answer(path, figure)
    assert sum(row[3] or 0 for row in got) == pytest.approx(120.0)


@st.composite
def logs(draw: st.DrawFn, order_ids: tuple[str, ...] = ("T1", "T2", "T3", "C4", "c-5", "T6",
                                                        "T7")) -> pd.DataFrame:
    size = draw(st.integers(8, 40))
    rows = [(draw(st.sampled_from(["A1", "A2", " A2", "B7", "B8", "C9", "D0"])),
             draw(st.integers(1, 28)),
             draw(st.sampled_from(order_ids)),
             draw(st.sampled_from([-2, 0, 1, 1, 2, 3])),
             draw(st.sampled_from([0.0, 1.25, 3.5, 9.99, 20.0])),
             draw(st.sampled_from(CHANNELS)),
             draw(st.sampled_from(REGIONS)))
            for _ in range(size)]
    return order_log(rows)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(log=logs(), figure=st.sampled_from([f for f in QUESTIONS[:7] if f.target is None]))
def test_the_lean_query_agrees_with_loading_on_random_logs(
        tmp_path: Path, log: pd.DataFrame, figure: Figure) -> None:
    path = tmp_path / "random.parquet"
    log.to_parquet(path, index=False)
    try:
        expected: Any = pandas_answer(path, figure)
    except DataError:  # a log with no kept line loads as an error: so must the SQL
        with pytest.raises(DataError):
            figures_from_lines(str(path), figure, mapping=MAPPING)
        return
    assert summary(figures_from_lines(str(path), figure, mapping=MAPPING)) == expected
