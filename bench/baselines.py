"""The two baselines the engine is measured against, run on the same Parquet file.

Both do the job of the engine's pipeline (clean the log as SEMANTICS.md says,
customer features, RFM scores with NTILE(5) and segment names, then a profile
of one segment) the way a data person would write it by hand:
- `pandas_pipeline`: an idiomatic pandas script (groupby/agg, rank + qcut, a
  dict lookup for names), the kind found in RFM tutorials.
- `duckdb_pipeline`: one DuckDB SQL statement over the file, the fastest
  engine installed here, its result fetched as a DataFrame.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

_NAMES = {  # (R, F) -> segment, SEMANTICS.md table
    **{(5, f): "Champions" for f in (4, 5)},
    **{(r, f): "Loyal Customers" for r in (3, 4) for f in (4, 5)},
    **{(r, f): "Potential Loyalists" for r in (4, 5) for f in (2, 3)},
    (5, 1): "New Customers", (4, 1): "Promising", (3, 3): "Need Attention",
    **{(3, f): "About to Sleep" for f in (1, 2)},
    **{(r, f): "At Risk" for r in (1, 2) for f in (3, 4)},
    **{(r, 5): "Can't Lose Them" for r in (1, 2)},
    **{(r, f): "Hibernating" for r in (1, 2) for f in (1, 2)},
}


def pandas_pipeline(path: Path) -> dict[str, Any]:
    lines = pd.read_parquet(path)
    lines = lines.dropna(subset=["CustomerID", "InvoiceDate"])
    lines = lines[~lines["InvoiceNo"].str.startswith("C")]
    lines = lines[lines["Quantity"] > 0]
    lines["amount"] = lines["Quantity"] * lines["UnitPrice"]
    lines = lines[lines["amount"] > 0]
    lines["day"] = lines["InvoiceDate"].dt.normalize()
    as_of = lines["day"].max() + pd.Timedelta(days=1)
    customers = lines.groupby("CustomerID").agg(
        last=("day", "max"), first=("day", "min"),
        frequency=("InvoiceNo", "nunique"), monetary=("amount", "sum"))
    customers["recency_days"] = (as_of - customers["last"]).dt.days
    customers["tenure_days"] = (as_of - customers["first"]).dt.days
    counts = lines.groupby(["CustomerID", "Country"]).size().reset_index(name="n")
    counts = counts.sort_values(["CustomerID", "n", "Country"], ascending=[True, False, True])
    customers["Country"] = counts.drop_duplicates("CustomerID").set_index("CustomerID")["Country"]
    customers = customers.sort_index()
    labels = [1, 2, 3, 4, 5]
    customers["r"] = pd.qcut(customers["recency_days"].rank(method="first", ascending=False),
                             5, labels=labels).astype(int)
    customers["f"] = pd.qcut(customers["frequency"].rank(method="first"), 5,
                             labels=labels).astype(int)
    customers["m"] = pd.qcut(customers["monetary"].rank(method="first"), 5,
                             labels=labels).astype(int)
    customers["segment"] = [_NAMES[(r, f)] for r, f in zip(customers["r"], customers["f"],
                                                             strict=True)]
    members = customers[customers["segment"] == "At Risk"]
    profile = {
        "customers": len(members),
        "means": members[["recency_days", "frequency", "monetary", "tenure_days"]].mean()
        .to_dict(),
        "countries": members["Country"].value_counts(normalize=True).head(5).to_dict(),
    }
    return {"customers": len(customers), "profile": profile}


def _names_sql() -> str:
    rows = ", ".join(f"({r}, {f}, '{name.replace(chr(39), chr(39) * 2)}')"
                     for (r, f), name in _NAMES.items())
    return f"SELECT * FROM (VALUES {rows}) AS names(r, f, segment)"


def duckdb_pipeline(path: Path) -> dict[str, Any]:
    import duckdb

    connection = duckdb.connect()
    customers = connection.execute(f"""
        WITH lines AS (
            SELECT CustomerID AS id, date_trunc('day', InvoiceDate) AS day, InvoiceNo,
                   Quantity * UnitPrice AS amount, Country
            FROM read_parquet($path)
            WHERE CustomerID IS NOT NULL AND InvoiceDate IS NOT NULL
              AND NOT starts_with(InvoiceNo, 'C') AND Quantity > 0
              AND Quantity * UnitPrice > 0),
        bounds AS (SELECT max(day) + INTERVAL 1 DAY AS as_of FROM lines),
        features AS (
            SELECT id, max(day) AS last, min(day) AS first,
                   count(DISTINCT InvoiceNo) AS frequency, sum(amount) AS monetary
            FROM lines GROUP BY id),
        countries AS (
            SELECT id, arg_min(Country, (-n, Country)) AS Country FROM (
                SELECT id, Country, count(*) AS n FROM lines GROUP BY id, Country)
            GROUP BY id),
        scored AS (
            SELECT f.id, date_diff('day', f.last, b.as_of) AS recency_days, f.frequency,
                   f.monetary, date_diff('day', f.first, b.as_of) AS tenure_days, c.Country,
                   ntile(5) OVER (ORDER BY date_diff('day', f.last, b.as_of) DESC, f.id) AS r,
                   ntile(5) OVER (ORDER BY f.frequency, f.id) AS f,
                   ntile(5) OVER (ORDER BY f.monetary, f.id) AS m
            FROM features f CROSS JOIN bounds b JOIN countries c USING (id))
        SELECT s.*, n.segment FROM scored s JOIN ({_names_sql()}) n USING (r, f)
        ORDER BY s.id""", {"path": str(path)}).df()
    connection.register("customers", customers)
    means = connection.execute("""
        SELECT count(*), avg(recency_days), avg(frequency), avg(monetary), avg(tenure_days)
        FROM customers WHERE segment = 'At Risk'""").fetchone()
    countries = connection.execute("""
        SELECT Country, count(*) / sum(count(*)) OVER () AS share FROM customers
        WHERE segment = 'At Risk' GROUP BY Country ORDER BY share DESC LIMIT 5""").fetchall()
    connection.close()
    return {"customers": len(customers), "profile": {"means": means, "countries": countries}}
