"""Real-world cell text the loader reads: day/month orders chosen by evidence and said,
legacy encodings, and common "unknown" answers kept as values (rare ones counted as missing)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from assistant.cli_render import inspect_dict
from tools.engine.dataset import FIRST_PURCHASE, LAST_PURCHASE, CustomerData
from tools.engine.definitions import Compare, Missing
from tools.engine.evaluate import evaluate
from tools.engine.loading import load_customer_data
from tools.engine.parsing import parse_column
from tools.engine.reading import legacy_encoding, read_table
from tools.engine.scan import scan_parquet
from tools.engine.scan_csv import scan_csv
from tools.engine.schema import DType, Role


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _log(tmp_path: Path, dates: list[str]) -> CustomerData:
    rows = "\n".join(f"{1 + i % 2},{day},{10 + i}" for i, day in enumerate(dates))
    return load_customer_data(_write(tmp_path / "log.csv", f"buyer_id,SoldOn,paid\n{rows}\n"))


# 4. Dates --------------------------------------------------------------------------------


def test_day_month_abbreviated_year_dates(tmp_path: Path) -> None:
    data = _log(tmp_path, ["14-Jan-15", "03-Feb-15", "28-Dec-14", "09-Mar-15"])
    assert data.customers[FIRST_PURCHASE].tolist() == [pd.Timestamp("2014-12-28"),
                                                       pd.Timestamp("2015-02-03")]
    assert data.customers[LAST_PURCHASE].tolist() == [pd.Timestamp("2015-01-14"),
                                                      pd.Timestamp("2015-03-09")]


def test_a_day_above_12_anywhere_makes_the_column_day_first_and_says_so(
        tmp_path: Path) -> None:
    data = _log(tmp_path, ["03/04/2021", "05/04/2021", "25/04/2021", "02/05/2021"])
    assert data.customers[FIRST_PURCHASE].tolist() == [pd.Timestamp("2021-04-03"),
                                                       pd.Timestamp("2021-04-05")]
    notes = inspect_dict(data)["warnings"]
    assert any(n.startswith("SoldOn: read as day/month/year (03/04/2021 = 3 April 2021)")
               and "day-first" in n for n in notes)


def test_a_second_part_above_12_makes_it_month_first(tmp_path: Path) -> None:
    data = _log(tmp_path, ["03/04/2021", "04/25/2021", "05/01/2021", "05/02/2021"])
    assert data.customers[FIRST_PURCHASE].tolist() == [pd.Timestamp("2021-03-04"),
                                                       pd.Timestamp("2021-04-25")]
    assert any("read as month/day/year (03/04/2021 = 4 March 2021)" in n
               for n in data.source.warnings)


def test_without_evidence_the_default_reading_is_said(tmp_path: Path) -> None:
    slash = _log(tmp_path, ["03/04/2021", "05/06/2021", "07/08/2021", "09/10/2021"])
    assert slash.customers[FIRST_PURCHASE].tolist() == [pd.Timestamp("2021-03-04"),
                                                        pd.Timestamp("2021-05-06")]
    note = next(n for n in slash.source.warnings if n.startswith("SoldOn:"))
    assert "month/day/year (03/04/2021 = 4 March 2021)" in note and "by default" in note
    dotted = _log(tmp_path, ["03.04.2021", "05.06.2021", "07.08.2021", "09.10.2021"])
    assert dotted.customers[FIRST_PURCHASE].tolist() == [pd.Timestamp("2021-04-03"),
                                                         pd.Timestamp("2021-06-05")]
    assert any("day/month/year (03.04.2021 = 3 April 2021)" in n
               for n in dotted.source.warnings)


# 5. Encodings ----------------------------------------------------------------------------


def test_a_windows_1252_file_reads_accents_pounds_and_euros(tmp_path: Path) -> None:
    path = tmp_path / "shop.csv"
    path.write_bytes("buyer_id,SoldOn,paid,outlet\n1,2024-01-01,3,Café Lumière £\n"
                     "1,2024-01-02,4,Kiosk € Süd\n2,2024-01-03,5,Café Lumière £\n"
                     .encode("cp1252"))
    data = load_customer_data(path)
    assert set(data.customers["outlet"]) == {"Café Lumière £"}
    assert "Kiosk € Süd" in set(read_table(path)["outlet"])
    assert "Read as Windows-1252 (cp1252) text: the file is not UTF-8." in data.source.warnings


@pytest.mark.parametrize("text", ["Müller,Zürich\n", "Café,£3.50\n"])
def test_a_dos_cp437_file_reads_its_letters(tmp_path: Path, text: str) -> None:
    """Müller has a byte Windows-1252 leaves undefined; Café and £ are bytes it reads as
    punctuation and "œ", which the neighbouring letters and digits rule out."""
    path = tmp_path / "dos.csv"
    path.write_bytes(("name_on_card,town\n" + text * 2).encode("cp437"))
    frame = read_table(path)
    assert frame.iloc[0].tolist() == text.strip().split(",")
    assert frame.attrs["encoding"] == "DOS (cp437)"


def test_utf8_with_or_without_bom_is_preferred(tmp_path: Path) -> None:
    for name, prefix in (("plain.csv", b""), ("bom.csv", b"\xef\xbb\xbf")):
        path = tmp_path / name
        path.write_bytes(prefix + "outlet,town\nCafé,Zürich\n".encode())
        frame = read_table(path)
        assert frame.columns.tolist() == ["outlet", "town"]
        assert frame.iloc[0].tolist() == ["Café", "Zürich"]
        assert "encoding" not in frame.attrs
    assert legacy_encoding("Straße £5".encode("cp1252")) == "cp1252"


# 6. Missing markers ----------------------------------------------------------------------


COLOURS = (["Red"] * 10 + ["Blue"] * 8 + ["Unknown"] * 4 + ["unknown"] + ["n/a"]
           + ["Other"] * 3 + ["-"])


def _table(tmp_path: Path) -> CustomerData:
    ages = [str(30 + i) for i in range(22)] + ["unknown"] * 5 + ["?"]
    rows = "\n".join(f"{i + 1},{colour},{age}" for i, (colour, age)
                     in enumerate(zip(COLOURS, ages, strict=True)))
    return load_customer_data(_write(tmp_path / "people.csv",
                                     f"member_id,favourite_colour,age_years\n{rows}\n"))


def test_a_common_unknown_is_a_category_value_and_rare_markers_are_missing(
        tmp_path: Path) -> None:
    data = _table(tmp_path)
    colour = data.customers["favourite_colour"]
    assert colour.value_counts().to_dict() == {"Red": 10, "Blue": 8, "Unknown": 4, "Other": 3,
                                               "unknown": 1}
    assert int(colour.isna().sum()) == 2  # "n/a" and "-", once each
    info = data.schema.column("favourite_colour")
    assert info is not None and info.role is Role.CATEGORY and "Unknown" in info.values
    assert int(evaluate(Compare(column="favourite_colour", op="==", value="unknown"),
                        data).sum()) == 5
    assert int(evaluate(Missing(column="favourite_colour"), data).sum()) == 2


def test_markers_in_a_number_column_stay_missing_and_every_count_is_reported(
        tmp_path: Path) -> None:
    data = _table(tmp_path)
    age = data.schema.column("age_years")
    assert age is not None and age.dtype is DType.INTEGER and age.n_missing == 6
    notes = inspect_dict(data)["warnings"]
    assert "age_years: 6 cells read as missing ('unknown' x5, '?')" in notes
    assert "favourite_colour: 2 cells read as missing ('n/a', '-')" in notes
    assert any(n.startswith("favourite_colour: 'Unknown', 'unknown' kept as a value")
               for n in notes)


def test_a_marker_among_the_top_values_of_a_category_is_kept_but_not_in_free_text() -> None:
    category = ["A"] * 200 + ["B"] * 150 + ["C"] * 100 + ["D"] * 50 + ["E"] * 3 + ["unknown"] * 3
    parsed = parse_column(pd.Series(category, dtype="str"))  # 3 of 506: under 1%, yet 5th
    assert int((parsed.values == "unknown").sum()) == 3 and parsed.missing == 0
    notes = [f"note {i}" for i in range(400)] + ["n/a"] * 3  # each note once: not ranked
    parsed = parse_column(pd.Series(notes, dtype="str"))
    assert int(parsed.values.isna().sum()) == 3 == parsed.missing
    assert parsed.missing_note == "3 cells read as missing ('n/a' x3)"


def test_a_column_of_nothing_but_markers_is_missing() -> None:
    parsed = parse_column(pd.Series(["n/a", "unknown", "n/a", "unknown"], dtype="str"))
    assert parsed.values.isna().all() and parsed.missing == 4


def test_a_common_unknown_customer_is_still_no_customer(tmp_path: Path) -> None:
    rows = "\n".join(["G-1,2024-01-01,5", "G-1,2024-01-02,5", "unknown,2024-01-03,7",
                      "G-2,2024-01-03,5", "unknown,2024-01-04,7", "Unknown,2024-01-05,7"])
    data = load_customer_data(_write(tmp_path / "guests.csv", f"client_ref,SoldOn,paid\n{rows}\n"))
    assert data.customers.index.tolist() == ["G-1", "G-2"]
    assert data.source.cleaning[0].rows_removed == 3


def test_kept_markers_are_kept_alike_on_the_large_file_paths(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    n = 300
    frame = pd.DataFrame({
        "buyer_id": rng.integers(1, 40, n),
        "SoldOn": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 90, n), "D"),
        "paid": rng.integers(1, 50, n).astype("float64"),
        "tier": rng.choice(["Gold", "Silver", "Unknown", " unknown", "n/a", "Bronze"], n,
                           p=[0.4, 0.3, 0.15, 0.05, 0.003, 0.097]),
    })
    frame.loc[0, "tier"] = "?"  # one: stays missing
    parquet, csv = tmp_path / "lines.parquet", tmp_path / "lines.csv"
    frame.to_parquet(parquet, index=False)
    frame.assign(SoldOn=frame["SoldOn"].dt.strftime("%Y-%m-%d")).to_csv(csv, index=False)
    ordinary = load_customer_data(parquet)
    assert "Unknown" in set(ordinary.customers["tier"])
    for scanned in (scan_parquet(parquet), scan_csv(csv)):
        assert scanned is not None
        pd.testing.assert_frame_equal(scanned.customers, ordinary.customers)
        assert scanned.cleaning == ordinary.source.cleaning
