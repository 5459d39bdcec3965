"""Reading files and parsing real-world values (currency, missing markers, dates, flags)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.engine.errors import DataError
from tools.engine.parsing import parse_column, parse_columns, parse_typed_columns
from tools.engine.reading import read_table, sniff_delimiter
from tools.engine.schema import DType
from tools.engine.stores import as_strings


def strings(*values: str) -> pd.Series:
    return pd.Series(list(values), dtype=str)


# Numbers ------------------------------------------------------------------------------------


def test_us_currency_strings() -> None:
    parsed = parse_column(strings("$84,835.00 ", " $1,200.50", "$7", "-$3.25"))
    assert parsed.dtype is DType.NUMBER
    assert parsed.currency == "$"
    assert parsed.values.tolist() == [84835.0, 1200.5, 7.0, -3.25]


def test_uk_currency_with_code_and_symbol() -> None:
    parsed = parse_column(strings("£1,234.50", "GBP 12", "£0.99"))
    assert parsed.currency == "£"
    assert parsed.values.tolist() == [1234.5, 12.0, 0.99]


def test_european_decimal_comma() -> None:
    parsed = parse_column(strings("1.234,50 €", "12,5 €", "3 €"))
    assert parsed.dtype is DType.NUMBER
    assert parsed.currency == "€"
    assert parsed.values.tolist() == [1234.5, 12.5, 3.0]
    assert parsed.note is not None and "decimal mark" in parsed.note


def test_thousands_separators_give_integers() -> None:
    parsed = parse_column(strings("1,000", "25", "1,234,567"))
    assert parsed.dtype is DType.INTEGER
    assert parsed.values.dtype == "int64"
    assert parsed.values.tolist() == [1000, 25, 1234567]


def test_percentages_and_accounting_negatives() -> None:
    parsed = parse_column(strings("12%", "7.5 %", "(4.00)"))
    assert parsed.values.tolist() == [12.0, 7.5, -4.0]
    assert parsed.note is not None and "percent" in parsed.note


@pytest.mark.parametrize("token", ["", "unknown", "n/a", "NA", "null", "-", "N/A", "NULL", " "])
def test_missing_markers(token: str) -> None:
    parsed = parse_column(strings("10", token, "30"))
    assert parsed.dtype is DType.INTEGER
    assert np.isnan(parsed.values.iloc[1])
    assert parsed.values.iloc[2] == 30


def test_missing_markers_in_text() -> None:
    parsed = parse_column(strings("France", "Unknown", "Spain", "n/a"))
    assert parsed.dtype is DType.TEXT
    assert parsed.values.isna().tolist() == [False, True, False, True]


def test_zero_padded_codes_stay_text() -> None:
    parsed = parse_column(strings("0001", "0002", "0310"))
    assert parsed.dtype is DType.TEXT
    assert parsed.values.tolist() == ["0001", "0002", "0310"]


def test_numeric_category_codes_stay_numbers() -> None:
    parsed = parse_column(strings("1", "2", "3", "2"))
    assert parsed.dtype is DType.INTEGER
    assert parsed.values.tolist() == [1, 2, 3, 2]


def test_mixed_text_and_numbers_is_text() -> None:
    parsed = parse_column(strings("85123A", "71053", "POST"))
    assert parsed.dtype is DType.TEXT
    assert parsed.values.tolist() == ["85123A", "71053", "POST"]


# Flags --------------------------------------------------------------------------------------


def test_yes_no_flags() -> None:
    parsed = parse_column(strings("Yes", "no", "YES", "No"))
    assert parsed.dtype is DType.BOOL
    assert parsed.values.tolist() == [True, False, True, False]


def test_true_false_flags_with_missing() -> None:
    parsed = parse_column(strings("True", "", "false"))
    assert parsed.dtype is DType.BOOL
    assert parsed.values.iloc[0] is True or parsed.values.iloc[0] == True  # noqa: E712
    assert pd.isna(parsed.values.iloc[1])
    assert not parsed.values.iloc[2]


def test_zero_one_flags_stay_integers() -> None:
    parsed = parse_column(strings("0", "1", "1"))
    assert parsed.dtype is DType.INTEGER
    assert parsed.values.tolist() == [0, 1, 1]


# Dates --------------------------------------------------------------------------------------


def test_day_first_dates_when_a_first_part_exceeds_12() -> None:
    parsed = parse_column(strings("04-09-2012", "21-08-2013", "08-03-2014"))
    assert parsed.dtype is DType.DATE
    assert parsed.values.tolist() == [pd.Timestamp("2012-09-04"), pd.Timestamp("2013-08-21"),
                                      pd.Timestamp("2014-03-08")]
    assert parsed.note is not None and "day-first" in parsed.note


def test_month_first_short_years() -> None:
    parsed = parse_column(strings("12/1/10", "1/13/11", "2/3/11"))
    assert parsed.dtype is DType.DATE
    assert parsed.values.tolist() == [pd.Timestamp("2010-12-01"), pd.Timestamp("2011-01-13"),
                                      pd.Timestamp("2011-02-03")]
    assert parsed.note is not None and "month-first" in parsed.note


def test_month_first_with_times() -> None:
    parsed = parse_column(strings("12/1/2010 8:26", "1/13/2011 14:05", "12/9/2011 12:50"))
    assert parsed.dtype is DType.DATE
    assert parsed.values.tolist() == [pd.Timestamp("2010-12-01 08:26"),
                                      pd.Timestamp("2011-01-13 14:05"),
                                      pd.Timestamp("2011-12-09 12:50")]


def test_day_first_with_times_and_seconds() -> None:
    parsed = parse_column(strings("31/12/2010 08:26:10", "01/02/2011 14:05:00"))
    assert parsed.values.tolist() == [pd.Timestamp("2010-12-31 08:26:10"),
                                      pd.Timestamp("2011-02-01 14:05:00")]


def test_ambiguous_slash_dates_are_month_first() -> None:
    parsed = parse_column(strings("01/02/2011", "03/04/2011"))
    assert parsed.values.tolist() == [pd.Timestamp("2011-01-02"), pd.Timestamp("2011-03-04")]


def test_iso_dates_and_datetimes() -> None:
    parsed = parse_column(strings("2011-12-09", "2011-12-09 12:50:00", "2010-12-01T08:26"))
    assert parsed.dtype is DType.DATE
    assert parsed.values.tolist() == [pd.Timestamp("2011-12-09"),
                                      pd.Timestamp("2011-12-09 12:50"),
                                      pd.Timestamp("2010-12-01 08:26")]


def test_a_few_bad_dates_become_missing() -> None:
    values = [f"2024-01-{day:02d}" for day in range(1, 29)] + ["soon"]
    parsed = parse_column(strings(*values))
    assert parsed.dtype is DType.DATE
    assert int(parsed.values.isna().sum()) == 1
    assert parsed.note is not None and "could not be read" in parsed.note


def test_mostly_text_is_not_a_date() -> None:
    parsed = parse_column(strings("2024-01-01", "later", "soon", "never"))
    assert parsed.dtype is DType.TEXT


# Whole frames -------------------------------------------------------------------------------


def test_parse_columns_reports_types_and_currency() -> None:
    frame = pd.DataFrame({"amount": ["£5.00", "£7.50"], "when": ["2024-01-01", "2024-01-02"],
                          "name": ["a", "b"]}, dtype=str)
    parsed, dtypes = parse_columns(frame)
    assert dtypes == {"amount": DType.NUMBER, "when": DType.DATE, "name": DType.TEXT}
    assert parsed.attrs["currency"] == "£"
    assert pd.api.types.is_datetime64_any_dtype(parsed["when"])


# Reading ------------------------------------------------------------------------------------


def test_sniff_delimiter() -> None:
    assert sniff_delimiter(["a;b;c", "1;2,5;3"]) == ";"
    assert sniff_delimiter(["a\tb", "1\t2"]) == "\t"
    assert sniff_delimiter(["a|b|c", "1|2|3"]) == "|"
    assert sniff_delimiter(["a,b", "1,2"]) == ","
    assert sniff_delimiter(["single", "1"]) == ","


def test_semicolon_csv_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes("\ufeffid;city;total\r\n1;Köln;1.234,50\r\n2;Paris;12,00\r\n"
                     .encode("utf-8"))
    frame = read_table(path)
    assert list(frame.columns) == ["id", "city", "total"]
    assert frame["city"].tolist() == ["Köln", "Paris"]
    assert frame["total"].tolist() == ["1.234,50", "12,00"]
    parsed, _ = parse_columns(frame)
    assert parsed["total"].tolist() == [1234.5, 12.0]


def test_cp1252_file(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_bytes("name,price\nCafé crème,£3.50\nThé,£2.00\n".encode("cp1252"))
    frame = read_table(path)
    assert frame["name"].tolist() == ["Café crème", "Thé"]
    parsed, dtypes = parse_columns(frame)
    assert dtypes["price"] is DType.NUMBER
    assert parsed.attrs["currency"] == "£"


def test_tab_and_pipe_files(tmp_path: Path) -> None:
    tab = tmp_path / "a.tsv"
    tab.write_text("x\ty\n1\t2\n", encoding="utf-8")
    assert read_table(tab).columns.tolist() == ["x", "y"]
    pipe = tmp_path / "a.txt"
    pipe.write_text("x|y\n1|2\n", encoding="utf-8")
    assert read_table(pipe)["y"].tolist() == ["2"]


def test_every_column_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    pd.DataFrame({"n": [1, 2], "f": [1.5, None], "d": pd.to_datetime(["2024-01-01", None])}) \
        .to_parquet(path)
    frame = read_table(path)
    assert frame["n"].tolist() == ["1", "2"]
    assert frame["f"].tolist() == ["1.5", ""]
    assert frame["d"].tolist() == ["2024-01-01", ""]


def test_excel_first_sheet_by_default_and_named_sheet(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name="First", index=False)
        pd.DataFrame({"b": [2]}).to_excel(writer, sheet_name="Second", index=False)
    first = read_table(path)
    assert first.columns.tolist() == ["a"]
    assert "First" in first.attrs["note"]
    second = read_table(path, table="second")  # sheet names match ignoring case
    assert second["b"].tolist() == ["2"]


def test_unreadable_excel(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(DataError) as info:
        read_table(path)
    assert "\n" not in str(info.value) and "Excel" in str(info.value)


def test_ragged_rows_give_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n1,2,3,4\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_table(path)
    assert "\n" not in str(info.value)


def test_exponent_numbers() -> None:
    parsed = parse_column(strings("1e+20", "2.5E-3", "4"))
    assert parsed.dtype is DType.NUMBER
    assert parsed.values.tolist() == [1e20, 0.0025, 4.0]


def test_parquet_floats_round_trip_as_numbers(tmp_path: Path) -> None:
    path = tmp_path / "b.parquet"
    pd.DataFrame({"x": [1e20, 0.1, 3.0], "flag": [True, False, None]}).to_parquet(path)
    frame = read_table(path)
    parsed, dtypes = parse_columns(frame)
    assert dtypes == {"x": DType.NUMBER, "flag": DType.BOOL}
    assert parsed["x"].tolist() == [1e20, 0.1, 3.0]


def test_zipped_csv(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("customers.csv", "id,city\n1,Lyon\n2,Nice\n")
    assert read_table(path)["city"].tolist() == ["Lyon", "Nice"]


def test_excel_sep_hint_line(tmp_path: Path) -> None:
    path = tmp_path / "hint.csv"
    path.write_text("sep=;\nid;amount\n1;2,5\n", encoding="utf-8")
    frame = read_table(path)
    assert frame.columns.tolist() == ["id", "amount"]
    assert frame["amount"].tolist() == ["2,5"]


def test_trailing_delimiter_does_not_shift_columns(tmp_path: Path) -> None:
    path = tmp_path / "trailing.csv"
    path.write_text("id,city\n1,Lyon,\n2,Nice,\n", encoding="utf-8")
    frame = read_table(path)
    assert frame["id"].tolist() == ["1", "2"]
    assert frame["city"].tolist() == ["Lyon", "Nice"]


def test_excel_title_rows_above_the_header(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "report.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Customer export, March"])
    sheet.append([])
    sheet.append(["id", "joined", "spend"])
    sheet.append([1, pd.Timestamp("2024-03-01").to_pydatetime(), 10.5])
    sheet.append([2, pd.Timestamp("2024-03-02 14:30").to_pydatetime(), 3])
    book.save(path)
    frame = read_table(path)
    assert frame.columns.tolist() == ["id", "joined", "spend"]
    assert frame["joined"].tolist() == ["2024-03-01", "2024-03-02 14:30:00"]
    assert frame["spend"].tolist() == ["10.5", "3"]


def test_legacy_xls_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    with pytest.raises(DataError) as info:
        read_table(path)
    assert ".xlsx" in str(info.value)


def test_year_first_slash_dates() -> None:
    parsed = parse_column(strings("2024/03/01", "2024/12/31"))
    assert parsed.values.tolist() == [pd.Timestamp("2024-03-01"), pd.Timestamp("2024-12-31")]


def test_dates_with_offsets_become_utc_wall_time() -> None:
    parsed = parse_column(strings("2024-03-01T10:00:00Z", "2024-03-01T12:00:00+02:00"))
    assert parsed.dtype is DType.DATE
    assert parsed.values.tolist() == [pd.Timestamp("2024-03-01 10:00")] * 2


def test_month_name_dates() -> None:
    parsed = parse_column(strings("5 Mar 2024", "Mar 7, 2024", "12-Dec-2023",
                                  "Monday, 1 July 2024"))
    assert parsed.dtype is DType.DATE
    assert parsed.values.tolist() == [pd.Timestamp("2024-03-05"), pd.Timestamp("2024-03-07"),
                                      pd.Timestamp("2023-12-12"), pd.Timestamp("2024-07-01")]


def test_words_with_month_names_are_not_dates() -> None:
    parsed = parse_column(strings("March madness", "may be", "Decent"))
    assert parsed.dtype is DType.TEXT


def test_space_thousands_but_not_phone_numbers() -> None:
    assert parse_column(strings("1 234 567", "12 500", "7")).values.tolist() == [
        1234567, 12500, 7]
    phones = parse_column(strings("555 0101", "555 0199"))
    assert phones.dtype is DType.TEXT


# Properties ---------------------------------------------------------------------------------

money = st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False,
                    allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(money, min_size=1, max_size=20), st.sampled_from(["$", "£", "€"]))
def test_formatted_money_reads_back(amounts: list[Decimal], symbol: str) -> None:
    texts = [f"{'-' if a < 0 else ''}{symbol}{abs(a):,.2f}" for a in amounts]
    parsed = parse_column(strings(*texts))
    assert parsed.dtype is DType.NUMBER
    assert parsed.currency == symbol
    assert parsed.values.tolist() == pytest.approx([float(a) for a in amounts])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.dates(min_value=pd.Timestamp("1990-01-01").date(),
                         max_value=pd.Timestamp("2030-12-31").date()), min_size=1, max_size=20),
       st.sampled_from(["%d-%m-%Y", "%m/%d/%Y", "%Y-%m-%d", "%d.%m.%Y"]))
def test_formatted_dates_read_back(days: list[date], layout: str) -> None:
    parsed = parse_column(strings(*[d.strftime(layout) for d in days]))
    assert parsed.dtype is DType.DATE
    unambiguous = layout == "%Y-%m-%d" or any(d.day > 12 for d in days)
    if unambiguous:
        assert [t.date() for t in parsed.values] == days


def test_long_integer_codes_keep_every_digit() -> None:
    exact = parse_column(strings("12345678901234567", "12345678901234569"))
    assert exact.values.tolist() == [12345678901234567, 12345678901234569]
    with_gap = parse_column(strings("12345678901234567", "", "12345678901234569"))
    assert with_gap.dtype is DType.TEXT
    assert with_gap.values.iloc[2] == "12345678901234569"
    huge = parse_column(strings("123456789012345678901234", "1"))
    assert huge.dtype is DType.TEXT


def test_a_lone_letter_is_not_a_flag() -> None:
    assert parse_column(strings("F", "F", "F")).dtype is DType.TEXT
    assert parse_column(strings("Y", "N", "Y")).dtype is DType.BOOL


def test_nameless_empty_columns_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "trailing.tsv"
    path.write_text("id\tx\t\n1\t2\t\n2\t3\t\n", encoding="utf-8")
    assert read_table(path).columns.tolist() == ["id", "x"]


def test_excel_skips_an_empty_cover_sheet(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame().to_excel(writer, sheet_name="Cover", index=False)
        pd.DataFrame({"id": [1, 2]}).to_excel(writer, sheet_name="Data", index=False)
    frame = read_table(path)
    assert frame["id"].tolist() == ["1", "2"]
    assert "Data" in frame.attrs["note"]
    with pytest.raises(DataError) as info:
        read_table(path, table="Cover")
    assert info.value.options == ["Cover", "Data"]


def test_nested_json_records_are_flattened(tmp_path: Path) -> None:
    path = tmp_path / "orders.json"
    path.write_text('{"orders": [{"id": 1, "customer": {"id": 7, "country": "FR"}},'
                    ' {"id": 2, "customer": {"id": 8, "country": null}}]}', encoding="utf-8")
    frame = read_table(path)
    assert frame.columns.tolist() == ["id", "customer.id", "customer.country"]
    assert frame["customer.country"].tolist() == ["FR", ""]


_TYPED_VALUES = {
    "int64": st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=12),
    "Int64": st.lists(st.one_of(st.none(), st.integers(-(2**60), 2**60)), min_size=1,
                      max_size=12),
    "float64": st.lists(st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True),
                                  st.integers(-10**16, 10**16).map(float),
                                  st.sampled_from([0.0, -0.0, 0.5, 2.55, 1e15, 1e-7])),
                        min_size=1, max_size=12),
    "datetime64[ns]": st.lists(st.one_of(st.none(), st.datetimes(
        min_value=datetime(1700, 1, 1), max_value=datetime(2200, 1, 1))), min_size=1,
        max_size=12),
    "datetime64[us]": st.lists(st.one_of(st.none(), st.dates(
        min_value=date(1990, 1, 1), max_value=date(2030, 1, 1)).map(
        lambda d: datetime(d.year, d.month, d.day))), min_size=1, max_size=12),
}


def _assert_typed_parse_matches_text(column: pd.Series) -> None:
    typed = pd.DataFrame({"value": column, "label": "x"})
    fast, fast_types = parse_typed_columns(typed)
    slow, slow_types = parse_columns(as_strings(typed))
    assert fast_types == slow_types
    pd.testing.assert_frame_equal(fast, slow)
    assert fast.attrs == slow.attrs


@settings(max_examples=150, deadline=None)
@given(data=st.data(), kind=st.sampled_from(sorted(_TYPED_VALUES)))
def test_typed_columns_parse_as_their_text_does(data: st.DataObject, kind: str) -> None:
    """Taking typed numbers and dates as they are gives what parsing their text gives."""
    values = data.draw(_TYPED_VALUES[kind])
    if kind == "int64":
        column = pd.Series(values, dtype="int64")
    elif kind.startswith("datetime"):
        column = pd.Series(pd.to_datetime(values)).astype(kind)
    else:
        column = pd.Series(values, dtype=kind)
    _assert_typed_parse_matches_text(column)


@pytest.mark.parametrize("column", [
    pd.Series([1e15, 2.0]),  # whole, but written with a decimal point
    pd.Series([3.0, None, 4.0]),
    pd.Series([2**53 + 2, None], dtype="Int64"),  # long codes with a gap: text
    pd.Series([2**62, 5], dtype="int64"),
    pd.Series([float("inf"), 1.5]),
    pd.Series([None, None], dtype="float64"),
    pd.Series([0, 1], dtype="int64"),
    pd.Series(pd.to_datetime(["2024-01-05 10:00:00.750", "2024-01-06 00:00:00.000"])),
    pd.Series(pd.to_datetime(["2024-01-05", None])),
], ids=lambda c: str(c.dtype))
def test_edge_typed_columns_parse_as_their_text_does(column: pd.Series) -> None:
    _assert_typed_parse_matches_text(column)
