"""What a conversation keeps and what a user teaches, on data the project has never seen.

Vague words get readings to choose from (answered with one number, held for the session),
follow-ups edit, extend and swap the current segment, a typo is read and said, and what
the user teaches goes to the dataset's data dictionary (also written by a command).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from invented_data import garden_table
from typer.testing import CliRunner

from assistant.cli import app
from assistant.core import Assistant


@pytest.fixture()
def garden_file(tmp_path: Path) -> Path:
    return garden_table(tmp_path)


def _bot(path: Path, workspace: Path, session: str | None = None) -> Assistant:
    return Assistant.open(path, workspace=workspace, session=session)


def test_vague_words_offer_readings_and_the_choice_holds(garden_file: Path,
                                                        tmp_path: Path) -> None:
    bot = _bot(garden_file, tmp_path / "ws", session="s")
    offered = bot.ask("our best customers")
    assert offered.clarification and offered.segment is None
    lines = [line for line in offered.reply.splitlines() if line[:2] in ("1.", "2.", "3.")]
    assert len(lines) >= 2 and all("customers" in line for line in lines)  # sizes shown
    picked = bot.ask("2")
    assert picked.segment is not None
    chosen = picked.segment["definition"]
    again = _bot(garden_file, tmp_path / "ws", session="s").ask("best customers")
    assert again.segment is not None and again.segment["definition"] == chosen


def test_follow_ups_edit_extend_and_swap(garden_file: Path, tmp_path: Path) -> None:
    bot = _bot(garden_file, tmp_path / "ws")
    frame = bot.data.customers
    bot.ask("customers from France who spent over 1000")
    bot.ask("change that to 2000")
    assert len(bot.member_ids()) == int(((frame["HomeCountry"] == "France") &
                                         (frame["TotalSpent"] > 2000)).sum())
    bot.ask("add Spain too")
    assert len(bot.member_ids()) == int((frame["HomeCountry"].isin(["France", "Spain"]) &
                                         (frame["TotalSpent"] > 2000)).sum())
    bot.ask("what about Italy?")
    assert len(bot.member_ids()) == int(((frame["HomeCountry"] == "Italy") &
                                         (frame["TotalSpent"] > 2000)).sum())
    bot.ask("start over: customers from Poland")
    assert len(bot.member_ids()) == int((frame["HomeCountry"] == "Poland").sum())
    bot.ask("undo")  # one step back: Italy again
    assert len(bot.member_ids()) == int(((frame["HomeCountry"] == "Italy") &
                                         (frame["TotalSpent"] > 2000)).sum())


def test_a_typo_is_read_and_said(garden_file: Path, tmp_path: Path) -> None:
    turn = _bot(garden_file, tmp_path / "ws").ask("customers from Germny")
    assert turn.segment is not None and "reading 'Germny' as Germany" in turn.reply


def test_what_is_taught_goes_to_the_dictionary(garden_file: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    bot = _bot(garden_file, workspace, session="t")
    taught = bot.ask("'little ones' means NumChildren")
    assert not taught.clarification and "NumChildren" in taught.reply
    used = bot.ask("customers with little ones")
    assert used.segment is not None and "NumChildren" in used.segment["description"]
    book = yaml.safe_load((workspace / "dictionaries" / f"{garden_file.name}.yaml").read_text())
    assert book["columns"]["NumChildren"]["synonyms"] == ["little ones"]
    # A new conversation on the same file knows it, from the file.
    fresh = _bot(garden_file, workspace).ask("customers with little ones")
    assert fresh.segment is not None


def test_the_dictionary_command(garden_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    workspace = tmp_path / "ws"
    shown = runner.invoke(app, ["data", "dictionary", str(garden_file), "--workspace",
                                str(workspace)])
    assert shown.exit_code == 0 and "--init" in shown.output
    wrote = runner.invoke(app, ["data", "dictionary", str(garden_file), "--workspace",
                                str(workspace), "--init", "--column", "LoyaltyTier",
                                "--synonym", "membership level", "--synonym", "уровень"])
    assert wrote.exit_code == 0, wrote.output
    bad = runner.invoke(app, ["data", "dictionary", str(garden_file), "--workspace",
                              str(workspace), "--column", "LoyaltyTeir", "--unit", "days"])
    assert bad.exit_code == 1 and "LoyaltyTier" in bad.output
    bot = _bot(garden_file, workspace)
    for text in ("customers with membership level Gold", "клиенты с уровнем Gold"):
        turn = bot.ask(text)
        assert turn.segment is not None, (text, turn.reply)
        assert turn.segment["definition"] == {"type": "in", "column": "LoyaltyTier",
                                              "values": ["Gold"]}


def test_a_session_resumed_on_other_data_starts_clean_and_says_so(garden_file: Path,
                                                                 tmp_path: Path) -> None:
    import pandas as pd

    workspace = tmp_path / "ws"
    first = _bot(garden_file, workspace, session="s")
    assert first.ask("customers from Germany").segment is not None
    other = tmp_path / "other.csv"
    frame = pd.read_csv(garden_file).drop(columns=["HomeCountry"])
    frame.to_csv(other, index=False)
    moved = _bot(other, workspace, session="s")
    turn = moved.ask("customers with at least 5 orders")
    assert turn.notice and "garden_customers.csv" in turn.notice
    assert turn.segment is not None and "HomeCountry" not in turn.segment["description"]
    # The same file, changed under the session so that its segment no longer applies.
    _bot(garden_file, workspace, session="t").ask("customers from Germany")
    frame.to_csv(garden_file, index=False)
    changed = _bot(garden_file, workspace, session="t")
    answer = changed.ask("customers with at least 5 orders")
    assert answer.notice and "cleared" in answer.notice
    assert answer.segment is not None and answer.segment["size"] == int(
        (frame["OrderCount"] >= 5).sum())
