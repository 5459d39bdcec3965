"""Real-world cell values to typed columns.

Exports are messy: "$84,835.00 ", "1.234,50 €", "12%", "n/a", "04-09-2012",
"12/1/10 8:26", "Yes", "是", "да". Each column of strings is classified from its distinct
values (so a 500k-line log costs one pass per distinct value, not per row)
and converted as a whole; a column is only called numeric or boolean when
every value fits, and only a date when nearly every value does (the rest
become missing dates, which cleaning then reports).

How numbers are written ("1.234,50 €", "(12)", "12%") is read by `number_formats.py`.
Missing markers ("n/a", "unknown", see `markers.py`) are missing values, except
a soft marker that is a common value of a text column, which stays a value.

`parse_columns` also leaves notes in `frame.attrs`: "currency" (the symbol seen
most in money columns), "notes" (column -> how an ambiguous column was read,
e.g. {"Dt_Customer": "read as day/month/year (...): day-first, ..."}) and
"missing" (column -> how many cells with text were read as missing, e.g.
{"Region": "3 cells read as missing ('n/a' x2, '?')"}).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

from tools.engine.dates import parse_dates
from tools.engine.markers import (
    HARD_MISSING,
    MISSING_TOKENS,
    kept_markers,
    marker_key,
    top_cells,
)
from tools.engine.number_formats import (
    CURRENCY_PATTERN,
    INTEGER,
    dot_style,
    not_numbers_note,
    parse_numbers,
)
from tools.engine.schema import DType
from tools.engine.stores import as_strings
from tools.engine.yes_no import yes_no_words

# Distinct values tried before a whole column is.
_SAMPLE = 200


@dataclass(frozen=True)
class ParsedColumn:
    values: pd.Series
    dtype: DType
    currency: str | None = None
    note: str | None = None
    # Cells that held text but were read as missing ("n/a", an unreadable date), and a
    # line saying so with the commonest of those texts.
    missing: int = 0
    missing_note: str | None = None
    # A yes/no column whose yes word is the alphabetically first of its words ("да" before
    # "нет"): a customer's tie between its values goes to yes (SEMANTICS.md).
    yes_first: bool = False


def parse_columns(df: pd.DataFrame, numbers: Mapping[str, float] | None = None
                  ) -> tuple[pd.DataFrame, dict[str, DType]]:
    """Convert every string column to numbers, dates, booleans or clean text.

    `numbers`: columns meant to hold numbers (named or mapped as an amount, a price, ...),
    each with the share of its cells that may be something else (`parse_column`).
    """
    numbers = numbers or {}
    dots = dot_style(df) if df.attrs.get("delimiter") == ";" else None
    return _parsed_frame({name: parse_column(df[name], stray_share=numbers.get(name, 0.0),
                                             dots=dots)
                          for name in df.columns}, df.index, df.attrs)


def parse_typed_columns(frame: pd.DataFrame, numbers: Mapping[str, float] | None = None
                        ) -> tuple[pd.DataFrame, dict[str, DType]]:
    """`parse_columns(as_strings(frame), numbers)` for rows a typed reader (Parquet, DuckDB)
    gave.

    Numbers and dates are taken as they are, which is what reading their text gives; only
    the other columns are written out as text and read.
    """
    numbers = numbers or {}
    index = pd.RangeIndex(len(frame))
    typed = {name: _typed_column(frame[name], index) for name in frame.columns}
    text = as_strings(frame[[name for name, parsed in typed.items() if parsed is None]])
    return _parsed_frame({name: parsed or parse_column(
        text[name], stray_share=numbers.get(str(name), 0.0)) for name, parsed in typed.items()},
        index, frame.attrs)


def _parsed_frame(columns: dict[str, ParsedColumn], index: pd.Index,
                  attrs: dict[str, object]) -> tuple[pd.DataFrame, dict[str, DType]]:
    """The parsed columns as a frame, with the currency and notes in its attrs."""
    currencies = Counter(parsed.currency for parsed in columns.values() if parsed.currency)
    frame = pd.DataFrame({name: parsed.values for name, parsed in columns.items()}, index=index)
    frame.attrs.update(attrs)
    frame.attrs["currency"] = currencies.most_common(1)[0][0] if currencies else None
    frame.attrs["notes"] = {str(name): parsed.note for name, parsed in columns.items()
                            if parsed.note}
    frame.attrs["missing"] = {str(name): parsed.missing_note for name, parsed in columns.items()
                              if parsed.missing_note}
    frame.attrs["yes_first"] = [str(name) for name, parsed in columns.items() if parsed.yes_first]
    return frame, {name: parsed.dtype for name, parsed in columns.items()}


def column_notes(parsed: pd.DataFrame, skip: str | None = None, *, within: str = "") -> list[str]:
    """"Column: note" lines from the attrs of `parse_columns`: how columns were read and how
    many cells were read as missing (`within`: the rows counted, when not all of them).

    `skip`: a column whose notes are moot (the customer id: ids are normalised, and rows
    without one are counted by cleaning).
    """
    notes = [f"{column}: {note}" for column, note in parsed.attrs["notes"].items()
             if column != skip]
    notes.extend(f"{column}: {note}{within}" for column, note in
                 parsed.attrs.get("missing", {}).items() if column != skip)
    return notes


def _typed_column(series: pd.Series, index: pd.Index) -> ParsedColumn | None:
    """What `parse_column` makes of the text of a typed number or date column, or None
    where that text would be read otherwise (flags, infinities, long codes, time zones)."""
    if pd.api.types.is_datetime64_any_dtype(series):
        if getattr(series.dt, "tz", None) is not None or not series.notna().any():
            return None
        try:
            stamps = series.astype("datetime64[ns]")
        except (OverflowError, pd.errors.OutOfBoundsDatetime):
            return None
        # The text holds whole seconds.
        return ParsedColumn(pd.Series(stamps.dt.floor("s").to_numpy(), index=index), DType.DATE)
    if pd.api.types.is_bool_dtype(series) or not (
            pd.api.types.is_signed_integer_dtype(series) or pd.api.types.is_float_dtype(series)):
        return None
    values = series.to_numpy(dtype="float64", na_value=np.nan)
    missing = np.isnan(values)
    known = values[~missing]
    if len(known) == 0 or not np.isfinite(known).all():
        return None
    if pd.api.types.is_integer_dtype(series):
        if not missing.any():
            return ParsedColumn(pd.Series(series.to_numpy(dtype="int64"), index=index),
                                DType.INTEGER)
        if np.abs(known).max() > 2**53:
            return None
        whole = True
    else:
        # Whole numbers below 1e15 are written without a decimal point (`as_strings`).
        whole = bool((np.mod(known, 1) == 0).all() and (np.abs(known) < 1e15).all())
    if whole and not missing.any():
        return ParsedColumn(pd.Series(values.astype("int64"), index=index), DType.INTEGER)
    return ParsedColumn(pd.Series(values, index=index),
                        DType.INTEGER if whole else DType.NUMBER)


def parse_column(raw: pd.Series, *, stray_share: float = 0.0,
                 dots: str | None = None) -> ParsedColumn:
    """The column's values, typed.

    `stray_share`: for a column meant to hold numbers, the share of its cells that may be
    something else ("#VALUE!", "inf", "not a number"): they are read as missing, and counted
    in the missing note, instead of making the whole column text.
    `dots`: what a dot means in numbers whose every dot is followed by three digits
    ("1.500"): "thousands" or "decimal" (said in the column's note), or None: a decimal
    point, unless a number has several ("1.500.000").
    """
    # Each distinct text once: stripped and judged per value (markers such as "n/a",
    # "unknown"), not per cell; a column of 500,000 cells often has a few thousand values.
    all_codes, all_uniques, changed = _distinct_stripped(raw)
    # One place more than the values: code -1 (a missing cell) is marked too.
    marked = np.append(all_uniques.str.lower().isin(MISSING_TOKENS).to_numpy(), True)
    values_at = np.flatnonzero(~marked[:-1])
    # Codes of the other values, in order of first appearance, as factorising them would give.
    renumber = np.full(len(all_uniques) + 1, -1, dtype=np.int64)
    renumber[values_at] = np.arange(len(values_at))
    codes = renumber[all_codes]
    uniques = all_uniques.iloc[values_at].reset_index(drop=True)
    text = _ColumnText(raw, changed, codes if marked[:-1].any() else None)
    parsed = _parse_values(raw.index, codes, uniques, text, dots)
    if stray_share > 0 and parsed.dtype is DType.TEXT and len(uniques):
        parsed = _numbers_despite_strays(raw.index, codes, uniques, stray_share, dots) or parsed
    # A column of nothing but markers has no answers to keep them beside.
    if parsed.dtype is DType.TEXT and marked[:-1].any() and len(values_at):
        parsed = _keep_common_markers(parsed, text.stripped, all_codes, all_uniques, marked)
    return _with_missing_note(parsed, all_codes, all_uniques)


def _distinct_stripped(raw: pd.Series) -> tuple[np.ndarray, pd.Series, bool]:
    """Codes of the cells (-1: missing) into the column's distinct stripped texts, in order
    of first appearance (what factorising the stripped column gives, stripping each
    distinct text once), and whether stripping changed any text."""
    raw_codes, raw_distinct = pd.factorize(raw.astype("str"))
    before = pd.Series(raw_distinct, dtype="str")
    stripped = before.str.strip()
    changed = bool(stripped.ne(before).any())
    # " a" and "a" are one value once stripped.
    merged, distinct = pd.factorize(stripped)
    codes = np.append(merged, -1)[raw_codes]
    return codes, pd.Series(distinct, dtype="str"), changed


class _ColumnText:
    """A column's cells as text, built only when the column is kept as text, and once.

    `changed`: stripping changes some cell; `markers`: codes whose -1 cells are to be made
    missing, or None when no cell is a marker.
    """

    def __init__(self, raw: pd.Series, changed: bool, markers: np.ndarray | None) -> None:
        self.raw, self.changed, self.markers = raw, changed, markers

    @cached_property
    def stripped(self) -> pd.Series:
        text = self.raw.astype("str")
        return text.str.strip() if self.changed else text

    def cells(self) -> pd.Series:
        """Stripped, with the missing markers missing."""
        text = self.stripped
        return text if self.markers is None else text.mask(self.markers < 0)


def _cells(index: pd.Index, codes: np.ndarray, uniques: pd.Series) -> pd.Series:
    """The text of each cell from its code into `uniques` (-1: missing)."""
    return pd.Series(uniques.array.take(codes, allow_fill=True), index=index, dtype="str")


def _parse_values(index: pd.Index, codes: np.ndarray, uniques: pd.Series,
                  text: _ColumnText, dots: str | None = None) -> ParsedColumn:
    """The column: `codes` of its cells (-1: missing or a marker) into its distinct
    `uniques`; `text` its cells as text."""
    if len(uniques) == 0:
        return ParsedColumn(pd.Series(pd.NA, index=index, dtype="str"), DType.TEXT)

    def spread(parsed: np.ndarray | pd.api.extensions.ExtensionArray, fill: object) -> pd.Series:
        taken = pd.Series(parsed).take(np.where(codes < 0, 0, codes)).to_numpy()
        series = pd.Series(taken, index=index)
        return series.mask(codes < 0, fill)

    lowered = uniques.str.lower()
    words = yes_no_words()
    if lowered.isin(words.yes | words.no).all() and _is_flag(set(lowered)):
        flags = lowered.isin(words.yes).to_numpy()
        values = spread(flags, pd.NA).astype("boolean")
        if not (codes < 0).any():
            values = values.astype(bool)
        first = min(uniques.tolist())
        return ParsedColumn(values, DType.BOOL, yes_first=first.lower() in words.yes)

    integer = uniques.str.fullmatch(INTEGER)
    if integer.all():
        if uniques.str.fullmatch(r"[-+]?0\d+").any():
            # Zero-padded codes ("0001", zip codes) keep their text form.
            return ParsedColumn(text.cells(), DType.TEXT, note="zero-padded codes kept as text")
        numbers = pd.to_numeric(uniques, errors="coerce").to_numpy()
        has_missing = bool((codes < 0).any())
        if numbers.dtype.kind != "i" or (has_missing and np.abs(numbers).max() > 2**53):
            # Beyond what float64 holds exactly: long codes, kept as text so no digit changes.
            return ParsedColumn(text.cells(), DType.TEXT,
                                note="long numeric codes kept as text")
        if has_missing:
            values = spread(numbers.astype("float64"), np.nan).astype("float64")
        else:
            values = spread(numbers, 0).astype("int64")
        return ParsedColumn(values, DType.INTEGER)

    # A column of product names fails on its first values; checking a sample first saves
    # running every pattern over thousands of distinct values.
    sample = uniques.iloc[:_SAMPLE]
    number = None if parse_numbers(sample, dots) is None else parse_numbers(uniques, dots)
    if number is not None:
        numbers, currency, note, whole = number
        values = spread(numbers, np.nan).astype("float64")
        dtype = DType.INTEGER if whole else DType.NUMBER
        if whole and not (codes < 0).any():
            values = values.astype("int64")
        return ParsedColumn(values, dtype, currency=currency, note=note)

    dates = None if parse_dates(sample, share=0.5) is None else parse_dates(uniques)
    if dates is not None:
        parsed_dates, note = dates
        values = pd.Series(spread(parsed_dates.to_numpy(), pd.NaT), index=index)
        return ParsedColumn(pd.to_datetime(values), DType.DATE, note=note)
    return ParsedColumn(text.cells(), DType.TEXT, note=not_numbers_note(uniques))


def _numbers_despite_strays(index: pd.Index, codes: np.ndarray, uniques: pd.Series,
                            share: float, dots: str | None) -> ParsedColumn | None:
    """The column as numbers with its few values that are not numbers missing, or None."""
    plain = (uniques.str.replace(CURRENCY_PATTERN, "", regex=True)
             .str.replace(r"[,%()'\s\u00a0\u202f]", "", regex=True))
    # A spreadsheet error ("#VALUE!"), an infinity or words: no amount can be read from it.
    stray = ~np.isfinite(pd.to_numeric(plain, errors="coerce").to_numpy(dtype="float64"))
    if not stray.any() or stray.all():
        return None
    cells = np.bincount(codes[codes >= 0], minlength=len(uniques))
    if cells[stray].sum() > share * cells.sum():
        return None
    number = parse_numbers(uniques[~stray].reset_index(drop=True), dots)
    if number is None:
        return None
    kept, currency, note, whole = number
    numbers = np.full(len(uniques), np.nan)
    numbers[~stray] = kept
    taken = numbers[np.where(codes < 0, 0, codes)]
    values = pd.Series(np.where(codes < 0, np.nan, taken), index=index, dtype="float64")
    # Missing cells make a whole-number column float, as `_parse_values` does.
    return ParsedColumn(values, DType.INTEGER if whole else DType.NUMBER, currency=currency,
                        note=note)


def _keep_common_markers(parsed: ParsedColumn, text: pd.Series, all_codes: np.ndarray,
                         all_uniques: pd.Series, marked: np.ndarray) -> ParsedColumn:
    """A text column with its common soft markers ("Unknown" in a fifth of rows) as values."""
    cells = np.bincount(all_codes[all_codes >= 0], minlength=len(all_uniques))
    hard = all_uniques.str.lower().isin(HARD_MISSING).to_numpy()
    at = np.flatnonzero(marked[:-1] & ~hard)
    spellings = {str(all_uniques.iloc[i]): int(cells[i]) for i in at}
    values = cells[~hard]
    kept = kept_markers(spellings, len(all_codes), top_cells(values.tolist(), len(values)))
    if not kept:
        return parsed
    keep = np.zeros(len(all_uniques) + 1, dtype=bool)
    keep[[i for i in at if marker_key(str(all_uniques.iloc[i])) in kept]] = True
    values = parsed.values.mask(keep[all_codes], text)
    shown = ", ".join(repr(str(all_uniques.iloc[i])) for i in np.flatnonzero(keep))
    note = f"{shown} kept as a value (a common answer, not a missing one)"
    return ParsedColumn(values.astype("str"), parsed.dtype, parsed.currency,
                        f"{parsed.note}; {note}" if parsed.note else note)


def _with_missing_note(parsed: ParsedColumn, codes: np.ndarray,
                       uniques: pd.Series) -> ParsedColumn:
    """`parsed` with the count of cells that had text (`codes` into the stripped
    `uniques`) but were read as missing."""
    lost = parsed.values.isna().to_numpy()
    if not lost.any():
        return parsed
    text = _cells(pd.RangeIndex(int(lost.sum())), codes[lost], uniques)
    text = text[text.ne("").to_numpy()]
    n = len(text)
    if n == 0:
        return parsed
    counts = text.value_counts()
    examples = ", ".join(f"{value!r}" + (f" x{int(c):,}" if c > 1 else "")
                         for value, c in counts.iloc[:3].items())
    more = ", ..." if len(counts) > 3 else ""
    cells = "1 cell" if n == 1 else f"{n:,} cells"
    return replace(parsed, missing=n,
                   missing_note=f"{cells} read as missing ({examples}{more})")


def _is_flag(values: set[str]) -> bool:
    """Yes/no words (`yes_no.py`, in every language); single letters only as a pair (a lone
    "F" is more likely a gender, a lone "是" says nothing)."""
    if any(len(v) > 1 for v in values):
        return True
    words = yes_no_words()
    return bool(values & words.yes) and bool(values & words.no)
