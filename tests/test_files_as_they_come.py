"""Files as they come (issue 13): odd exports that used to give wrong counts or refusals,
and a load cache that holds no code.

The files are written by tests/bad_inputs/make_corpus.py (the bad-input corpus), so
`tests/test_bad_inputs.py` also loads each through the Python loader and the CLI.
"""

from __future__ import annotations

import ast
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent / "bad_inputs"))

from make_corpus import CORPUS  # noqa: E402

from tools.engine import load_cache  # noqa: E402
from tools.engine.dataset import FREQUENCY, MONETARY, CustomerData  # noqa: E402
from tools.engine.errors import EngineError  # noqa: E402
from tools.engine.loading import (  # noqa: E402
    _cache_key,
    file_hash,
    load_customer_data,
    loaded_from_cache,
)
from tools.engine.naming import name_words, role_words  # noqa: E402
from tools.engine.schema import DataKind, Role  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


def corpus_file(folder: Path, name: str) -> Path:
    """One corpus file, written into `folder`."""
    writer, _ = CORPUS[name]
    path = folder / name
    writer(path)
    return path


def small_log(path: Path) -> Path:
    lines = ["InvoiceNo,CustomerID,InvoiceDate,Quantity,UnitPrice,Country,Gift"]
    for i in range(1, 41):
        lines.append(f"{1000 + i},{10 + i % 6},2024-0{1 + i % 9}-1{i % 10},{1 + i % 3},"
                     f"{2.5 + i % 4},{'France' if i % 3 else 'Spain'},{'yes' if i % 2 else 'no'}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# 1. A few bad cells in an amount column ---------------------------------------------------


def test_bad_cells_in_an_amount_are_missing_and_counted(tmp_path: Path) -> None:
    data = load_customer_data(corpus_file(tmp_path, "bad_cells_in_amount.csv"))
    amount = data.source.raw_schema.first(Role.AMOUNT)
    assert amount is not None and amount.name == "amount"
    assert "amount: 3 cells read as missing ('#VALUE!', 'inf', 'not a number')" in (
        data.source.warnings)
    assert not any("No amount column" in w for w in data.source.warnings)
    assert data.n_customers == 12 and data.customers[MONETARY].notna().all()
    # The 57 good lines are the spend: the three bad ones are left out as amount <= 0.
    assert data.customers[MONETARY].sum() == pytest.approx(
        sum(10 + i % 7 + 0.5 for i in range(60) if i not in (5, 17, 31)))


def test_map_chooses_a_column_with_bad_cells_as_the_amount(tmp_path: Path) -> None:
    path = corpus_file(tmp_path, "bad_cells_in_unnamed_column.csv")
    unmapped = load_customer_data(path)
    assert any("--map amount=COLUMN" in w for w in unmapped.source.warnings)
    data = load_customer_data(path, mapping={"amount": "col3"})
    amount = data.source.raw_schema.first(Role.AMOUNT)
    assert amount is not None and amount.name == "col3" and amount.reason == "set by you"
    assert any(w.startswith("col3: 3 cells read as missing") for w in data.source.warnings)
    assert data.customers[MONETARY].sum() > 0


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_the_large_file_paths_read_bad_cells_as_the_ordinary_path_does(
        suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tools.engine.loading as loading

    path = corpus_file(tmp_path, "bad_cells_in_unnamed_column.csv")
    if suffix == ".parquet":
        frame = pd.read_csv(path, dtype=str)
        frame["order_date"] = pd.to_datetime(frame["order_date"])
        path = tmp_path / "lines.parquet"
        frame.to_parquet(path, index=False)
    ordinary = load_customer_data(path, mapping={"amount": "col3"})
    monkeypatch.setattr(loading, "SCAN_MIN_ROWS", 10)
    large = load_customer_data(path, mapping={"amount": "col3"})
    pd.testing.assert_frame_equal(large.customers, ordinary.customers)
    assert large.source.warnings == ordinary.source.warnings


def test_a_column_of_words_is_not_made_an_amount(tmp_path: Path) -> None:
    path = tmp_path / "tiers.csv"
    path.write_text("customer_id,order_date,amount\n" + "".join(
        f"{i % 5},2024-01-0{1 + i % 9},{'gold' if i % 2 else 'silver'}\n" for i in range(30)),
        encoding="utf-8")
    assert load_customer_data(path).source.raw_schema.first(Role.AMOUNT) is None
    with pytest.raises(EngineError, match="does not hold numbers"):
        load_customer_data(path, mapping={"amount": "amount"})


# 2. Column names in other languages, and short English ones --------------------------------


@pytest.mark.parametrize("name", ["chinese_headers_log.csv", "russian_headers_log.csv",
                                  "german_headers_log.csv"])
def test_an_order_log_with_foreign_headers_has_its_customers(name: str, tmp_path: Path) -> None:
    data = load_customer_data(corpus_file(tmp_path, name))
    assert data.kind is DataKind.TRANSACTIONS
    assert data.n_customers == 20 and data.source.rows_read == 200
    roles = [c.role for c in data.source.raw_schema.columns]
    assert roles == [Role.CUSTOMER_ID, Role.DATE, Role.AMOUNT]
    assert data.source.raw_schema.notes == ()  # read from the names, not guessed from values
    assert data.customers[MONETARY].sum() == pytest.approx(sum(10 + i % 7 + 0.5
                                                               for i in range(200)))


_HEADERS = [
    ("shopper", "date", "qty", "price_each", "ticket"),
    ("Shopper", "Date", "Qty", "Unit Price", "Receipt Number"),
    ("shopper_id", "purchase_date", "QTY", "PRICEEACH", "ticket_no"),
    ("CUSTOMERNUMBER", "ORDERDATE", "QUANTITYORDERED", "PRICEEACH", "ORDERNUMBER"),
    ("customer", "date", "units", "price per unit", "receipt"),
    ("customer", "date", "qty", "each_price", "ticket number"),
    ("客户编号", "下单时间", "数量", "单价", "订单号"),
    ("Покупатель", "Дата покупки", "Кол-во", "Цена за единицу", "Номер чека"),
    ("Kunden-Nr.", "Kaufdatum", "Menge", "Stückpreis", "Bonnummer"),
]


@pytest.mark.parametrize("header", _HEADERS, ids=lambda h: h[0])
def test_short_and_foreign_names_of_order_lines(header: tuple[str, ...],
                                                tmp_path: Path) -> None:
    # 20 customers numbered 1-20 (small numbers: only the names can say they are customers).
    lines = [",".join(f'"{h}"' for h in header)]
    lines += [f"{1 + i % 20},2024-0{1 + i % 9}-{1 + i % 28:02d},{1 + i % 4},{2 + i % 5}.25,"
              f"{5000 + i}" for i in range(200)]
    path = tmp_path / "lines.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = load_customer_data(path)
    roles = {c.name: c.role for c in data.source.raw_schema.columns}
    assert [roles[h] for h in header] == [Role.CUSTOMER_ID, Role.DATE, Role.QUANTITY,
                                          Role.UNIT_PRICE, Role.ORDER_ID]
    assert data.n_customers == 20 and data.customers[FREQUENCY].sum() == 200


def test_names_the_data_files_do_not_know_split_as_before(datasets_dir: Path) -> None:
    """English names keep their words: the data files only add to them."""
    names = [*pd.read_csv(datasets_dir / "marketing_campaign.csv", sep="\t", nrows=1).columns,
             *pd.read_csv(datasets_dir / "mall_customers.csv", nrows=1).columns,
             *pd.read_csv(datasets_dir / "online_retail.csv.gz", nrows=1).columns,
             "days_since_last_order", "num_orders", "is_returned", "orders", "invoices",
             "total_spend", "timestamp", "subtotal", "purchases", "items", "summer", "bonus"]
    for name in names:
        assert list(role_words(name)) == name_words(name), name


# 3. A column of row numbers named "id" --------------------------------------------------------


def test_row_numbers_named_id_are_not_the_customer(tmp_path: Path) -> None:
    data = load_customer_data(corpus_file(tmp_path, "row_number_id_log.csv"))
    assert data.kind is DataKind.TRANSACTIONS and data.n_customers == 20
    key = data.source.raw_schema.first(Role.CUSTOMER_ID)
    assert key is not None and key.name == "shopper"
    assert ("'id' numbers the rows (1 to 200), so it was not taken as the customer key: "
            "customers are told apart by 'shopper'. Map another with --map "
            "customer_id=COLUMN.") in data.source.warnings


@pytest.mark.parametrize("other", ["Customer", "customer_email", "Клиент"])
def test_row_numbers_give_way_to_a_column_that_repeats_as_customers_do(
        other: str, tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text(f"id,{other},order_date,amount\n" + "".join(
        f"{i + 1},c{i % 20}@example.org,2024-0{1 + i % 9}-{1 + i % 28:02d},{10 + i % 7}.5\n"
        for i in range(200)), encoding="utf-8")
    data = load_customer_data(path)
    assert data.n_customers == 20
    assert any(w.startswith("'id' numbers the rows") and f"'{other}'" in w
               for w in data.source.warnings)


def test_an_id_numbering_a_customer_table_stays_its_key(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("id,customer,signed_up,age\n" + "".join(
        f"{i + 1},Person {i},2023-0{1 + i % 9}-{1 + i % 28:02d},{20 + i % 40}\n"
        for i in range(50)), encoding="utf-8")
    data = load_customer_data(path)
    assert data.kind is DataKind.CUSTOMERS and data.n_customers == 50
    assert data.customers.index.tolist() == list(range(1, 51))
    assert not any("numbers the rows" in w for w in data.source.warnings)


# 4. Ids that Excel wrote in scientific notation --------------------------------------------


@pytest.mark.parametrize("scan", [False, True], ids=["read", "large-file path"])
def test_ids_in_scientific_notation_are_warned_about(scan: bool, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import tools.engine.loading as loading

    if scan:  # the DuckDB path of large files leaves such ids to the ordinary path
        monkeypatch.setattr(loading, "SCAN_MIN_ROWS", 10)
    data = load_customer_data(corpus_file(tmp_path, "excel_scientific_ids.csv"))
    # 20 customers in the source system; Excel's rounding left 5 ids.
    assert data.n_customers == 5
    assert ("CustomerID: 5 ids are written in scientific notation (1.2345E+11, on 200 rows), "
            "as Excel shows long numbers: their last digits are lost, so different customers "
            "may have been merged into one. Export the ids as text (format the column as Text "
            "before saving) and load the file again.") in data.source.warnings


def test_ids_in_full_bring_no_such_warning(tmp_path: Path) -> None:
    data = load_customer_data(small_log(tmp_path / "log.csv"))
    assert not any("scientific notation" in w for w in data.source.warnings)


# 5. A workbook whose first sheet is a summary ----------------------------------------------


def test_the_sheet_with_the_data_is_read_and_named(tmp_path: Path) -> None:
    path = corpus_file(tmp_path, "summary_sheet_first.xlsx")
    data = load_customer_data(path)
    assert data.kind is DataKind.TRANSACTIONS and data.n_customers == 20
    assert data.source.rows_read == 200
    assert ("Read sheet 'Orders' (of 2: Summary, Orders): it has customer ids, dates and "
            "amounts; choose another with --table NAME.") in data.source.warnings
    # --table still reads the sheet named.
    summary = load_customer_data(path, table="Summary")
    assert summary.kind is DataKind.CUSTOMERS and summary.n_customers == 5


def test_among_sheets_alike_the_one_with_the_most_rows_is_read(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"customer_id": [1, 2], "age": [30, 40]}).to_excel(
            writer, sheet_name="Sample", index=False)
        pd.DataFrame({"customer_id": range(1, 31), "age": range(20, 50)}).to_excel(
            writer, sheet_name="All", index=False)
    data = load_customer_data(path)
    assert data.n_customers == 30
    assert any(w.startswith("Read sheet 'All' (of 2: Sample, All)") for w in data.source.warnings)


# 6. "1.500" in a semicolon-separated file ---------------------------------------------------


def test_dots_as_thousands_in_a_semicolon_file(tmp_path: Path) -> None:
    data = load_customer_data(corpus_file(tmp_path, "semicolon_thousands.csv"))
    assert data.n_customers == 12
    assert data.customers[MONETARY].sum() == sum(250 * (1 + i % 9) for i in range(60))
    assert ("Betrag: read with '.' as the thousands separator (1.000 = 1000), as in European "
            "exports (the file is semicolon-separated)") in data.source.warnings


def test_a_semicolon_file_with_decimal_points_keeps_them(tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_text("customer_id;order_date;amount;weight\n" + "".join(
        f"{501 + i % 12};2024-0{1 + i % 9}-{1 + i % 28:02d};{1 + i % 3}.500;{i % 4}.25\n"
        for i in range(60)), encoding="utf-8")
    data = load_customer_data(path)
    assert data.customers[MONETARY].sum() == pytest.approx(sum(1 + i % 3 + 0.5
                                                               for i in range(60)))
    assert ("amount: read with '.' as the decimal mark (1.500 = 1.5), as the file's other "
            "numbers are written") in data.source.warnings


def test_the_large_file_path_leaves_dotted_thousands_to_the_ordinary_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tools.engine.loading as loading
    from tools.engine.scan_csv import scan_csv

    path = corpus_file(tmp_path, "semicolon_thousands.csv")
    assert scan_csv(path) is None
    monkeypatch.setattr(loading, "SCAN_MIN_ROWS", 10)
    assert load_customer_data(path).customers[MONETARY].sum() == sum(
        250 * (1 + i % 9) for i in range(60))


# 7. A customer table with repeated ids ----------------------------------------------------


def test_repeated_ids_keep_their_first_row_and_are_named(tmp_path: Path) -> None:
    data = load_customer_data(corpus_file(tmp_path, "duplicate_ids.csv"))
    assert data.kind is DataKind.CUSTOMERS and data.n_customers == 10
    assert data.customers.index.is_unique
    assert ("customer_id: 3 ids are on more than one row (1, 2, 3); the first row of each was "
            "kept and 3 later rows were left out.") in data.source.warnings
    assert not any("--map date" in w for w in data.source.warnings)


def test_repeated_ids_beside_dates_suggest_mapping_them(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_text("member_id,joined,total_spend\n" + "".join(
        f"{1 + i % 8},2023-0{1 + i % 9}-0{1 + i % 9},{100 + i}\n" for i in range(10)),
        encoding="utf-8")
    # A customer-level measure (total spend) makes it a customer table.
    data = load_customer_data(path, mapping={"monetary": "total_spend"})
    assert data.n_customers == 8 and data.customers.loc[1, "total_spend"] == 100
    assert ("member_id: 2 ids are on more than one row (1, 2); the first row of each was kept "
            "and 2 later rows were left out. If each row is an order, map its date with --map "
            "date=COLUMN (joined).") in data.source.warnings


# 8. The load cache holds no pickle ----------------------------------------------------------


class _Planted:
    """A pickle whose loading creates a file: proof that it was unpickled."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.marker), "w")


def test_a_planted_pickle_in_the_cache_is_never_unpickled(tmp_path: Path) -> None:
    path = small_log(tmp_path / "log.csv")
    cache = tmp_path / "cache"
    cache.mkdir()
    marker = tmp_path / "ran"
    payload = pickle.dumps(_Planted(marker))
    # Where a load looks for its entry, under the old and the new name, and beside it.
    key = _cache_key(file_hash(path), None, None, None)
    for name in (f"{key}.pkl", f"{key}{load_cache.SUFFIX}", f"{'0' * 32}.pkl"):
        (cache / name).write_bytes(payload)
    data = load_customer_data(path, cache_dir=cache)
    again = load_customer_data(path, cache_dir=cache)
    assert not marker.exists()
    assert not loaded_from_cache(data) and loaded_from_cache(again)
    assert not list(cache.glob("*.pkl"))  # old-format entries are deleted unread
    pd.testing.assert_frame_equal(data.customers, again.customers)


def test_no_product_module_imports_pickle() -> None:
    found = []
    for path in [*(REPO / "tools").rglob("*.py"), *(REPO / "assistant").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] in {"pickle", "dill", "cloudpickle", "joblib"}
                   for n in names):
                found.append(str(path.relative_to(REPO)))
    assert found == []


_KILLED_WRITE = """
import os, sys
sys.path.insert(0, {repo!r})
from tools.engine.loading import load_customer_data
# The process dies where a cache write would make its entry visible.
os.replace = lambda *args, **kwargs: os._exit(137)
load_customer_data({path!r}, cache_dir={cache!r})
"""


def test_a_killed_cache_write_leaves_no_entry_and_is_cleaned_up(tmp_path: Path) -> None:
    path = small_log(tmp_path / "log.csv")
    cache = tmp_path / "cache"
    script = _KILLED_WRITE.format(repo=str(REPO), path=str(path), cache=str(cache))
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert killed.returncode == 137, killed.stderr.decode()[-2000:]
    left = list(cache.iterdir())
    assert left and not any(p.match(load_cache.ENTRY_GLOB) for p in left)  # only a temp file
    # A temporary file of a write still in progress (another process) is left alone ...
    assert not loaded_from_cache(load_customer_data(path, cache_dir=cache))
    assert all(p.exists() for p in left)
    # ... one from a write that died long ago is removed on the next load.
    old = time.time() - 2 * load_cache.STALE_SECONDS
    for stale in left:
        os.utime(stale, (old, old))
    assert loaded_from_cache(load_customer_data(path, cache_dir=cache))
    assert not any(p.exists() for p in left)
    assert [p.name for p in cache.iterdir() if p.name.startswith(".")] == []


def test_a_truncated_entry_is_rebuilt(tmp_path: Path) -> None:
    path = small_log(tmp_path / "log.csv")
    cache = tmp_path / "cache"
    load_customer_data(path, cache_dir=cache)
    (entry,) = cache.glob(load_cache.ENTRY_GLOB)
    entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 2])
    assert not loaded_from_cache(load_customer_data(path, cache_dir=cache))
    assert loaded_from_cache(load_customer_data(path, cache_dir=cache))


@pytest.mark.parametrize("name", ["log", "mall_customers.csv", "marketing_campaign.csv"])
def test_a_cached_load_is_the_load(name: str, tmp_path: Path, datasets_dir: Path) -> None:
    path = small_log(tmp_path / "log.csv") if name == "log" else datasets_dir / name
    cache = tmp_path / "cache"
    fresh = load_customer_data(path, cache_dir=cache)
    cached = load_customer_data(path, cache_dir=cache)
    assert isinstance(cached, CustomerData) and loaded_from_cache(cached)
    pd.testing.assert_frame_equal(fresh.customers, cached.customers)
    assert cached.schema == fresh.schema
    assert cached.source.warnings[:-1] == fresh.source.warnings
    assert cached.source == fresh.source.__class__(**{
        **fresh.source.__dict__, "warnings": cached.source.warnings})
