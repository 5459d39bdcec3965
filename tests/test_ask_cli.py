"""The `segment ask` contract, and the dev eval cases through it (built-in backend)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EVAL_DIR = Path(__file__).parent / "eval"
DEV_CASES = [json.loads(line) for line in (EVAL_DIR / "dev.jsonl").read_text().splitlines()
             if line.strip()]


def segment(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    env.pop("OPENAI_API_KEY", None)
    env.pop("OPENAI_BASE_URL", None)
    return subprocess.run([sys.executable, "-m", "assistant.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ask-workspace")


@pytest.mark.parametrize("case", DEV_CASES, ids=[c["id"] for c in DEV_CASES])
def test_dev_case_through_segment_ask(case: dict[str, Any], workspace: Path,
                                      datasets_dir: Path, tmp_path: Path) -> None:
    ids_file = tmp_path / "ids.csv"
    answer: dict[str, Any] = {}
    for turn in case["turns"]:
        result = segment("ask", turn, "--data", str(datasets_dir / case["data"]),
                         "--session", f"dev-{case['id']}-{tmp_path.name}", "--json",
                         "--ids-out", str(ids_file), "--workspace", str(workspace),
                         cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        answer = json.loads(result.stdout)
        assert isinstance(answer["reply"], str) and answer["reply"]
    lines = ids_file.read_text().splitlines()
    assert lines[0] == "customer_id"
    expect = case["expect"]
    if expect.get("clarify"):
        assert answer["segment"] is None, answer["segment"]
        assert lines == ["customer_id"]
        return
    assert answer["segment"] is not None, answer["reply"]
    assert answer["segment"]["size"] == expect["size"], answer["segment"]["description"]
    assert isinstance(answer["segment"]["description"], str)
    assert answer["segment"]["definition"]["type"]
    digest = hashlib.sha256("\n".join(sorted(lines[1:])).encode()).hexdigest()
    assert digest == expect["ids_sha256"]


def test_eval_command_reports_full_accuracy_on_the_dev_set(tmp_path: Path) -> None:
    result = segment("eval", str(EVAL_DIR / "dev.jsonl"), "--json", "--min-accuracy", "1.0",
                     "--workspace", str(tmp_path / "ws"), cwd=tmp_path)
    report = json.loads(result.stdout)
    assert report["failures"] == [] and report["accuracy"] == 1.0, report["failures"]
    assert result.returncode == 0


def test_eval_command_lists_each_failure(tmp_path: Path) -> None:
    wrong = dict(DEV_CASES[0], id="wrong", expect={"size": 1, "ids_sha256": "0" * 64})
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps(wrong) + "\n")
    result = segment("eval", str(cases), "--min-accuracy", "1", "--workspace",
                     str(tmp_path / "ws"), cwd=tmp_path)
    assert result.returncode == 1
    assert "0/1 cases right" in result.stdout and "- wrong: expected 1 customers" in result.stdout


def test_ask_without_data_is_a_one_line_error(tmp_path: Path) -> None:
    result = segment("ask", "customers from France", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "--data" in result.stderr
    assert "Traceback" not in result.stderr
