"""What a model is sent, pinned: the system prompt (for an invented dataset) and every tool's
schema. Any change to them fails this test until the snapshot is regenerated, so a change to
what the model sees is a reviewed change (the snapshot's diff is in the commit)."""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

from assistant.agent import system_prompt
from tools.engine.loading import load_customer_data
from tools.tool_registry import TOOL_ARGS
from tools.tool_schemas import tool_schemas
from tools.toolkit import Toolkit

SNAPSHOT = Path(__file__).parent / "snapshots" / "model_view.txt"
REGENERATE = "SEGMENT_UPDATE_SNAPSHOTS"


def model_view(folder: Path) -> str:
    data = folder / "aquarium.csv"
    data.write_text("tank_owner,water,tanks,spent\n" + "".join(
        f"A{i},{('fresh', 'salt', 'brackish')[i % 3]},{1 + i % 4},{15 * i}\n"
        for i in range(40)), encoding="utf-8")
    toolkit = Toolkit(load_customer_data(data))
    toolkit.call("define_segment", {"condition": {"type": "in", "column": "water",
                                                  "values": ["salt"]}})
    history = [(f"request {n}", f"reply {n}") for n in range(8)]
    tools = json.dumps(tool_schemas(TOOL_ARGS), indent=1, ensure_ascii=False)
    return f"{system_prompt(toolkit, history)}\n\n=== tools ===\n{tools}\n"


def test_the_system_prompt_and_tool_schemas_match_the_snapshot(tmp_path: Path) -> None:
    now = model_view(tmp_path)
    if os.environ.get(REGENERATE) or not SNAPSHOT.exists():
        SNAPSHOT.write_text(now, encoding="utf-8")
    saved = SNAPSHOT.read_text(encoding="utf-8")
    if now != saved:
        diff = "".join(list(difflib.unified_diff(saved.splitlines(keepends=True),
                                                 now.splitlines(keepends=True),
                                                 "snapshot", "now"))[:60])
        raise AssertionError(
            "What the model is sent changed. Review the difference below; if it is meant, "
            f"regenerate the snapshot with {REGENERATE}=1 .venv/bin/python -m pytest "
            f"tests/test_model_snapshot.py and commit {SNAPSHOT.name}.\n{diff}")
