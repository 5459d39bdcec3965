"""Clustering that explains itself (issue 17): the reply names the features it grouped on
and says in words how distinct the groups are, in English, Chinese and Russian; and
"分成3组" (split into 3 groups) asks for 3 groups, not for group 3."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from assistant.replies import ReplyWords, cluster_notes, cluster_quality


@pytest.fixture(scope="module")
def members(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(3)
    rows = ["member,visits_per_month,basket,region"]
    for k in range(1, 121):
        high = k % 3 == 0
        rows.append(f"{k},{rng.randint(8, 12) if high else rng.randint(0, 3)},"
                    f"{rng.randint(80, 120) if high else rng.randint(5, 30)},"
                    f"{rng.choice(['North', 'South'])}")
    path = tmp_path_factory.mktemp("members") / "members.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def ask(data: Path, workspace: Path, text: str) -> dict[str, Any]:
    from assistant import cli_assistant

    app = typer.Typer()
    cli_assistant.register(app)
    result = CliRunner().invoke(app, ["ask", text, "--data", str(data), "--workspace",
                                      str(workspace), "--json"])
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.output)
    return answer


@pytest.mark.parametrize(("text", "said"), [
    ("split them into 2 groups", ["Grouped on: basket, visits_per_month.", "clearly distinct"]),
    ("分成2组", ["分组依据", "区分明显"]),
    ("разбей клиентов на 2 группы", ["Группы построены по признакам", "чётко различаются"]),
])
def test_a_clustering_says_what_it_used_and_how_distinct(members: Path, tmp_path: Path,
                                                         text: str, said: list[str]) -> None:
    answer = ask(members, tmp_path / "ws", text)
    cluster = next(r for r in answer["tools"] if r["tool"] == "cluster")
    assert cluster["summary"]["k"] == 2
    for words in said:
        assert words in answer["reply"], answer["reply"]
    # "member" numbers the customers 1, 2, 3...: an identifier, never a feature.
    assert "member" not in cluster["summary"]["features"]


def test_quality_in_words_follows_the_silhouette() -> None:
    def summary(score: float) -> dict[str, Any]:
        return {"k": 3, "features": ["monetary", "Age"],
                "scores": [{"k": 2, "silhouette": 0.9}, {"k": 3, "silhouette": score}]}

    assert cluster_quality(summary(0.15)) == ("weak", 0.15)
    assert cluster_quality(summary(0.36))[0] == "moderate"  # type: ignore[index]
    assert cluster_quality(summary(0.61))[0] == "clear"  # type: ignore[index]
    assert cluster_quality({"k": 3, "scores": []}) is None
    notes = cluster_notes(summary(0.15), ReplyWords("en"))
    assert notes[0] == "Grouped on: spend, Age."  # log features in words
    assert "tendencies" in notes[1]


def test_a_group_named_by_its_ordinal_is_selected_in_each_language(tmp_path: Path) -> None:
    """"第2组", "第二组", "вторая группа", "second group": the group, never a column."""
    from assistant.core import Assistant
    from tools.engine.loading import load_customer_data

    path = tmp_path / "visits.csv"
    path.write_text("visitor,visits,minutes\n" + "".join(
        f"{n},{1 + n % 7 + (20 if n % 3 == 0 else 0)},{5 + (n * 13) % 40}\n"
        for n in range(1, 91)), encoding="utf-8")
    bot = Assistant(load_customer_data(path), workspace=tmp_path / "ws")
    before = bot.ask("第2组的客户").reply
    assert "还没有分组" in before and bot.toolkit.current_definition() is None
    assert "Разбиения на группы ещё нет" in bot.ask("клиенты второй группы").reply
    bot.ask("split them into 3 groups")
    for text in ("第2组的客户", "第二组的客户", "клиенты второй группы", "the second group"):
        bot.ask(text)
        condition = bot.toolkit.current_definition()
        assert condition is not None and condition.condition.type == "cluster", text
        assert condition.condition.clusters == [2], text
    assert "共有 3 组，编号从 0 到 2" in bot.ask("第5组的客户").reply


def test_cluster_names_are_said_in_the_language_asked(tmp_path: Path) -> None:
    from assistant.core import Assistant
    from assistant.replies import cluster_name
    from tools.engine.loading import load_customer_data

    rows = ["shopper,day,paid"]
    for n in range(1, 121):  # a third buy often and much, the rest once and little
        often = n % 3 == 0
        for t in range(12 if often else 1):
            rows.append(f"S{n},2024-0{1 + t % 6}-{1 + (n + t) % 27:02d},{300 if often else 20}")
    path = tmp_path / "shop.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    bot = Assistant(load_customer_data(path), workspace=tmp_path / "ws")
    groups = bot.ask("split them into 2 groups").results[0].summary["clusters"]
    english = [g["name"] for g in groups]
    chinese = [cluster_name(g, ReplyWords("zh")) for g in groups]
    russian = [cluster_name(g, ReplyWords("ru")) for g in groups]
    assert any("high spenders" in name.lower() for name in english)
    assert any("高消费" in name for name in chinese) and any("тратят много" in name
                                                           for name in russian)
    assert not any(name in chinese + russian for name in english)
    assert cluster_name({"name": "Odd", "name_parts": [{"key": "new.kind", "subject": ""}]},
                        ReplyWords("zh")) == "Odd"  # no word for a part: the engine's name
    typical = {"name": "Typical customers", "name_parts": [], "name_number": 2}
    assert cluster_name(typical, ReplyWords("ru")) == "типичные клиенты (2)"


def test_a_column_the_dictionary_describes_names_its_groups_in_those_words(
        tmp_path: Path) -> None:
    from assistant.core import Assistant
    from tools.dictionary import dictionary_path, load_dictionary, save_dictionary
    from tools.engine.loading import load_customer_data

    path = tmp_path / "contacts.csv"
    path.write_text("client,pdays,calls\n" + "".join(
        f"{n},{-1 if n % 5 else 200 + n},{1 + n % 3}\n" for n in range(1, 151)),
        encoding="utf-8")
    data = load_customer_data(path)
    plain = Assistant(data, workspace=tmp_path / "ws1")
    names = [g["name"] for g in plain.ask("split them into 2 groups on pdays and calls")
             .results[0].summary["clusters"]]
    assert any("pdays" in name for name in names)
    workspace = tmp_path / "ws2"
    book_path = dictionary_path(workspace, str(path.resolve()))
    book = load_dictionary(book_path)
    book.column("pdays").description = "days since the last contact (-1: never contacted)"
    save_dictionary(book, book_path)
    described = Assistant(load_customer_data(path), workspace=workspace,
                          data_path=str(path.resolve()))
    groups = described.ask("split them into 2 groups on pdays and calls").results[0].summary
    said = [g["name"] for g in groups["clusters"]]
    assert any("days since the last contact" in name for name in said), said
    assert not any("pdays" in name for name in said)
