"""The `segment` command, run as a real process on the bundled data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
ENTRY_POINT = Path(sys.executable).parent / "segment"

pytest.importorskip("tools.engine.loading")


def run(*args: str | Path, workspace: Path, cwd: Path | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = ([str(ENTRY_POINT)] if ENTRY_POINT.exists()
               else [sys.executable, "-m", "assistant.cli"])
    environment = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "160",
                   "SEGMENT_WORKSPACE": str(workspace), **(env or {})}
    environment.pop("SEGMENT_DEBUG", None)
    return subprocess.run([*command, *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or workspace.parent, env=environment, timeout=300)


def as_json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment.lower() in lines[0].lower(), lines[0]


@pytest.fixture(scope="session")
def shared_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One workspace (and load cache) for every Online Retail run of the session."""
    return tmp_path_factory.mktemp("shared") / ".segment"


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return tmp_path / ".segment"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ----- start-up and usage ----------------------------------------------------------


def test_help_is_fast_because_it_does_not_import_pandas() -> None:
    code = ("import sys, assistant.cli; "
            "heavy = [m for m in ('pandas', 'sklearn', 'numpy', 'langchain', 'chromadb') "
            "if m in sys.modules]; print(heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_help_lists_the_commands(workspace: Path) -> None:
    result = run("--help", workspace=workspace)
    assert result.returncode == 0
    for command in ("rfm", "cluster", "define", "profile", "compare", "export", "demo",
                    "segments", "data"):
        assert command in result.stdout


def test_usage_errors_exit_2(workspace: Path) -> None:
    assert run("rfm", workspace=workspace).returncode == 2  # --data missing
    assert run("no-such-command", workspace=workspace).returncode == 2
    bad_date = run("rfm", "--data", "x.csv", "--as-of", "yesterday", workspace=workspace)
    assert bad_date.returncode == 2
    assert "Traceback" not in bad_date.stderr


# ----- bad input: one line, exit 1 ----------------------------------------------------


def test_missing_file(workspace: Path) -> None:
    result = run("rfm", "--data", workspace.parent / "nope.csv", workspace=workspace)
    assert_one_line_error(result, "not found", "nope.csv")


def test_empty_file(workspace: Path, tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.csv", "")
    assert_one_line_error(run("data", "inspect", empty, workspace=workspace), "empty")


def test_header_only_file(workspace: Path, tmp_path: Path) -> None:
    header = write(tmp_path / "header.csv", "CustomerID,Age,Spend\n")
    assert_one_line_error(run("data", "inspect", header, workspace=workspace))


def test_rfm_on_a_table_without_behaviour_columns(workspace: Path, datasets_dir: Path) -> None:
    result = run("rfm", "--data", datasets_dir / "mall_customers.csv", workspace=workspace)
    assert_one_line_error(result, "--map")


def test_unknown_column_in_definition(workspace: Path, tmp_path: Path,
                                      datasets_dir: Path) -> None:
    definition = write(tmp_path / "d.yaml", "name: rich\ncondition:\n  type: compare\n"
                       "  column: Incme\n  op: '>'\n  value: 50000\n")
    result = run("define", definition, "--data", datasets_dir / "marketing_campaign.csv",
                 workspace=workspace)
    assert_one_line_error(result, "Income")


def test_text_compared_with_a_number(workspace: Path, tmp_path: Path,
                                     datasets_dir: Path) -> None:
    definition = write(tmp_path / "d.yaml", "condition:\n  type: compare\n"
                       "  column: Education\n  op: '>'\n  value: 5\n")
    result = run("define", definition, "--data", datasets_dir / "marketing_campaign.csv",
                 workspace=workspace)
    assert_one_line_error(result, "Education")


def test_broken_yaml_and_bad_condition(workspace: Path, tmp_path: Path,
                                       datasets_dir: Path) -> None:
    data = datasets_dir / "mall_customers.csv"
    broken = write(tmp_path / "broken.yaml", "condition: [unclosed\n")
    assert_one_line_error(run("define", broken, "--data", data, workspace=workspace),
                          "not valid YAML")
    unknown = write(tmp_path / "sql.yaml", "condition:\n  type: sql\n  query: drop\n")
    assert_one_line_error(run("define", unknown, "--data", data, workspace=workspace),
                          "sql.yaml")


def test_unknown_segment_name_suggests(workspace: Path, datasets_dir: Path) -> None:
    result = run("profile", "Champion", "--data", datasets_dir / "mall_customers.csv",
                 workspace=workspace)
    assert_one_line_error(result, "Champions")


def test_unknown_role_in_map(workspace: Path, datasets_dir: Path) -> None:
    result = run("data", "inspect", datasets_dir / "mall_customers.csv", "--map",
                 "amout=Age", workspace=workspace)
    assert_one_line_error(result, "amount")


# ----- data inspect -------------------------------------------------------------------


def test_inspect_customer_table_shows_roles(workspace: Path, datasets_dir: Path) -> None:
    path = datasets_dir / "marketing_campaign.csv"
    info = as_json(run("data", "inspect", path, "--json", workspace=workspace))
    assert info["kind"] == "customers"
    assert info["customers"] == 2240
    roles = {c["name"]: c["role"] for c in info["columns"]}
    assert roles["Recency"] == "recency"
    assert roles["Education"] == "category"
    assert all(c["reason"] for c in info["columns"])
    text = run("data", "inspect", path, workspace=workspace)
    assert text.returncode == 0
    assert "customer table" in text.stdout
    assert "Education" in text.stdout and "recency" in text.stdout


# ----- Online Retail: rfm, profile, compare ------------------------------------------


@pytest.mark.slow
def test_rfm_counts_on_online_retail(shared_workspace: Path, retail_path: Path) -> None:
    result = as_json(run("rfm", "--data", retail_path, "--json", "--grid",
                         workspace=shared_workspace))
    counts = {s["name"]: s["customers"] for s in result["segments"]}
    grid = result["grid"]
    assert sum(sum(row.values()) for row in grid.values()) == 4338
    assert grid["R5"]["F4"] + grid["R5"]["F5"] == 632  # Champions: R 5, F 4-5
    assert len(counts) == 10
    assert counts["Champions"] == 632
    assert counts["Hibernating"] == 1077
    assert sum(counts.values()) == 4338
    assert result["as_of"] == "2011-12-10"
    assert abs(sum(s["share"] for s in result["segments"]) - 1) < 0.01


def test_as_of_shifts_every_recency(workspace: Path, tmp_path: Path, retail_path: Path) -> None:
    import gzip

    # The first 20,000 order lines of Online Retail: a small real transaction log.
    with gzip.open(retail_path, "rt", encoding="utf-8") as handle:
        head = [next(handle) for _ in range(20001)]
    log = write(tmp_path / "orders.csv", "".join(head))
    default = as_json(run("rfm", "--data", log, "--json", workspace=workspace))
    later_day = "2011-12-31"
    later = as_json(run("rfm", "--data", log, "--json", "--as-of", later_day,
                        workspace=workspace))
    assert later["as_of"] == later_day
    shift = (date.fromisoformat(later_day) - date.fromisoformat(default["as_of"])).days
    assert shift > 0
    for before, after in zip(default["segments"], later["segments"], strict=True):
        assert after["customers"] == before["customers"]
        if before["customers"]:
            assert after["avg_recency"] == pytest.approx(before["avg_recency"] + shift, abs=0.11)


@pytest.mark.slow
def test_inspect_transaction_log_reports_cleaning(shared_workspace: Path,
                                                  retail_path: Path) -> None:
    info = as_json(run("data", "inspect", retail_path, "--json", workspace=shared_workspace))
    assert info["kind"] == "transactions"
    assert info["rows_read"] == 541909
    assert info["customers"] == 4338
    assert info["as_of"] == "2011-12-10"
    removed = sum(step["rows_removed"] for step in info["cleaning"])
    assert info["rows_kept"] == info["rows_read"] - removed
    assert {c["name"]: c["role"] for c in info["columns"]}["CustomerID"] == "customer_id"


@pytest.mark.slow
def test_compare_two_rfm_segments(shared_workspace: Path, retail_path: Path) -> None:
    result = as_json(run("compare", "Champions", "at risk", "--data", retail_path, "--json",
                         workspace=shared_workspace))
    assert result["a"] == "Champions" and result["b"] == "At Risk"
    assert result["overlap"]["both"] == 0
    assert result["overlap"]["only_a"] == 632
    assert result["overlap"]["jaccard"] == 0
    assert result["comparison"]["differences"]
    text = run("compare", "Champions", "At Risk", "--data", retail_path,
               workspace=shared_workspace)
    assert text.returncode == 0 and "Jaccard" in text.stdout


@pytest.mark.slow
def test_profile_of_an_rfm_segment(shared_workspace: Path, retail_path: Path) -> None:
    result = as_json(run("profile", "champions", "--data", retail_path, "--json",
                         workspace=shared_workspace))
    assert result["segment"] == "Champions"
    assert result["size"] == 632
    assert result["base_size"] == 4338


# ----- the library flow ---------------------------------------------------------------


def test_define_save_list_show_refresh_delete(workspace: Path, tmp_path: Path,
                                              datasets_dir: Path) -> None:
    data = tmp_path / "mall.csv"
    original = (datasets_dir / "mall_customers.csv").read_text()
    data.write_text(original)
    definition = write(tmp_path / "young.yaml", "name: young shoppers\ncondition:\n"
                       "  type: compare\n  column: Age\n  op: '<'\n  value: 30\n")

    defined = as_json(run("define", definition, "--data", data, "--save", "--json",
                          workspace=workspace))
    assert defined["saved"] == "young shoppers"
    assert defined["customers"] == 200
    assert 0 < defined["size"] < 200
    assert "Age" in defined["description"]
    assert (workspace / "segments" / "young-shoppers.yaml").is_file()

    again = run("define", definition, "--data", data, "--save", workspace=workspace)
    assert_one_line_error(again, "already saved")

    listing = as_json(run("segments", "list", "--json", workspace=workspace))
    assert [(s["name"], s["size"]) for s in listing["segments"]] == [
        ("young shoppers", defined["size"])]
    shown = run("segments", "show", "young shoppers", workspace=workspace)
    assert shown.returncode == 0 and "type: compare" in shown.stdout

    # New data: the first two customers age past 30, a new young one arrives.
    lines = original.splitlines()
    young_ids = [line.split(",")[0] for line in lines[1:] if int(line.split(",")[2]) < 30]
    aged = [line.replace(f",{line.split(',')[2]},", ",45,", 1)
            if line.split(",")[0] in young_ids[:2] else line for line in lines]
    data.write_text("\n".join([*aged, "0201,Female,22,50,50"]) + "\n")
    report = as_json(run("segments", "refresh", "young shoppers", "--data", data, "--json",
                         workspace=workspace))
    assert report["before"] == defined["size"]
    assert report["after"] == defined["size"] - 1
    assert report["joined_ids"] == ["201"]
    assert report["left_ids"] == [str(int(i)) for i in young_ids[:2]]

    # A refinement of the saved segment resolves it from the library.
    refinement = write(tmp_path / "young_women.yaml", "condition:\n  type: and\n  all:\n"
                       "  - {type: segment, name: young shoppers}\n"
                       "  - {type: in, column: Genre, values: [female]}\n")
    refined = as_json(run("define", refinement, "--data", data, "--json", workspace=workspace))
    assert 0 < refined["size"] < report["after"]

    deleted = run("segments", "delete", "young shoppers", workspace=workspace)
    assert deleted.returncode == 0
    assert as_json(run("segments", "list", "--json", workspace=workspace))["segments"] == []
    assert_one_line_error(run("segments", "show", "young shoppers", workspace=workspace),
                          "no saved segment")


def test_segments_save_from_file_and_profile_it(workspace: Path, tmp_path: Path,
                                                datasets_dir: Path) -> None:
    data = datasets_dir / "mall_customers.csv"
    definition = write(tmp_path / "rich.yaml", "condition:\n  type: compare\n"
                       "  column: Annual Income (k$)\n  op: '>='\n  value: 70\n")
    saved = as_json(run("segments", "save", "high income", "--from", definition, "--data",
                        data, "--json", workspace=workspace))
    assert saved["saved"] == "high income"
    profiled = as_json(run("profile", "high income", "--data", data, "--json",
                           workspace=workspace))
    assert profiled["size"] == saved["size"]


def test_export_rereads_to_the_members(workspace: Path, tmp_path: Path, datasets_dir: Path,
                                       mall: Any) -> None:
    import pandas as pd

    from tools.engine.definitions import Compare
    from tools.engine.evaluate import evaluate

    data = datasets_dir / "mall_customers.csv"
    definition = write(tmp_path / "spenders.yaml", "condition:\n  type: compare\n"
                       "  column: Spending Score (1-100)\n  op: '>'\n  value: 60\n")
    expected = evaluate(Compare(column="Spending Score (1-100)", op=">", value=60), mall)
    expected_ids = sorted(expected.index[expected.to_numpy()].tolist())
    for suffix in ("csv", "parquet"):
        out = tmp_path / f"members.{suffix}"
        result = as_json(run("export", definition, "--data", data, "--out", out, "--json",
                             workspace=workspace))
        assert result["rows"] == len(expected_ids)
        frame = pd.read_csv(out) if suffix == "csv" else pd.read_parquet(out)
        assert sorted(frame["customer_id"].tolist()) == expected_ids
        assert "Age" in frame.columns
    refused = run("export", "all", "--data", data, "--out", data, workspace=workspace)
    assert_one_line_error(refused, "data file")
    bad_suffix = run("export", "all", "--data", data, "--out", tmp_path / "m.txt",
                     workspace=workspace)
    assert_one_line_error(bad_suffix, ".csv")


# ----- clustering and the demo ----------------------------------------------------------


def test_cluster_on_a_small_table(workspace: Path, datasets_dir: Path) -> None:
    pytest.importorskip("tools.engine.clustering")
    data = datasets_dir / "mall_customers.csv"
    result = as_json(run("cluster", "--data", data, "--features",
                         "Annual Income (k$),Spending Score (1-100)", "--k", "5", "--json",
                         workspace=workspace))
    assert result["k"] == 5
    assert sum(c["size"] for c in result["clusters"]) == 200
    unknown = run("cluster", "--data", data, "--features", "Incme", workspace=workspace)
    assert_one_line_error(unknown)


@pytest.mark.slow
def test_demo_runs(shared_workspace: Path) -> None:
    pytest.importorskip("tools.engine.clustering")
    result = run("demo", workspace=shared_workspace)
    assert result.returncode == 0, result.stderr
    for part in ("RFM segments", "Champions", "lapsed big spenders", "Clusters"):
        assert part in result.stdout


def test_save_without_a_name_fails_before_loading(workspace: Path, tmp_path: Path,
                                                  datasets_dir: Path) -> None:
    definition = write(tmp_path / "d.yaml", "condition:\n  type: compare\n  column: Age\n"
                       "  op: '<'\n  value: 30\n")
    result = run("define", definition, "--data", datasets_dir / "mall_customers.csv", "--save",
                 workspace=workspace)
    assert_one_line_error(result, "--name")
    assert not (workspace / "segments").exists()


def test_corrupt_library_file_is_named_not_a_traceback(workspace: Path) -> None:
    (workspace / "segments").mkdir(parents=True)
    broken = "name: broken\ncondition: [oops\n"
    (workspace / "segments" / "broken.yaml").write_text(broken)
    assert_one_line_error(run("segments", "show", "broken", workspace=workspace), "broken.yaml")
    listing = run("segments", "list", "--json", workspace=workspace)
    assert json.loads(listing.stdout)["segments"][0]["problem"]
    assert (workspace / "segments" / "broken.yaml").read_text() == broken


def test_unexpected_errors_become_one_line(capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import typer

    from assistant.cli_common import guarded

    @guarded
    def broken() -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.delenv("SEGMENT_DEBUG", raising=False)
    with pytest.raises(typer.Exit) as caught:
        broken()
    assert caught.value.exit_code == 1
    assert capsys.readouterr().err == (
        "error: unexpected problem (RuntimeError: boom); rerun with SEGMENT_DEBUG=1 for details\n")
    monkeypatch.setenv("SEGMENT_DEBUG", "1")
    with pytest.raises(RuntimeError):
        broken()


def test_json_output_is_strict_json() -> None:
    import numpy as np

    from assistant.cli_common import jsonable

    value = jsonable({"nan": np.float64("nan"), "n": np.int64(3), "inf": float("inf"),
                      "path": Path("a/b"), "day": np.datetime64("2011-12-10")})
    assert value == {"nan": None, "n": 3, "inf": None, "path": "a/b", "day": "2011-12-10"}
    json.dumps(value, allow_nan=False)
