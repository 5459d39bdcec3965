"""Arrow's CSV reader for the plain case of a delimited UTF-8 file, all columns as text.

pandas' C parser hands back Python strings that pandas then copies into Arrow-backed
text columns: on the 541,909-line demo file that copy costs more than the parsing, and
its allocations (about 100,000 page faults) are a second on a cold start. Arrow's own
reader writes the columns directly. It is used only where it reads a file exactly as the
C parser does (tests/test_csv_arrow.py holds the two to the same frame); anything else,
such as a ragged row, a repeated or empty header, or a code page other than UTF-8, gives
None and the C parser reads the file with its own rules and messages.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

# Above this, parsing on several threads pays for starting them.
_THREADED_FROM = 64 << 20
# pandas' spelling of its Arrow-backed text columns (the "str" dtype).
_TEXT = pd.StringDtype("pyarrow", na_value=float("nan"))


def read_csv_arrow(raw: bytes, delimiter: str, skip: int) -> pd.DataFrame | None:
    """`raw` (UTF-8, optionally with BOM) as a frame of text columns, or None.

    Empty cells are empty strings, nothing is read as missing, blank lines are skipped
    and `skip` leading lines (Excel's "sep=;" hint) are dropped: the C parser's reading
    with `dtype=str, keep_default_na=False, na_filter=False`.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = _header(raw, delimiter, skip)
    if names is None or raw.count(b'"') % 2:
        return None  # an odd quote: pandas stops at it, Arrow reads on to the end
    last = raw.rstrip(b"\r\n").rfind(b'"')
    if last >= 0 and (last == 0 or raw[last - 1:last] in (delimiter.encode(), b"\n", b"\r")):
        return None  # the last quote opens a cell (an earlier one was a cell's own): unclosed
    try:
        table = pacsv.read_csv(
            io.BytesIO(raw),
            read_options=pacsv.ReadOptions(skip_rows=skip, block_size=1 << 22,
                                           use_threads=len(raw) > _THREADED_FROM),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.large_string() for name in names},
                strings_can_be_null=False, quoted_strings_can_be_null=False, null_values=[]))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None  # e.g. a row with more or fewer fields: the C parser's rules decide
    if table.column_names != names:
        return None
    return table.to_pandas(types_mapper=lambda kind: _TEXT if kind == pa.large_string()
                           else None)


def _header(raw: bytes, delimiter: str, skip: int) -> list[str] | None:
    """The header's names when the C parser would keep them as they are, else None."""
    lines = raw[:1 << 16].removeprefix(b"\xef\xbb\xbf").splitlines()
    if len(lines) <= skip:
        return None
    try:
        first = lines[skip].decode("utf-8")
    except UnicodeDecodeError:
        return None  # the sample cut a character, or a header longer than the sample
    if '"' in first and first.count('"') % 2:
        return None  # a quoted header cell that spans lines
    names = next(csv.reader([first], delimiter=delimiter), [])
    # pandas renames repeated names ("a.1") and empty ones ("Unnamed: 2"); Arrow does not.
    if not names or len(set(names)) != len(names) or any(not n.strip() for n in names):
        return None
    # pandas skips a line of spaces as blank, Arrow reads it as a cell; with two or more
    # columns Arrow refuses such a line as short, so only one-column files differ.
    if len(names) < 2:
        return None
    # A name pandas would read differently from csv (spaces around quotes and the like).
    if any(n != n.strip() and '"' in n for n in names):
        return None
    return names
