"""Customer tables with Chinese and Russian headers and values get the roles English ones get.

Each table is invented here and written to disk in three languages (the same values, the
headers and the yes/no words translated); the real loader reads it. A spend column is the
monetary role, a whole-number count of orders the frequency, days since the last (first)
purchase the recency (tenure), a registration date a date, and a column of yes/no words
('是'/'否', 'да'/'нет', 'yes'/'no') a flag whose yes rows are the rows that said yes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tools.engine.dataset import CustomerData
from tools.engine.loading import load_customer_data
from tools.engine.schema import DataKind, DType, Role

ROWS = 80
# What each kind of column is expected to become.
EXPECTED = {"spend": Role.MONETARY, "orders": Role.FREQUENCY, "recency": Role.RECENCY,
            "tenure": Role.TENURE, "joined": Role.DATE_ATTRIBUTE, "flag": Role.FLAG}
# Headers (kind -> header) and the yes/no words of each language, three spellings each. The
# i-th spelling of every language names the same thing, so the roles must agree across them.
HEADERS: dict[str, list[tuple[dict[str, str], tuple[str, str]]]] = {
    "en": [
        ({"id": "customer_id", "spend": "total_spent", "orders": "orders",
          "recency": "days_since_last_purchase", "tenure": "days_since_first_purchase",
          "joined": "signup_date", "flag": "churned"}, ("yes", "no")),
        ({"id": "Customer ID", "spend": "Total Spend", "orders": "Number of Orders",
          "recency": "Days Since Last Order", "tenure": "Days Since First Order",
          "joined": "Registration Date", "flag": "Subscribed"}, ("Y", "N")),
        ({"id": "client_no", "spend": "amount of purchases", "orders": "order count",
          "recency": "days since last purchase", "tenure": "days since first purchase",
          "joined": "date joined", "flag": "has card"}, ("true", "false")),
        ({"id": "customer_id", "spend": "amount", "orders": "purchases",
          "recency": "days since last order", "tenure": "days since first order",
          "joined": "signup date", "flag": "active"}, ("yes", "no")),
        # The currency or the counted unit as the header's unit.
        ({"id": "CustomerID", "spend": "Total Spent (USD)", "orders": "Orders Count",
          "recency": "Days since last purchase", "tenure": "Days since first purchase",
          "joined": "signup_date", "flag": "Churned"}, ("Yes", "No")),
    ],
    "zh": [
        ({"id": "顾客ID", "spend": "累计消费", "orders": "购买次数",
          "recency": "距上次购买天数", "tenure": "距首次购买天数",
          "joined": "注册日期", "flag": "是否流失"}, ("是", "否")),
        ({"id": "用户编号", "spend": "消费总额", "orders": "订单数量",
          "recency": "最近下单天数", "tenure": "首次下单天数",
          "joined": "注册时间", "flag": "是否订阅"}, ("是", "否")),
        ({"id": "会员号", "spend": "消费额", "orders": "下单次数",
          "recency": "距离上次购买天数", "tenure": "距离首次购买天数",
          "joined": "开卡日期", "flag": "有无会员卡"}, ("有", "无")),
        ({"id": "客户编号", "spend": "金额", "orders": "订单数",
          "recency": "最近购买天数", "tenure": "首次购买天数",
          "joined": "注册日期", "flag": "是否活跃"}, ("对", "错")),
        ({"id": "客户ID", "spend": "消费金额（元）", "orders": "订单数（笔）",
          "recency": "距上次消费天数", "tenure": "距首次消费天数",
          "joined": "注册日期", "flag": "是否流失"}, ("是", "否")),
    ],
    "ru": [
        ({"id": "клиент", "spend": "сумма_покупок", "orders": "число_заказов",
          "recency": "дней_с_последней_покупки", "tenure": "дней_с_первой_покупки",
          "joined": "дата_регистрации", "flag": "ушёл"}, ("да", "нет")),
        ({"id": "ID клиента", "spend": "Траты", "orders": "Количество заказов",
          "recency": "Дней с последнего заказа", "tenure": "Дней с первого заказа",
          "joined": "Дата регистрации", "flag": "Подписка"}, ("Д", "Н")),
        ({"id": "Код покупателя", "spend": "Сумма заказов", "orders": "Число покупок",
          "recency": "дней с последней покупки", "tenure": "дней с первой покупки",
          "joined": "дата вступления", "flag": "есть карта"}, ("ДА", "НЕТ")),
        ({"id": "номер клиента", "spend": "сумма", "orders": "покупок",
          "recency": "дней с последнего заказа", "tenure": "дней с первого заказа",
          "joined": "дата регистрации", "flag": "активен"}, ("да", "нет")),
        ({"id": "Клиент", "spend": "Сумма покупок, руб", "orders": "Кол-во заказов",
          "recency": "Дней с последней покупки", "tenure": "Дней с первой покупки",
          "joined": "Дата регистрации", "flag": "Подписка"}, ("Да", "Нет")),
    ],
}
CASES = [(language, i) for language in HEADERS for i in range(len(HEADERS[language]))]


def values(seed: int) -> dict[str, Any]:
    """The table's values, the same in every language; the flag as True/False."""
    rng = np.random.default_rng(seed)
    first = rng.integers(200, 900, ROWS)
    return {
        "id": [f"K{1000 + i}" for i in range(ROWS)],
        "spend": np.round(rng.uniform(5, 9000, ROWS), 2),
        "orders": rng.integers(1, 40, ROWS),
        "recency": rng.integers(0, 199, ROWS),
        "tenure": first,
        "joined": pd.Timestamp("2024-01-01") - pd.to_timedelta(first + 3, unit="D"),
        "flag": rng.random(ROWS) < 0.4,
    }


def write_table(path: Path, headers: dict[str, str], yes_no: tuple[str, str],
                seed: int = 7) -> pd.DataFrame:
    raw = values(seed)
    frame = pd.DataFrame({headers[kind]: column for kind, column in raw.items()
                          if kind != "flag"})
    frame[headers["flag"]] = np.where(raw["flag"], *yes_no)
    frame.to_csv(path, index=False)
    return frame


def load(tmp_path: Path, language: str, spelling: int) -> tuple[CustomerData, dict[str, str]]:
    headers, yes_no = HEADERS[language][spelling]
    path = tmp_path / f"{language}_{spelling}.csv"
    write_table(path, headers, yes_no, seed=spelling)
    return load_customer_data(path), headers


@pytest.mark.parametrize(("language", "spelling"), CASES)
def test_each_kind_of_column_gets_its_role(tmp_path: Path, language: str, spelling: int) -> None:
    data, headers = load(tmp_path, language, spelling)
    assert data.schema.kind is DataKind.CUSTOMERS
    assert len(data.customers) == ROWS
    found = {kind: data.schema.column(headers[kind]) for kind in EXPECTED}
    assert {kind: info.role if info else None for kind, info in found.items()} == EXPECTED
    assert data.schema.column(headers["joined"]).dtype is DType.DATE  # type: ignore[union-attr]


@pytest.mark.parametrize(("language", "spelling"), CASES)
def test_yes_rows_are_the_rows_that_said_yes(tmp_path: Path, language: str,
                                             spelling: int) -> None:
    headers, (yes, no) = HEADERS[language][spelling]
    path = tmp_path / "table.csv"
    raw = write_table(path, headers, (yes, no), seed=spelling)
    data = load_customer_data(path)
    flag = headers["flag"]
    info = data.schema.column(flag)
    assert info is not None and info.role is Role.FLAG and info.dtype is DType.BOOL
    said_yes = raw.set_index(raw[headers["id"]].astype(str))[flag] == yes
    loaded = data.customers[flag]
    assert loaded.astype(bool).to_dict() == said_yes.reindex(loaded.index.astype(str)).to_dict()
    assert 0 < int(loaded.sum()) < ROWS


@pytest.mark.parametrize("spelling", range(len(HEADERS["en"])))
def test_three_languages_give_the_same_roles(tmp_path: Path, spelling: int) -> None:
    roles = {}
    for language in HEADERS:
        data, headers = load(tmp_path, language, spelling)
        by_kind = {headers[kind]: kind for kind in headers}
        roles[language] = {by_kind[c.name]: (c.role, c.dtype) for c in data.schema.columns}
    assert roles["zh"] == roles["en"]
    assert roles["ru"] == roles["en"]


@pytest.mark.parametrize(("pair", "is_flag"), [
    (("是", "否"), True), (("有", "无"), True), (("да", "нет"), True), (("Д", "Н"), True),
    # One letter or character alone may be anything (a size, a grade): only as a pair.
    (("是", "是"), False), (("Д", "Д"), False),
    # Values that are no yes/no pair stay text.
    (("男", "女"), False), (("м", "ж"), False),
])
def test_yes_no_words_of_other_languages(pair: tuple[str, str], is_flag: bool) -> None:
    from tools.engine.parsing import parse_column

    raw = pd.Series([pair[0], pair[1], pair[0], pair[1], pair[0]], dtype="str")
    parsed = parse_column(raw)
    assert (parsed.dtype is DType.BOOL) is is_flag
    if is_flag:
        assert parsed.values.tolist() == [True, False, True, False, True]


@pytest.mark.parametrize("name", ["Purchase Amount (USD)", "购买金额", "last order amount",
                                  "上次消费金额", "сумма последнего заказа"])
def test_one_purchase_amount_is_no_spend(name: str) -> None:
    """The amount of one purchase (the last, or any one) is a measure, not the total spend."""
    from tools.engine.parsing import parse_columns
    from tools.engine.roles import infer_schema

    frame = pd.DataFrame({"customer_id": [f"C{i}" for i in range(30)],
                          name: [f"{10 + 7 * i}.50" for i in range(30)]})
    parsed, dtypes = parse_columns(frame)
    assert infer_schema(parsed, dtypes).column(name).role is Role.MEASURE  # type: ignore[union-attr]


@pytest.mark.parametrize(("header", "written", "sign"), [
    ("消费金额", "{:.2f}元", "¥"),
    ("累计消费", "￥{:,.2f}", "¥"),
    ("сумма покупок", "{:.0f} руб.", "₽"),
    ("Траты", "{:.0f} ₽", "₽"),
    ("total_spent", "{:.2f} USD", "$"),
])
def test_spend_written_with_its_currency(tmp_path: Path, header: str, written: str,
                                         sign: str) -> None:
    amounts = np.round(np.linspace(12.5, 4321.0, ROWS), 2)
    path = tmp_path / "spend.csv"
    pd.DataFrame({"customer_id": [f"C{i}" for i in range(ROWS)],
                  header: [written.format(a) for a in amounts]}).to_csv(path, index=False)
    data = load_customer_data(path)
    info = data.schema.column(header)
    assert info is not None and info.role is Role.MONETARY
    assert data.source.currency == sign
    assert data.customers[header].sum() == pytest.approx(
        sum(float(written.format(a).strip("元￥ руб.₽USD").replace(",", "")) for a in amounts))


# Through the interpreter ----------------------------------------------------------------


def _condition_on(call: Any, column: str) -> dict[str, Any]:
    args = call.args if isinstance(call.args, dict) else call.args.model_dump()
    condition = args["condition"]
    condition = condition if isinstance(condition, dict) else condition.model_dump()
    assert condition.get("column") == column, condition
    return condition


def _means_yes(condition: dict[str, Any], yes: str) -> bool:
    """A condition keeping the flag's yes rows: equal to True (or 1), or in [yes]."""
    if condition["type"] == "compare":
        return condition["op"] == "==" and condition["value"] in (True, 1, yes)
    return condition["type"] == "in" and condition["values"] in ([True], [yes])


def _interpret(data: CustomerData, text: str) -> Any:
    from assistant.interpreter import InterpreterContext, interpret

    return interpret(text, InterpreterContext(schema=data.schema))


ZH_TABLE = ({"id": "客户编号", "spend": "消费金额", "orders": "订单数",
             "recency": "距上次购买天数", "tenure": "距首次购买天数",
             "joined": "注册日期", "flag": "是否流失"}, ("是", "否"))
RU_TABLE = ({"id": "клиент", "spend": "сумма_покупок", "orders": "число_заказов",
             "recency": "дней_с_последней_покупки", "tenure": "дней_с_первой_покупки",
             "joined": "дата_регистрации", "flag": "подписка"}, ("да", "нет"))


@pytest.mark.parametrize(("table", "text"), [
    (ZH_TABLE, "流失的客户"),
    (ZH_TABLE, "已流失的客户"),
    (RU_TABLE, "клиенты с подпиской"),
])
def test_a_flag_asked_for_in_its_language(tmp_path: Path, table: Any, text: str) -> None:
    headers, (yes, no) = table
    path = tmp_path / "customers.csv"
    write_table(path, headers, (yes, no))
    result = _interpret(load_customer_data(path), text)
    assert result.clarification is None, result.clarification
    [call] = result.calls
    assert call.name == "define_segment"
    assert _means_yes(_condition_on(call, headers["flag"]), yes)


@pytest.mark.parametrize(("table", "text"), [
    (RU_TABLE, "средняя сумма покупок"),
    (ZH_TABLE, "平均消费金额"),
])
def test_spend_is_found_by_its_word(tmp_path: Path, table: Any, text: str) -> None:
    headers, yes_no = table
    path = tmp_path / "customers.csv"
    write_table(path, headers, yes_no)
    data = load_customer_data(path)
    assert data.schema.first(Role.MONETARY).name == headers["spend"]  # type: ignore[union-attr]
    result = _interpret(data, text)
    said = " ".join(filter(None, [result.clarification, *result.notes]))
    assert "spend" not in said.lower() and "amount" not in said.lower(), said
    assert result.calls, said


def test_no_value_means_both_yes_and_no() -> None:
    from tools.engine.yes_no import yes_no_words

    words = yes_no_words()
    assert not words.yes & words.no
    assert {"yes", "是", "да"} <= words.yes and {"no", "否", "нет"} <= words.no
