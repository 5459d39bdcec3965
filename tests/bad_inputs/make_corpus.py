"""Write the bad-input corpus: messy and broken files a marketer might try to load.

Deterministic (no randomness, fixed dates), so a failure names the same file
every run. Run it directly to look at the files:

    python tests/bad_inputs/make_corpus.py /tmp/corpus

Each entry is (file name, expectation): "error" means the load must stop with a
one-line message that says what to do; "ok" means the load must succeed
(possibly with warnings) and behave sensibly.
"""

from __future__ import annotations

import gzip
import sqlite3
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

ERROR = "error"
OK = "ok"

_HEADER = "customer_id,gender,age,total_spend"


def _rows(n: int, start: int = 1) -> list[str]:
    return [f"{i},{'Female' if i % 2 else 'Male'},{20 + i % 50},{100 + 7 * i}"
            for i in range(start, start + n)]


def _table(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def _log(lines: list[str]) -> str:
    return _table(["InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice,Country", *lines])


def _write_bytes(data: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(data)
    return write


def _write_text(text: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    return _write_bytes(text.encode(encoding))


def _binary(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 40)


def _truncated_gzip(path: Path) -> None:
    whole = gzip.compress(_table([_HEADER, *_rows(5000)]).encode(), mtime=0)
    path.write_bytes(whole[: len(whole) // 2])


def _gzip_bomb(path: Path) -> None:
    # A small file that inflates to megabytes of one repeated row, then stops mid-stream.
    body = _table([_HEADER, *(["1,Female,30,100"] * 200_000)]).encode()
    whole = gzip.compress(body, compresslevel=9, mtime=0)
    path.write_bytes(whole[:-12])


def _thousands_of_columns(path: Path) -> None:
    names = ["customer_id", *(f"attr_{i}" for i in range(3000))]
    rows = [",".join([str(r), *(str((r * i) % 97) for i in range(3000))]) for r in range(1, 21)]
    path.write_text(_table([",".join(names), *rows]), encoding="utf-8")


def _very_long_values(path: Path) -> None:
    rows = [f"{i},{'x' * 200_000},{20 + i},{100 + i}" for i in range(1, 6)]
    path.write_text(_table(["customer_id,notes,age,total_spend", *rows]), encoding="utf-8")


def _several_sheets(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Cover"
    cover.append(["Customer export, March"])
    data = book.create_sheet("Customers")
    data.append(["customer_id", "gender", "age", "total_spend"])
    for i in range(1, 31):
        data.append([i, "Female" if i % 2 else "Male", 20 + i, 100.0 + i])
    notes = book.create_sheet("Notes")
    notes.append(["source", "crm"])
    book.save(path)


def _summary_first(path: Path) -> None:
    """A workbook whose first sheet sums up the orders of the second by region."""
    import openpyxl

    book = openpyxl.Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    summary.append(["Orders by region, 2024"])
    summary.append(["Region", "Orders", "Revenue"])
    for region, orders in (("North", 70), ("South", 60), ("East", 40), ("West", 30)):
        summary.append([region, orders, orders * 13.5])
    summary.append(["Total", 200, 2700.0])
    orders_sheet = book.create_sheet("Orders")
    orders_sheet.append(["Order", "Customer", "Date", "Region", "Amount"])
    for i in range(200):
        orders_sheet.append([7000 + i, f"K{1 + i % 20:03d}", f"2024-0{1 + i % 9}-{1 + i % 28:02d}",
                             ("North", "South", "East", "West")[i % 4], 10 + i % 7 + 0.5])
    book.save(path)


def _empty_workbook(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.save(path)


def _zip_of_two(path: Path) -> None:
    # A fixed time stamp: the archive's bytes are the same on every run.
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("a.csv", "b.csv"):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)),
                             _table([_HEADER, *_rows(3)]))


def _damaged_zip(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)


def _sqlite_two_tables(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE a (customer_id INTEGER, age INTEGER)")
    connection.execute("CREATE TABLE b (customer_id INTEGER, age INTEGER)")
    connection.execute("INSERT INTO a VALUES (1, 30)")
    connection.commit()
    connection.close()


def _old_xls(path: Path) -> None:
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)


def _fake_parquet(path: Path) -> None:
    path.write_bytes(b"PAR1" + b"garbage" * 30)


def _order_lines(header: str, n: int = 60, customers: int = 12, sep: str = ",",
                 amount: Callable[[int], str] = lambda i: f"{10 + i % 7}.50",
                 first_id: int = 501, row_numbers: bool = False) -> str:
    """An order log of `n` lines: customer, order date, amount (header names given), after a
    row number 1..n when `row_numbers`. Customer ids below 100 look like counts, so only the
    names can say which column is the customer."""
    rows = [sep.join([*([str(i + 1)] if row_numbers else []), f"{first_id + i % customers}",
                      f"2024-0{1 + i % 9}-{1 + i % 28:02d}", amount(i)]) for i in range(n)]
    return _table([header, *rows])


def _bad_amount(i: int) -> str:
    """Amounts with a spreadsheet error, an infinity and words among them."""
    return {5: "#VALUE!", 17: "inf", 31: "not a number"}.get(i, f"{10 + i % 7}.50")


def _european_amount(i: int) -> str:
    """An amount as a European export writes it: "1.500" is fifteen hundred."""
    value = 250 * (1 + i % 9)
    return f"{value // 1000}.{value % 1000:03d}" if value >= 1000 else str(value)


def _excel_ids(i: int) -> str:
    """One of 20 customers' 12-digit ids as Excel saves it from a narrow cell: 6 significant
    digits, trailing zeros dropped ("1.2345E+11"), so every 5 customers share one."""
    mantissa, exponent = f"{123450000000 + 200_000 * (i % 20) + 17:.5E}".split("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E{exponent}"


CORPUS: dict[str, tuple[Callable[[Path], None], str]] = {
    "empty.csv": (_write_bytes(b""), ERROR),
    "whitespace_only.csv": (_write_text("\n\n   \n\t\n"), ERROR),
    "header_only.csv": (_write_text(_HEADER + "\n"), ERROR),
    "binary.csv": (_binary, ERROR),
    "png_renamed.csv": (_write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00\x01" * 300), ERROR),
    "single_column.csv": (_write_text(_table(["just_one", "a", "b", "c"])), OK),
    "wrong_delimiter.csv": (_write_text(_table([_HEADER.replace(",", ";"),
                                                *(r.replace(",", ";") for r in _rows(20))])), OK),
    "ragged_rows.csv": (_write_text(_table([_HEADER, *_rows(5), "6,Male,30,100,extra,more",
                                            *_rows(5, 7)])), ERROR),
    "mixed_types.csv": (_write_text(_table([_HEADER, *_rows(20),
                                            "21,Female,thirty,lots", "22,Male,n/a,1e3"])), OK),
    "all_ids_missing.csv": (_write_text(_table([_HEADER, *(",Female,30,100" for _ in range(10))])),
                            ERROR),
    "some_ids_missing.csv": (_write_text(_table([_HEADER, *_rows(10),
                                                 ",Male,40,50", ",Female,41,60"])), OK),
    "duplicate_ids.csv": (_write_text(_table([_HEADER, *_rows(10), *_rows(3)])), OK),
    "future_dates.csv": (_write_text(_log([f"{i},{100 + i % 5},2099-0{1 + i % 9}-15,2,3.5,UK"
                                           for i in range(1, 40)]
                                          + [f"{i},{100 + i % 5},2011-05-0{1 + i % 9},1,2.0,UK"
                                             for i in range(40, 60)])), OK),
    "mixed_date_formats.csv": (_write_text(_log(
        [f"{i},{200 + i % 6},{d},1,5.0,France" for i, d in enumerate(
            ["2011-03-04", "04/03/2011", "March 5 2011", "2011/03/06", "7.3.2011",
             "2011-03-08T10:00:00", "08-Mar-2011", "20110309"] * 4, start=1)])), ERROR),
    "mostly_iso_dates.csv": (_write_text(_log(
        [f"{i},{500 + i % 7},2011-04-{1 + i % 28:02d},1,4.0,Spain" for i in range(1, 60)]
        + ["60,501,31/12/2011,1,4.0,Spain", "61,502,yesterday,1,4.0,Spain"])), OK),
    "unparseable_dates.csv": (_write_text(_log([f"{i},{300 + i % 4},not a date,1,2.0,UK"
                                                for i in range(1, 20)])), ERROR),
    "huge_and_negative_numbers.csv": (_write_text(_table(
        [_HEADER, *_rows(10), "11,Male,-5,-1000000000000", "12,Female,999999,1e308",
         "13,Male,30,123456789012345678901234567890", "14,Female,30,-inf"])), OK),
    "negative_quantities_log.csv": (_write_text(_log([f"C{i},{400 + i % 3},2011-02-0{1 + i % 9},"
                                                      f"-{i},2.5,UK" for i in range(1, 20)])),
                                    ERROR),
    "latin1.csv": (_write_text(_table(["customer_id,ville,age", "1,Besançon,30", "2,Hôtel,40",
                                       "3,Zürich,50"]), "latin-1"), OK),
    "invalid_utf8_bytes.csv": (_write_bytes(b"customer_id,city,age\n1,Caf\xe9\x80\x81,30\n"
                                            b"2,\xff\xfeabc,40\n3,ok,50\n"), OK),
    "utf16.csv": (_write_text(_table([_HEADER, *_rows(10)]), "utf-16"), OK),
    "bom_utf8.csv": (_write_text("\ufeff" + _table([_HEADER, *_rows(10)])), OK),
    "thousands_of_columns.csv": (_thousands_of_columns, ERROR),
    "very_long_values.csv": (_very_long_values, OK),
    "duplicate_column_names.csv": (_write_text(_table(["customer_id,age,age,spend",
                                                       "1,30,31,100", "2,40,41,200"])), OK),
    "blank_header_names.csv": (_write_text(_table(["customer_id,,age,", "1,x,30,", "2,y,40,"])),
                               OK),
    "injection_names.csv": (_write_text(_table(
        ["customer_id,=cmd|' /C calc'!A0,age", "1,=1+1,30", "2,@SUM(A1),40", "3,+44,50"])), OK),
    "several_sheets.xlsx": (_several_sheets, OK),
    "empty_workbook.xlsx": (_empty_workbook, ERROR),
    "summary_sheet_first.xlsx": (_summary_first, OK),
    "truncated.csv.gz": (_truncated_gzip, ERROR),
    "gzip_bomb.csv.gz": (_gzip_bomb, ERROR),
    "not_really.gz": (_write_bytes(b"\x1f\x8b" + b"nonsense" * 20), ERROR),
    "zip_of_two.zip": (_zip_of_two, ERROR),
    "damaged.xlsx": (_damaged_zip, ERROR),
    "two_tables.sqlite": (_sqlite_two_tables, ERROR),
    "old_workbook.xls": (_old_xls, ERROR),
    "fake.parquet": (_fake_parquet, ERROR),
    "json_scalar.json": (_write_text("42"), ERROR),
    "json_broken.json": (_write_text('[{"customer_id": 1, "age": 3'), ERROR),
    "json_empty_list.json": (_write_text("[]"), ERROR),
    "nested.json": (_write_text('[{"customer_id": 1, "address": {"city": "Lyon"}, "age": 30},'
                                ' {"customer_id": 2, "address": {"city": "Nice"}, "age": 41}]'),
                    OK),
    "only_ids.csv": (_write_text(_table(["customer_id", "1", "2", "3"])), OK),
    # Files as they come (issue 13).
    "bad_cells_in_amount.csv": (_write_text(_order_lines("customer_id,order_date,amount",
                                                         amount=_bad_amount)), OK),
    "bad_cells_in_unnamed_column.csv": (_write_text(_order_lines(
        "customer_id,order_date,col3", amount=_bad_amount)), OK),
    "chinese_headers_log.csv": (_write_text(_order_lines("客户ID,订单日期,金额", n=200,
                                                         customers=20, first_id=1)), OK),
    "russian_headers_log.csv": (_write_text(_order_lines("Клиент,Дата,Сумма", n=200,
                                                         customers=20, first_id=1)), OK),
    "german_headers_log.csv": (_write_text(_order_lines(
        "Kundennummer;Bestelldatum;Betrag", n=200, customers=20, first_id=1, sep=";")), OK),
    "excel_scientific_ids.csv": (_write_text(_table(
        ["InvoiceNo,CustomerID,InvoiceDate,Amount",
         *(f"{5000 + i},{_excel_ids(i)},2024-0{1 + i % 9}-{1 + i % 28:02d},{10 + i % 7}.5"
           for i in range(200))])), OK),
    "semicolon_thousands.csv": (_write_text(_order_lines(
        "Kunde;Datum;Betrag", sep=";", amount=_european_amount)), OK),
    "row_number_id_log.csv": (_write_text(_order_lines("id,shopper,date,amount", n=200,
                                                       customers=20, first_id=1,
                                                       row_numbers=True)), OK),
}


def write_corpus(folder: Path) -> dict[str, tuple[Path, str]]:
    """Write every corpus file into `folder`; returns name -> (path, expectation)."""
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, tuple[Path, str]] = {}
    for name, (writer, expected) in CORPUS.items():
        path = folder / name
        writer(path)
        written[name] = (path, expected)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "bad_inputs_corpus")
    for path, expected in write_corpus(target).values():
        print(f"{expected:5} {path}")
