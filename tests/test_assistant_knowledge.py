"""Questions, explanations and campaign plans through the assistant, with a real ChromaDB store."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.core import Assistant


@pytest.fixture(scope="module")
def bot(retail: Any, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return Assistant(retail, workspace=tmp_path_factory.mktemp("kb-ws"))


def test_questions_are_answered_in_their_language_with_sources(bot: Assistant) -> None:
    english = bot.ask("what is psychographic segmentation?")
    assert "psychographic" in english.reply.lower() and english.sources
    assert all(s["file"].startswith("en/") and s["section"] for s in english.sources)
    chinese = bot.ask("什么是RFM分析？")
    assert re.search(r"[\u4e00-\u9fff]", chinese.reply) and chinese.sources[0]["file"][:3] == "zh/"
    russian = bot.ask("Как вернуть клиентов, которые давно не покупали?")
    assert re.search(r"[а-яА-Я]", russian.reply) and russian.sources[0]["file"][:3] == "ru/"
    assert english.segment is None  # a question presents no segment


def test_explain_and_campaign_use_the_segments_numbers(bot: Assistant, retail: Any) -> None:
    bot.ask("at risk customers")
    explained = bot.ask("why does this segment matter?")
    assert "596" in explained.reply and explained.sources
    assert any("at-risk" in s["file"] for s in explained.sources)
    plan = bot.ask("suggest a campaign for them")
    assert "596" in plan.reply and "60" in plan.reply  # audience and a 10% control group
    assert any("playbook" in s["file"] for s in plan.sources)


def test_ask_json_lists_sources(tmp_path: Path, datasets_dir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    env.pop("OPENAI_API_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "assistant.cli", "ask", "what is customer lifetime value?",
         "--data", str(datasets_dir / "mall_customers.csv"), "--json",
         "--workspace", str(tmp_path)], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["segment"] is None and answer["sources"]
    assert {"file", "section"} <= set(answer["sources"][0])
