"""Questions about the data: one `compute_figures` call, the same in three languages.

Everything runs on tests/invented_data.py's subscription table (plan, region, a yes/no
'churned', monthly fee, support tickets, months subscribed, a signup date, total spend),
which no lexicon was written for, and its twin without a spend column. Each figure is
checked against pandas; each question is checked to leave the current segment alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import typer
from invented_data import garden_table, load, subscription_table
from typer.testing import CliRunner

from assistant.core import Assistant, Turn
from tools.engine.dataset import CustomerData

Calls = list[tuple[str, dict[str, Any]]]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("subscriptions")


@pytest.fixture(scope="module")
def subs_file(folder: Path) -> Path:
    return subscription_table(folder)


@pytest.fixture(scope="module")
def subs(subs_file: Path) -> CustomerData:
    return load(subs_file)


@pytest.fixture(scope="module")
def no_money(folder: Path) -> CustomerData:
    return load(subscription_table(folder, money=False))


class Bot:
    """An assistant whose tool calls are recorded (name, arguments) as the toolkit gets them."""

    def __init__(self, data: CustomerData, workspace: Path) -> None:
        self.assistant = Assistant(data, workspace=workspace)
        self.calls: Calls = []
        toolkit = self.assistant.toolkit
        real = toolkit.call

        def recorded(name: str, args: dict[str, Any] | None = None) -> Any:
            self.calls.append((name, dict(args or {})))
            return real(name, args)

        toolkit.call = recorded  # type: ignore[method-assign]

    def ask(self, text: str) -> Turn:
        self.calls.clear()
        return self.assistant.ask(text)

    def figure_args(self, text: str) -> dict[str, Any]:
        """The one compute_figures call a question makes (and only that call)."""
        turn = self.ask(text)
        names = [name for name, _ in self.calls]
        assert names == ["compute_figures"], (text, names, turn.reply)
        assert turn.results[0].ok, (text, turn.reply)
        return self.calls[0][1]

    @property
    def state(self) -> Any:
        return self.assistant.toolkit.state.condition


def _rows(turn: Turn) -> dict[str, float | None]:
    summary = turn.results[-1].summary
    return {r["group"]: r["value"] for r in summary["rows"]}


def _order(turn: Turn) -> list[str]:
    return [r["group"] for r in turn.results[-1].summary["rows"]]


def _close(got: Mapping[str, float | None], expected: pd.Series) -> None:
    assert set(got) == {str(k) for k in expected.index}, (got, expected)
    for key, value in expected.items():
        assert got[str(key)] == pytest.approx(float(value), rel=1e-5, abs=1e-6), key


def _churned(data: CustomerData) -> pd.Series:
    return data.customers["churned"].astype(str).str.lower().isin(["true", "yes", "1"])


# -- 1. the same question in English, Chinese and Russian -------------------------------

SAME_QUESTION = [
    ("average monthly fee by plan", "按套餐统计平均月费", "средняя абонентская плата по тарифам"),
    ("churn rate by plan", "按套餐统计流失率", "доля ушедших клиентов по тарифам"),
    ("how many customers per region", "各地区有多少客户", "сколько клиентов в каждом регионе"),
    ("which region brings in the most revenue?", "哪个地区的销售额最高？",
     "какой регион приносит больше всего выручки?"),
    ("what's the median tenure by plan", "各套餐的使用时长中位数", "медиана стажа по тарифам"),
    ("total support tickets by region", "各地区的工单总计", "суммарные обращения по регионам"),
    ("average monthly fee of churned customers", "流失客户的平均月费",
     "средняя абонентская плата ушедших клиентов"),
    ("churn rate among Pro customers by region", "Pro套餐客户中各地区的流失率",
     "доля ушедших среди клиентов на тарифе Pro по регионам"),
]


@pytest.mark.parametrize("texts", SAME_QUESTION, ids=[t[0] for t in SAME_QUESTION])
def test_one_question_in_three_languages_is_one_call(texts: tuple[str, str, str],
                                                     subs: CustomerData, tmp_path: Path) -> None:
    bot = Bot(subs, tmp_path)
    asked = [bot.figure_args(text) for text in texts]
    assert asked[0] == asked[1] == asked[2], asked
    turns = [bot.ask(text) for text in texts]
    summaries = [t.results[0].summary for t in turns]
    assert summaries[0]["rows"] == summaries[1]["rows"] == summaries[2]["rows"]
    assert summaries[0]["total"] == summaries[1]["total"] == summaries[2]["total"]
    assert bot.state is None  # no question made a segment
    assert all(t.segment is None for t in turns)


def test_the_figures_are_the_data_s(subs: CustomerData, tmp_path: Path) -> None:
    frame = subs.customers
    bot = Bot(subs, tmp_path)
    fee = bot.ask("average monthly fee by plan")
    _close(_rows(fee), frame.groupby("plan")["monthly_fee"].mean())
    tickets = bot.ask("total support tickets by region")
    _close(_rows(tickets), frame.groupby("region")["support_tickets"].sum())
    tenure = bot.ask("what's the median tenure by plan")
    _close(_rows(tenure), frame.groupby("plan")["tenure_months"].median())


def test_whom_to_count_is_not_the_measure(subs: CustomerData, tmp_path: Path) -> None:
    """"of churned customers": a yes/no column after the measure is whom, not what."""
    frame = subs.customers
    bot = Bot(subs, tmp_path)
    args = bot.figure_args("average monthly fee of churned customers")
    assert args["statistic"] == "mean" and args["column"] == "monthly_fee"
    assert args["condition"]["column"] == "churned" and "by" not in args
    turn = bot.ask("average monthly fee of churned customers")
    total = turn.results[0].summary["total"]
    assert total["customers"] == int(_churned(subs).sum())
    assert total["value"] == pytest.approx(frame.loc[_churned(subs), "monthly_fee"].mean())
    args = bot.figure_args("churn rate among Pro customers by region")
    assert args["statistic"] == "rate" and args["by"] == "region"
    assert args["target"]["column"] == "churned" and args["condition"]["column"] == "plan"
    pro = frame["plan"] == "Pro"
    _close(_rows(bot.ask("churn rate among Pro customers by region")),
           _churned(subs)[pro].groupby(frame.loc[pro, "region"]).mean())


# -- 2. breakdowns -----------------------------------------------------------------------


def test_how_many_customers_per_region_counts_each_region(subs: CustomerData,
                                                           tmp_path: Path) -> None:
    bot = Bot(subs, tmp_path)
    args = bot.figure_args("how many customers per region")
    assert args["statistic"] == "customers" and args["by"] == "region"
    assert "condition" not in args and "segment" not in args
    _close(_rows(bot.ask("how many customers per region")),
           subs.customers["region"].value_counts())


def test_churn_rate_by_plan_is_a_rate_of_the_yes_value(subs: CustomerData,
                                                        tmp_path: Path) -> None:
    bot = Bot(subs, tmp_path)
    args = bot.figure_args("churn rate by plan")
    assert args["statistic"] == "rate" and args["by"] == "plan"
    assert args["target"]["column"] == "churned", args
    turn = bot.ask("churn rate by plan")
    _close(_rows(turn), _churned(subs).groupby(subs.customers["plan"]).mean())
    assert _order(turn) == ["Basic", "Pro", "Team"]  # the invented churn falls with the plan


def test_a_count_of_yes_no_customers_per_group_counts_them(subs: CustomerData,
                                                            tmp_path: Path) -> None:
    """"how many churned customers per plan": churned is whom to count, not a measure."""
    bot = Bot(subs, tmp_path)
    args = bot.figure_args("how many churned customers per plan")
    assert args["statistic"] == "customers" and args["by"] == "plan"
    assert args["condition"]["column"] == "churned"
    turn = bot.ask("how many churned customers per plan")
    frame = subs.customers
    _close(_rows(turn), frame[_churned(subs)].groupby("plan").size())


def test_which_region_brings_the_most_revenue_is_a_sorted_total(subs: CustomerData,
                                                                 tmp_path: Path) -> None:
    bot = Bot(subs, tmp_path)
    args = bot.figure_args("which region brings in the most revenue?")
    assert args == {"statistic": "sum", "column": "total_spend", "by": "region"}
    turn = bot.ask("which region brings in the most revenue?")
    expected = subs.customers.groupby("region")["total_spend"].sum().sort_values(
        ascending=False)
    assert _order(turn) == list(expected.index)
    _close(_rows(turn), expected)
    assert turn.reply.splitlines()[1].startswith(f"- {expected.index[0]}")


def test_median_tenure_by_plan(subs: CustomerData, tmp_path: Path) -> None:
    bot = Bot(subs, tmp_path)
    args = bot.figure_args("what's the median tenure by plan")
    assert args == {"statistic": "median", "column": "tenure_months", "by": "plan"}


@pytest.mark.parametrize(("text", "column"), [
    ("сумма обращений по регионам", "support_tickets"),
    ("sum of support tickets by region", "support_tickets"),
    ("сумма стажа по тарифам", "tenure_months"),
    ("сумма продаж по регионам", "total_spend"),
])
def test_a_sum_of_a_named_column_is_that_column(text: str, column: str, subs: CustomerData,
                                                tmp_path: Path) -> None:
    """"сумма обращений": the figure word names money by itself; the words after it win."""
    args = Bot(subs, tmp_path).figure_args(text)
    assert args["statistic"] == "sum" and args["column"] == column, args


def test_a_revenue_share_adds_up_to_the_whole(subs: CustomerData, tmp_path: Path) -> None:
    bot = Bot(subs, tmp_path)
    args = bot.figure_args("what share of revenue does each plan bring in?")
    assert args == {"statistic": "revenue_share", "by": "plan"}
    turn = bot.ask("share of revenue by plan")
    frame = subs.customers
    _close(_rows(turn), frame.groupby("plan")["total_spend"].sum() / frame["total_spend"].sum())
    assert sum(v or 0 for v in _rows(turn).values()) == pytest.approx(1.0)


# -- 3. follow-ups about the current segment ---------------------------------------------

FOLLOW_UPS = [
    ("en", "customers in the Islands region", "customers on the Pro plan",
     "what share of them churned?", "are they bigger spenders than the rest?"),
    ("zh", "Islands地区的客户", "Pro套餐的客户", "他们中流失的比例是多少？",
     "他们的平均消费比其他人高吗？"),
    ("ru", "клиенты из региона Islands", "клиенты на тарифе Pro", "какая доля из них ушла?",
     "они тратят больше, чем остальные?"),
]


@pytest.mark.parametrize(("language", "first", "pro", "share", "bigger"), FOLLOW_UPS,
                         ids=[f[0] for f in FOLLOW_UPS])
def test_questions_about_them_keep_the_segment(language: str, first: str, pro: str, share: str,
                                               bigger: str, subs: CustomerData,
                                               tmp_path: Path) -> None:
    frame = subs.customers
    bot = Bot(subs, tmp_path)
    islands = bot.ask(first).segment
    assert islands is not None and islands["size"] == int((frame["region"] == "Islands").sum())
    defined = bot.ask(pro)
    assert defined.segment is not None
    state = bot.state
    members = set(bot.assistant.member_ids())
    pro_plan = frame["plan"] == "Pro"
    assert members == set(frame.index[pro_plan])

    args = bot.figure_args(share)
    assert args["statistic"] == "rate" and args["segment"] == "current", args
    assert args["target"]["column"] == "churned"
    assert bot.state == state
    turn = bot.ask(share)
    assert turn.results[0].summary["total"]["value"] == pytest.approx(
        float(_churned(subs)[pro_plan].mean()), abs=1e-6)
    assert turn.segment == defined.segment  # what `ask --json` shows as "segment"
    assert bot.state == state

    args = bot.figure_args(bigger)
    assert args["compare_with_base"] is True and args["segment"] == "current", args
    assert args["column"] == "total_spend"
    turn = bot.ask(bigger)
    total = turn.results[0].summary["total"]
    assert total["value"] == pytest.approx(frame.loc[pro_plan, "total_spend"].mean())
    assert total["base_value"] == pytest.approx(frame["total_spend"].mean())
    assert turn.segment == defined.segment

    assert bot.state == state and set(bot.assistant.member_ids()) == members
    back = bot.ask("undo")  # the questions left no step behind: undo leaves Pro
    assert back.segment is not None and back.segment["size"] == islands["size"]
    assert set(bot.assistant.member_ids()) == set(frame.index[frame["region"] == "Islands"])


def test_their_average_against_everyone(subs: CustomerData, tmp_path: Path) -> None:
    bot = Bot(subs, tmp_path)
    bot.ask("customers on the Pro plan")
    for text in ("what is their average monthly fee compared with everyone?",
                 "他们的平均月费用和所有客户相比如何？",
                 "какова их средняя абонентская плата по сравнению со всеми?"):
        args = bot.figure_args(text)
        assert args == {"statistic": "mean", "column": "monthly_fee", "segment": "current",
                        "compare_with_base": True}, text


def test_a_count_of_them_in_a_place_still_narrows_the_segment(subs: CustomerData,
                                                              tmp_path: Path) -> None:
    """The rule kept on purpose: "how many <customers described>?" defines them."""
    bot = Bot(subs, tmp_path)
    bot.ask("customers on the Pro plan")
    turn = bot.ask("how many of them are in the Islands region?")
    assert [n for n, _ in bot.calls] == ["define_segment"]
    frame = subs.customers
    assert turn.segment is not None and turn.segment["size"] == int(
        ((frame["plan"] == "Pro") & (frame["region"] == "Islands")).sum())


def test_ask_json_segment_is_unchanged_by_a_question(subs: CustomerData, tmp_path: Path) -> None:
    bot = Bot(subs, tmp_path)
    before = bot.ask("customers on the Pro plan").to_json()["segment"]
    after = bot.ask("churn rate by region").to_json()
    assert after["segment"] == before
    assert after["table"]["columns"][:3] == ["group", "customers", "rate"]


# -- 4. segment requests with figure words stay segments --------------------------------


@pytest.fixture(scope="module")
def garden(folder: Path) -> CustomerData:
    return load(garden_table(folder))


STAY_SEGMENTS = [
    "customers whose average order value is above 500",
    "customers with above average spend",
    "top 10% by total revenue",
    "customers who spent over 1000 in total",
    "customers whose monthly fee is above average",
]


@pytest.mark.parametrize("text", STAY_SEGMENTS)
def test_figure_words_in_a_segment_request_make_no_figure(text: str, subs: CustomerData,
                                                          garden: CustomerData,
                                                          tmp_path: Path) -> None:
    for data in (subs, garden):
        bot = Bot(data, tmp_path)
        turn = bot.ask(text)
        names = [n for n, _ in bot.calls]
        assert "compute_figures" not in names and "describe_data" not in names, (
            text, names, turn.reply)
        assert names == ["define_segment"] or turn.clarification, (text, names, turn.reply)


def test_segments_with_figure_words_select_the_right_customers(garden: CustomerData,
                                                                subs: CustomerData,
                                                                tmp_path: Path) -> None:
    frame = garden.customers
    bot = Bot(garden, tmp_path)
    # No column holds an order value: a question back, not a condition on the days since the
    # last ORDER.
    turn = bot.ask("customers whose average order value is above 500")
    assert turn.clarification and turn.segment is None, turn.reply
    bot.ask("customers who spent over 1000 in total")
    assert set(bot.assistant.member_ids()) == set(frame.index[frame["TotalSpent"] > 1000])
    top = Bot(subs, tmp_path).assistant
    turn = top.ask("top 10% by total revenue")
    assert turn.segment is not None and turn.segment["size"] == round(0.1 * subs.n_customers)
    spend = subs.customers["total_spend"]
    assert spend[top.member_ids()].min() >= spend.quantile(0.85)


def test_an_order_value_condition_on_an_order_log(tmp_path: Path) -> None:
    """Where the data has an order value (a log), the same request selects by it."""
    from invented_data import bike_log

    from tools.engine.loading import load_customer_data

    path = bike_log(tmp_path)
    bikes = load_customer_data(path, mapping={
        "customer_id": "Rider", "order_id": "Ticket", "date": "SoldOn", "unit_price": "Price",
        "quantity": "Units"})
    bot = Bot(bikes, tmp_path / "ws")
    turn = bot.ask("customers whose average order value is above 1500")
    assert [n for n, _ in bot.calls] == ["define_segment"], turn.reply
    lines = pd.read_csv(path)
    lines["amount"] = lines["Price"] * lines["Units"]
    per = lines.groupby("Rider").agg(spend=("amount", "sum"), orders=("Ticket", "nunique"))
    expected = {str(r) for r in per.index[per["spend"] / per["orders"] > 1500]}
    assert 0 < len(expected) < len(per)
    assert set(bot.assistant.member_ids()) == expected


def test_above_average_offers_readings_rather_than_a_figure(subs: CustomerData,
                                                            tmp_path: Path) -> None:
    bot = Bot(subs, tmp_path)
    turn = bot.ask("customers with above average spend")
    assert turn.clarification and bot.calls == []
    assert "total_spend" in turn.reply


# -- 5. nothing invented -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["average xyzzy by plan", "средний xyzzy по тарифам",
                                  "按套餐统计平均xyzzy"])
def test_an_unknown_measure_is_asked_about(text: str, subs: CustomerData, tmp_path: Path) -> None:
    bot = Bot(subs, tmp_path)
    turn = bot.ask(text)
    assert bot.calls == [] and turn.table is None, turn.reply
    assert "xyzzy" in turn.reply
    assert "monthly_fee" in turn.reply  # what could be measured instead


@pytest.mark.parametrize("text", ["which region brings in the most revenue?",
                                  "share of revenue by plan", "average spend per customer by plan",
                                  "доля выручки по тарифам"])
def test_revenue_without_a_spend_column_is_said_plainly(text: str, no_money: CustomerData,
                                                        tmp_path: Path) -> None:
    bot = Bot(no_money, tmp_path)
    turn = bot.ask(text)
    assert not any(r.ok for r in turn.results if r.tool == "compute_figures"), turn.reply
    assert turn.table is None and bot.state is None
    assert [n for n, _ in bot.calls] == ["compute_figures"], turn.reply
    assert "no spend or amount column" in turn.results[0].message
    # said in the request's language
    said = "нет столбца с суммой" if text.startswith("доля") else "no spend or amount column"
    assert said in turn.reply


# -- 6. the command line -----------------------------------------------------------------


def _app() -> typer.Typer:
    from assistant import cli_assistant, cli_breakdown

    app = typer.Typer()
    cli_assistant.register(app)
    cli_breakdown.register(app)
    return app


@pytest.fixture(scope="module")
def cli(subs_file: Path, folder: Path) -> Any:
    app, runner = _app(), CliRunner()

    def run(*args: str, data: Path = subs_file) -> Any:
        return runner.invoke(app, [*args, "--data", str(data),
                                   "--workspace", str(folder / "cli-workspace")])

    return run


def test_ask_json_carries_the_table(cli: Any, subs: CustomerData) -> None:
    result = cli("ask", "churn rate by plan", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["segment"] is None and answer["clarification"] is False
    table = answer["table"]
    assert table["columns"] == ["group", "customers", "rate", "known", "small"]
    expected = _churned(subs).groupby(subs.customers["plan"]).mean()
    assert {row[0]: row[2] for row in table["rows"]} == {
        k: round(float(v), 4) for k, v in expected.items()}
    assert [r["tool"] for r in answer["tools"]] == ["compute_figures"]


def test_ask_json_has_no_table_for_a_segment(cli: Any) -> None:
    answer = json.loads(cli("ask", "customers on the Pro plan", "--json").output)
    assert answer["table"] is None and answer["segment"]["size"] > 0


@pytest.mark.parametrize(("measure", "column", "how"), [
    ("mean:monthly_fee", "mean", lambda f: f.groupby("plan")["monthly_fee"].mean()),
    ("rate:churned", "rate", None),
    ("customers", "customers", lambda f: f.groupby("plan").size()),
    ("revenue-share", "revenue_share",
     lambda f: f.groupby("plan")["total_spend"].sum() / f["total_spend"].sum()),
])
def test_breakdown_command_json(measure: str, column: str, how: Any, cli: Any,
                                subs: CustomerData) -> None:
    result = cli("breakdown", "--by", "plan", "--measure", measure, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["statistic"] == column and summary["by"] == "plan"
    expected = how(subs.customers) if how else _churned(subs).groupby(
        subs.customers["plan"]).mean()
    _close({r["group"]: r["value"] for r in summary["rows"]}, expected)


def test_breakdown_command_text_and_chart(cli: Any, subs: CustomerData) -> None:
    text = cli("breakdown", "--by", "region", "--measure", "rate:churned")
    assert text.exit_code == 0, text.output
    rate = _churned(subs).groupby(subs.customers["region"]).mean()
    for region, value in rate.items():
        assert f"{region}: {100 * value:.1f}%" in text.output
    chart = cli("breakdown", "--by", "region", "--measure", "rate:churned", "--chart")
    assert chart.exit_code == 0, chart.output
    assert "█" in chart.output or "▏" in chart.output
    top = rate.idxmax()
    assert re.search(rf"{top}\s+{100 * rate[top]:.1f}%", chart.output), chart.output


def test_breakdown_command_for_a_segment(cli: Any, subs: CustomerData, folder: Path) -> None:
    definition = folder / "pro.yaml"
    definition.write_text("name: pro\ncondition: {type: compare, column: plan, op: '==', "
                          "value: Pro}\n", encoding="utf-8")
    result = cli("breakdown", "--by", "region", "--measure", "mean:monthly_fee",
                 "--segment", str(definition), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    frame = subs.customers
    pro = frame[frame["plan"] == "Pro"]
    assert summary["population"] == len(pro)
    _close({r["group"]: r["value"] for r in summary["rows"]},
           pro.groupby("region")["monthly_fee"].mean())


def test_breakdown_command_for_a_saved_segment(cli: Any, subs: CustomerData,
                                               folder: Path) -> None:
    bot = Bot(subs, folder / "cli-workspace")
    bot.ask("customers on the Pro plan")
    bot.ask("save it as pro_plan")
    assert [n for n, _ in bot.calls] == ["save_segment"]
    result = cli("breakdown", "--by", "region", "--segment", "pro_plan", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    frame = subs.customers
    _close({r["group"]: r["value"] for r in summary["rows"]},
           frame[frame["plan"] == "Pro"]["region"].value_counts())


def test_breakdown_sql_gives_the_same_figures(cli: Any, subs: CustomerData) -> None:
    result = cli("breakdown", "--by", "plan", "--measure", "mean:support_tickets",
                 "--sql", "duckdb")
    assert result.exit_code == 0, result.output
    assert "GROUP BY" in result.output.upper()
    connection = duckdb.connect()
    connection.register("customers", subs.customers.reset_index())
    rows = connection.execute(result.output).fetchall()
    got = {str(r[0]): float(r[2]) for r in rows}
    _close(got, subs.customers.groupby("plan")["support_tickets"].mean())


@pytest.mark.parametrize("args", [["--measure", "bogus:thing"], ["--measure", "mean:xyzzy"],
                                  ["--measure", "rate:plan"], ["--by", "nowhere"]])
def test_breakdown_command_errors_are_one_line(args: list[str], cli: Any) -> None:
    result = cli("breakdown", *args)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                     SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].lower().startswith("error"), result.output


def test_breakdown_revenue_without_money_says_so(cli: Any, folder: Path) -> None:
    result = cli("breakdown", "--by", "plan", "--measure", "revenue",
                 data=subscription_table(folder, money=False))
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "spend" in result.output.lower()


# -- 7. replies in the request's language --------------------------------------------------

REPLIES = [
    ("en", "churn rate by plan", re.compile(r"[A-Za-z]{4,}"), re.compile(r"\d+\.\d%")),
    ("zh", "按套餐统计流失率", re.compile(r"[\u4e00-\u9fff]"), re.compile(r"\d+\.\d%")),
    ("ru", "доля ушедших клиентов по тарифам", re.compile(r"[а-яА-Я]{4,}"),
     re.compile(r"\d+,\d%")),
]


@pytest.mark.parametrize(("language", "text", "words", "percent"), REPLIES,
                         ids=[r[0] for r in REPLIES])
def test_reply_is_in_the_request_s_language(language: str, text: str, words: re.Pattern[str],
                                            percent: re.Pattern[str], subs: CustomerData,
                                            tmp_path: Path) -> None:
    bot = Bot(subs, tmp_path)
    turn = bot.ask(text)
    assert turn.parse is not None and turn.parse["language"] == language
    assert words.search(turn.reply), turn.reply
    rate = _churned(subs).groupby(subs.customers["plan"]).mean()
    for plan, value in rate.items():
        shown = f"{100 * value:.1f}%"
        if language == "ru":
            shown = shown.replace(".", ",")
        assert f"{plan}" in turn.reply and shown in turn.reply, (shown, turn.reply)
    assert len(percent.findall(turn.reply)) == len(rate)
    assert not re.search(r"\d\.\d\d+%|\d,\d\d+%", turn.reply)  # one decimal, not more
    if language != "en":
        assert "customers" not in turn.reply and "Share" not in turn.reply


@pytest.mark.parametrize(("text", "word"), [("average monthly fee by plan", "Average"),
                                            ("按套餐统计平均月费", "平均"),
                                            ("средняя абонентская плата по тарифам", "Среднее")])
def test_an_average_is_worded_in_the_request_s_language(text: str, word: str,
                                                        subs: CustomerData,
                                                        tmp_path: Path) -> None:
    turn = Bot(subs, tmp_path).ask(text)
    assert turn.reply.startswith(word) or word in turn.reply.splitlines()[0], turn.reply
    fees = subs.customers.groupby("plan")["monthly_fee"].mean()
    first = turn.reply.splitlines()[1]
    assert str(fees.idxmax()) in first
