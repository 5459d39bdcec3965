"""Role inference from names, types and values; overrides; log vs customer table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tools.engine.errors import DataError
from tools.engine.loading import load_customer_data
from tools.engine.naming import name_words
from tools.engine.parsing import parse_columns
from tools.engine.roles import infer_schema, parse_role
from tools.engine.schema import DataKind, Role, Schema


def schema_of(columns: dict[str, list[str]], overrides: dict[str, str] | None = None) -> Schema:
    frame, dtypes = parse_columns(pd.DataFrame(columns, dtype=str))
    return infer_schema(frame, dtypes, overrides)


def roles(schema: Schema) -> dict[str, Role]:
    return {c.name: c.role for c in schema.columns}


@pytest.mark.parametrize(("name", "words"), [
    ("CustomerID", ["customer", "id"]),
    ("InvoiceDate", ["invoice", "date"]),
    ("customer_id", ["customer", "id"]),
    ("Annual Income (k$)", ["annual", "income", "k"]),
    ("days_since_last_order", ["days", "since", "last", "order"]),
    ("AcceptedCmp3", ["accepted", "cmp", "3"]),
    ("Campaign1Resp", ["campaign", "1", "resp"]),  # a digit between two words
    ("Q4Sales2023", ["q", "4", "sales", "2023"]),
    ("HTTPStatus", ["http", "status"]),
])
def test_name_words(name: str, words: list[str]) -> None:
    assert name_words(name) == words


def test_transaction_log_roles() -> None:
    schema = schema_of({
        "order_id": ["A1", "A1", "A2", "A3"],
        "client_id": ["10", "10", "11", "10"],
        "order_date": ["2024-01-01", "2024-01-01", "2024-01-02", "2024-02-01"],
        "qty": ["1", "2", "1", "5"],
        "price": ["9.99", "5.00", "3.50", "1.00"],
        "status": ["paid", "paid", "cancelled", "paid"],
        "channel": ["web", "web", "store", "app"],
    })
    assert schema.kind is DataKind.TRANSACTIONS
    assert roles(schema) == {"order_id": Role.ORDER_ID, "client_id": Role.CUSTOMER_ID,
                             "order_date": Role.DATE, "qty": Role.QUANTITY,
                             "price": Role.UNIT_PRICE, "status": Role.STATUS,
                             "channel": Role.CATEGORY}
    client = schema.column("client_id")
    assert client is not None and "repeat" in client.reason


def test_revenue_amount_in_a_log() -> None:
    schema = schema_of({"ID": ["1", "1", "2"], "Date": ["2024-01-01", "2024-01-05", "2024-01-02"],
                        "Revenue": ["$10.00", "$12.50", "$3.00"]})
    assert schema.kind is DataKind.TRANSACTIONS
    assert roles(schema)["Revenue"] is Role.AMOUNT


def test_unique_ids_make_a_customer_table() -> None:
    schema = schema_of({
        "id": ["1", "2", "3", "4"],
        "signup_date": ["2024-01-01", "2024-01-05", "2024-01-02", "2024-03-01"],
        "days_since_last_order": ["5", "40", "3", "100"],
        "num_orders": ["3", "1", "7", "2"],
        "total_spend": ["120.5", "20", "700", "35"],
        "gender": ["F", "M", "F", "F"],
        "newsletter": ["Yes", "No", "No", "Yes"],
        "vip": ["0", "1", "0", "0"],
        "age": ["31", "45", "22", "58"],
        "source": ["ads", "ads", "ads", "ads"],
    })
    assert schema.kind is DataKind.CUSTOMERS
    assert roles(schema) == {"id": Role.CUSTOMER_ID, "signup_date": Role.DATE_ATTRIBUTE,
                             "days_since_last_order": Role.RECENCY,
                             "num_orders": Role.FREQUENCY, "total_spend": Role.MONETARY,
                             "gender": Role.CATEGORY, "newsletter": Role.FLAG, "vip": Role.FLAG,
                             "age": Role.MEASURE, "source": Role.CONSTANT}
    gender = schema.column("gender")
    assert gender is not None and gender.values == ("F", "M") and gender.n_unique == 2
    assert all(c.reason for c in schema.columns)


def test_channel_purchase_counts_are_not_frequency() -> None:
    schema = schema_of({"ID": ["1", "2", "3"], "NumWebPurchases": ["1", "4", "2"],
                        "MntWines": ["10", "200", "35"]})
    assert roles(schema)["NumWebPurchases"] is Role.MEASURE
    assert roles(schema)["MntWines"] is Role.MEASURE


def test_high_cardinality_text_is_text() -> None:
    descriptions = [f"product number {i}" for i in range(200)]
    schema = schema_of({"Description": descriptions, "Size": ["S", "M", "L", "XL"] * 50})
    assert roles(schema)["Description"] is Role.TEXT
    assert roles(schema)["Size"] is Role.CATEGORY
    size = schema.column("Size")
    assert size is not None and set(size.values) == {"S", "M", "L", "XL"}


def test_category_values_most_frequent_first() -> None:
    schema = schema_of({"country": ["UK", "France", "UK", "Spain", "UK", "France"]})
    country = schema.column("country")
    assert country is not None and country.values == ("UK", "France", "Spain")


def test_personal_data_by_name() -> None:
    schema = schema_of({"customer_id": ["1", "2"], "First Name": ["Ann", "Bob"],
                        "Phone": ["555 0101", "555 0102"], "Address": ["1 High St", "2 Low Rd"],
                        "product_name": ["Mug", "Cup"]})
    by_name = {c.name: c for c in schema.columns}
    assert by_name["First Name"].role is Role.PERSONAL
    assert by_name["First Name"].personal_kind == "name"
    assert by_name["Phone"].personal_kind == "phone"
    assert by_name["Address"].personal_kind == "address"
    assert by_name["product_name"].role is not Role.PERSONAL


def test_personal_data_by_value() -> None:
    schema = schema_of({"id": ["1", "2", "3"],
                        "contact": ["ann@example.com", "bob@example.org", "cy@example.net"],
                        "line": ["+44 20 7946 0958", "+1 (555) 010-2030", "020 7946 0000"]})
    by_name = {c.name: c for c in schema.columns}
    assert by_name["contact"].role is Role.PERSONAL
    assert by_name["contact"].personal_kind == "email"
    assert by_name["line"].role is Role.PERSONAL
    assert by_name["line"].personal_kind == "phone"
    assert by_name["contact"].values == ()


def test_override_forces_a_role() -> None:
    columns = {"cust": ["1", "1", "2"], "d": ["2024-01-01", "2024-01-02", "2024-01-03"],
               "Revenue": ["5", "6", "7"], "Gross": ["9", "9", "9"]}
    schema = schema_of(columns, {"customer_id": "cust", "date": "d", "amount": "gross"})
    assert schema.kind is DataKind.TRANSACTIONS
    assert roles(schema)["Gross"] is Role.AMOUNT
    assert roles(schema)["Revenue"] is not Role.AMOUNT


def test_override_to_an_unknown_column_names_the_nearest() -> None:
    with pytest.raises(DataError) as info:
        schema_of({"Revenue": ["1", "2"], "Country": ["a", "b"]}, {"amount": "Revenu"})
    assert info.value.options[0] == "Revenue"
    assert "\n" not in str(info.value) and "--map" in str(info.value)


def test_role_names_accept_aliases() -> None:
    assert parse_role("amount") is Role.AMOUNT
    assert parse_role("unit price") is Role.UNIT_PRICE
    assert parse_role("price") is Role.UNIT_PRICE
    assert parse_role("customer") is Role.CUSTOMER_ID
    with pytest.raises(DataError):
        parse_role("colour")


def test_override_with_the_wrong_type_says_which_columns_fit() -> None:
    columns = {"id": ["1", "1"], "when": ["2024-01-01", "2024-01-02"], "note": ["a", "b"],
               "paid": ["3.5", "4"]}
    with pytest.raises(DataError) as info:
        schema_of(columns, {"amount": "note"})
    assert info.value.options == ["id", "paid"]
    with pytest.raises(DataError) as info:
        schema_of(columns, {"date": "paid"})
    assert info.value.options == ["when"]
    assert "\n" not in str(info.value)


def test_flags_and_counts_named_after_email_are_not_personal() -> None:
    schema = schema_of({"id": ["1", "2", "3"], "email_opt_in": ["yes", "no", "yes"],
                        "email_opens": ["3", "10", "0"], "E-mail": ["a@x.com", "b@y.org", ""]})
    assert roles(schema)["email_opt_in"] is Role.FLAG
    assert roles(schema)["email_opens"] is Role.MEASURE
    assert roles(schema)["E-mail"] is Role.PERSONAL


def test_a_log_where_each_customer_bought_once_is_still_a_log() -> None:
    schema = schema_of({"InvoiceNo": ["1", "2", "3"], "CustomerID": ["7", "8", "9"],
                        "InvoiceDate": ["2024-01-01", "2024-01-02", "2024-01-03"],
                        "Amount": ["5", "6", "7"]})
    assert schema.kind is DataKind.TRANSACTIONS


def test_a_constant_cost_column_does_not_make_a_log() -> None:
    schema = schema_of({"ID": ["1", "2", "3"], "Dt_Customer": ["2024-01-01"] * 3,
                        "Z_CostContact": ["3", "3", "3"], "Quantity": ["1", "2", "1"]})
    assert schema.kind is DataKind.CUSTOMERS


def test_repeated_text_in_a_small_table_is_a_category() -> None:
    cities = [f"city {i % 30}" for i in range(90)]
    notes = [f"note {i}" for i in range(90)]
    schema = schema_of({"city": cities, "note": notes})
    assert roles(schema)["city"] is Role.CATEGORY
    assert roles(schema)["note"] is Role.TEXT


def test_an_order_log_keyed_by_email_is_a_transaction_log(tmp_path: Path) -> None:
    from tools.engine.loading import load_customer_data

    path = tmp_path / "orders.csv"
    rows = ["order_id,customer_email,order_date,total"]
    rows += [f"SO{i},buyer{i % 7}@shop.example,2024-0{1 + i % 9}-1{i % 10},${10 + i}.50"
             for i in range(40)]
    path.write_text("\n".join(rows) + "\n")
    data = load_customer_data(path)
    assert data.kind.value == "transactions" and data.n_customers == 7
    assert data.customers["frequency"].sum() == 40


def test_a_bare_tenure_column_is_not_taken_for_days(tmp_path: Path) -> None:
    from tools.engine.loading import load_customer_data

    path = tmp_path / "telco.csv"
    path.write_text("customerID,tenure,MonthlyCharges\n" + "".join(
        f"C{i},{i % 72},{20 + i}.5\n" for i in range(30)))
    data = load_customer_data(path)
    assert data.schema.column("tenure").role.value == "measure"


def test_a_purchases_column_with_fractions_is_an_amount_not_an_order_count() -> None:
    frame = pd.DataFrame({"CUST_ID": ["C1", "C2", "C3", "C4"],
                          "PURCHASES": ["95.40", "0", "1234.56", "7.10"]})
    parsed, dtypes = parse_columns(frame)
    schema = infer_schema(parsed, dtypes)
    assert schema.column("PURCHASES").role is not Role.FREQUENCY
    whole = pd.DataFrame({"CUST_ID": ["C1", "C2", "C3", "C4"], "PURCHASES": ["3", "0", "12", "7"]})
    parsed, dtypes = parse_columns(whole)
    assert infer_schema(parsed, dtypes).column("PURCHASES").role is Role.FREQUENCY


@pytest.mark.parametrize("who", ["guest_code", "PatientNo", "passenger_id", "visitor_ref"])
def test_a_business_word_for_its_customers_keys_an_order_log(who: str, tmp_path: Path) -> None:
    import random

    rng = random.Random(5)
    rows = [{"visit_no": f"V{n}", who: f"P{rng.randint(1, 40)}",
             "check_in": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
             "revenue": round(rng.uniform(20, 900), 2)} for n in range(300)]
    path = tmp_path / "stays.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    data = load_customer_data(path)
    assert data.kind is DataKind.TRANSACTIONS
    assert data.source.raw_schema.first(Role.CUSTOMER_ID).name == who  # type: ignore[union-attr]
    assert data.n_customers == len({r[who] for r in rows})
