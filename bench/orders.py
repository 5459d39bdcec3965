"""Realistic synthetic order lines for the benchmarks, generated once per size and seed.

The shape follows the Online Retail export (InvoiceNo, StockCode, Quantity,
InvoiceDate, UnitPrice, CustomerID, Country) with what makes real logs hard:
heavy-tailed purchase counts (a few customers place hundreds of orders), skewed
spend (log-normal prices, customer-level spend multipliers), churn (customers
stop buying at different times), several countries (mostly one home market,
some customers ordering from a second country), cancelled invoices ("C...",
negative quantities), free lines (price 0) and orders without a customer id.
One customer per 25 lines: 1M lines -> 40k customers, 10M -> 400k, 20M -> 800k.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

SEED = 20261123
LINES_PER_CUSTOMER = 25
LINES_PER_ORDER = 6
_START = np.datetime64("2023-01-01T00:00:00", "s")
_DAYS = 730
_COUNTRIES = np.array(["United Kingdom", "Germany", "France", "Spain", "Netherlands",
                       "Belgium", "Switzerland", "Portugal", "Australia", "Norway",
                       "Italy", "Sweden"])
_COUNTRY_WEIGHTS = np.array([0.70, 0.07, 0.06, 0.03, 0.03, 0.02, 0.02, 0.02, 0.015, 0.015,
                             0.01, 0.01])
_CHUNK = 2_000_000


def parse_size(text: str) -> int:
    """'1M' -> 1_000_000, '500k' -> 500_000, '20000' -> 20_000."""
    text = text.strip().lower()
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def size_label(lines: int) -> str:
    if lines % 1_000_000 == 0:
        return f"{lines // 1_000_000}M"
    return f"{lines // 1_000}k" if lines % 1_000 == 0 else str(lines)


def order_lines_file(lines: int, cache_dir: Path, seed: int = SEED) -> Path:
    """The Parquet file of `lines` order lines (written on first use, then reused)."""
    path = cache_dir / f"orders_{size_label(lines)}_seed{seed}.parquet"
    if not path.is_file():
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        write_order_lines(lines, partial, seed)
        partial.replace(path)
    return path


def write_order_lines(lines: int, path: Path, seed: int = SEED) -> None:
    rng = np.random.default_rng(seed)
    customers = max(lines // LINES_PER_CUSTOMER, 10)
    n_orders = max(lines // LINES_PER_ORDER, customers)
    # Heavy-tailed activity: Pareto weights, every customer at least one order.
    activity = rng.pareto(1.3, customers) + 0.05
    order_customer = np.concatenate([
        np.arange(customers),
        rng.choice(customers, n_orders - customers, p=activity / activity.sum()),
    ])
    rng.shuffle(order_customer)
    # Churn: each customer is active in a window; a third stop early.
    first_day = rng.integers(0, _DAYS - 30, customers)
    life = np.where(rng.random(customers) < 0.35,
                    rng.exponential(120, customers), _DAYS).astype(np.int64)
    last_day = np.minimum(first_day + 30 + life, _DAYS - 1)
    span = last_day[order_customer] - first_day[order_customer]
    order_day = first_day[order_customer] + (rng.random(n_orders) * (span + 1)).astype(np.int64)
    order_time = (order_day * 86_400 + rng.integers(8 * 3600, 20 * 3600, n_orders))
    home = rng.choice(len(_COUNTRIES), customers, p=_COUNTRY_WEIGHTS)
    away = rng.choice(len(_COUNTRIES), customers, p=_COUNTRY_WEIGHTS)
    order_country = np.where(rng.random(n_orders) < 0.05, away[order_customer],
                             home[order_customer])
    spender = rng.lognormal(0.0, 0.8, customers)
    cancelled = rng.random(n_orders) < 0.02
    anonymous = rng.random(n_orders) < 0.03
    order_numbers = 500_000 + np.arange(n_orders)
    # Lines per order: a skewed split of exactly `lines` lines, each order at least one.
    size_weights = rng.lognormal(0.0, 1.0, n_orders)
    extra = rng.multinomial(lines - n_orders, size_weights / size_weights.sum())
    line_order = np.repeat(np.arange(n_orders), extra + 1)
    writer: pq.ParquetWriter | None = None
    try:
        for start in range(0, lines, _CHUNK):
            part = line_order[start:start + _CHUNK]
            table = _chunk(rng, part, order_customer, order_time, order_country, spender,
                           cancelled, anonymous, order_numbers)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="snappy")
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()


def _chunk(rng: np.random.Generator, orders: np.ndarray, order_customer: np.ndarray,
           order_time: np.ndarray, order_country: np.ndarray, spender: np.ndarray,
           cancelled: np.ndarray, anonymous: np.ndarray, order_numbers: np.ndarray) -> pa.Table:
    n = len(orders)
    customer = order_customer[orders]
    quantity = rng.geometric(0.3, n).astype(np.int64)
    quantity = np.where(cancelled[orders], -quantity, quantity)
    price = np.round(rng.lognormal(1.0, 0.9, n) * spender[customer], 2)
    price[rng.random(n) < 0.002] = 0.0
    invoice = order_numbers[orders].astype(str).astype(object)
    marked = cancelled[orders]
    invoice[marked] = np.char.add("C", invoice[marked].astype(str))
    stock = rng.zipf(1.6, n) % 4000 + 10_000
    ids = pa.array(customer + 12_000, mask=anonymous[orders])
    stamps = _START + order_time[orders].astype("timedelta64[s]")
    return pa.table({
        "InvoiceNo": pa.array(invoice, pa.string()),
        "StockCode": pa.array(stock.astype(str), pa.string()),
        "Quantity": pa.array(quantity),
        "InvoiceDate": pa.array(stamps.astype("datetime64[us]")),
        "UnitPrice": pa.array(price),
        "CustomerID": ids,
        "Country": pa.array(_COUNTRIES[order_country[orders]], pa.string()),
    })
