"""Text dates of one family: ISO, day/month/year or month/day/year, or with month names.

A column's distinct values decide the family. For dates written as numbers
("03/04/2021") the order of day and month is read from the evidence of the whole
column: a first part above 12 makes it day-first, a second part above 12 month-first.
Without either, "/" dates are read month-first and "-" or "." dates day-first, and the
note says so with an example of what a date was read as ("03/04/2021 = 4 March 2021"),
so the person can tell at once whether that is right.
"""

from __future__ import annotations

import pandas as pd

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
DATE_SHARE = 0.9

# How a day-first column is said in its note ("read as day/month/year (...)").
DAY_FIRST = "day/month/year"


def parse_dates(uniques: pd.Series, share: float = DATE_SHARE) -> tuple[pd.Series,
                                                                        str | None] | None:
    """Dates of one family (ISO, d/m/y or m/d/y, month names), chosen by the values.

    `share` of the distinct values must be dates of that family. Returns the dates (NaT
    where a value is not one) and a note on how they were read, or None.
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
        # Month names make the order unambiguous; dateutil reads "5 Mar 2024", "14-Jan-15".
        _fill(result, pd.to_datetime(uniques[named], format="mixed", errors="coerce"))
    else:
        found = _parts_dates(uniques, parts.loc[is_parts], result)
        if found is None:
            return None
        note = found
    failed = int(result.isna().sum())
    if failed:
        extra = f"{failed} value(s) could not be read as dates"
        note = f"{note}; {extra}" if note else extra
    if result.notna().mean() < share:
        return None
    return result, note


def _parts_dates(uniques: pd.Series, parts: pd.DataFrame, result: pd.Series) -> str | None:
    """Fill `result` with the d/m/y or m/d/y dates; the note on the order, or None if mixed."""
    order = day_first(parts)
    if order is None:
        return None
    first_day, why = order
    chosen = uniques[parts.index]
    for sep in parts["sep"].unique():
        for year in ("%Y", "%y"):
            first, second = ("%d", "%m") if first_day else ("%m", "%d")
            base = f"{first}{sep}{second}{sep}{year}"
            for time_format in _TIME_FORMATS:
                pending = chosen[result[chosen.index].isna()]
                if pending.empty:
                    break
                _fill(result, pd.to_datetime(pending, format=base + time_format,
                                             errors="coerce"))
    return _order_note(parts, result, first_day, why)


def _order_note(parts: pd.DataFrame, result: pd.Series, first_day: bool, why: str) -> str:
    """'read as day/month/year (03/04/2021 = 3 April 2021): day-first, ...'."""
    reading = DAY_FIRST if first_day else "month/day/year"
    read = result[parts.index].notna()
    first, second = parts["first"].astype(int), parts["second"].astype(int)
    # An example that could be read either way shows best which reading was chosen.
    ambiguous = read & (first <= 12) & (second <= 12) & (first != second)
    pool = parts.index[ambiguous] if ambiguous.any() else parts.index[read]
    if len(pool) == 0:
        return f"read as {reading}: {why}"
    row = parts.loc[pool[0]]
    written = f"{row['first']}{row['sep']}{row['second']}{row['sep']}{row['year']}"
    day = result[pool[0]]
    return f"read as {reading} ({written} = {day.day} {day.month_name()} {day.year}): {why}"


def day_first(parts: pd.DataFrame) -> tuple[bool, str] | None:
    """Day-first when any first part is above 12, month-first when any second part is.

    None when both happen (the column mixes the two orders). Returns the order and why.
    """
    first = parts["first"].astype(int)
    second = parts["second"].astype(int)
    if (first > 12).any() and (second > 12).any():
        return None
    if (first > 12).any():
        return True, "day-first, since a first part is above 12"
    if (second > 12).any():
        return False, "month-first, since a second part is above 12"
    slash = parts["sep"].iloc[0] == "/"
    order = "month-first" if slash else "day-first"
    return not slash, (f"{order} by default, since no part is above 12 to tell ('/' dates "
                       "are read month-first, others day-first); if that is wrong, export the "
                       "dates as YYYY-MM-DD")


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
