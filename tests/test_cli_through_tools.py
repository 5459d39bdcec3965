"""The command line on the one path (issue 16): `segment rfm`, `profile` and `compare` call
the registered tools through `Toolkit.call`, as the chat and a model do, and still print
the segments as the command line names them (YAML files, saved names, RFM names)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tools.tool_result import GivenSegment, ToolResult
from tools.toolkit import Toolkit

CUSTOMERS = 40


def _orders(client: int) -> int:
    return 1 + client % 5


def _shop(tmp_path: Path) -> Path:
    """An invented order log: customer n ordered 1 + n % 5 times, on distinct days."""
    end = date(2025, 3, 31)
    rows = ["ticket,client,day,paid"]
    ticket = 0
    for client in range(1, CUSTOMERS + 1):
        for n in range(_orders(client)):
            ticket += 1
            day = end - timedelta(days=3 * client + 40 * n)
            rows.append(f"T{ticket},K{client:03d},{day},{10 + client + n}")
    path = tmp_path / "shop.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the tools called through `Toolkit.call`, in order."""
    called: list[str] = []
    original = Toolkit.call

    def recording(self: Toolkit, name: str, args: dict[str, Any] | None = None) -> ToolResult:
        called.append(name)
        return original(self, name, args)

    monkeypatch.setattr(Toolkit, "call", recording)
    yield called


def _run(args: list[str], workspace: Path) -> Any:
    from assistant.cli import app

    result = CliRunner().invoke(app, [*args, "--workspace", str(workspace)])
    assert result.exit_code == 0, result.output
    return result


def test_rfm_is_the_run_rfm_tool_with_its_ties_and_grid(tmp_path: Path,
                                                       calls: list[str]) -> None:
    data = _shop(tmp_path)
    result = json.loads(_run(["rfm", "--data", str(data), "--json", "--grid", "--ties",
                              "value"], tmp_path).output)
    assert calls == ["run_rfm"]
    assert result["tie_rule"] == "value" and result["customers"] == CUSTOMERS
    assert sum(s["customers"] for s in result["segments"]) == CUSTOMERS
    grid = result["grid"]
    assert sorted(grid) == [f"R{r}" for r in range(1, 6)]
    assert sum(sum(row.values()) for row in grid.values()) == CUSTOMERS

    calls.clear()
    text = _run(["rfm", "--data", str(data), "--grid"], tmp_path).output
    assert calls == ["run_rfm"]
    assert f"RFM segments of {CUSTOMERS} customers" in text and "F 5" in text


def test_profile_and_compare_are_the_segment_tools_with_the_cli_labels(
        tmp_path: Path, calls: list[str]) -> None:
    data = _shop(tmp_path)
    # Named "current": the tools must take the file's segment, not the (absent) current one.
    regulars = tmp_path / "regulars.yaml"
    regulars.write_text("name: current\ncondition:\n  type: compare\n  column: frequency\n"
                        "  op: '>='\n  value: 3\n", encoding="utf-8")
    expected = sum(_orders(client) >= 3 for client in range(1, CUSTOMERS + 1))

    profiled = json.loads(_run(["profile", str(regulars), "--data", str(data), "--json"],
                               tmp_path).output)
    assert calls == ["profile_segment"]
    assert profiled["segment"] == "current" and profiled["size"] == expected

    calls.clear()
    text = _run(["profile", "everyone", "--data", str(data)], tmp_path).output
    assert calls == ["profile_segment"] and text.startswith("all customers")

    calls.clear()
    compared = json.loads(_run(["compare", str(regulars), "all", "--data", str(data),
                                "--json"], tmp_path).output)
    assert calls == ["compare_segments", "overlap_segments"]
    assert (compared["a"], compared["b"]) == ("current", "all customers")
    assert compared["comparison"]["a"]["size"] == expected
    assert compared["overlap"]["both"] == expected
    assert compared["overlap"]["only_b"] == CUSTOMERS - expected


def test_a_missing_segment_is_refused_before_any_tool(tmp_path: Path,
                                                      calls: list[str]) -> None:
    from assistant.cli import app

    result = CliRunner().invoke(app, ["compare", "Champions", "nobody at all", "--data",
                                      str(_shop(tmp_path)), "--workspace", str(tmp_path)])
    assert result.exit_code == 1 and "no segment named 'nobody at all'" in result.output
    assert calls == []


def test_a_given_segment_is_taken_by_its_name_and_labelled_as_given(tmp_path: Path) -> None:
    from tools.engine.definitions import Compare
    from tools.engine.loading import load_customer_data

    toolkit = Toolkit(load_customer_data(_shop(tmp_path), cache_dir=tmp_path / "cache"))
    toolkit.give_segment("all", GivenSegment("the regulars",
                                             Compare(column="frequency", op=">=", value=3)))
    result = toolkit.call("profile_segment", {"name": "all"})
    assert result.ok and result.summary["segment"] == "the regulars"
    assert result.summary["size"] == sum(_orders(c) >= 3 for c in range(1, CUSTOMERS + 1))
    rfm = toolkit.call("run_rfm", {"grid": True})
    assert rfm.artifact is not None and rfm.artifact.grid is not None
    assert "artifact" not in rfm.to_dict() and "grid" in rfm.to_dict()["summary"]
    refused = toolkit.call("run_rfm", {"ties": "random"})
    assert not refused.ok and "id" in refused.message
