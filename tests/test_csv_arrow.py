"""Arrow's CSV reading is used only where it gives the C parser's frame, cell for cell."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tools.engine.csv_arrow import read_csv_arrow
from tools.engine.reading import _read_with_pandas, read_table

# Characters that make CSV hard: delimiters, quotes, line breaks, spaces, non-ASCII.
_CELL = st.text(alphabet=list('ab ,;\t"\n\r1.-é中Ж'), max_size=6)


def _quoted(cell: str, delimiter: str) -> str:
    if any(ch in cell for ch in (delimiter, '"', "\n", "\r")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


@st.composite
def _files(draw: st.DrawFn) -> tuple[bytes, str, int]:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    width = draw(st.integers(1, 4))
    header = draw(st.lists(st.text(alphabet=list("abcxyz é中_"), min_size=0, max_size=5),
                           min_size=width, max_size=width))
    rows = draw(st.lists(st.lists(_CELL, min_size=width - 1, max_size=width + 1),
                         max_size=6))
    # Some files quote every cell they need to; some leave a few raw, as exports do.
    quote = draw(st.booleans())
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = [delimiter.join(_quoted(c, delimiter) if quote else c for c in header)]
    for row in rows:
        lines.append(delimiter.join(_quoted(c, delimiter) if quote else c for c in row))
        if draw(st.integers(0, 5)) == 0:
            lines.append("")  # a blank line
    skip = draw(st.integers(0, 1))
    if skip:
        lines.insert(0, f"sep={delimiter}")
    text = newline.join(lines) + draw(st.sampled_from(["", newline]))
    bom = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    return bom + text.encode("utf-8"), delimiter, skip


def _pandas(raw: bytes, delimiter: str, skip: int) -> pd.DataFrame | None:
    try:
        return _read_with_pandas(raw.decode("utf-8-sig"), raw, "utf-8-sig", delimiter, skip)
    except (pd.errors.ParserError, ValueError):
        return None


@settings(max_examples=300, deadline=None, derandomize=True)
@given(_files())
@example((b'_,__\n1","\n', ",", 0))  # a cell's own quote, then one left open at the end
def test_arrow_reads_what_the_c_parser_reads_or_declines(case: tuple[bytes, str, int]) -> None:
    raw, delimiter, skip = case
    arrow = read_csv_arrow(raw, delimiter, skip)
    if arrow is None:
        return
    expected = _pandas(raw, delimiter, skip)
    assert expected is not None, "Arrow read a file the C parser refuses"
    pd.testing.assert_frame_equal(arrow, expected)


def test_a_plain_export_is_read_by_arrow_with_text_columns() -> None:
    raw = "id,city,spend\n1,Lyon,10.5\n2,\"Saint-Denis, Réunion\",\n\n3,北京,7\n".encode()
    frame = read_csv_arrow(raw, ",", 0)
    assert frame is not None
    assert list(frame["city"]) == ["Lyon", "Saint-Denis, Réunion", "北京"]
    assert list(frame["spend"]) == ["10.5", "", "7"]
    assert all(str(dtype) == "str" for dtype in frame.dtypes)


@pytest.mark.parametrize("raw", [
    b"id,city\n1,Lyon,\n2,Paris,\n",      # a trailing delimiter: pandas drops the field
    b"id,id\n1,2\n",                       # a repeated name: pandas renames it id.1
    b"id,\n1,2\n",                         # an empty name: pandas calls it Unnamed: 1
    b"id,city\n1\n",                       # a short row: pandas fills it
])
def test_files_arrow_reads_differently_go_to_the_c_parser(raw: bytes) -> None:
    assert read_csv_arrow(raw, ",", 0) is None


def test_read_table_gives_the_same_frame_either_way(tmp_path: pytest.TempPathFactory) -> None:
    path = tmp_path / "orders.csv"  # type: ignore[operator]
    path.write_text("sep=;\nnr;kunde;betrag\n1;Müller;12,50\n2;\"Ko;ch\";3\n", encoding="utf-8")
    frame = read_table(path)
    assert list(frame.columns) == ["nr", "kunde", "betrag"]
    assert list(frame["kunde"]) == ["Müller", "Ko;ch"]
    assert frame.attrs["delimiter"] == ";"
