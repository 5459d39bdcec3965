"""Messy and broken files: a one-line error that says what to do, or a warning and a usable load.

The corpus is written by tests/bad_inputs/make_corpus.py into a temporary folder; every
file goes through the Python loader and through `segment data inspect` (typer's runner; a
real process checks the workspace afterwards).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent / "bad_inputs"))

from make_corpus import CORPUS, ERROR, write_corpus  # noqa: E402

from tools.engine.dataset import CustomerData  # noqa: E402
from tools.engine.errors import EngineError  # noqa: E402
from tools.engine.loading import load_customer_data  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
ENTRY_POINT = Path(sys.executable).parent / "segment"
# A message that says what to do names an action the user can take.
ACTIONS = ("export", "save", "check", "choose", "map", "give", "wait", "correct", "unzip",
           "compress", "remove", "--table", "--map", "load", "open")
GOOD_ROWS = "customer_id,gender,age\n1,Female,30\n2,Male,41\n3,Female,52\n"


def run_cli(*args: str | Path, workspace: Path) -> subprocess.CompletedProcess[str]:
    command = ([str(ENTRY_POINT)] if ENTRY_POINT.exists()
               else [sys.executable, "-m", "assistant.cli"])
    environment = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "120",
                   "SEGMENT_WORKSPACE": str(workspace)}
    environment.pop("SEGMENT_DEBUG", None)
    return subprocess.run([*command, *map(str, args)], capture_output=True, text=True,
                          env=environment, timeout=120, cwd=workspace.parent)


def assert_one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    assert result.returncode == 1, (result.returncode, result.stdout[-500:], result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert any(a in lines[0].lower() for a in ACTIONS), lines[0]
    return lines[0]


def assert_helpful(message: str) -> None:
    assert "\n" not in message.strip() and message.strip(), message
    assert "Traceback" not in message
    assert any(a in message.lower() for a in ACTIONS), message


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    return write_corpus(tmp_path_factory.mktemp("bad_inputs"))


@pytest.fixture(scope="module")
def shared_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bad_ws") / ".segment"


def run_in_process(*args: str | Path, workspace: Path) -> subprocess.CompletedProcess[str]:
    """The command through typer's runner: the same code and streams as a process, without
    a Python start and the imports per file (51 of them took most of a minute)."""
    from typer.testing import CliRunner

    from assistant.cli import app

    result = CliRunner().invoke(app, [*map(str, args)], env={
        "COLUMNS": "120", "SEGMENT_WORKSPACE": str(workspace), "SEGMENT_DEBUG": None})
    code = result.exit_code if result.exception is None or \
        isinstance(result.exception, SystemExit) else 99  # an escaped exception: a crash
    return subprocess.CompletedProcess(list(map(str, args)), code, result.stdout,
                                       result.stderr)


@pytest.fixture(scope="module")
def inspected(corpus: dict[str, tuple[Path, str]],
              shared_workspace: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    """`segment data inspect FILE` for every corpus file (a real process for one of them:
    `test_the_workspace_stays_usable_after_every_bad_file`)."""
    return {name: run_in_process("data", "inspect", path, workspace=shared_workspace)
            for name, (path, _) in corpus.items()}


def test_the_corpus_is_large_and_deterministic(tmp_path: Path,
                                               corpus: dict[str, tuple[Path, str]]) -> None:
    assert len(corpus) >= 30
    again = write_corpus(tmp_path)
    for name, (path, _) in corpus.items():
        assert content(again[name][0]) == content(path), name


def content(path: Path) -> object:
    """A file's bytes; a workbook's cells (its zip stamps the time of writing)."""
    if path.suffix != ".xlsx" or not path.read_bytes().startswith(b"PK\x03\x04"):
        return path.read_bytes()
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception:  # a damaged workbook in the corpus: its bytes are fixed
        return path.read_bytes()
    try:
        return {sheet: [list(row) for row in book[sheet].iter_rows(values_only=True)]
                for sheet in book.sheetnames}
    finally:
        book.close()


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_the_loader_errs_in_one_line_or_loads(name: str,
                                              corpus: dict[str, tuple[Path, str]]) -> None:
    path, expected = corpus[name]
    if expected == ERROR:
        with pytest.raises(EngineError) as caught:
            load_customer_data(path)
        assert_helpful(caught.value.message)
    else:
        data = load_customer_data(path)
        assert isinstance(data, CustomerData) and data.n_customers > 0
        assert data.customers.index.is_unique
        for warning in data.source.warnings:
            assert "\n" not in warning


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_segment_data_inspect_errs_in_one_line_or_shows_the_file(
        name: str, corpus: dict[str, tuple[Path, str]],
        inspected: dict[str, subprocess.CompletedProcess[str]]) -> None:
    result = inspected[name]
    if corpus[name][1] == ERROR:
        assert_one_line_error(result)
    else:
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert "customers" in result.stdout.lower()


def test_the_workspace_stays_usable_after_every_bad_file(
        inspected: dict[str, subprocess.CompletedProcess[str]], shared_workspace: Path) -> None:
    good = shared_workspace.parent / "good.csv"
    good.write_text(GOOD_ROWS, encoding="utf-8")
    result = run_cli("data", "inspect", good, "--json", workspace=shared_workspace)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["customers"] == 3


# Sensible behaviour, file by file ------------------------------------------------------------


def load(corpus: dict[str, tuple[Path, str]], name: str) -> CustomerData:
    return load_customer_data(corpus[name][0])


def test_a_semicolon_file_is_split_on_semicolons(corpus: dict[str, tuple[Path, str]]) -> None:
    data = load(corpus, "wrong_delimiter.csv")
    assert data.n_customers == 20 and list(data.customers.columns) == ["gender", "age",
                                                                       "total_spend"]


def test_a_cover_sheet_is_skipped_and_named(corpus: dict[str, tuple[Path, str]]) -> None:
    data = load(corpus, "several_sheets.xlsx")
    assert data.n_customers == 30
    assert any("Customers" in w for w in data.source.warnings)
    with pytest.raises(EngineError) as caught:  # a named sheet is read, even a notes sheet
        load_customer_data(corpus["several_sheets.xlsx"][0], table="Notes")
    assert "no data rows" in caught.value.message


def test_future_dates_load_with_a_warning(corpus: dict[str, tuple[Path, str]]) -> None:
    data = load(corpus, "future_dates.csv")
    assert any("after today" in w and "--as-of" in w for w in data.source.warnings)


def test_rows_without_an_id_are_dropped_and_counted(corpus: dict[str, tuple[Path, str]]) -> None:
    data = load(corpus, "some_ids_missing.csv")
    assert data.n_customers == 10
    assert any("2 rows were left out" in w for w in data.source.warnings)


def test_legacy_and_broken_encodings_keep_their_text(corpus: dict[str, tuple[Path, str]]) -> None:
    assert "Besançon" in set(load(corpus, "latin1.csv").customers["ville"])
    for name in ("utf16.csv", "bom_utf8.csv"):
        data = load(corpus, name)
        assert data.n_customers == 10 and "gender" in data.customers.columns
    assert load(corpus, "invalid_utf8_bytes.csv").n_customers == 3


def test_stray_values_in_number_columns_are_reported(corpus: dict[str, tuple[Path, str]]) -> None:
    mixed = load(corpus, "mixed_types.csv")
    assert any(w.startswith("age:") and "'thirty'" in w for w in mixed.source.warnings)
    huge = load(corpus, "huge_and_negative_numbers.csv")
    assert huge.customers["age"].min() == -5 and huge.customers["age"].max() == 999999
    assert any("'-inf'" in w for w in huge.source.warnings)


def test_very_long_values_are_kept_whole(corpus: dict[str, tuple[Path, str]]) -> None:
    data = load(corpus, "very_long_values.csv")
    assert data.customers["notes"].str.len().max() == 200_000


def test_a_few_unreadable_dates_are_counted(corpus: dict[str, tuple[Path, str]]) -> None:
    data = load(corpus, "mostly_iso_dates.csv")
    assert any("InvoiceDate" in w and "2 value" in w for w in data.source.warnings)


def test_repeated_and_blank_column_names_become_unique(
        corpus: dict[str, tuple[Path, str]]) -> None:
    for name in ("duplicate_column_names.csv", "blank_header_names.csv"):
        columns = list(load(corpus, name).customers.columns)
        assert len(columns) == len(set(columns)) and all(str(c).strip() for c in columns)


def test_huge_numbers_print_as_json(corpus: dict[str, tuple[Path, str]],
                                    shared_workspace: Path) -> None:
    result = run_cli("data", "inspect", corpus["huge_and_negative_numbers.csv"][0], "--json",
                     workspace=shared_workspace)
    assert result.returncode == 0, result.stderr
    assert "NaN" not in result.stdout and "Infinity" not in result.stdout


# Paths that are not data files ---------------------------------------------------------------


def test_a_missing_path_names_nearby_files(tmp_path: Path) -> None:
    (tmp_path / "customers.csv").write_text(GOOD_ROWS, encoding="utf-8")
    with pytest.raises(EngineError) as caught:
        load_customer_data(tmp_path / "customer.csv")
    assert "customers.csv" in caught.value.message
    line = assert_one_line_error(run_cli("data", "inspect", tmp_path / "customer.csv",
                                         workspace=tmp_path / ".segment"))
    assert "not found" in line


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EngineError) as caught:
        load_customer_data(tmp_path)
    assert_helpful(caught.value.message)
    assert "folder" in assert_one_line_error(run_cli("data", "inspect", tmp_path,
                                                     workspace=tmp_path / ".segment"))


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads files whatever their permissions (as in CI)")
def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    locked = tmp_path / "locked.csv"
    locked.write_text(GOOD_ROWS, encoding="utf-8")
    locked.chmod(0)
    try:
        with pytest.raises((EngineError, PermissionError)) as caught:
            load_customer_data(locked)
        if isinstance(caught.value, EngineError):
            assert_helpful(caught.value.message)
        line = assert_one_line_error(run_cli("data", "inspect", locked,
                                             workspace=tmp_path / ".segment"))
        assert "locked.csv" in line
    finally:
        locked.chmod(0o644)


def test_a_file_that_changes_while_being_read_is_reported(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulates an export still being written: the file grows between hashing and reading."""
    import tools.engine.loading as loading

    growing = tmp_path / "growing.csv"
    growing.write_text(GOOD_ROWS, encoding="utf-8")
    real_read = loading.read_table

    def read_while_written(path: Path, table: str | None = None) -> pd.DataFrame:
        frame = real_read(path, table)
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write("4,Male,63\n")
        return frame

    monkeypatch.setattr(loading, "read_table", read_while_written)
    with pytest.raises(EngineError) as caught:
        load_customer_data(growing, cache_dir=tmp_path / "cache")
    assert "changed while it was being read" in caught.value.message
    assert_helpful(caught.value.message)
    assert not list((tmp_path / "cache").glob("*.parquet"))  # nothing half-read was cached
    monkeypatch.setattr(loading, "read_table", real_read)
    assert load_customer_data(growing, cache_dir=tmp_path / "cache").n_customers == 4


def test_an_archive_that_expands_too_far_is_refused(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A zip bomb, scaled down: the limit is lowered rather than writing gigabytes."""
    import gzip
    import zipfile

    import tools.engine.reading as reading

    body = (GOOD_ROWS + "4,Male,63\n" * 200_000).encode()
    (tmp_path / "bomb.csv.gz").write_bytes(gzip.compress(body))
    with zipfile.ZipFile(tmp_path / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.csv", body)
    monkeypatch.setattr(reading, "MAX_INFLATED", len(body) // 2)
    for name in ("bomb.csv.gz", "bomb.zip"):
        with pytest.raises(EngineError) as caught:
            load_customer_data(tmp_path / name)
        assert "expands to more than" in caught.value.message
        assert_helpful(caught.value.message)
    monkeypatch.setattr(reading, "MAX_INFLATED", len(body) + 1)
    # Read in full: the repeated rows are counted.
    data = load_customer_data(tmp_path / "bomb.csv.gz")
    assert data.n_customers == 4
    assert any("199,999 later rows were left out" in w for w in data.source.warnings)
