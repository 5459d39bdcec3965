"""Files and database tables to a raw DataFrame of strings.

Every column comes back as text so that `parsing.py` alone decides what a
value means (a currency string, a day-first date, a missing marker). The
format is recognised from the file's first bytes before its extension, so a
CSV saved as `.txt` or an Excel workbook renamed `.dat` still loads.
`df.attrs["note"]` says which sheet or table was used when there was a choice,
`df.attrs["warning"]` that a table name was given for a file that has only one, and
`df.attrs["encoding"]` which encoding read a text file that is not UTF-8 (Windows-1252,
DOS cp437: the characters around its bytes above 127 decide).
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import math
import re
import unicodedata
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd

from tools.engine.csv_arrow import read_csv_arrow
from tools.engine.errors import DataError
from tools.engine.matching import nearest
from tools.engine.stores import (
    as_strings,
    clean_names,
    read_duckdb,
    read_excel,
    read_excel_sheets,
    read_parquet,
    read_sqlite,
)

_DELIMITERS = (",", "\t", ";", "|")
_DELIMITER_NAMES = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}
_SQLITE_MAGIC = b"SQLite format 3\x00"
_DUCKDB_MAGIC = b"DUCK"  # at byte offset 8 of a DuckDB database file
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (and other Office 97) files
_PARQUET_MAGIC = b"PAR1"
_GZIP_MAGIC = b"\x1f\x8b"
_JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}
# Wider tables are refused: no segment needs them, and every column costs a parse and a
# place in what a model is shown.
MAX_COLUMNS = 1000
# Code pages tried (in order of preference) when a text file is not UTF-8, and the bytes
# each leaves undefined (a file holding one of them was not written in it).
_LEGACY_ENCODINGS = ("cp1252", "cp437")
_UNDEFINED = {"cp1252": (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
# Bytes above 127 whose neighbours are looked at to choose between them.
_LEGACY_SAMPLE = 5000
# How an encoding is named to the user.
ENCODING_NAMES = {"utf-16": "UTF-16", "cp1252": "Windows-1252 (cp1252)",
                  "cp437": "DOS (cp437)", "latin-1": "Latin-1 (ISO-8859-1)"}
# A gzip file expanding beyond this is refused before it fills the memory (a "zip bomb").
MAX_INFLATED = 2 << 30


def read_table(path: Path, table: str | None = None) -> pd.DataFrame:
    """Read a CSV/TSV (optionally gzipped), Excel, Parquet, JSON, SQLite or DuckDB file.

    `table` picks an Excel sheet or a database table. Returns a DataFrame whose
    columns are all strings (missing cells are empty strings).
    """
    path = Path(path)
    if not path.exists():
        siblings = _nearby_files(path)
        hint = f" (did you mean {' or '.join(siblings)}?)" if siblings else ""
        raise DataError(f"File not found: {path}{hint}; check the path and try again.",
                        options=siblings)
    if path.is_dir():
        raise DataError(f"{path} is a folder; give the path of a data file inside it.")
    if path.stat().st_size == 0:
        raise DataError(f"{path.name} is empty; export the data again with its rows.")
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError as exc:
        raise DataError(f"{path.name} cannot be opened ({exc.strerror or 'read error'}); check "
                        "that you may read it and that no other program locks it.") from exc
    suffix = path.suffix.lower()
    if head.startswith(_SQLITE_MAGIC):
        frame = read_sqlite(path, table)
    elif head[8:12] == _DUCKDB_MAGIC or suffix == ".duckdb":
        frame = read_duckdb(path, table)
    elif head.startswith(_ZIP_MAGIC):
        frame = _read_zip(path, table)
    elif head.startswith(_PARQUET_MAGIC) or suffix in {".parquet", ".pq"}:
        frame = _single_table(read_parquet(path), path.name, table)
    elif suffix == ".xls" or head.startswith(_OLE_MAGIC):
        raise DataError(f"{path.name} is an old .xls workbook; save it as .xlsx or CSV "
                        "and load that.")
    else:
        raw = path.read_bytes()
        if raw.startswith(_GZIP_MAGIC):
            raw = _inflate(raw, path.name)
        inner = path.with_suffix("") if suffix == ".gz" else path
        frame = _single_table(_read_text(raw, inner.suffix.lower(), path.name), path.name, table)
    return _check_rows(frame, path.name)


def read_sheets(path: Path) -> list[pd.DataFrame] | None:
    """The sheets with data of an .xlsx workbook, when it has more than one; else None.

    A workbook often opens with a summary or a pivot in front of the data: the loader
    chooses among them by their columns (`loading.py`), where `read_table` takes the first.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            if not handle.read(4).startswith(_ZIP_MAGIC):
                return None
        with zipfile.ZipFile(path) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                return None
    except (OSError, zipfile.BadZipFile):
        return None  # `read_table` says what is wrong with the file
    frames = []
    for frame in read_excel_sheets(path):
        try:
            frames.append(_check_rows(frame, path.name))
        except DataError:
            continue  # a sheet without data rows or too wide is no candidate
    return frames if len(frames) > 1 else None


def _read_text(raw: bytes, suffix: str, name: str) -> pd.DataFrame:
    text, encoding = _decode(raw, name)
    if suffix in _JSON_SUFFIXES or text.lstrip()[:1] in ("[", "{"):
        frame = _read_json_text(text, name)
    else:
        frame = _read_delimited_text(text, raw, encoding, name)
    if encoding in ENCODING_NAMES:
        frame.attrs["encoding"] = ENCODING_NAMES[encoding]
    return frame


def _inflate(raw: bytes, name: str) -> bytes:
    """A gzip file's content, refusing damage and archives that expand beyond MAX_INFLATED."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            inflated = stream.read(MAX_INFLATED + 1)
    except (OSError, EOFError) as exc:
        raise DataError(f"{name} is a damaged gzip file; compress it again.") from exc
    if len(inflated) > MAX_INFLATED:
        raise DataError(f"{name} expands to more than {MAX_INFLATED / 2**30:g} GB; export a "
                        "smaller extract (fewer columns or dates) and load that.")
    return inflated


def _read_zip(path: Path, table: str | None) -> pd.DataFrame:
    """An .xlsx workbook, or a zip archive holding one data file (a zipped CSV export)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.namelist() if not m.endswith("/")
                       and not m.startswith("__MACOSX")]
            if "xl/workbook.xml" in members:
                return read_excel(path, table)
            if len(members) != 1:
                raise DataError(f"{path.name} is a zip archive with {len(members)} files; "
                                "unzip it and load the data file itself.",
                                options=members[:20])
            inner = members[0]
            if archive.getinfo(inner).file_size > MAX_INFLATED:
                raise DataError(f"{path.name} expands to more than {MAX_INFLATED / 2**30:g} GB; "
                                "export a smaller extract (fewer columns or dates) and load that.")
            raw = archive.read(inner)
    except zipfile.BadZipFile as exc:
        raise DataError(f"{path.name} is a damaged zip or Excel file; export it again.") from exc
    frame = _read_text(raw, Path(inner).suffix.lower(), f"{path.name}/{inner}")
    return _single_table(frame, path.name, table)


def _nearby_files(path: Path) -> list[str]:
    folder = path.parent if path.parent.is_dir() else None
    if folder is None:
        return []
    try:
        names = sorted(p.name for p in folder.iterdir() if p.is_file())[:500]
    except OSError:
        return []
    return nearest(path.name, names)


def _single_table(frame: pd.DataFrame, name: str, table: str | None) -> pd.DataFrame:
    if table is not None:
        frame.attrs["warning"] = f"--table {table} ignored: {name} holds a single table."
    return frame


def _check_rows(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    # A trailing delimiter on every line gives a nameless, empty last column.
    blank = [c for c in frame.columns if re.fullmatch(r"column_\d+", str(c))
             and frame[c].astype(str).str.strip().eq("").all()]
    frame = frame.drop(columns=blank)
    if frame.shape[1] == 0:
        raise DataError(f"{name} has no columns; export the data again with a header row.")
    if len(frame) == 0:
        raise DataError(f"{name} has a header but no data rows; export it again with its rows.")
    if frame.shape[1] > MAX_COLUMNS:
        raise DataError(f"{name} has {frame.shape[1]} columns, more than the {MAX_COLUMNS} this "
                        "assistant reads; export only the columns you need and load that.")
    return frame


# Text formats -------------------------------------------------------------------------------


def _decode(raw: bytes, name: str) -> tuple[str, str]:
    """The text and the encoding that read it: UTF-8 (with or without BOM) or UTF-16 when
    they fit, else the legacy code page whose characters read most like words."""
    sample = raw[:65536]
    utf16 = sample.startswith((b"\xff\xfe", b"\xfe\xff"))
    control = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 13))
    if not utf16 and (b"\x00" in sample or control > len(sample) // 100):
        raise DataError(f"{name} is not a text table; save it as CSV, Excel, Parquet or JSON.")
    for encoding in ("utf-16", "utf-8-sig") if utf16 else ("utf-8-sig",):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    encoding = legacy_encoding(raw)
    return raw.decode(encoding), encoding


def legacy_encoding(raw: bytes) -> str:
    """The single-byte code page that reads `raw` best: Windows-1252, else DOS (cp437).

    Every byte is one character in these, so the characters around each byte above 127
    show which reading makes words: "Café" rather than "CafΘ", "£3" rather than "œ3".
    latin-1, which reads any byte, is the last resort.
    """
    places = [m.start() for m in itertools.islice(re.finditer(rb"[\x80-\xff]", raw),
                                                   _LEGACY_SAMPLE)]
    best, best_score = "latin-1", math.inf
    for encoding in _LEGACY_ENCODINGS:
        if any(byte in raw for byte in _UNDEFINED.get(encoding, ())):
            continue
        score = sum(_oddity(raw[max(place - 1, 0):place + 2].decode(encoding),
                            1 if place else 0) for place in places)
        if score < best_score:
            best, best_score = encoding, score
    return best


def _oddity(text: str, at: int) -> float:
    """How unlike ordinary text the character at `at` of `text` is, by its neighbours.

    Negative for a currency sign next to a number; positive for a letter of another alphabet
    or a symbol inside a word, a lone letter, or a control character.
    """
    char = text[at]
    around = text[:at] + text[at + 1:]
    if unicodedata.category(char) == "Cc":
        return 2.0
    if unicodedata.category(char) == "Sc":
        return -1.0 if any(c.isdigit() or c.isspace() for c in around) else 0.0
    beside_letters = any(c.isalpha() for c in around)
    latin = char.isalpha() and unicodedata.name(char, "").startswith("LATIN")
    if beside_letters:
        return 0.0 if latin else 1.0
    return 1.0 if char.isalpha() and any(c.isalnum() for c in around) else 0.0


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the sample lines into the most, consistent fields."""
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if row]
        except csv.Error:  # e.g. a field longer than the csv module's limit: not the delimiter
            counts = [line.count(delimiter) + 1 for line in lines if line]
        if not counts:
            continue
        header = counts[0]
        consistent = sum(1 for c in counts if c == header)
        if header < 2:
            continue
        score = (consistent, header)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_delimited_text(text: str, raw: bytes, encoding: str, name: str) -> pd.DataFrame:
    sample = text[:200_000].strip().splitlines()[:50]
    if not sample:
        raise DataError(f"{name} is empty; export the data again with its rows.")
    skip = 0
    if re.fullmatch(r"sep=.", sample[0].strip(), flags=re.IGNORECASE):
        # Excel's hint line ("sep=;") names the delimiter.
        delimiter, skip = sample[0].strip()[4], 1
    else:
        delimiter = sniff_delimiter(sample)
    frame = read_csv_arrow(raw, delimiter, skip) if encoding == "utf-8-sig" else None
    try:
        if frame is None:
            frame = _read_with_pandas(text, raw, encoding, delimiter, skip)
    except (pd.errors.ParserError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else "unreadable rows"
        fields = f"{_DELIMITER_NAMES[delimiter]}-separated fields"
        raise DataError(f"{name} could not be read as a table ({first}); check that every "
                        f"row has the same number of {fields}.") from exc
    frame.columns = clean_names(frame.columns)
    frame.attrs["note"] = f"{_DELIMITER_NAMES[delimiter]}-separated text"
    # A semicolon says the file comes from a locale whose decimal mark is the comma.
    frame.attrs["delimiter"] = delimiter
    return frame


def _read_with_pandas(text: str, raw: bytes, encoding: str, delimiter: str,
                      skip: int) -> pd.DataFrame:
    """The C parser's reading: every cell as text, empty cells as empty strings."""
    # It reads bytes faster than a Python string; UTF-16 needs the decoded text.
    wide = encoding == "utf-16"
    source: io.StringIO | io.BytesIO = io.StringIO(text) if wide else io.BytesIO(raw)
    with warnings.catch_warnings():
        # A trailing delimiter on data rows ("1,Lyon,") adds an empty last field; pandas
        # warns that it drops it, which is what we want.
        warnings.simplefilter("ignore", pd.errors.ParserWarning)
        return pd.read_csv(source, sep=delimiter, encoding=None if wide else encoding,
                           dtype=str, keep_default_na=False, na_filter=False,
                           skip_blank_lines=True, skiprows=skip, index_col=False, engine="c")


def _read_json_text(text: str, name: str) -> pd.DataFrame:
    records: Any
    try:
        records = json.loads(text)
    except json.JSONDecodeError:
        try:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise DataError(f"{name} is not valid JSON (line {exc.lineno}); export it as a list "
                            "of records or one record per line.") from exc
    if isinstance(records, dict):
        lists = [v for v in records.values() if isinstance(v, list)]
        if len(lists) == 1:
            records = lists[0]
        elif all(isinstance(v, dict) for v in records.values()):
            records = list(records.values())
        else:
            records = [records]
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataError(f"{name} is JSON but not a list of records; export it as "
                        "[{\"column\": value, ...}, ...] or one record per line.")
    if not records:
        raise DataError(f"{name} has no records; export the data again with its rows.")
    frame = pd.json_normalize(records)  # nested objects become "customer.id" columns
    return as_strings(frame)
