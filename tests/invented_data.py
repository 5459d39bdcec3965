"""Customer data the project has never seen, invented for interpreter tests.

A garden-supplies shop's customer table and an order log of a bicycle shop, with
column names and values no lexicon knows in advance, written to real files and
loaded through the real loader, so tests meet what a user meets.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from tools.engine.dataset import CustomerData
from tools.engine.loading import load_customer_data

REGIONS = ["Norte", "Sur", "Este", "Oeste"]
COUNTRIES = ["Germany", "France", "Spain", "Italy", "United Kingdom", "Poland"]
TIERS = ["Bronze", "Silver", "Gold"]


def garden_table(folder: Path, rows: int = 400, seed: int = 7) -> Path:
    """One row per customer: spend, orders, days since the last order, a member-since date,
    a country, a loyalty tier, a newsletter flag (Y/N), an age and a number of children."""
    rng = random.Random(seed)
    start = date(2020, 1, 1)
    records = []
    for n in range(rows):
        records.append({
            "ClientRef": f"G{n:05d}",
            "TotalSpent": round(rng.uniform(5, 4000), 2),
            "OrderCount": rng.randint(0, 40),
            "DaysSinceLastOrder": rng.randint(1, 700),
            "MemberSince": (start + timedelta(days=rng.randint(0, 1500))).isoformat(),
            "HomeCountry": rng.choice(COUNTRIES),
            "LoyaltyTier": rng.choice(TIERS),
            "Newsletter": rng.choice(["Y", "N"]),
            "AgeYears": rng.randint(18, 85),
            "Gender": rng.choice(["F", "M"]),
            "NumChildren": rng.choice([0, 0, 1, 2, 3]),
        })
    path = folder / "garden_customers.csv"
    pd.DataFrame(records).to_csv(path, index=False)
    return path


def bike_log(folder: Path, customers: int = 300, seed: int = 11) -> Path:
    """Order lines of a bicycle shop: order, customer, date, price, quantity, region."""
    rng = random.Random(seed)
    lines: list[dict[str, object]] = []
    for c in range(customers):
        region = rng.choice(REGIONS)
        for _ in range(rng.randint(1, 12)):
            day = date(2023, 1, 1) + timedelta(days=rng.randint(0, 700))
            order = f"B{len(lines):06d}"
            for _ in range(rng.randint(1, 3)):
                lines.append({"Ticket": order, "Rider": 5000 + c, "SoldOn": day.isoformat(),
                              "Price": round(rng.uniform(10, 900), 2), "Units": rng.randint(1, 3),
                              "Zone": region})
    path = folder / "bike_orders.csv"
    pd.DataFrame(lines).to_csv(path, index=False)
    return path


def load(path: Path) -> CustomerData:
    return load_customer_data(path)


def streaming_table(folder: Path, rows: int = 360, seed: int = 23) -> Path:
    """One row per subscriber of a streaming service: a membership level, a 0-10
    recommend rating, a Y/N 'cancelled' flag, an age, a city written in Cyrillic, the
    signup channel, total paid, a monthly charge, support cases and a signup date."""
    rng = random.Random(seed)
    records = []
    for n in range(rows):
        records.append({
            "subscriber": f"S{n:04d}",
            "membership_level": rng.choice(["Lite", "Standard", "Premium"]),
            "recommend_rating": rng.randint(0, 10),
            "cancelled": rng.choice(["Y", "N", "N"]),
            "age": rng.randint(18, 80),
            "home_city": rng.choice(["Казань", "Омск", "Самара", "Тула"]),
            "signup_channel": rng.choice(["app", "web", "store"]),
            "paid_total": round(rng.uniform(10, 3000), 2),
            "monthly_charge": rng.choice([5, 9, 15]),
            "support_cases": rng.randint(0, 8),
            "signup_date": (date(2021, 3, 1) + timedelta(days=rng.randint(0, 1300))).isoformat(),
        })
    path = folder / "streaming_subscribers.csv"
    pd.DataFrame(records).to_csv(path, index=False)
    return path


PLANS = ["Basic", "Pro", "Team"]
SUB_REGIONS = ["Coastal", "Inland", "Highlands", "Islands"]


def subscription_table(folder: Path, rows: int = 600, seed: int = 31, *,
                       money: bool = True) -> Path:
    """One row per account of a software subscription: a plan, a region, a yes/no
    'churned' flag, a monthly fee, support tickets, months subscribed, a signup date and
    (with `money`) the total spent so far. Built with numpy from a fixed seed; churn is
    likelier on the Basic plan and with many tickets, so rates differ by group."""
    import numpy as np

    rng = np.random.default_rng(seed)
    plan = rng.choice(PLANS, size=rows, p=[0.5, 0.3, 0.2])
    region = rng.choice(SUB_REGIONS, size=rows)
    fee = np.select([plan == "Basic", plan == "Pro"], [9.0, 29.0], 79.0) + rng.integers(
        0, 3, size=rows) * 2.5
    tickets = rng.poisson(np.select([plan == "Basic", plan == "Pro"], [1.0, 2.5], 4.0))
    tenure = rng.integers(1, 61, size=rows)
    odds = np.select([plan == "Basic", plan == "Pro"], [0.35, 0.2], 0.1) + 0.03 * tickets
    churned = np.where(rng.random(rows) < odds, "yes", "no")
    start = np.datetime64("2019-06-01")
    signup = start + rng.integers(0, 1700, size=rows).astype("timedelta64[D]")
    frame = pd.DataFrame({
        "account_id": [f"A{n:05d}" for n in range(rows)],
        "plan": plan,
        "region": region,
        "churned": churned,
        "monthly_fee": fee,
        "support_tickets": tickets,
        "tenure_months": tenure,
        "signup_date": pd.to_datetime(signup).strftime("%Y-%m-%d"),
    })
    if money:
        frame["total_spend"] = (fee * tenure).round(2)
    name = "subscriptions.csv" if money else "subscriptions_no_billing.csv"
    path = folder / name
    frame.to_csv(path, index=False)
    return path
