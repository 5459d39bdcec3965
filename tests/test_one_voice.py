"""One voice (issue 17): each source printed once, whoever wrote the reply."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console

from assistant.chat_render import render_turn
from assistant.core import Turn
from tools.toolkit import ToolResult

SOURCES = [{"file": "en/rfm-analysis.md", "section": "What RFM analysis is"}]


def shown(turn: Turn) -> str:
    out = io.StringIO()
    render_turn(Console(file=out, width=100), turn)
    return out.getvalue()


def test_a_reply_that_lists_its_sources_is_not_followed_by_them_again() -> None:
    listed = Turn("what is rfm?", "RFM scores customers. [1]\n\nSources\n1 en/rfm-analysis.md "
                  "§ What RFM analysis is", "built-in interpreter", sources=SOURCES)
    assert shown(listed).count("en/rfm-analysis.md") == 1


def test_a_model_reply_without_them_gets_the_sources_line() -> None:
    bare = Turn("what is rfm?", "RFM scores customers by recency.", "a model", sources=SOURCES)
    text = shown(bare)
    assert text.count("en/rfm-analysis.md") == 1 and "Sources:" in text


def test_an_export_is_named_by_its_full_path(tmp_path: Any, monkeypatch: Any) -> None:
    from pathlib import Path

    from tools.datasets import FOLDER
    from tools.engine.loading import load_customer_data
    from tools.toolkit import Toolkit

    monkeypatch.chdir(tmp_path)
    toolkit = Toolkit(load_customer_data(FOLDER / "mall_customers.csv"),
                      export_dir=Path("exports"))
    toolkit.call("define_segment", {"condition": {"type": "compare", "column": "Age",
                                                  "op": ">", "value": 60}})
    result = toolkit.call("export_segment", {"path": "older.csv"})
    assert result.ok and Path(result.summary["path"]).is_absolute()
    assert str(tmp_path / "exports" / "older.csv") in result.message


# -- the toolkit's own messages in the request's language -------------------------------------


def _people(tmp_path: Any) -> Any:
    """An invented customer table: a region column and a spend column."""
    from tools.engine.loading import load_customer_data

    path = tmp_path / "people.csv"
    path.write_text("member,region,spend\n" + "".join(
        f"{n},{'North' if n % 2 else 'South'},{n * 5}\n" for n in range(1, 41)), encoding="utf-8")
    return load_customer_data(path)


def test_saving_exporting_and_deleting_are_told_in_the_language_asked(tmp_path: Any) -> None:
    from assistant.core import Assistant

    bot = Assistant(_people(tmp_path), workspace=tmp_path / "ws")
    bot.ask("customers from North")
    replies = {
        "zh": [bot.ask("保存为 北方").reply, bot.ask("导出").reply,
               bot.ask("删除细分 北方").reply, bot.ask("删除细分 西北").reply],
        "ru": [bot.ask("сохрани как север").reply, bot.ask("удали сегмент север").reply,
               bot.ask("удали сегмент юг").reply],
    }
    zh, ru = replies["zh"], replies["ru"]
    assert "已保存细分“北方”" in zh[0] and "20 位客户" in zh[0]
    assert "已将 20 位客户导出到" in zh[1] and str((tmp_path / "ws").resolve()) in zh[1]
    assert "已删除细分“北方”" in zh[2]
    assert "没有已保存的细分名为“西北”" in zh[3]  # a delete never defines a segment
    assert "Сегмент «север» сохранён" in ru[0] and "20 клиентов" in ru[0]
    assert "Сегмент «север» удалён" in ru[1]
    assert "Сохранённого сегмента «юг» нет" in ru[2]
    assert not any(word in " ".join(zh + ru) for word in ("Saved", "Deleted", "Exported", "No "))
    assert bot.toolkit.current_definition() is not None  # the North segment is still current


def test_who_answered_and_the_sources_are_said_in_the_language_asked() -> None:
    turn = Turn("什么是RFM？", "RFM 按最近一次购买、频次和金额给客户打分。", "built-in interpreter",
                sources=SOURCES, parse={"language": "zh"})
    text = out_of(turn, show_backend=True)
    assert "来源：en/rfm-analysis.md" in text and "回答来自：内置解释器" in text
    assert "Sources" not in text and "Answered by" not in text


def out_of(turn: Turn, **options: Any) -> str:
    out = io.StringIO()
    render_turn(Console(file=out, width=100), turn, **options)
    return out.getvalue()


def test_help_says_whether_the_conversation_is_kept(tmp_path: Any) -> None:
    from assistant.chat import ChatLoop
    from assistant.core import Assistant
    from assistant.sessions import SessionStore

    said = {}
    for session in (None, "spring"):
        buffer = io.StringIO()
        loop = ChatLoop(Assistant(_people(tmp_path), workspace=tmp_path / "ws", session=session),
                        Console(file=buffer, width=120))
        assert loop.handle("/help")
        said[session] = buffer.getvalue()
    assert "not saved" in said[None] and "--session NAME" in said[None]
    assert "saved as session 'spring'" in said["spring"]
    assert SessionStore(tmp_path / "ws").names() == []  # nothing kept by an unnamed chat


def test_the_panel_and_the_rfm_table_speak_the_language_asked(tmp_path: Any) -> None:
    from assistant.chat_render import result_renderable, segment_panel

    segment = {"size": 20, "share": 0.5, "revenue_share": 0.25, "description": "北方",
               "definition": {"type": "in", "column": "region", "values": ["North"]}}
    panel = _rendered(segment_panel(segment, "zh"))
    assert "当前细分" in panel and "占全部客户的 50.0%" in panel and "占收入的 25.0%" in panel
    assert "of the base" not in panel
    russian = _rendered(segment_panel(segment, "ru"))
    assert "50,0% базы" in russian and "25,0% выручки" in russian  # a decimal comma
    cyrillic = _rendered(segment_panel({**segment, "definition": {
        "type": "in", "column": "город", "values": ["Пермь"]}}, "ru"))
    assert "column: город" in cyrillic and "- Пермь" in cyrillic  # not \u escapes
    summary = {"as_of": "2024-06-30", "segments": [
        {"name": "Champions", "customers": 3, "share": 0.1, "revenue_share": 0.4}],
        "tie_rule": "id", "ties": {"recency": 0.0, "frequency": 0.6, "monetary": 0.0,
                                   "any_score": 0.6}, "quiet": []}
    table = _rendered(result_renderable(ToolResult("run_rfm", True, summary), "zh"))
    assert "客户数" in table and "冠军客户" in table and "60.0%的客户" in table
    table = _rendered(result_renderable(ToolResult("run_rfm", True, summary), "ru"))
    assert "10,0%" in table and "40,0%" in table and "10.0%" not in table


def _rendered(renderable: Any) -> str:
    out = io.StringIO()
    Console(file=out, width=120).print(renderable)
    return out.getvalue()


def test_profile_and_cluster_tables_speak_the_language_asked() -> None:
    from assistant.chat_render import result_renderable

    profile = {"segment": "current segment", "size": 12, "share_of_customers": 0.3,
               "measures": [{"column": "visits", "segment_mean": 4.0, "base_mean": 2.0,
                             "index": 200.0}]}
    shown = _rendered(result_renderable(ToolResult("profile_segment", True, profile), "ru"))
    assert "Профиль: текущий сегмент" in shown and "среднее по базе" in shown
    clusters = {"k": 2, "reason": "", "clusters": [
        {"id": 0, "name": "A", "size": 5, "rule_text": "visits > 3", "rule_precision": 1.0,
         "rule_recall": 1.0}]}
    table = _rendered(result_renderable(ToolResult("cluster", True, clusters), "zh"))
    assert "2 个组" in table and "规则精确率" in table and "rule precision" not in table


def test_exports_and_reports_go_to_one_folder_never_over_a_users_file(
        tmp_path: Any, monkeypatch: Any) -> None:
    from pathlib import Path

    import typer
    from typer.testing import CliRunner

    from assistant import cli_assistant
    from assistant.chat import ChatLoop
    from assistant.core import Assistant

    app = typer.Typer()
    cli_assistant.register(app)

    data = tmp_path / "people.csv"
    data.write_text("member,region,spend\n" + "".join(
        f"{n},{'North' if n % 2 else 'South'},{n * 5}\n" for n in range(1, 41)),
        encoding="utf-8")
    here = tmp_path / "work"
    here.mkdir()
    kept = here / "north.csv"
    kept.write_text("my own list\n", encoding="utf-8")
    monkeypatch.chdir(here)
    runner = CliRunner()
    workspace = ["--workspace", str(tmp_path / "ws")]
    runner.invoke(app, ["ask", "customers from North", "--data", str(data), "--session", "n",
                        *workspace])
    for _ in range(2):  # the second export replaces the first, not the user's file
        done = runner.invoke(app, ["ask", "export them to north.csv", "--session", "n",
                                   *workspace])
        assert done.exit_code == 0, done.output
    assert kept.read_text(encoding="utf-8") == "my own list\n"
    written = here / "north-2.csv"
    assert str(written.resolve()) in done.stdout.replace("\n", "")
    assert written.exists() and not (here / "north-3.csv").exists()
    chosen = tmp_path / "out"
    moved = runner.invoke(app, ["ask", "export them", "--session", "n", "--out-dir",
                                str(chosen), *workspace])
    assert moved.exit_code == 0 and list(chosen.glob("*.csv")), moved.output
    buffer = io.StringIO()
    loop = ChatLoop(Assistant.open(data, workspace=tmp_path / "ws2", output_folder=chosen),
                    Console(file=buffer, width=300))
    loop.handle("customers from South")
    loop.handle("/report")
    reports = list(chosen.glob("report-*.html"))
    assert len(reports) == 1 and str(reports[0].resolve()) in buffer.getvalue()
    assert Path(reports[0]).stat().st_mode & 0o077 == 0


def test_rfm_on_a_table_without_orders_says_what_is_missing_in_the_language_asked(
        tmp_path: Any) -> None:
    from assistant.core import Assistant

    bot = Assistant(_people(tmp_path), workspace=tmp_path / "ws")
    chinese, russian = bot.ask("做RFM分析").reply, bot.ask("сделай RFM-анализ").reply
    assert "这需要每位客户的" in chinese and "订单数" in chinese and "needs" not in chinese
    assert "Для этого нужны" in russian and "число заказов" in russian
    assert bot.toolkit.current_definition() is None


def test_the_panels_share_is_rounded_once(tmp_path: Any) -> None:
    """66 of 657 is 10.046%: the segment's summary keeps enough places for the panel to say
    10.0%, as the reply does, not 10.1% from a share already rounded to 0.1005."""
    import pandas as pd

    from assistant.chat_render import segment_panel
    from tools.engine.definitions import In
    from tools.engine.loading import load_customer_data
    from tools.tool_summaries import segment_summary

    path = tmp_path / "people.csv"
    pd.DataFrame({"id": range(657), "city": ["A"] * 66 + ["B"] * 591}).to_csv(path, index=False)
    data = load_customer_data(path)
    condition = In(column="city", values=["A"])
    summary = segment_summary(data, condition, data.customers["city"] == "A")
    assert "10.0%" in _rendered(segment_panel(summary, "en"))
