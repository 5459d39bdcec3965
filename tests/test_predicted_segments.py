"""Predicted measures in segments, profiles and compare, asked for in three languages.

On an invented log (a tea shop whose columns no lexicon knows, mapped as a user would)
through the real loader, the real toolkit and the built-in interpreter; the thresholds
come from tools/predicted_meanings.yaml, never from the test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core import Assistant
from tests.test_predict_command import TEA_MAP, tea_log
from tools.engine.dataset import CustomerData
from tools.engine.describe import describe
from tools.engine.loading import load_customer_data
from tools.predicted import meaning, meanings
from tools.toolkit import Toolkit


@pytest.fixture(scope="module")
def tea(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tea_log(tmp_path_factory.mktemp("tea"), customers=500, seed=8)


def _data(path: Path) -> CustomerData:
    return load_customer_data(path, mapping=TEA_MAP)



@pytest.mark.parametrize("text,horizon", [
    ("customers likely to buy again in the next 30 days", 30),
    ("未来45天可能再次购买的客户", 45),
    ("клиенты, которые вероятно купят снова в ближайшие 60 дней", 60),
])
def test_likely_to_buy_again_within_a_horizon_in_three_languages(
        tea: Path, text: str, horizon: int) -> None:
    data = _data(tea)
    bot = Assistant(data, workspace=tea.parent / f"ws{horizon}")
    turn = bot.ask(text)
    rule = meanings()["likely_to_buy"]
    expected = data.customers["expected_purchases"] >= rule["value"]
    members = bot.toolkit.current_mask()
    assert members is not None and members.sum() == expected.sum() > 0
    assert (members == expected).all()
    # The horizon asked for is the one predicted: a shorter one expects fewer purchases.
    shown = data.schema.column("expected_purchases")
    assert shown is not None and f"{horizon} days" in shown.reason
    assert str(rule["value"]).replace(".", "") in turn.reply.replace(".", "").replace(",", "")


@pytest.mark.parametrize("text", [
    "high predicted value but probably lapsed",
    "预测价值高但可能已流失的客户",
    "клиенты с высокой прогнозной ценностью, которые, вероятно, ушли",
])
def test_high_value_but_probably_lapsed_in_three_languages(tea: Path, text: str) -> None:
    data = _data(tea)
    bot = Assistant(data, workspace=tea.parent / "ws-lapsed")
    bot.ask(text)
    lapsed_rule, value_rule = meanings()["probably_lapsed"], meanings()["high_predicted_value"]
    lapsed = data.customers[data.customers["p_alive"] < lapsed_rule["value"]]
    # Within the probably lapsed, the top share by CLV (ties by id), counted here.
    wanted = round(len(lapsed) * value_rule["percent"] / 100)
    members = bot.toolkit.current_mask()
    assert members is not None and members.sum() > 0 and abs(members.sum() - wanted) <= 1
    chosen = data.customers[members]
    assert (chosen["p_alive"] < lapsed_rule["value"]).all()
    assert chosen["clv"].min() >= lapsed["clv"].median()
    # The definition shows its thresholds.
    condition = bot.toolkit.state.condition
    assert condition is not None
    said = describe(condition, data)
    assert "p_alive" in said and str(lapsed_rule["value"]) in said and "clv" in said


def test_profile_and_compare_show_the_predicted_measures(tea: Path) -> None:
    data = _data(tea)
    kit = Toolkit(data)
    assert "p_alive" not in data.customers.columns  # nothing is fitted until asked for
    result = kit.call("define_segment", {"condition": meaning("probably_active").model_dump()})
    assert result.ok, result.message
    profiled = kit.call("profile_segment", {})
    measures = {m["column"] for m in profiled.summary["measures"]}
    assert {"expected_purchases", "p_alive", "expected_avg_order_value", "clv"} <= measures
    compared = kit.call("compare_segments", {"a": "current", "b": "all"})
    assert compared.ok
    assert any("p_alive" in str(d) for d in compared.summary["differences"])


def test_the_tool_gives_aggregates_only_and_a_new_horizon_changes_members(tea: Path) -> None:
    data = _data(tea)
    kit = Toolkit(data)
    short = kit.call("predict_traits", {"horizon_days": 14, "calibration_end": "2024-10-31"})
    assert short.ok, short.message
    text = str(short.summary)
    assert not any(str(cid) in text for cid in data.customers.index[:50])  # no ids leave
    assert short.summary["holdout"]["actual_repeat_purchases"] > 0
    assert short.summary["bgnbd"]["time_unit"] == "weeks"
    few = kit.call("define_segment", {"condition": meaning("likely_to_buy").model_dump()})
    long = kit.call("predict_traits", {"horizon_days": 365})
    assert long.summary["likely_to_buy"] > short.summary["likely_to_buy"]
    many = kit.call("define_segment", {"condition": meaning("likely_to_buy").model_dump()})
    assert many.summary["size"] > few.summary.get("size", 0)


def test_a_customer_table_says_predictions_need_a_log(tmp_path: Path) -> None:
    from tests.invented_data import garden_table

    data = load_customer_data(garden_table(tmp_path))
    bot = Assistant(data, workspace=tmp_path / "ws")
    turn = bot.ask("customers likely to buy again")
    assert "purchase log" in turn.reply and "p_alive" not in data.customers.columns
    kit = Toolkit(data)
    result = kit.call("define_segment", {"condition": meaning("probably_lapsed").model_dump()})
    assert not result.ok and "purchase log" in result.message


def test_a_saved_segment_and_a_resumed_session_fit_the_predictions_again(tea: Path) -> None:
    workspace = tea.parent / "ws-resume"
    first = Assistant(_data(tea), workspace=workspace, session="predicted")
    first.ask("probably lapsed customers")
    saved = first.toolkit.call("save_segment", {"name": "lapsed by model"})
    assert saved.ok, saved.message
    size = first.toolkit.current_mask().sum()  # type: ignore[union-attr]
    # A new process: the data loaded again, without predicted columns.
    fresh = _data(tea)
    again = Assistant(fresh, workspace=workspace, session="predicted")
    mask = again.toolkit.current_mask()
    assert mask is not None and mask.sum() == size and "p_alive" in fresh.customers.columns
    other = Toolkit(_data(tea), library=again.toolkit.library)
    loaded = other.call("load_segment", {"name": "lapsed by model"})
    assert loaded.ok and loaded.summary["size"] == size


@pytest.mark.parametrize("text", ["run a prediction", "预测谁会再次购买", "сделай прогноз"])
def test_asking_for_a_prediction_calls_the_tool(tea: Path, text: str) -> None:
    data = _data(tea)
    bot = Assistant(data, workspace=tea.parent / "ws-command")
    turn = bot.ask(text)
    assert [r.tool for r in turn.results] == ["predict_traits"] and turn.results[0].ok
    likely = int((data.customers["expected_purchases"]
                  >= meanings()["likely_to_buy"]["value"]).sum())
    assert f"{likely}" in turn.reply.replace(",", "").replace(" ", "")


def test_one_shot_commands_fit_the_predictions_a_saved_segment_names(tea: Path) -> None:
    """`segment profile` and `segment define` on a definition over p_alive: the same
    members as the conversation, not an unknown column."""
    from typer.testing import CliRunner

    from assistant.cli import app
    from tests.test_predict_command import TEA_MAP

    workspace = tea.parent / "ws-one-shot"
    bot = Assistant(_data(tea), workspace=workspace)
    bot.ask("probably lapsed customers")
    assert bot.toolkit.call("save_segment", {"name": "lapsed"}).ok
    size = int(bot.toolkit.current_mask().sum())  # type: ignore[union-attr]
    maps = [arg for role, column in TEA_MAP.items() for arg in ("--map", f"{role}={column}")]
    runner = CliRunner()
    profiled = runner.invoke(app, ["profile", "lapsed", "--data", str(tea), "--json",
                                   "--workspace", str(workspace), *maps])
    assert profiled.exit_code == 0, profiled.output
    assert f'"size": {size}' in profiled.stdout
    definition = tea.parent / "lapsed.yaml"
    definition.write_text("name: lapsed\ncondition: {type: compare, column: p_alive, "
                          "op: '<', value: 0.3}\n", encoding="utf-8")
    defined = runner.invoke(app, ["define", str(definition), "--data", str(tea), "--json",
                                  "--workspace", str(workspace), *maps])
    assert defined.exit_code == 0, defined.output
    assert f'"size": {size}' in defined.stdout
