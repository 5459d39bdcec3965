"""`segment eval CASES --model NAME --base-url URL`: the cases through an OpenAI-compatible
endpoint (the scripted server on 127.0.0.1), with accuracy, tokens, latency and cost per case."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scripted_server import Reply, scripted_server
from typer.testing import CliRunner

from assistant import cli_assistant
from assistant.cli import app
from assistant.evaluation import ids_hash


def _cases(folder: Path) -> Path:
    (folder / "hives.csv").write_text("keeper,hives,honey_kg\n" + "".join(
        f"B{i},{1 + i % 5},{3 * i}\n" for i in range(30)), encoding="utf-8")
    big = [f"B{i}" for i in range(30) if 1 + i % 5 >= 4]
    cases = [{"id": "hives-4", "data": "hives.csv", "turns": ["keepers with 4 hives or more"],
              "expect": {"size": len(big), "ids_sha256": ids_hash(big),
                         "jaccard_at_least": 1.0}},
             {"id": "hives-9", "data": "hives.csv", "turns": ["keepers with 9 hives"],
              "expect": {"size": 3, "ids_sha256": "0" * 64}}]
    path = folder / "cases.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cases), encoding="utf-8")
    return path


def _run(args: list[str], workspace: Path) -> Any:
    cli_assistant.register(app)
    return CliRunner().invoke(app, args, env={"COLUMNS": "150", "OPENAI_API_KEY": None,
                                              "OPENAI_BASE_URL": None, "SEGMENT_MODEL": None})


def test_eval_with_a_model_reports_accuracy_tokens_latency_and_cost(tmp_path: Path) -> None:
    cases = _cases(tmp_path)
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "settings.yaml").write_text("input_price: 2.5\noutput_price: 10\n",
                                             encoding="utf-8")
    script: list[Any] = [
        Reply(tool_calls=[("define_segment", {"condition": {
            "type": "compare", "column": "hives", "op": ">=", "value": 4}})]),
        Reply(content="Keepers with four hives or more."),
        Reply(tool_calls=[("define_segment", {"condition": {
            "type": "compare", "column": "hives", "op": "==", "value": 5}})]),
        Reply(content="Keepers with five hives.")] * 2  # the JSON run, then the text run
    with scripted_server(script) as server:
        result = _run(["eval", str(cases), "--model", "scripted", "--base-url",
                       server.base_url, "--workspace", str(workspace), "--json"], workspace)
        text = _run(["eval", str(cases), "--model", "scripted", "--base-url", server.base_url,
                     "--workspace", str(workspace)], workspace)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["cases"] == 2 and report["passed"] == 1 and report["accuracy"] == 0.5
    first, second = report["per_case"]
    assert first["passed"] and not second["passed"]
    # Two model calls a case; the scripted server counts 1 prompt and 1 completion token each.
    assert (first["input_tokens"], first["output_tokens"]) == (2, 2)
    assert first["cost"] == (2 * 2.5 + 2 * 10) / 1_000_000
    assert 0 < first["seconds"] < 30 and first["backend"].startswith("OpenAI-compatible")
    assert all(r["model"] == "scripted" for r in server.requests[:4])
    assert "1/2 cases right" in text.output and "hives-4: right" in text.output


def test_eval_without_a_model_is_the_built_in_evaluation(tmp_path: Path) -> None:
    cases = _cases(tmp_path)
    result = _run(["eval", str(cases), "--workspace", str(tmp_path / "ws"), "--json"],
                  tmp_path)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["cases"] == 2
    assert all(r["backend"] == "built-in interpreter" and "input_tokens" not in r
               for r in report["per_case"])
