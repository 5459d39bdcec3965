"""Product categories and sales channels named in one language meet the data's values
written in another, through the lexicons' value groups (`*_category`, `marketplace`,
`phone`, `social`). Invented order logs and customer tables, with values in English,
Chinese or Russian, asked in the other languages. Intended answers are plain pandas: on an
order log, "bought X" is the customer's most frequent value (ties to the alphabetically
first), "ever bought X" / "хоть раз" / "曾经" is any line with X."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from assistant.core import Assistant
from tools.engine.loading import load_customer_data


def _log(folder: Path, categories: list[str], channels: list[str], seed: int,
         customers: int = 150, lines: int = 900) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "order_id": [f"O{k}" for k in range(lines)],
        "customer_id": [f"C{c}" for c in rng.integers(0, customers, lines)],
        "order_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(
            rng.integers(0, 360, lines), unit="D"),
        "product_category": rng.choice(categories, lines),
        "amount": rng.gamma(2, 30, lines).round(2),
        "channel": rng.choice(channels, lines),
    })
    path = folder / f"orders_{seed}.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _table(folder: Path, categories: list[str], channels: list[str], seed: int,
           n: int = 300) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "customer_id": [f"K{k}" for k in range(n)],
        "favorite_category": rng.choice(categories, n),
        "signup_channel": rng.choice(channels, n),
        "total_spend": rng.gamma(2, 200, n).round(2),
        "age": rng.integers(18, 80, n),
    })
    path = folder / f"customers_{seed}.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _most(frame: pd.DataFrame, column: str) -> pd.Series:
    """Each customer's most frequent value of `column`, ties to the alphabetically first."""
    counts = frame.groupby(["customer_id", column]).size().reset_index(name="n")
    counts = counts.sort_values(["customer_id", "n", column], ascending=[True, False, True])
    return counts.drop_duplicates("customer_id").set_index("customer_id")[column]


def _ever(frame: pd.DataFrame, column: str, value: str) -> int:
    return int(frame.loc[frame[column] == value, "customer_id"].nunique())


def _ask(path: Path, folder: Path, text: str) -> Any:
    return Assistant(load_customer_data(path), workspace=folder / "ws").ask(text)


_EN_CATEGORIES = ["Skincare", "Fragrance", "Footwear", "Pet Supplies"]
_EN_CHANNELS = ["Website", "App", "Marketplace", "Call Center"]

Expect = Callable[[pd.DataFrame], int]


@pytest.mark.parametrize(("text", "expected"), [
    ("曾经买过香水的客户", lambda f: _ever(f, "product_category", "Fragrance")),
    ("клиенты, которые хоть раз покупали парфюмерию",
     lambda f: _ever(f, "product_category", "Fragrance")),
    ("клиенты, которые покупали уход за кожей",
     lambda f: int((_most(f, "product_category") == "Skincare").sum())),
    ("购买宠物用品的客户", lambda f: int((_most(f, "product_category") == "Pet Supplies").sum())),
    ("исключи тех, кто покупал через маркетплейс",
     lambda f: int((_most(f, "channel") != "Marketplace").sum())),
    ("клиенты, которые хоть раз заказывали через колл-центр",
     lambda f: _ever(f, "channel", "Call Center")),
    ("通过呼叫中心下单的客户", lambda f: int((_most(f, "channel") == "Call Center").sum())),
])
def test_an_english_order_log_asked_in_chinese_and_russian(
        tmp_path: Path, text: str, expected: Expect) -> None:
    path, frame = _log(tmp_path, _EN_CATEGORIES, _EN_CHANNELS, seed=1)
    turn = _ask(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == expected(frame), turn.reply


@pytest.mark.parametrize(("text", "word"), [
    ("клиенты, которые покупали игрушки", "игрушки"),
    ("买过玩具的客户", "玩具"),
    ("customers who bought jewelry", "jewelry"),
])
def test_a_category_the_log_lacks_names_the_real_ones(tmp_path: Path, text: str,
                                                      word: str) -> None:
    path, _ = _log(tmp_path, _EN_CATEGORIES, _EN_CHANNELS, seed=1)
    turn = _ask(path, tmp_path, text)
    assert turn.segment is None, turn.reply
    assert word in turn.reply and "Skincare" in turn.reply and "Fragrance" in turn.reply


@pytest.mark.parametrize(("text", "column", "values", "negated"), [
    ("购买服装的客户", "favorite_category", ["Clothing"], False),
    ("клиенты, которые покупают украшения", "favorite_category", ["Jewelry"], False),
    ("клиенты, которые покупают продукты питания", "favorite_category", ["Groceries"], False),
    ("клиенты, пришедшие через соцсети", "signup_channel", ["Social Media"], False),
    ("通过社交媒体注册的客户", "signup_channel", ["Social Media"], False),
    ("不包括通过平台注册的客户", "signup_channel", ["Marketplace"], True),
])
def test_an_english_customer_table_asked_in_chinese_and_russian(
        tmp_path: Path, text: str, column: str, values: list[str], negated: bool) -> None:
    path, frame = _table(tmp_path, ["Clothing", "Jewelry", "Toys", "Groceries", "Beauty"],
                         ["Marketplace", "Store", "Social Media", "Website"], seed=2)
    turn = _ask(path, tmp_path, text)
    chosen = frame[column].isin(values)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int((~chosen if negated else chosen).sum()), turn.reply


@pytest.mark.parametrize(("text", "expected"), [
    ("customers who ever bought perfume", lambda f: _ever(f, "product_category", "香水")),
    ("клиенты, которые хоть раз покупали обувь",
     lambda f: _ever(f, "product_category", "鞋靴")),
    ("customers who bought pet supplies",
     lambda f: int((_most(f, "product_category") == "宠物用品").sum())),
    ("customers who bought skincare",
     lambda f: int((_most(f, "product_category") == "护肤品").sum())),
    ("exclude customers who bought via marketplaces",
     lambda f: int((_most(f, "channel") != "电商平台").sum())),
    ("клиенты, которые покупали через колл-центр",
     lambda f: int((_most(f, "channel") == "呼叫中心").sum())),
])
def test_a_chinese_order_log_asked_in_english_and_russian(
        tmp_path: Path, text: str, expected: Expect) -> None:
    path, frame = _log(tmp_path, ["护肤品", "香水", "鞋靴", "宠物用品"],
                       ["电商平台", "官网", "呼叫中心"], seed=3)
    turn = _ask(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == expected(frame), turn.reply


@pytest.mark.parametrize(("text", "column", "values"), [
    ("customers who buy perfume", "favorite_category", ["Парфюмерия"]),
    ("购买电子产品的客户", "favorite_category", ["Электроника"]),
    ("customers who buy shoes or clothes", "favorite_category", ["Обувь", "Одежда"]),
    ("marketplace customers", "signup_channel", ["Маркетплейс"]),
    ("电商平台客户", "signup_channel", ["Маркетплейс"]),
])
def test_a_russian_customer_table_asked_in_english_and_chinese(
        tmp_path: Path, text: str, column: str, values: list[str]) -> None:
    path, frame = _table(tmp_path, ["Парфюмерия", "Одежда", "Обувь", "Электроника"],
                         ["Маркетплейс", "Сайт", "Магазин"], seed=4)
    turn = _ask(path, tmp_path, text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["size"] == int(frame[column].isin(values).sum()), turn.reply


def test_a_category_the_table_lacks_names_the_real_ones(tmp_path: Path) -> None:
    path, _ = _table(tmp_path, ["Парфюмерия", "Одежда", "Обувь", "Электроника"],
                     ["Маркетплейс", "Сайт", "Магазин"], seed=4)
    turn = _ask(path, tmp_path, "customers who buy toys")
    assert turn.segment is None and "toys" in turn.reply and "Парфюмерия" in turn.reply


def test_booked_beside_a_category_column_is_a_purchase_not_a_missing_category(
        tmp_path: Path) -> None:
    """"book" is left out of the groups: "booked" stays a purchase."""
    path, _ = _log(tmp_path, _EN_CATEGORIES, _EN_CHANNELS, seed=1)
    turn = _ask(path, tmp_path, "customers who booked in the last 30 days")
    assert turn.segment is not None, turn.reply
    assert turn.segment["definition"].get("column") == "recency_days", turn.reply
