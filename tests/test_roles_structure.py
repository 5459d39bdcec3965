"""Transaction logs recognised by the shape of their values (`log_shape.py`), when no column
name says customer id or order date; and the notes left when the shape is not clear enough.

Every file is invented and written arithmetically (no randomness), so every count is exact.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

import tools.engine.loading as loading
from tools.engine.dataset import FREQUENCY, MONETARY, CustomerData
from tools.engine.loading import NO_AMOUNT_NOTE, load_customer_data
from tools.engine.parsing import parse_columns
from tools.engine.roles import infer_schema
from tools.engine.scan import scan_parquet
from tools.engine.scan_csv import scan_csv
from tools.engine.schema import DataKind, Role

START = date(2024, 1, 1)
TOWNS = ("Moscow", "Kazan", "Tula", "Omsk")


def _day(offset: int) -> str:
    return (START + timedelta(days=offset)).isoformat()


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _roles(data: CustomerData) -> dict[str, Role]:
    return {c.name: c.role for c in data.source.raw_schema.columns}


def _reason(data: CustomerData, column: str) -> str:
    info = data.source.raw_schema.column(column)
    assert info is not None
    return info.reason


# An order log: 250 buyers, 800 tickets of 1 to 4 lines, 2,000 lines (under "slip", a name
# no vocabulary knows, so the values decide; "ticket" is known). Ticket t belongs to
# buyer 7001 + 7t mod 250 (50 buyers have 4 tickets, 200 have 3), each on its own day.
def _order_lines(with_date: bool = True) -> list[list[str]]:
    lines = []
    for t in range(800):
        buyer = 7001 + (7 * t) % 250
        for line in range(1 + t % 4):
            amount = f"{100 + (13 * t + 7 * line) % 900}.{(t + line) % 100:02d}"
            row = [str(100001 + t), str(buyer), *([_day((37 * t) % 360)] if with_date else []),
                   amount, str(1 + (t + line) % 5), TOWNS[buyer % 4], ("web", "store")[t % 2]]
            lines.append(row)
    return lines


RU_HEADER = "slip,buyer,purchased,itogo,qty,town,channel"
USUAL_HEADER = "order_no,client_id,order_day,total_rub,qty,town,channel"


@pytest.fixture
def ru_log(tmp_path: Path) -> Path:
    return _write(tmp_path / "orders.csv", RU_HEADER, [",".join(r) for r in _order_lines()])


def test_an_order_log_with_unknown_names_is_read_as_a_log(ru_log: Path) -> None:
    data = load_customer_data(ru_log)
    assert data.kind is DataKind.TRANSACTIONS
    assert data.n_customers == 250 and data.source.rows_read == 2000
    assert data.customers[FREQUENCY].sum() == 800
    assert _roles(data) == {"slip": Role.ORDER_ID, "buyer": Role.CUSTOMER_ID,
                            "purchased": Role.DATE, "itogo": Role.AMOUNT,
                            "qty": Role.QUANTITY, "town": Role.CATEGORY,
                            "channel": Role.CATEGORY}
    assert _reason(data, "buyer").startswith(
        "repeats: 2,000 rows for 250 values, each over several dates (median 3) -> the "
        "customer key; 'slip' nests in it (each value within one 'buyer' and one date)")
    assert _reason(data, "slip") == ("each value within one 'buyer' and one date (800 values "
                                     "for 2,000 rows) -> the order id")
    assert _reason(data, "purchased") == ("dates; each 'buyer' value's rows span several of "
                                          "them -> the purchase date")
    assert _reason(data, "itogo").startswith("numbers with cents, the only money-like column")
    assert ("Read as a transaction log from the values, not the column names: 'buyer' repeats "
            "(2,000 rows for 250 values, each over several dates), so it is the customer key; "
            "'purchased' the date, 'slip' the order id, 'itogo' the amount. If that is "
            "wrong, map the columns with --map customer_id=COLUMN --map date=COLUMN."
            ) in data.source.warnings
    # 62 customers from Moscow (buyers 7004, 7008, ..., 7248), not their 500-odd lines.
    assert int((data.customers["town"] == "Moscow").sum()) == 62


def test_it_gives_the_customers_of_the_same_log_with_usual_names(ru_log: Path,
                                                                  tmp_path: Path) -> None:
    usual = _write(tmp_path / "usual.csv", USUAL_HEADER,
                   ru_log.read_text(encoding="utf-8").splitlines()[1:])
    by_shape, by_name = load_customer_data(ru_log), load_customer_data(usual)
    assert by_name.source.raw_schema.notes == ()
    pd.testing.assert_frame_equal(by_shape.customers, by_name.customers)
    assert by_shape.source.cleaning == by_name.source.cleaning


def test_the_large_file_paths_leave_a_log_read_from_its_values_to_the_ordinary_path(
        ru_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert scan_csv(ru_log) is None
    frame = pd.read_csv(ru_log)
    frame["purchased"] = pd.to_datetime(frame["purchased"])
    parquet = tmp_path / "orders.parquet"
    frame.to_parquet(parquet, index=False)
    assert scan_parquet(parquet) is None
    monkeypatch.setattr(loading, "SCAN_MIN_ROWS", 10)
    ordinary = load_customer_data(ru_log)
    assert not any("first" in w and "rows" in w for w in ordinary.source.warnings)
    pd.testing.assert_frame_equal(load_customer_data(parquet).customers, ordinary.customers)


def test_english_unconventional_names_with_a_ticket_per_line(tmp_path: Path) -> None:
    prices = (2.5, 3.75, 5.0, 12.5)
    rows = [f"T{7000 + t},R{100 + (11 * t) % 60},{_day((17 * t) % 365)},{prices[t % 4]},"
            f"{1 + t % 3},Z{1 + t % 5}" for t in range(600)]
    data = load_customer_data(_write(tmp_path / "rides.csv",
                                     "Slip,Rider,SoldOn,Price,Units,Zone", rows))
    assert data.kind is DataKind.TRANSACTIONS and data.n_customers == 60
    assert _roles(data) == {"Slip": Role.ORDER_ID, "Rider": Role.CUSTOMER_ID,
                            "SoldOn": Role.DATE, "Price": Role.UNIT_PRICE,
                            "Units": Role.QUANTITY, "Zone": Role.CATEGORY}
    assert _reason(data, "Rider") == (
        "repeats: 600 rows for 60 values, each over several dates (median 10) -> the customer "
        "key; 'Units' and 'Price' are named like a quantity and a unit price")
    assert _reason(data, "Slip") == ("one value per line, each within one 'Rider' and one "
                                     "date -> the order id")
    assert data.customers[FREQUENCY].sum() == 600
    expected = sum(prices[t % 4] * (1 + t % 3) for t in range(600))
    assert data.customers[MONETARY].sum() == pytest.approx(expected)
    assert any("the amount 'Units' x 'Price'" in w for w in data.source.warnings)


def test_amount_quantity_and_unit_price_by_their_values(tmp_path: Path) -> None:
    rows = []
    for t in range(300):
        each, count = 10 + t % 7 + 0.25 * (t % 3), 1 + t % 4
        rows.append(f"{5000 + t},{301 + t % 30},{_day((29 * t) % 300)},{each},{count},"
                    f"{each * count}")
    data = load_customer_data(_write(tmp_path / "lines.csv", "nr,who,at,each_rub,n,line_rub",
                                     rows))
    assert data.kind is DataKind.TRANSACTIONS and data.n_customers == 30
    roles = _roles(data)
    assert (roles["who"], roles["at"], roles["line_rub"], roles["each_rub"], roles["n"]) == (
        Role.CUSTOMER_ID, Role.DATE, Role.AMOUNT, Role.UNIT_PRICE, Role.QUANTITY)
    assert _reason(data, "line_rub") == "equals 'n' x 'each_rub' on the rows -> the line amount"


def test_a_visit_log_without_money_is_a_log_without_spend(tmp_path: Path) -> None:
    rows = [f"M{1000 + (3 * v) % 40},{_day((11 * v) % 200)}" for v in range(200)]
    data = load_customer_data(_write(tmp_path / "visits.csv", "Rider,SoldOn", rows))
    assert data.kind is DataKind.TRANSACTIONS and data.n_customers == 40
    assert _reason(data, "Rider") == ("repeats: 200 rows for 40 values, each over several "
                                      "dates (median 5) -> the customer key")
    assert NO_AMOUNT_NOTE in data.source.warnings


def test_a_log_keyed_by_customer_names_keeps_working(tmp_path: Path) -> None:
    names = ("Ilse Varga", "Tomas Reyes", "Noor Haddad", "Ada Moss", "Ben Ode")
    rows = [f"{names[t % 5]},{_day(3 * t)},{9000 + t},{10 + t}.50" for t in range(40)]
    data = load_customer_data(_write(tmp_path / "names.csv",
                                     "Customer Name,purchased,ticket,total", rows))
    assert data.kind is DataKind.TRANSACTIONS and data.n_customers == 5
    key = data.source.raw_schema.column("Customer Name")
    assert key is not None and key.role is Role.CUSTOMER_ID and key.personal_kind == "name"
    assert "used as the customer key" in key.reason
    assert data.source.raw_schema.notes == ()
    assert data.customers.loc["Ilse Varga", FREQUENCY] == 8


# Weak evidence: a customer table, with a note only when the column looks like a key ------


def test_a_repeated_buyer_without_dates_stays_a_table_with_a_note(tmp_path: Path) -> None:
    rows = [",".join(r) for r in _order_lines(with_date=False)]
    data = load_customer_data(_write(tmp_path / "undated.csv",
                                     "ticket,buyer,itogo,qty,town,channel", rows))
    assert data.kind is DataKind.CUSTOMERS and data.n_customers == 2000
    assert (_roles(data)["buyer"], _roles(data)["ticket"]) == (Role.MEASURE, Role.MEASURE)
    assert data.source.raw_schema.notes == (
        "Column 'buyer' repeats (2,000 rows for 250 values), as a customer id in an order log "
        "does, but no column holds dates: read as a customer table, one row per customer. If "
        "each row is an order, load it with --map customer_id=buyer --map date=COLUMN --map "
        "amount=itogo (a column of purchase dates is needed).",)
    assert data.source.raw_schema.notes[0] in data.source.warnings


def test_beside_a_unique_id_money_alone_leaves_a_note_and_the_map_reads_the_log(
        tmp_path: Path) -> None:
    # One line per ticket under a bare "ID": only the cents say the rows are purchases. (IDs
    # that only number the rows 1..n say nothing: tests/test_files_as_they_come.py.)
    rows = [f"{90001 + 3 * t},{7001 + (7 * t) % 250},{_day((37 * t) % 360)},"
            f"{100 + t % 900}.{t % 100:02d}" for t in range(1000)]
    path = _write(tmp_path / "ided.csv", "ID,buyer,purchased,itogo", rows)
    data = load_customer_data(path)
    assert data.kind is DataKind.CUSTOMERS and data.n_customers == 1000
    assert data.source.raw_schema.notes == (
        "Column 'buyer' repeats (1,000 rows for 250 values), as a customer id in an order log "
        "does, but 'ID' has a value per row, as a customer table's id does, and no order "
        "number nests in it nor do lines share a day: read as a customer table, one row per "
        "customer. If each row is an order, load it with --map customer_id=buyer --map "
        "date=purchased --map amount=itogo.",)
    mapped = load_customer_data(path, mapping={"customer_id": "buyer", "date": "purchased",
                                               "amount": "itogo"})
    assert mapped.kind is DataKind.TRANSACTIONS and mapped.n_customers == 250
    assert mapped.customers[FREQUENCY].sum() == 1000


@pytest.mark.parametrize("column", ["store_id", "sponsor"])
def test_a_customer_table_with_a_few_repeated_codes_and_dates_is_no_log(
        tmp_path: Path, column: str) -> None:
    # 300 customers in 10 stores (30 each, joined on many days, balances with cents): too
    # few values to be customers, whatever the column's name.
    rows = [f"{1 + i},{101 + i % 10},{_day((13 * i) % 365)},{(37 * i) % 5000 / 100:.2f},"
            f"{18 + i % 60}" for i in range(300)]
    data = load_customer_data(_write(tmp_path / "members.csv",
                                     f"member,{column},joined,balance,age", rows))
    assert data.kind is DataKind.CUSTOMERS and data.n_customers == 300
    assert data.source.raw_schema.notes == ()
    assert not any("repeats" in w for w in data.source.warnings)


def test_a_coincidental_region_id_without_dates_leaves_no_note(tmp_path: Path) -> None:
    rows = [f"{1 + i},{101 + (7 * i) % 60},{(991 * i) % 100000 / 100:.2f},{1 + i % 99}"
            for i in range(400)]
    data = load_customer_data(_write(tmp_path / "regions.csv", "id,region_id,income,score",
                                     rows))
    assert data.kind is DataKind.CUSTOMERS and data.n_customers == 400
    assert data.source.raw_schema.notes == ()
    region = data.schema.column("region_id")
    assert region is not None and region.role is Role.CATEGORY


def test_two_possible_customer_keys_leave_a_note(tmp_path: Path) -> None:
    rows = [f"{7001 + (7 * t) % 250},G{501 + (11 * t) % 40},{_day((37 * t) % 360)},"
            f"{100 + t % 900}.{t % 100:02d}" for t in range(1000)]
    schema = infer_schema(*parse_columns(pd.DataFrame(
        [r.split(",") for r in rows], columns=["buyer", "good", "when", "itogo"])))
    assert schema.kind is DataKind.CUSTOMERS
    assert len(schema.notes) == 1
    assert "'buyer' and 'good' could each be the customer key" in schema.notes[0]


# The bundled datasets are read exactly as before --------------------------------------------


def test_the_bundled_customer_tables_leave_no_note(campaign: CustomerData,
                                                   mall: CustomerData) -> None:
    assert (campaign.kind, campaign.n_customers) == (DataKind.CUSTOMERS, 2240)
    assert (mall.kind, mall.n_customers) == (DataKind.CUSTOMERS, 200)
    assert campaign.source.raw_schema.notes == () == mall.source.raw_schema.notes


def test_online_retail_is_read_by_its_names(retail: CustomerData) -> None:
    assert (retail.kind, retail.n_customers) == (DataKind.TRANSACTIONS, 4338)
    assert retail.source.raw_schema.notes == ()
