"""Real-world cell values to typed columns.

Exports are messy: "$84,835.00 ", "1.234,50 €", "12%", "n/a", "04-09-2012",
"12/1/10 8:26", "Yes". Each column of strings is classified from its distinct
values (so a 500k-line log costs one pass per distinct value, not per row)
and converted as a whole; a column is only called numeric or boolean when
every value fits, and only a date when nearly every value does (the rest
become missing dates, which cleaning then reports).

`parse_columns` also leaves two notes in `frame.attrs`: "currency" (the symbol
seen most in money columns) and "notes" (column -> how an ambiguous column was
read, e.g. {"Dt_Customer": "dates read day-first ..."}).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.engine.schema import DType
from tools.engine.stores import as_strings

MISSING_TOKENS = frozenset({"", "unknown", "n/a", "na", "null", "-", "--", "nan", "none",
                            "#n/a", "nat", "?"})
_TRUE = frozenset({"yes", "true", "y", "t"})
_FALSE = frozenset({"no", "false", "n", "f"})
_CURRENCY_PATTERN = r"[$£€¥₹]|\b(?:USD|GBP|EUR|JPY|INR|CHF|CAD|AUD)\b"
_CURRENCY_CODES = {"USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥", "INR": "₹", "CAD": "$",
                   "AUD": "$", "CHF": "CHF"}
_INTEGER = r"[-+]?\d+"
_US_NUMBER = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?(?:[eE][-+]?\d+)?"
_EU_NUMBER = r"[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+)?(?:,\d+)?"
_ISO_DATE = (r"\d{4}([-/.])\d{1,2}\1\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
             r"(?:Z|[+-]\d{2}:?\d{2})?")
_PART_DATE = (r"(?P<first>\d{1,2})(?P<sep>[-/.])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})"
              r"(?P<time>[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AaPp][Mm])?)?")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_NAMED_MONTH_DATE = (rf"(?i)(?:[a-z]+,?\s+)?(?:\d{{1,2}}(?:st|nd|rd|th)?[\s-]+{_MONTH}[\s,-]+"
                     rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+)\d{{2,4}}"
                     r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s?[ap]m)?)?")
_TIME_FORMATS = ("", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p", " %I:%M%p",
                 "T%H:%M", "T%H:%M:%S")
# Share of a column's distinct values that must look like dates for it to be a date column.
_DATE_SHARE = 0.9
# Distinct values tried before a whole column is.
_SAMPLE = 200


@dataclass(frozen=True)
class ParsedColumn:
    values: pd.Series
    dtype: DType
    currency: str | None = None
    note: str | None = None


def parse_columns(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, DType]]:
    """Convert every string column to numbers, dates, booleans or clean text."""
    return _parsed_frame({name: parse_column(df[name]) for name in df.columns}, df.index,
                         df.attrs)


def parse_typed_columns(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, DType]]:
    """`parse_columns(as_strings(frame))` for rows a typed reader (Parquet, DuckDB) gave.

    Numbers and dates are taken as they are, which is what reading their text gives; only
    the other columns are written out as text and read.
    """
    index = pd.RangeIndex(len(frame))
    typed = {name: _typed_column(frame[name], index) for name in frame.columns}
    text = as_strings(frame[[name for name, parsed in typed.items() if parsed is None]])
    return _parsed_frame({name: parsed or parse_column(text[name])
                          for name, parsed in typed.items()}, index, frame.attrs)


def _parsed_frame(columns: dict[str, ParsedColumn], index: pd.Index,
                  attrs: dict[str, object]) -> tuple[pd.DataFrame, dict[str, DType]]:
    """The parsed columns as a frame, with the currency and notes in its attrs."""
    currencies = Counter(parsed.currency for parsed in columns.values() if parsed.currency)
    frame = pd.DataFrame({name: parsed.values for name, parsed in columns.items()}, index=index)
    frame.attrs.update(attrs)
    frame.attrs["currency"] = currencies.most_common(1)[0][0] if currencies else None
    frame.attrs["notes"] = {str(name): parsed.note for name, parsed in columns.items()
                            if parsed.note}
    return frame, {name: parsed.dtype for name, parsed in columns.items()}


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


def parse_column(raw: pd.Series) -> ParsedColumn:
    text = raw.astype("str").str.strip()
    missing = text.str.lower().isin(MISSING_TOKENS)
    text = text.mask(missing)
    codes, uniques_array = pd.factorize(text)
    uniques = pd.Series(uniques_array, dtype="str")
    if len(uniques) == 0:
        return ParsedColumn(pd.Series(pd.NA, index=raw.index, dtype="str"), DType.TEXT)

    def spread(parsed: np.ndarray | pd.api.extensions.ExtensionArray, fill: object) -> pd.Series:
        taken = pd.Series(parsed).take(np.where(codes < 0, 0, codes)).to_numpy()
        series = pd.Series(taken, index=raw.index)
        return series.mask(codes < 0, fill)

    lowered = uniques.str.lower()
    if lowered.isin(_TRUE | _FALSE).all() and _is_flag(set(lowered)):
        flags = lowered.isin(_TRUE).to_numpy()
        values = spread(flags, pd.NA).astype("boolean")
        if not (codes < 0).any():
            values = values.astype(bool)
        return ParsedColumn(values, DType.BOOL)

    integer = uniques.str.fullmatch(_INTEGER)
    if integer.all():
        if uniques.str.fullmatch(r"[-+]?0\d+").any():
            # Zero-padded codes ("0001", zip codes) keep their text form.
            return ParsedColumn(_as_text(text), DType.TEXT, note="zero-padded codes kept as text")
        numbers = pd.to_numeric(uniques, errors="coerce").to_numpy()
        has_missing = bool((codes < 0).any())
        if numbers.dtype.kind != "i" or (has_missing and np.abs(numbers).max() > 2**53):
            # Beyond what float64 holds exactly: long codes, kept as text so no digit changes.
            return ParsedColumn(_as_text(text), DType.TEXT, note="long numeric codes kept as text")
        if has_missing:
            values = spread(numbers.astype("float64"), np.nan).astype("float64")
        else:
            values = spread(numbers, 0).astype("int64")
        return ParsedColumn(values, DType.INTEGER)

    # A column of product names fails on its first values; checking a sample first saves
    # running every pattern over thousands of distinct values.
    sample = uniques.iloc[:_SAMPLE]
    number = None if _parse_numbers(sample) is None else _parse_numbers(uniques)
    if number is not None:
        numbers, currency, note, whole = number
        values = spread(numbers, np.nan).astype("float64")
        dtype = DType.INTEGER if whole else DType.NUMBER
        if whole and not (codes < 0).any():
            values = values.astype("int64")
        return ParsedColumn(values, dtype, currency=currency, note=note)

    dates = None if _parse_dates(sample, share=0.5) is None else _parse_dates(uniques)
    if dates is not None:
        parsed_dates, note = dates
        values = pd.Series(spread(parsed_dates.to_numpy(), pd.NaT), index=raw.index)
        return ParsedColumn(pd.to_datetime(values), DType.DATE, note=note)
    return ParsedColumn(_as_text(text), DType.TEXT, note=_not_numbers_note(uniques))


def _not_numbers_note(uniques: pd.Series) -> str | None:
    """Why a column of numbers with a few stray values ("thirty", "-inf") was read as text."""
    if len(uniques) < 5:
        return None
    plain = uniques.str.replace(r"[,$£€¥₹%\s]", "", regex=True)
    numbers = pd.to_numeric(plain, errors="coerce").to_numpy(dtype="float64")
    stray = uniques[~np.isfinite(numbers)]
    if len(stray) == 0 or len(stray) > max(2, len(uniques) // 20):
        return None
    examples = ", ".join(repr(str(v)[:30]) for v in stray.iloc[:3])
    return (f"read as text because of values that are not numbers ({examples}); correct them "
            "in the file to use the column as numbers")


def _is_flag(values: set[str]) -> bool:
    """Yes/no words; single letters only as a pair (a lone "F" is more likely a gender)."""
    if any(len(v) > 1 for v in values):
        return True
    return bool(values & _TRUE) and bool(values & _FALSE)


def _as_text(text: pd.Series) -> pd.Series:
    return text.astype("str")


def _parse_numbers(uniques: pd.Series) -> tuple[np.ndarray, str | None, str | None, bool] | None:
    """Numbers with currency symbols, thousands separators, percent signs or (negatives)."""
    if not uniques.str.contains(r"\d").all():
        return None
    symbols = uniques.str.extract(f"({_CURRENCY_PATTERN})", expand=False).dropna()
    core = uniques.str.replace(_CURRENCY_PATTERN, "", regex=True)
    # Spaces (and Swiss apostrophes) only count as thousands separators before 3 digits, so
    # "1 234 567" is a number and "555 0101" (a phone number) is not.
    core = core.str.strip().str.replace(r"(?<=\d)[\s\u00a0\u202f'](?=\d{3}(?!\d))", "",
                                        regex=True)
    core = core.str.replace(r"^([-+(]*)\s+|\s+(?=[)%]*$)", r"\1", regex=True)
    percent = core.str.endswith("%")
    core = core.str.removesuffix("%")
    negative = core.str.fullmatch(r"\(.*\)")
    core = core.str.replace(r"^\((.*)\)$", r"\1", regex=True)
    core = core.str.replace(r"^([-+]?)[-+]?", r"\1", regex=True)
    if core.str.fullmatch(_US_NUMBER).all():
        cleaned = core.str.replace(",", "", regex=False)
        style = None
    elif core.str.fullmatch(_EU_NUMBER).all() and core.str.contains(",").any():
        cleaned = core.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        style = "read with ',' as the decimal mark"
    else:
        return None
    numbers = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype="float64")
    if np.isnan(numbers).any():
        return None
    numbers = np.where(negative.to_numpy(), -np.abs(numbers), numbers)
    currency = None
    if len(symbols):
        top = symbols.value_counts().index[0]
        currency = _CURRENCY_CODES.get(top, top)
    notes = [n for n in (style, "percentages kept as written (12% -> 12)"
                         if percent.any() else None) if n]
    whole = bool(cleaned.str.fullmatch(r"[-+]?\d+").all()) and currency is None
    return numbers, currency, "; ".join(notes) or None, whole


def _parse_dates(uniques: pd.Series, share: float = _DATE_SHARE) -> tuple[pd.Series,
                                                                          str | None] | None:
    """Dates of one family (ISO, d/m/y or m/d/y, month names), chosen by the values.

    `share` of the distinct values must be dates of that family.
    """
    iso = uniques.str.fullmatch(_ISO_DATE)
    parts = uniques.str.extract(f"^{_PART_DATE}$")
    is_parts = parts["first"].notna()
    named = uniques.str.fullmatch(_NAMED_MONTH_DATE)
    shares = {"iso": iso.mean(), "parts": is_parts.mean(), "named": named.mean()}
    family = max(shares, key=lambda k: shares[k])
    if shares[family] < share:
        return None
    result = pd.Series(pd.NaT, index=uniques.index, dtype="datetime64[ns]")
    note = None
    if family == "iso":
        _fill(result, _iso_dates(uniques[iso]))
    elif family == "named":
        # Month names make the order unambiguous; dateutil reads "5 Mar 2024", "Mar 5, 2024".
        _fill(result, pd.to_datetime(uniques[named], format="mixed", errors="coerce"))
    else:
        order = _day_first(parts.loc[is_parts])
        if order is None:
            return None
        day_first, note = order
        chosen = uniques[is_parts]
        for sep in parts.loc[is_parts, "sep"].unique():
            for year in ("%Y", "%y"):
                first, second = ("%d", "%m") if day_first else ("%m", "%d")
                base = f"{first}{sep}{second}{sep}{year}"
                for time_format in _TIME_FORMATS:
                    pending = chosen[result[chosen.index].isna()]
                    if pending.empty:
                        break
                    _fill(result, pd.to_datetime(pending, format=base + time_format,
                                                 errors="coerce"))
    failed = int(result.isna().sum())
    if failed:
        extra = f"{failed} value(s) could not be read as dates"
        note = f"{note}; {extra}" if note else extra
    if result.notna().mean() < share:
        return None
    return result, note


def _fill(result: pd.Series, converted: pd.Series) -> None:
    hit = converted.notna()
    result[converted.index[hit]] = converted[hit].astype("datetime64[ns]")


def _iso_dates(values: pd.Series) -> pd.Series:
    """ISO dates and datetimes; "2024/03/01" too. Offsets are converted to UTC wall time."""
    values = values.str.replace(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})", r"\1-\2-\3", regex=True)
    aware = bool(values.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True).any())
    converted = pd.to_datetime(values, format="ISO8601", errors="coerce", utc=aware)
    if aware:
        converted = converted.dt.tz_convert(None)
    return converted


def _day_first(parts: pd.DataFrame) -> tuple[bool, str] | None:
    """Day-first when any first part is above 12, month-first when any second part is."""
    first = parts["first"].astype(int)
    second = parts["second"].astype(int)
    if (first > 12).any() and (second > 12).any():
        return None
    if (first > 12).any():
        day_first, why = True, "a first part above 12"
    elif (second > 12).any():
        day_first, why = False, "a second part above 12"
    else:
        day_first = parts["sep"].iloc[0] != "/"
        why = "no part above 12; '/' dates are read month-first, others day-first"
    return day_first, f"dates read {'day' if day_first else 'month'}-first ({why})"
