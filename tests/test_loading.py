"""The whole load pipeline on the bundled files and on small files of every format."""

from __future__ import annotations

import gzip
import json
import sqlite3
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.engine.dataset import (
    AVG_ORDER_VALUE,
    FIRST_PURCHASE,
    FREQUENCY,
    LAST_PURCHASE,
    MONETARY,
    RECENCY,
    TENURE,
    CustomerData,
)
from tools.engine.errors import DataError
from tools.engine.loading import load_customer_data, loaded_from_cache
from tools.engine.schema import DataKind, Role

LOG_HEADER = "InvoiceNo,InvoiceDate,CustomerID,Quantity,UnitPrice,Country\n"
LOG_ROWS = [
    "1001,2024-01-05 10:00,7,2,5.00,France",
    "1001,2024-01-05 10:00,7,1,10.00,France",
    "1002,2024-02-01 09:30,7,1,4.00,Germany",
    "1003,2024-02-01 11:00,8,3,2.00,Spain",
    "C1004,2024-02-02 12:00,8,-1,2.00,Spain",
    "1005,2024-02-03 12:00,,1,2.00,Spain",
    "1006,2024-03-01 08:00,9,1,0.00,Italy",
    "1007,2024-03-01 08:00,9,2,3.00,Italy",
    "1008,2024-03-02 18:00,8,-2,3.00,Spain",
]


def write_log(path: Path) -> Path:
    path.write_text(LOG_HEADER + "\n".join(LOG_ROWS) + "\n", encoding="utf-8")
    return path


# The bundled real files ---------------------------------------------------------------------


def test_retail_has_the_documented_customers_and_as_of(retail: CustomerData) -> None:
    assert retail.kind is DataKind.TRANSACTIONS
    assert retail.n_customers == 4338
    assert retail.source.as_of == date(2011, 12, 10)
    assert retail.source.rows_read == 541909
    assert retail.customers.index.name == "customer_id"
    assert retail.customers.index.dtype == "int64"
    assert list(retail.customers.columns[:7]) == [RECENCY, FREQUENCY, MONETARY, TENURE,
                                                  AVG_ORDER_VALUE, FIRST_PURCHASE, LAST_PURCHASE]
    assert "Country" in retail.customers.columns


def test_retail_cleaning_steps_are_counted(retail: CustomerData) -> None:
    removed = {step.rule: step.rows_removed for step in retail.source.cleaning}
    assert removed["rows with no customer id or an unreadable date"] == 135080
    assert removed["cancelled orders"] == 8905
    assert removed["lines with amount <= 0"] == 40
    # Duplicate lines are kept on purpose (SEMANTICS.md has no de-duplication step).
    assert retail.source.rows_kept == 541909 - sum(removed.values()) == 397884


def test_retail_features_follow_semantics(retail: CustomerData) -> None:
    customers = retail.customers
    last_day = customers[LAST_PURCHASE].max()
    assert last_day == pd.Timestamp("2011-12-09")
    assert (customers.loc[customers[LAST_PURCHASE] == last_day, RECENCY] == 1).all()
    assert customers[RECENCY].min() == 1
    assert (customers[TENURE] >= customers[RECENCY]).all()
    assert (customers[FREQUENCY] >= 1).all()
    assert customers[AVG_ORDER_VALUE].mul(customers[FREQUENCY]).sub(
        customers[MONETARY]).abs().max() < 1e-6
    # Customer 12347 bought in Iceland only, across 7 invoices.
    row = customers.loc[12347]
    assert row["Country"] == "Iceland"
    assert row[FREQUENCY] == 7
    assert row[MONETARY] == pytest.approx(4310.0)


def test_retail_features_match_an_independent_sql_reading(retail: CustomerData,
                                                          retail_path: Path) -> None:
    """SEMANTICS.md says a second tool must reproduce the numbers: DuckDB SQL does."""
    duckdb = pytest.importorskip("duckdb")
    query = f"""
        WITH lines AS (
            SELECT CAST(CAST(CustomerID AS DOUBLE) AS BIGINT) AS customer_id, InvoiceNo,
                   CAST(CAST(InvoiceDate AS TIMESTAMP) AS DATE) AS day,
                   CAST(Quantity AS BIGINT) AS quantity, CAST(UnitPrice AS DOUBLE) AS price
            FROM read_csv('{retail_path}', all_varchar = true)
            WHERE CustomerID IS NOT NULL AND trim(CustomerID) NOT IN ('', 'NA'))
        SELECT customer_id, count(DISTINCT InvoiceNo) AS frequency,
               sum(quantity * price) AS monetary,
               DATE '2011-12-10' - max(day) AS recency_days,
               DATE '2011-12-10' - min(day) AS tenure_days
        FROM lines
        WHERE NOT starts_with(InvoiceNo, 'C') AND quantity > 0 AND quantity * price > 0
        GROUP BY customer_id ORDER BY customer_id"""
    connection = duckdb.connect()
    try:
        expected = connection.execute(query).df().set_index("customer_id")
    finally:
        connection.close()
    ours = retail.customers
    assert list(ours.index) == list(expected.index)
    assert (ours[FREQUENCY].to_numpy() == expected["frequency"].to_numpy()).all()
    assert (ours[RECENCY].to_numpy() == expected["recency_days"].to_numpy()).all()
    assert (ours[TENURE].to_numpy() == expected["tenure_days"].to_numpy()).all()
    assert ours[MONETARY].to_numpy() == pytest.approx(expected["monetary"].to_numpy())


def test_retail_schema_roles(retail: CustomerData) -> None:
    roles = {c.name: c.role for c in retail.schema.columns}
    assert roles[RECENCY] is Role.RECENCY
    assert roles[FREQUENCY] is Role.FREQUENCY
    assert roles[MONETARY] is Role.MONETARY
    assert roles[TENURE] is Role.TENURE
    assert roles[AVG_ORDER_VALUE] is Role.MEASURE
    assert roles[FIRST_PURCHASE] is Role.DATE_ATTRIBUTE
    assert roles["Country"] is Role.CATEGORY
    raw = {c.name: c.role for c in retail.source.raw_schema.columns}
    assert raw == {"InvoiceNo": Role.ORDER_ID, "StockCode": Role.TEXT,
                   "Description": Role.TEXT, "Quantity": Role.QUANTITY,
                   "InvoiceDate": Role.DATE, "UnitPrice": Role.UNIT_PRICE,
                   "CustomerID": Role.CUSTOMER_ID, "Country": Role.CATEGORY}
    country = retail.schema.column("Country")
    assert country is not None and country.values[0] == "United Kingdom"


def test_campaign_is_a_customer_table(campaign: CustomerData) -> None:
    assert campaign.kind is DataKind.CUSTOMERS
    assert campaign.n_customers == 2240
    assert campaign.customers.index.name == "customer_id"
    assert campaign.customers.index.dtype == "int64"
    assert 5524 in campaign.customers.index
    assert "ID" not in campaign.customers.columns
    customers = campaign.customers
    assert customers.loc[5524, "Dt_Customer"] == pd.Timestamp("2012-09-04")  # 04-09-2012
    assert pd.api.types.is_float_dtype(customers["Income"])
    assert int(customers["Income"].isna().sum()) == 24
    roles = {c.name: c.role for c in campaign.schema.columns}
    assert roles["Education"] is Role.CATEGORY
    assert roles["Marital_Status"] is Role.CATEGORY
    assert roles["Response"] is Role.FLAG
    assert roles["Complain"] is Role.FLAG
    assert roles["Recency"] is Role.RECENCY
    assert roles["Z_CostContact"] is Role.CONSTANT
    assert roles["Income"] is Role.MEASURE
    assert roles["Dt_Customer"] is Role.DATE_ATTRIBUTE
    education = campaign.schema.column("Education")
    assert education is not None and education.values[0] == "Graduation"
    assert any("day-first" in w for w in campaign.source.warnings)


def test_mall_ids_are_integers(mall: CustomerData) -> None:
    assert mall.kind is DataKind.CUSTOMERS
    assert mall.n_customers == 200
    assert list(mall.customers.index[:3]) == [1, 2, 3]
    assert mall.customers.index.dtype == "int64"
    assert mall.customers.index.max() == 200
    genre = mall.schema.column("Genre")
    assert genre is not None and genre.role is Role.CATEGORY
    assert set(genre.values) == {"Female", "Male"}


# A small transaction log --------------------------------------------------------------------


def test_small_log_cleaning_and_features(tmp_path: Path) -> None:
    data = load_customer_data(write_log(tmp_path / "log.csv"))
    assert data.kind is DataKind.TRANSACTIONS
    steps = [(s.rule, s.rows_removed) for s in data.source.cleaning]
    assert steps == [("rows with no customer id or an unreadable date", 1),
                     ("cancelled orders", 1), ("lines with quantity <= 0", 1),
                     ("lines with amount <= 0", 1)]
    assert data.source.rows_kept == 5
    assert data.source.as_of == date(2024, 3, 2)
    customers = data.customers
    assert list(customers.index) == [7, 8, 9]
    assert customers.loc[7, MONETARY] == pytest.approx(24.0)
    assert customers.loc[7, FREQUENCY] == 2
    assert customers.loc[9, RECENCY] == 1
    assert customers.loc[7, RECENCY] == 30
    assert customers.loc[7, TENURE] == 57
    # France (2 lines) beats Germany (1 line); customer 8 keeps only its Spain line.
    assert customers.loc[7, "Country"] == "France"
    assert customers.loc[8, "Country"] == "Spain"


def test_attribute_ties_go_to_the_alphabetically_first(tmp_path: Path) -> None:
    path = tmp_path / "ties.csv"
    path.write_text("customer_id,order_date,amount,channel\n"
                    "1,2024-01-01,5,web\n1,2024-01-02,5,app\n1,2024-01-03,5,store\n"
                    "2,2024-01-01,5,web\n2,2024-01-02,5,web\n", encoding="utf-8")
    data = load_customer_data(path)
    assert data.customers.loc[1, "channel"] == "app"
    assert data.customers.loc[2, "channel"] == "web"
    # Without an order id, each distinct (customer, day) is one order.
    assert data.customers.loc[1, FREQUENCY] == 3


def test_explicit_as_of_is_used(tmp_path: Path) -> None:
    data = load_customer_data(write_log(tmp_path / "log.csv"), as_of="2024-04-01")
    assert data.source.as_of == date(2024, 4, 1)
    assert data.customers.loc[9, RECENCY] == 31
    assert not any("as-of" in w for w in data.source.warnings)


def test_an_earlier_as_of_is_a_snapshot(tmp_path: Path) -> None:
    data = load_customer_data(write_log(tmp_path / "log.csv"), as_of=date(2024, 2, 2))
    # Only purchases before 2 February count: customer 9 (March) is not a customer yet.
    assert list(data.customers.index) == [7, 8]
    assert data.customers.loc[7, RECENCY] == 1
    assert data.customers.loc[7, MONETARY] == pytest.approx(24.0)
    assert any("1 order line was left out: on or after the as-of date" in w
               for w in data.source.warnings)


def test_as_of_must_be_a_date(tmp_path: Path) -> None:
    error = assert_one_line_error(write_log(tmp_path / "log.csv"), as_of="next tuesday")
    assert "YYYY-MM-DD" in str(error)


def test_mapping_forces_the_amount_column(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("client,when,Revenue,Cost\n1,2024-01-01,10,3\n1,2024-01-05,20,4\n"
                    "2,2024-01-03,5,1\n", encoding="utf-8")
    data = load_customer_data(path, mapping={"amount": "Cost", "customer_id": "client",
                                             "date": "when"})
    assert data.kind is DataKind.TRANSACTIONS
    assert data.customers.loc[1, MONETARY] == pytest.approx(7.0)
    raw = data.source.raw_schema.column("Cost")
    assert raw is not None and raw.role is Role.AMOUNT and raw.reason == "set by you"


# Formats ------------------------------------------------------------------------------------


CUSTOMER_FRAME = pd.DataFrame({"customer_id": [3, 1, 2], "segment": ["a", "b", "a"],
                               "spend": [10.5, 20.0, 7.25],
                               "joined": pd.to_datetime(["2023-01-02", "2023-05-06",
                                                         "2024-02-03"])})


def check_customer_frame(data: CustomerData) -> None:
    assert data.kind is DataKind.CUSTOMERS
    assert list(data.customers.index) == [3, 1, 2]
    assert data.customers.loc[1, "spend"] == pytest.approx(20.0)
    assert data.customers.loc[2, "joined"] == pd.Timestamp("2024-02-03")
    column = data.schema.column("segment")
    assert column is not None and column.role is Role.CATEGORY


def test_parquet(tmp_path: Path) -> None:
    path = tmp_path / "customers.parquet"
    CUSTOMER_FRAME.to_parquet(path)
    check_customer_frame(load_customer_data(path))


def test_json_records_and_lines(tmp_path: Path) -> None:
    records = json.loads(CUSTOMER_FRAME.to_json(orient="records", date_format="iso"))
    as_records = tmp_path / "customers.json"
    as_records.write_text(json.dumps(records), encoding="utf-8")
    check_customer_frame(load_customer_data(as_records))
    as_lines = tmp_path / "customers.jsonl"
    as_lines.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    check_customer_frame(load_customer_data(as_lines))


def test_excel_sheets(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        CUSTOMER_FRAME.to_excel(writer, sheet_name="Customers", index=False)
        pd.DataFrame({"x": [1, 2]}).to_excel(writer, sheet_name="Notes", index=False)
    data = load_customer_data(path)
    check_customer_frame(data)
    assert any("Customers" in w for w in data.source.warnings)
    notes = load_customer_data(path, table="Notes")
    assert list(notes.customers.columns) == ["x"]
    assert any("Notes" in w for w in notes.source.warnings)


def test_sqlite_table(tmp_path: Path) -> None:
    path = tmp_path / "shop.sqlite"
    with sqlite3.connect(path) as connection:
        CUSTOMER_FRAME.assign(joined=CUSTOMER_FRAME["joined"].dt.strftime("%Y-%m-%d")).to_sql(
            "customers", connection, index=False)
        connection.execute("CREATE TABLE other (x INTEGER)")
        connection.execute("INSERT INTO other VALUES (1)")
    connection.close()
    check_customer_frame(load_customer_data(path, table="customers"))
    with pytest.raises(DataError) as info:
        load_customer_data(path)
    assert "--table" in str(info.value) and info.value.options == ["customers", "other"]


def test_duckdb_table(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / "shop.duckdb"
    connection = duckdb.connect(str(path))
    connection.register("frame", CUSTOMER_FRAME)
    connection.execute("CREATE TABLE customers AS SELECT * FROM frame")
    connection.close()
    check_customer_frame(load_customer_data(path))
    check_customer_frame(load_customer_data(path, table="customers"))


def test_gzipped_semicolon_csv_with_bom_and_crlf(tmp_path: Path) -> None:
    text = "\ufeffcustomer_id;segment;spend;joined\r\n3;a;10,5;02-01-2023\r\n" \
           "1;b;20,0;06-05-2023\r\n2;a;7,25;03-02-2024\r\n"
    path = tmp_path / "customers.csv.gz"
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    data = load_customer_data(path)
    check_customer_frame(data)


def test_table_without_id_uses_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Gender,Age\nF,31\nM,40\nF,22\n", encoding="utf-8")
    data = load_customer_data(path)
    assert list(data.customers.index) == [1, 2, 3]
    assert data.customers.index.name == "customer_id"


def test_text_ids_stay_text(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("customer_id,Age\nA-1,31\nB-2,40\n", encoding="utf-8")
    data = load_customer_data(path)
    assert list(data.customers.index) == ["A-1", "B-2"]


# Bad inputs ---------------------------------------------------------------------------------


def assert_one_line_error(path: Path, **options: object) -> DataError:
    with pytest.raises(DataError) as info:
        load_customer_data(path, **options)  # type: ignore[arg-type]
    message = str(info.value)
    assert message and "\n" not in message
    return info.value


def test_missing_file(tmp_path: Path) -> None:
    error = assert_one_line_error(tmp_path / "nope.csv")
    assert "not found" in str(error)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert "empty" in str(assert_one_line_error(path))


def test_blank_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("\n\n  \n", encoding="utf-8")
    assert "empty" in str(assert_one_line_error(path))


def test_header_only(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("customer_id,amount\r\n", encoding="utf-8")
    assert "no data rows" in str(assert_one_line_error(path))


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.csv"
    path.write_bytes(bytes(range(256)) * 8)
    assert "not a text table" in str(assert_one_line_error(path))


def test_unknown_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        CUSTOMER_FRAME.to_excel(writer, sheet_name="Customers", index=False)
    error = assert_one_line_error(path, table="Orders")
    assert error.options == ["Customers"]
    assert "Customers" in str(error)


def test_unknown_sqlite_table_lists_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE customers (id INTEGER, spend REAL)")
        connection.execute("INSERT INTO customers VALUES (1, 2.5)")
    connection.close()
    error = assert_one_line_error(path, table="orders")
    assert error.options == ["customers"]


def test_map_to_an_unknown_column_names_the_nearest(tmp_path: Path) -> None:
    path = write_log(tmp_path / "log.csv")
    error = assert_one_line_error(path, mapping={"amount": "UnitPrise"})
    assert "UnitPrice" in error.options
    assert "UnitPrise" in str(error)


def test_map_to_an_unknown_role(tmp_path: Path) -> None:
    path = write_log(tmp_path / "log.csv")
    error = assert_one_line_error(path, mapping={"colour": "Country"})
    assert "amount" in error.options


def test_duplicate_ids_without_a_date(tmp_path: Path) -> None:
    # Nothing says the rows are orders: the first row of each id is kept, and said so (no
    # date column to map is suggested when there is none).
    path = tmp_path / "dupes.csv"
    path.write_text("customer_id,Age\n1,31\n1,40\n", encoding="utf-8")
    data = load_customer_data(path)
    assert data.n_customers == 1 and data.customers.loc[1, "Age"] == 31
    assert data.source.warnings == ("customer_id: 1 id is on more than one row (1); the first "
                                    "row of each was kept and 1 later row was left out.",)


# Cache --------------------------------------------------------------------------------------


def test_second_load_comes_from_the_cache(tmp_path: Path) -> None:
    path = write_log(tmp_path / "log.csv")
    cache = tmp_path / "cache"
    first = load_customer_data(path, cache_dir=cache)
    second = load_customer_data(path, cache_dir=cache)
    assert not loaded_from_cache(first)
    assert loaded_from_cache(second)
    pd.testing.assert_frame_equal(first.customers, second.customers)
    assert second.source.content_hash == first.source.content_hash != ""
    # Other options are another entry.
    assert not loaded_from_cache(load_customer_data(path, cache_dir=cache, as_of="2024-05-01"))


def test_corrupt_cache_entry_is_rebuilt(tmp_path: Path) -> None:
    path = write_log(tmp_path / "log.csv")
    cache = tmp_path / "cache"
    load_customer_data(path, cache_dir=cache)
    for entry in cache.iterdir():
        entry.write_bytes(b"not a pickle")
    rebuilt = load_customer_data(path, cache_dir=cache)
    assert not loaded_from_cache(rebuilt)
    assert rebuilt.n_customers == 3
    assert loaded_from_cache(load_customer_data(path, cache_dir=cache))


def test_changed_file_is_not_served_from_cache(tmp_path: Path) -> None:
    path = write_log(tmp_path / "log.csv")
    cache = tmp_path / "cache"
    load_customer_data(path, cache_dir=cache)
    path.write_text(path.read_text(encoding="utf-8") + "1009,2024-03-05 10:00,10,1,1.00,Spain\n",
                    encoding="utf-8")
    changed = load_customer_data(path, cache_dir=cache)
    assert not loaded_from_cache(changed)
    assert changed.n_customers == 4


# Details users meet -------------------------------------------------------------------------


def test_currency_and_personal_columns_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("Client ID,Email,Lifetime Value,Plan\n"
                    "1,ann@example.com,\"$1,200.00\",gold\n"
                    "2,bob@example.org,$85.50 ,silver\n"
                    "3,cy@example.net,$0.00,gold\n", encoding="utf-8")
    data = load_customer_data(path)
    assert data.source.currency == "$"
    assert data.customers.loc[1, "Lifetime Value"] == pytest.approx(1200.0)
    email = data.schema.column("Email")
    assert email is not None and email.role is Role.PERSONAL and email.personal_kind == "email"
    value = data.schema.column("Lifetime Value")
    assert value is not None and value.role is Role.MONETARY


def test_customer_id_beats_a_bare_line_id(tmp_path: Path) -> None:
    path = tmp_path / "lines.csv"
    path.write_text("ID,CustomerID,Date,Amount\n1,50,2024-01-01,5\n2,50,2024-01-03,7\n"
                    "3,51,2024-01-02,4\n", encoding="utf-8")
    data = load_customer_data(path)
    assert data.kind is DataKind.TRANSACTIONS
    assert list(data.customers.index) == [50, 51]


def test_reversed_mapping_is_understood(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("customer_id,date,Revenue,Cost\n1,2024-01-01,10,3\n1,2024-01-05,20,4\n",
                    encoding="utf-8")
    data = load_customer_data(path, mapping={"Cost": "amount"})
    assert data.customers.loc[1, MONETARY] == pytest.approx(7.0)


def test_an_order_prefix_shared_by_all_orders_is_not_a_cancellation(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,date,amount\nC-1,1,2024-01-01,10\n"
                    "C-2,1,2024-01-05,20\nC-3,2,2024-01-02,5\n", encoding="utf-8")
    data = load_customer_data(path)
    removed = {s.rule: s.rows_removed for s in data.source.cleaning}
    assert removed["cancelled orders"] == 0
    assert data.customers.loc[1, FREQUENCY] == 2


def test_status_column_marks_cancellations(tmp_path: Path) -> None:
    path = tmp_path / "orders.csv"
    path.write_text("order_id,customer_id,date,amount,status\n1,1,2024-01-01,10,Completed\n"
                    "2,1,2024-01-05,20,Cancelled\n3,2,2024-01-02,5,Voided\n"
                    "4,2,2024-01-03,6,completed\n5,2,2024-01-04,7,Refunded\n",
                    encoding="utf-8")
    data = load_customer_data(path)
    removed = {s.rule: s.rows_removed for s in data.source.cleaning}
    assert removed["cancelled orders"] == 2  # a refund is no cancellation (SEMANTICS.md)
    assert data.customers[MONETARY].to_dict() == {1: 10.0, 2: 13.0}


def test_missing_file_suggests_nearby_names(tmp_path: Path) -> None:
    (tmp_path / "customers.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    error = assert_one_line_error(tmp_path / "customer.csv")
    assert error.options == ["customers.csv"]


def test_table_option_on_a_csv_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("customer_id,Age\n1,31\n2,40\n", encoding="utf-8")
    data = load_customer_data(path, table="Sheet1")
    assert any("--table Sheet1 ignored" in w for w in data.source.warnings)


def test_no_note_about_zero_padded_ids(mall: CustomerData) -> None:
    assert not any("CustomerID" in w for w in mall.source.warnings)


def test_pdf_like_binary_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_bytes(b"%PDF-1.4\n" + bytes([1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 14, 15]) * 50)
    assert "not a text table" in str(assert_one_line_error(path))


def test_customer_rows_without_an_id_are_left_out_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("customer_id,Age\n1,31\n,40\n3,22\n", encoding="utf-8")
    data = load_customer_data(path)
    assert list(data.customers.index) == [1, 3]
    assert data.source.rows_read == 3 and data.source.rows_kept == 2
    assert any("1 row was left out: no customer_id" in w for w in data.source.warnings)


# Features against a plain reading of SEMANTICS.md ----------------------------------------

line = st.tuples(st.integers(1, 6), st.integers(0, 40), st.integers(0, 3),
                 st.integers(-2, 4), st.sampled_from([0.0, 1.5, 2.0, 10.0]),
                 st.sampled_from(["UK", "France", "Spain"]), st.booleans())


@settings(max_examples=40, deadline=None)
@given(st.lists(line, min_size=1, max_size=40))
def test_features_match_a_per_customer_reading(tmp_path_factory: pytest.TempPathFactory,
                                               lines: list[tuple[int, int, int, int, float,
                                                                 str, bool]]) -> None:
    rows = ["InvoiceNo,InvoiceDate,CustomerID,Quantity,UnitPrice,Country"]
    for customer, day, order, quantity, price, country, cancelled in lines:
        stamp = pd.Timestamp("2024-01-01") + pd.Timedelta(days=day, hours=order)
        invoice = f"{'C' if cancelled else ''}{customer}{day:02d}{order}"
        rows.append(f"{invoice},{stamp},{customer},{quantity},{price},{country}")
    path = tmp_path_factory.mktemp("log") / "log.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    kept = [ln for ln in lines if not ln[6] and ln[3] > 0 and ln[3] * ln[4] > 0]
    if not kept or all(ln[6] for ln in lines):
        return  # nothing left to build customers from, or "C" is the shop's prefix
    data = load_customer_data(path)
    last_day = max(ln[1] for ln in kept)
    as_of = pd.Timestamp("2024-01-01") + pd.Timedelta(days=last_day + 1)
    assert data.source.as_of == as_of.date()
    expected_ids = sorted({ln[0] for ln in kept})
    assert list(data.customers.index) == expected_ids
    for customer in expected_ids:
        own = [ln for ln in kept if ln[0] == customer]
        row = data.customers.loc[customer]
        assert row[RECENCY] == last_day + 1 - max(ln[1] for ln in own)
        assert row[TENURE] == last_day + 1 - min(ln[1] for ln in own)
        assert row[FREQUENCY] == len({(ln[1], ln[2]) for ln in own})
        assert row[MONETARY] == pytest.approx(sum(ln[3] * ln[4] for ln in own))
        counts: dict[str, int] = {}
        for ln in own:
            counts[ln[5]] = counts.get(ln[5], 0) + 1
        assert row["Country"] == min(counts, key=lambda c: (-counts[c], c))


def test_campaign_with_mapped_frequency_and_monetary(datasets_dir: Path) -> None:
    data = load_customer_data(datasets_dir / "marketing_campaign.csv",
                              mapping={"frequency": "NumStorePurchases", "monetary": "MntWines"})
    assert data.kind is DataKind.CUSTOMERS
    frequency = data.schema.first(Role.FREQUENCY)
    monetary = data.schema.first(Role.MONETARY)
    assert frequency is not None and frequency.name == "NumStorePurchases"
    assert monetary is not None and monetary.name == "MntWines"
    assert frequency.reason == "set by you"
    recency = data.schema.first(Role.RECENCY)
    assert recency is not None and recency.name == "Recency"


def test_cache_keeps_only_recent_entries_of_its_own(tmp_path: Path) -> None:
    import os

    cache = tmp_path / "cache"
    cache.mkdir()
    for number in range(25):
        old = cache / f"{number:032x}.parquet"
        old.write_bytes(b"old")
        os.utime(old, (1_000_000 + number, 1_000_000 + number))
    (cache / "notes.txt").write_text("mine", encoding="utf-8")
    path = write_log(tmp_path / "log.csv")
    load_customer_data(path, cache_dir=cache)
    entries = sorted(p.name for p in cache.glob("*.parquet"))
    assert len(entries) == 20
    assert f"{0:032x}.parquet" not in entries  # the oldest went first
    assert (cache / "notes.txt").exists()
    assert loaded_from_cache(load_customer_data(path, cache_dir=cache))


def test_float_looking_ids_become_integers(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("CustomerID,InvoiceDate,Sales\n17850.0,2024-01-01,5\n17850.0,2024-01-02,6\n"
                    " 12346.0 ,2024-01-03,7\n", encoding="utf-8")
    data = load_customer_data(path)
    assert data.customers.index.dtype == "int64"
    assert list(data.customers.index) == [12346, 17850]
    assert data.customers.loc[17850, MONETARY] == pytest.approx(11.0)
