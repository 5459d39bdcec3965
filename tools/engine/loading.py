"""The whole load: file -> strings -> typed columns -> roles -> customers.

A transaction log is cleaned and turned into SEMANTICS.md features; a
customer table keeps its columns, indexed by its id column (or by 1-based row
number when it has none). With a `cache_dir`, the result is stored under the
file's content hash and the load options, so opening the same file again
skips all of it; a damaged cache entry is ignored and rebuilt (`load_cache.py`: Parquet
and JSON, never pickle).
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from tools.engine.cleaning import clean_transactions, has_amount, normalize_ids
from tools.engine.dataset import (
    AVG_ORDER_VALUE,
    FIRST_PURCHASE,
    FREQUENCY,
    LAST_PURCHASE,
    MONETARY,
    RECENCY,
    TENURE,
    CustomerData,
    SourceInfo,
)
from tools.engine.dates import DAY_FIRST
from tools.engine.errors import DataError
from tools.engine.features import customer_features, to_date
from tools.engine.lines_kept import LINES_KEY, kept_lines
from tools.engine.load_cache import SUFFIX, read_entry, tidy, write_entry
from tools.engine.markers import missing_markers
from tools.engine.naming import role_words
from tools.engine.number_formats import currency_from_names, scientific_ids_note
from tools.engine.parsing import column_notes, parse_columns
from tools.engine.progress import ProgressCallback, report
from tools.engine.reading import read_sheets, read_table
from tools.engine.roles import describe_column, infer_schema, number_columns
from tools.engine.scan import SCAN_MIN_ROWS, ScannedLog, parquet_rows, scan_parquet
from tools.engine.scan_csv import csv_rows_estimate, scan_csv
from tools.engine.schema import ColumnInfo, DataKind, DType, Role, Schema
from tools.engine.table_recency import with_table_recency

# Bump when the pipeline's output changes, so old cache entries are not reused.
# Modules whose code decides the result: any edit to them retires old cache entries.
_PIPELINE_MODULES = ("reading", "stores", "parsing", "number_formats", "dates", "markers",
                     "naming", "yes_no", "personal", "customer_key", "log_shape", "roles",
                     "role_names", "cancellation", "cleaning", "features", "scan", "scan_csv",
                     "loading", "load_cache", "schema", "dataset", "table_recency")
CACHE_NOTE = "Loaded from the cache of an earlier load of the same file."
# Steps of a load, for progress: read, parse, roles, clean, customer features.
_STEPS = 5
_KIND_WORDS = {DataKind.TRANSACTIONS: "transaction log", DataKind.CUSTOMERS: "customer table"}
_INDEX_NAME = "customer_id"
# Repeated ids of a customer table named in its warning.
_REPEATS_SHOWN = 5
# Rows of each sheet of a workbook read to see which holds the data, and what it looks for.
_SHEET_SAMPLE = 500
_SHEET_ROLES: tuple[tuple[frozenset[Role], str], ...] = (
    (frozenset({Role.CUSTOMER_ID}), "customer ids"),
    (frozenset({Role.DATE, Role.DATE_ATTRIBUTE, Role.RECENCY, Role.TENURE}), "dates"),
    (frozenset({Role.AMOUNT, Role.UNIT_PRICE, Role.MONETARY}), "amounts"),
)
_FEATURE_ROLES: tuple[tuple[str, Role, DType, str], ...] = (
    (RECENCY, Role.RECENCY, DType.INTEGER, "days from the last purchase to the as-of date"),
    (FREQUENCY, Role.FREQUENCY, DType.INTEGER, "number of distinct orders"),
    (MONETARY, Role.MONETARY, DType.NUMBER, "sum of the kept line amounts"),
    (TENURE, Role.TENURE, DType.INTEGER, "days from the first purchase to the as-of date"),
    (AVG_ORDER_VALUE, Role.MEASURE, DType.NUMBER, "monetary / frequency"),
    (FIRST_PURCHASE, Role.DATE_ATTRIBUTE, DType.DATE, "date of the first kept purchase"),
    (LAST_PURCHASE, Role.DATE_ATTRIBUTE, DType.DATE, "date of the last kept purchase"),
)
NO_AMOUNT_NOTE = ("No amount column (nor a quantity and a unit price): recency, frequency and "
                  "tenure are computed, but spend (monetary, avg_order_value) and the RFM M "
                  "score are not; map an amount with --map amount=COLUMN to have them.")


def load_customer_data(path: Path | str, *, table: str | None = None,
                       mapping: dict[str, str] | None = None,
                       as_of: date | datetime | str | None = None,
                       cache_dir: Path | str | None = None,
                       progress: ProgressCallback | None = None,
                       keep_lines: bool = False) -> CustomerData:
    """Load a file as one row per customer. Raises DataError with a one-line message.

    `progress` hears after each step (read, parsed, roles, cleaned, customers).
    `keep_lines`: read even a large log the ordinary way, so that its cleaned purchase
    lines are kept (`lines_kept.LINES_KEY` in `derived`; the scans keep none).
    """
    path = Path(path).expanduser()
    is_file = path.is_file()
    state = _file_state(path) if is_file else None
    as_of_day = to_date(as_of) if as_of is not None else None
    # The cache is keyed by the file's content, so its hash comes first when there is one.
    content_hash = file_hash(path) if is_file and cache_dir is not None else ""
    cache_file = None
    if cache_dir is not None and content_hash:
        tidy(Path(cache_dir))
        cache_file = _cache_file(Path(cache_dir), content_hash, table, mapping, as_of_day)
        cached = read_entry(cache_file)
        if cached is not None:
            source = replace(cached.source, path=str(path),
                             warnings=(*cached.source.warnings, CACHE_NOTE))
            report(progress, "loading", 1, 1, f"{len(cached.customers):,} customers from the "
                   "cache of an earlier load of the same file")
            return CustomerData(customers=cached.customers, schema=cached.schema, source=source)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # Without a cache to look up, the file is hashed (for the record) on another core.
        hashing = pool.submit(file_hash, path) if is_file and not content_hash else None
        data = _load(path, table, mapping, as_of_day, is_file, progress, keep_lines)
        if hashing is not None:
            content_hash = hashing.result()
    if state is not None and _file_state(path) != state:
        # Another program was still writing the file: what was read may be half of it.
        raise DataError(f"{path.name} changed while it was being read; wait until it is "
                        "completely written (or copy it) and load it again.")
    data = replace(data, source=replace(data.source, content_hash=content_hash))
    if cache_file is not None:
        write_entry(cache_file, data)
    return data


def has_cache_entry(path: Path, cache_dir: Path, *, table: str | None = None,
                    mapping: dict[str, str] | None = None,
                    as_of: date | datetime | str | None = None) -> bool:
    """Whether loading `path` with these options would read the cache (a damaged entry
    counts: the load rebuilds it). A folder with no entries at all spares the file's hash."""
    if not any(Path(cache_dir).glob(f"*{SUFFIX}")):
        return False
    day = to_date(as_of) if as_of is not None else None
    return _cache_file(Path(cache_dir), file_hash(Path(path)), table, mapping, day).is_file()


def large_log(path: Path) -> str | None:
    """"parquet" or "csv" for a file with at least SCAN_MIN_ROWS rows, which a load scans
    in DuckDB when it can (`scan.py`, `scan_csv.py`); None for the ordinary path."""
    if parquet_rows(path) >= SCAN_MIN_ROWS:
        return "parquet"
    return "csv" if csv_rows_estimate(path) >= SCAN_MIN_ROWS else None


def loaded_from_cache(data: CustomerData) -> bool:
    """Whether this dataset came from the cache rather than a fresh read of the file."""
    return CACHE_NOTE in data.source.warnings


def _file_state(path: Path) -> tuple[int, int]:
    """Size and modification time: a writer changes them (cheaper than hashing again)."""
    status = path.stat()
    return status.st_size, status.st_mtime_ns


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# The pipeline -------------------------------------------------------------------------------


def _load(path: Path, table: str | None, mapping: dict[str, str] | None,
          as_of: date | None, is_file: bool,
          progress: ProgressCallback | None = None, keep_lines: bool = False) -> CustomerData:
    scanned: ScannedLog | None = None
    large = large_log(path) if table is None and is_file and not keep_lines else None
    if large == "parquet":
        scanned = scan_parquet(path, mapping=mapping, as_of=as_of)
    elif large == "csv":
        scanned = scan_csv(path, mapping=mapping, as_of=as_of)
    if scanned is not None:
        report(progress, "loading", _STEPS, _STEPS, "cleaned and summarised in DuckDB")
        return _from_scan(path, scanned)
    sheets = read_sheets(path) if table is None and is_file else None
    raw = _data_sheet(sheets, mapping) if sheets else read_table(path, table)
    report(progress, "loading", 1, _STEPS, f"read {len(raw):,} rows")
    parsed, dtypes = parse_columns(raw, number_columns(raw, mapping))
    report(progress, "loading", 2, _STEPS, f"parsed {len(parsed.columns)} columns")
    raw_schema = infer_schema(parsed, dtypes, mapping)
    report(progress, "loading", 3, _STEPS, f"roles: a {_KIND_WORDS[raw_schema.kind]}")
    warnings = _reading_notes(raw, parsed, raw_schema)
    source = SourceInfo(path=str(path), kind=raw_schema.kind, rows_read=len(raw),
                        raw_schema=raw_schema, as_of=as_of,
                        currency=parsed.attrs.get("currency") or currency_from_names(raw_schema),
                        day_first=any(note.startswith(f"read as {DAY_FIRST}")
                                      for note in parsed.attrs.get("notes", {}).values()))
    if raw_schema.kind is DataKind.TRANSACTIONS:
        return _from_transactions(parsed, source, warnings, progress)
    customers, schema = _customer_table(parsed, raw_schema, path.name, warnings)
    customers, schema, recency_note = with_table_recency(customers, schema, as_of)
    warnings.extend([recency_note] if recency_note else [])
    report(progress, "loading", _STEPS, _STEPS, f"{len(customers):,} customers")
    return CustomerData(customers=customers, schema=schema,
                        source=replace(source, rows_kept=len(customers), warnings=tuple(warnings)))


def _data_sheet(sheets: list[pd.DataFrame], mapping: dict[str, str] | None) -> pd.DataFrame:
    """The sheet of a workbook that holds the data, its note saying why it was chosen.

    A summary, a pivot or a chart's figures often come first. The sheet whose columns fit
    (the mapped columns, a customer id, purchase dates, money), then the one with the most
    rows, then the first, is read; --table names another.
    """
    best: tuple[tuple[int, ...], pd.DataFrame, list[str]] | None = None
    for position, frame in enumerate(sheets):
        head = frame.head(_SHEET_SAMPLE)
        try:
            parsed, dtypes = parse_columns(head, number_columns(head, mapping))
            roles = {c.role for c in infer_schema(parsed, dtypes, mapping).columns}
        except DataError:  # the mapped columns are in another sheet
            continue
        found = [words for wanted, words in _SHEET_ROLES if roles & wanted]
        score = (Role.CUSTOMER_ID in roles, len(found), len(frame), -position)
        if best is None or score > best[0]:
            best = (score, frame, found)
    if best is None:
        # No sheet has the mapped columns: the first one is read, and says which it has.
        return sheets[0]
    _, chosen, found = best
    why = (f"it has {_and(found)}" if found else "it has the most rows")
    chosen.attrs["note"] = (f"{chosen.attrs['note']}: {why}; choose another with "
                            "--table NAME")
    return chosen


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _reading_notes(raw: pd.DataFrame, parsed: pd.DataFrame, raw_schema: Schema) -> list[str]:
    """Which sheet, table or encoding was read, how ambiguous columns were understood, and
    how many cells with text were read as missing."""
    notes: list[str] = []
    if raw.attrs.get("note", "").startswith(("sheet", "table")):
        notes.append(f"Read {raw.attrs['note']}.")
    if raw.attrs.get("encoding"):
        notes.append(f"Read as {raw.attrs['encoding']} text: the file is not UTF-8.")
    if raw.attrs.get("warning"):
        notes.append(raw.attrs["warning"])
    # Roles read from the values (a log by its shape, or a repeated id left as it is).
    notes.extend(raw_schema.notes)
    id_info = raw_schema.first(Role.CUSTOMER_ID)
    if id_info is not None:
        mangled = scientific_ids_note(id_info.name, raw[id_info.name])
        if mangled is not None:
            notes.append(mangled)
    notes.extend(column_notes(parsed, id_info.name if id_info is not None else None))
    return notes


def _from_transactions(parsed: pd.DataFrame, source: SourceInfo, warnings: list[str],
                       progress: ProgressCallback | None = None) -> CustomerData:
    raw_schema = source.raw_schema
    kept, steps = clean_transactions(parsed, raw_schema)
    if not has_amount(raw_schema):
        warnings.append(NO_AMOUNT_NOTE)
    report(progress, "loading", 4, _STEPS, f"cleaning removed "
           f"{sum(s.rows_removed for s in steps):,} rows, kept {len(kept):,}")
    customers, as_of_day = customer_features(kept, raw_schema, source.as_of)
    report(progress, "loading", _STEPS, _STEPS, f"{len(customers):,} customers")
    if source.as_of is None and as_of_day > date.today() + timedelta(days=1):
        # A typo'd year or a scheduled order makes recency count from a day yet to come.
        warnings.append(f"Purchases are dated up to {as_of_day - timedelta(days=1)}, after "
                        "today; recency counts from that day. Pass --as-of YYYY-MM-DD to count "
                        "from another day.")
    if source.as_of is not None:
        date_info = raw_schema.first(Role.DATE)
        assert date_info is not None  # cleaning required it
        later = int((kept[date_info.name] >= pd.Timestamp(source.as_of)).sum())
        if later:
            lines = "1 order line was" if later == 1 else f"{later} order lines were"
            warnings.append(f"{lines} left out: on or after the as-of date {source.as_of}.")
    # The cleaned lines stay for the predictive traits, which count purchase days.
    return CustomerData(customers=customers, schema=_feature_schema(customers, raw_schema),
                        source=replace(source, cleaning=tuple(steps), rows_kept=len(kept),
                                       as_of=as_of_day, warnings=tuple(warnings)),
                        derived={LINES_KEY: kept_lines(kept, raw_schema)})


def _from_scan(path: Path, scanned: ScannedLog) -> CustomerData:
    raw_schema = scanned.raw_schema
    source = SourceInfo(path=str(path), kind=DataKind.TRANSACTIONS, rows_read=scanned.rows_read,
                        raw_schema=raw_schema, cleaning=scanned.cleaning,
                        rows_kept=scanned.rows_kept, as_of=scanned.as_of,
                        currency=scanned.currency or currency_from_names(raw_schema),
                        warnings=scanned.notes)
    return CustomerData(customers=scanned.customers,
                        schema=_feature_schema(scanned.customers, raw_schema), source=source)


def _feature_schema(customers: pd.DataFrame, raw_schema: Schema) -> Schema:
    infos: list[ColumnInfo] = []
    for name, role, dtype, reason in _FEATURE_ROLES:
        if name in customers.columns:  # monetary and avg_order_value need an amount
            infos.append(describe_column(name, customers[name], dtype, role, reason))
    features = {name for name, *_ in _FEATURE_ROLES}
    for column in [c for c in customers.columns if c not in features]:
        raw = raw_schema.column(column)
        dtype = raw.dtype if raw is not None else DType.TEXT
        role = raw.role if raw is not None else Role.CATEGORY
        if role is Role.STATUS:
            # Per customer a status is a value like any other ("returned"); the log's lines
            # it marked cancelled are already gone.
            role = Role.CATEGORY
        reason = ("the customer's most frequent value in the log"
                  if role in (Role.CATEGORY, Role.FLAG)
                  else "the mean of the customer's lines in the log" if role is Role.MEASURE
                  else raw.reason if raw is not None else "")
        infos.append(describe_column(column, customers[column], dtype, role, reason))
    return Schema(kind=DataKind.TRANSACTIONS, columns=tuple(infos))


def _customer_table(parsed: pd.DataFrame, raw_schema: Schema, name: str,
                    warnings: list[str]) -> tuple[pd.DataFrame, Schema]:
    """The table indexed by its ids; rows without an id are dropped and reported."""
    id_info = raw_schema.first(Role.CUSTOMER_ID)
    if id_info is None:
        customers = parsed.copy()
        customers.index = pd.RangeIndex(1, len(parsed) + 1, name=_INDEX_NAME)
        return customers, raw_schema
    present = ~missing_markers(parsed[id_info.name].astype("str"))
    if not present.any():
        raise DataError(f"{name}: {id_info.name} is empty in every row; map the id column with "
                        f"--map customer_id=COLUMN.", options=raw_schema.names)
    if not present.all():
        missing = int((~present).sum())
        rows = "1 row was" if missing == 1 else f"{missing} rows were"
        warnings.append(f"{rows} left out: no {id_info.name}.")
        parsed = parsed[present]
    ids = normalize_ids(parsed[id_info.name])
    later = ids.duplicated(keep="first")
    if later.any():
        undated = [c.name for c in raw_schema.columns if c.dtype is DType.TEXT
                   and "date" in role_words(c.name)]
        if undated:
            # A log whose purchase dates could not be read: counting its rows as customers
            # would be wrong, and the fix is in the file.
            examples = ", ".join(str(v) for v in pd.unique(ids[later])[:3])
            raise DataError(f"{name}: {id_info.name} repeats ({examples}) and {undated[0]} "
                            "mixes date formats or holds no dates; export it with one date "
                            "format (e.g. 2011-12-31) and load it again.", options=undated)
        warnings.append(_repeated_ids_note(id_info.name, ids, later, raw_schema))
        parsed, ids = parsed[~later.to_numpy()], ids[~later]
    customers = parsed.drop(columns=[id_info.name])
    customers.index = pd.Index(ids.to_numpy(), name=_INDEX_NAME)
    schema = Schema(kind=DataKind.CUSTOMERS,
                    columns=tuple(c for c in raw_schema.columns if c.name != id_info.name))
    return customers, schema


def _repeated_ids_note(column: str, ids: pd.Series, later: pd.Series, schema: Schema) -> str:
    """What a customer table with ids on several rows kept: the first row of each."""
    repeated = pd.unique(ids[later])
    shown = ", ".join(str(v) for v in repeated[:_REPEATS_SHOWN])
    more = f" and {len(repeated) - _REPEATS_SHOWN:,} more" if len(repeated) > _REPEATS_SHOWN else ""
    which = "1 id is" if len(repeated) == 1 else f"{len(repeated):,} ids are"
    rows = "1 later row was" if int(later.sum()) == 1 else f"{int(later.sum()):,} later rows were"
    dates = [c.name for c in schema.columns if c.dtype is DType.DATE]
    log = (f" If each row is an order, map its date with --map date=COLUMN ({', '.join(dates)})."
           if dates else "")
    return (f"{column}: {which} on more than one row ({shown}{more}); the first row of each "
            f"was kept and {rows} left out.{log}")




# The cache ----------------------------------------------------------------------------------


def _cache_file(cache_dir: Path, content_hash: str, table: str | None,
                mapping: dict[str, str] | None, as_of: date | None) -> Path:
    return cache_dir / f"{_cache_key(content_hash, table, mapping, as_of)}{SUFFIX}"


def _cache_key(content_hash: str, table: str | None, mapping: dict[str, str] | None,
               as_of: date | None) -> str:
    options = json.dumps({"code": _pipeline_fingerprint(), "table": table,
                          "mapping": sorted((mapping or {}).items()),
                          "as_of": as_of.isoformat() if as_of else None}, sort_keys=True)
    return hashlib.sha256(f"{content_hash}:{options}".encode()).hexdigest()[:32]


def _pipeline_fingerprint() -> str:
    digest = hashlib.sha256()
    folder = Path(__file__).parent
    for module in _PIPELINE_MODULES:
        source = folder / f"{module}.py"
        digest.update(source.read_bytes() if source.is_file() else module.encode())
    # The words of column names (`naming.role_words`) and of yes/no values (`yes_no.py`)
    # decide roles as much as the code does.
    for words in sorted((folder / "column_words").glob("*.yaml")):
        digest.update(words.read_bytes())
    # And the words of a cancelled order decide which lines are kept.
    digest.update((folder / "cancel_words.yaml").read_bytes())
    return digest.hexdigest()[:16]
