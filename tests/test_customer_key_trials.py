"""The customer key in files a new-user trial brought, on invented data.

- A B2B order log names its buyers ("Company") and its sales reps ("SalesRep"): the buyers
  are the customers, whatever the number of reps; in en, zh and ru.
- Staff names ("SalesRep", "csm_owner", "account_manager", "客户经理", "Менеджер") are the
  business's own people, not customers' personal data: ordinary categories a segment can use.
- A customer table's id named in other languages ("学员ID", "会员号", "ID клиента") is the
  customer id, so ids written out are the ids, not row numbers.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from tools.engine.loading import load_customer_data
from tools.engine.parsing import parse_columns
from tools.engine.personal import personal_kind, says_staff
from tools.engine.roles import infer_schema
from tools.engine.schema import DataKind, DType, Role, Schema
from tools.toolkit import Toolkit

BUYERS = ["Acme Supply Co", "Blue Harbor Foods", "Northwind Traders", "Globex Retail",
          "Umbrella Market", "Stark Hardware", "Wayne Grocers", "Pied Piper Deli",
          "Hooli Mart", "Vandelay Imports", "Soylent Corner", "Tyrell Trading"]
REPS = ["Anna Schmidt", "John Carter", "Maria Rossi"]
ZH_BUYERS = ["华联超市", "永辉商贸", "百佳便利", "家乐批发", "大润发店", "美宜佳店", "联华商行",
             "物美超市", "天虹百货", "苏果超市"]
ZH_REPS = ["张伟", "王芳", "李娜"]
RU_BUYERS = ["Ромашка", "Вектор", "Альфа Трейд", "Северный Путь", "Гранит", "Орбита",
             "Меридиан", "Квант", "Полюс", "Рассвет"]
RU_REPS = ["Петров Иван", "Иванова Анна", "Смирнов Олег"]


def schema_of(columns: dict[str, list[str]]) -> Schema:
    parsed, dtypes = parse_columns(pd.DataFrame(columns, dtype=str))
    return infer_schema(parsed, dtypes, None)


def roles(schema: Schema) -> dict[str, Role]:
    return {c.name: c.role for c in schema.columns}


def order_log(headers: tuple[str, str, str, str], buyers: list[str], reps: list[str],
              n: int = 240) -> dict[str, list[str]]:
    """Buyer, order date, amount, rep: each buyer orders many times, from a few reps."""
    buyer, when, amount, rep = headers
    start = date(2025, 1, 6)
    return {buyer: [buyers[k % len(buyers)] for k in range(n)],
            when: [(start + timedelta(days=(7 * k) % 150)).isoformat() for k in range(n)],
            amount: [f"{100 + (37 * k) % 900}.50" for k in range(n)],
            rep: [reps[(k // 5) % len(reps)] for k in range(n)]}


@pytest.mark.parametrize(("headers", "buyers", "reps"), [
    (("Company", "InvoiceDate", "InvoiceTotal", "SalesRep"), BUYERS, REPS),
    (("Client Name", "Order Date", "Amount", "account_manager"), BUYERS, REPS),
    (("公司名称", "下单日期", "金额", "销售"), ZH_BUYERS, ZH_REPS),
    (("客户名称", "订单日期", "金额", "客户经理"), ZH_BUYERS, ZH_REPS),
    (("Компания", "Дата заказа", "Сумма", "Менеджер"), RU_BUYERS, RU_REPS),
    (("Покупатель", "Дата заказа", "Сумма", "Ответственный"), RU_BUYERS, RU_REPS),
])
def test_the_buyer_is_the_key_and_the_rep_a_category(headers: tuple[str, str, str, str],
                                                      buyers: list[str],
                                                      reps: list[str]) -> None:
    schema = schema_of(order_log(headers, buyers, reps))
    found = roles(schema)
    assert schema.kind is DataKind.TRANSACTIONS
    assert found[headers[0]] is Role.CUSTOMER_ID
    assert found[headers[3]] is Role.CATEGORY


def test_a_contact_person_beside_the_company_is_not_the_key() -> None:
    # The company buys; its contact person is personal data beside it.
    columns = order_log(("Company", "InvoiceDate", "InvoiceTotal", "Rep"), BUYERS, REPS)
    columns["Contact Name"] = [f"{g} {f}" for g, f in zip(
        ["Lucy", "Peter", "Olga", "Hans"] * 60, ["Smith", "Brown", "King", "Hall"] * 60,
        strict=True)]
    found = roles(schema_of(columns))
    assert found["Company"] is Role.CUSTOMER_ID
    assert found["Contact Name"] is Role.PERSONAL


def test_a_companys_name_as_key_is_not_called_personal() -> None:
    schema = schema_of(order_log(("Company", "InvoiceDate", "InvoiceTotal", "SalesRep"),
                                 BUYERS, REPS))
    key = schema.column("Company")
    assert key is not None and key.personal_kind is None
    assert "personal" not in key.reason and "names the customers" in key.reason


def test_a_company_column_in_a_customer_table_is_not_the_key() -> None:
    # No order date, no order number: the customers' employer, not a log's buyer.
    n = 60
    schema = schema_of({
        "Company": [BUYERS[k % 4] for k in range(n)],
        "signup": [(date(2024, 1, 1) + timedelta(days=k)).isoformat() for k in range(n)],
        "total_spend": [str(10 * k) for k in range(n)]})
    assert schema.kind is DataKind.CUSTOMERS
    assert roles(schema)["Company"] is Role.CATEGORY


def test_a_staff_id_is_not_the_customer_id() -> None:
    schema = schema_of({"account_manager_id": ["M1", "M2", "M1", "M2"],
                        "client_id": ["C1", "C2", "C3", "C4"],
                        "spend": ["1", "2", "3", "4"]})
    assert roles(schema)["client_id"] is Role.CUSTOMER_ID
    assert roles(schema)["account_manager_id"] is not Role.CUSTOMER_ID


@pytest.mark.parametrize("header", ["SalesRep", "csm_owner", "account_manager", "ACCOUNTMANAGER",
                                    "客户经理", "负责人", "业务员", "销售", "Менеджер",
                                    "Продавец", "Агент", "Ответственный менеджер"])
def test_staff_names_are_not_personal(header: str) -> None:
    names = pd.Series(["Anna Schmidt", "John Carter", "Maria Rossi", "张伟", "Петров Иван"] * 20)
    assert says_staff(header)
    assert personal_kind(header, names, DType.TEXT) is None


@pytest.mark.parametrize(("header", "values", "kind"), [
    ("Customer Name", [f"{g} Smith" for g in ["Anna", "John", "Maria", "Lucy"]] * 10, "name"),
    ("Recipient", ["Anna Schmidt", "John Carter", "Maria Rossi"] * 30, "name"),
    ("rep_email", [f"rep{k}@example.org" for k in range(40)], "email"),
    # Only "sales" alone names who sold; more words name something else.
    ("Sales Contact", [f"{g} {f}" for g in ["Anna", "John", "Maria", "Lucy", "Peter"]
                       for f in ["Smith", "Brown", "King", "Hall"]] * 2, "name"),
])
def test_customers_and_staff_contacts_stay_personal(header: str, values: list[str],
                                                    kind: str) -> None:
    assert personal_kind(header, pd.Series(values), DType.TEXT) == kind


def test_a_segment_can_name_a_reps_customers(tmp_path: Path) -> None:
    n = 40
    rows = [f"C{k:03d},{['Boris Petrov', 'Anna Schmidt'][k % 2]},"
            f"{['Gold', 'Silver'][k % 3 == 0]},{10 * k}" for k in range(n)]
    path = tmp_path / "accounts.csv"
    path.write_text("client_id,csm_owner,plan,total_spend\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    data = load_customer_data(path)
    owner = data.schema.column("csm_owner")
    assert owner is not None and owner.role is Role.CATEGORY
    assert set(owner.values) == {"Boris Petrov", "Anna Schmidt"}
    result = Toolkit(data).call("define_segment", {"condition": {
        "type": "in", "column": "csm_owner", "values": ["Boris Petrov"]}})
    assert result.ok and result.to_dict()["summary"]["size"] == n // 2


@pytest.mark.parametrize("header", ["学员ID", "客户ID", "用户编号", "会员号", "客户编号", "学号",
                                    "VIP编号", "ID клиента", "номер_клиента", "код_клиента",
                                    "ID ученика"])
def test_an_id_named_in_other_languages_is_the_customer_id(header: str) -> None:
    n = 30
    schema = schema_of({
        "城市": [["北京", "上海", "广州"][k % 3] for k in range(n)],
        header: [f"S{10000 + k}" for k in range(n)],
        "年龄": [str(18 + k % 40) for k in range(n)],
        "注册日期": [(date(2025, 1, 1) + timedelta(days=k)).isoformat() for k in range(n)]})
    assert schema.kind is DataKind.CUSTOMERS
    assert roles(schema)[header] is Role.CUSTOMER_ID


def test_the_ids_written_out_are_the_students_ids(tmp_path: Path) -> None:
    rows = [f"S{20000 + k},{['北京', '上海'][k % 2]},{100 + k}.5" for k in range(25)]
    path = tmp_path / "students.csv"
    path.write_text("学员ID,城市,累计消费金额\n" + "\n".join(rows) + "\n", encoding="utf-8")
    data = load_customer_data(path)
    assert list(data.customers.index[:2]) == ["S20000", "S20001"]


def test_a_count_beside_row_numbers_is_not_the_customer_id() -> None:
    schema = schema_of({"id": ["1", "2", "3", "4"], "num_orders": ["3", "1", "7", "2"],
                        "line_no": ["11", "12", "13", "14"], "age": ["31", "45", "22", "58"]})
    assert roles(schema)["id"] is Role.CUSTOMER_ID
    assert roles(schema)["num_orders"] is Role.FREQUENCY


def test_a_yes_no_column_named_for_email_is_no_customer_key(tmp_path: Path) -> None:
    """"opt_in_email" of 0 and 1 repeats as a log's customers do, but names no one: a table
    without an id keeps one customer per row."""
    frame = pd.DataFrame({"member": range(300), "tier": ["Gold", "Basic", "Plus"] * 100,
                          "opt_in_email": [0, 1] * 150})
    path = tmp_path / "optins.csv"
    frame.to_csv(path, index=False)
    data = load_customer_data(path)
    assert data.n_customers == 300
