"""Follow-ups that name no customers: what they do with the current segment.

On invented data (tests/invented_data.py), through the Assistant: a fragment that no
customer of the current segment could meet replaces the part it contradicts; a bare
number continues the segment's last number; "нет"/"no" alone is an answer, not a value;
"in each X" asks for a breakdown.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from invented_data import garden_table, load

from assistant.core import Assistant
from assistant.interpreter import InterpreterContext, interpret
from tools.engine.dataset import CustomerData


@pytest.fixture(scope="module")
def garden(tmp_path_factory: pytest.TempPathFactory) -> CustomerData:
    return load(garden_table(tmp_path_factory.mktemp("garden")))


def _members(bot: Assistant) -> set[str]:
    return {str(m) for m in bot.member_ids()}


def _rule(garden: CustomerData, mask: pd.Series) -> set[str]:
    return {str(i) for i in garden.customers.index[mask.to_numpy()]}


@pytest.mark.parametrize(("turns", "rule"), [
    # same column, ranges that do not meet: the new one replaces the old
    (["customers whose last order was under 60 days ago", "over 180 days ago"],
     lambda f: f["DaysSinceLastOrder"] > 180),
    (["gold customers from Spain", "Silver ones"],
     lambda f: (f["LoyaltyTier"] == "Silver") & (f["HomeCountry"] == "Spain")),
    (["клиенты из Испании с более чем 10 заказами", "с менее чем 5 заказами"],
     lambda f: (f["HomeCountry"] == "Spain") & (f["OrderCount"] < 5)),
    (["订单超过10个的西班牙客户", "订单少于5个的"],
     lambda f: (f["HomeCountry"] == "Spain") & (f["OrderCount"] < 5)),
    # ranges that meet still narrow
    (["customers who spent over 1000", "under 3000"],
     lambda f: (f["TotalSpent"] > 1000) & (f["TotalSpent"] < 3000)),
    (["клиенты, потратившие больше 1000", "меньше 3000"],
     lambda f: (f["TotalSpent"] > 1000) & (f["TotalSpent"] < 3000)),
    (["消费超过1000的客户", "低于3000"],
     lambda f: (f["TotalSpent"] > 1000) & (f["TotalSpent"] < 3000)),
])
def test_a_fragment_narrows_or_replaces_what_it_contradicts(
        turns: list[str], rule: object, garden: CustomerData, tmp_path: Path) -> None:
    bot = Assistant(garden, workspace=tmp_path / "ws")
    for text in turns:
        turn = bot.ask(text)
        assert turn.segment is not None, (text, turn.reply)
    expected = _rule(garden, rule(garden.customers))  # type: ignore[operator]
    assert expected and _members(bot) == expected


def test_an_explicit_only_still_narrows(garden: CustomerData, tmp_path: Path) -> None:
    bot = Assistant(garden, workspace=tmp_path / "ws")
    bot.ask("customers with more than 30 orders")
    before = bot.toolkit.state.condition
    bot.ask("only those with fewer than 5 orders")
    # no one is both: the engine says so and keeps the segment; nothing is replaced
    assert bot.toolkit.state.condition == before


@pytest.mark.parametrize("answer", ["нет", "да", "no", "yes", "不是"])
def test_a_bare_yes_or_no_is_an_answer_even_where_the_data_has_that_value(
        answer: str, tmp_path: Path) -> None:
    frame = pd.DataFrame({"клиент": range(60), "подписка": ["да", "нет", "no", "yes", "不是"] * 12,
                          "город": ["Казань", "Пермь", "Омск"] * 20, "траты": range(60)})
    frame.to_csv(tmp_path / "t.csv", index=False)
    data = load(tmp_path / "t.csv")
    result = interpret(answer, InterpreterContext(schema=data.schema, has_current_segment=True))
    assert result.intent == "conversation" and result.calls == [], result


@pytest.mark.parametrize("text", ["how many customers in each country",
                                  "сколько клиентов в каждой стране", "每个国家有多少客户"])
def test_in_each_asks_for_a_breakdown(text: str, garden: CustomerData) -> None:
    result = interpret(text, InterpreterContext(schema=garden.schema))
    assert [c.name for c in result.calls] == ["compute_figures"], result
    assert result.calls[0].args["by"] == "HomeCountry"


@pytest.mark.parametrize("text", ["what share of revenue comes from Spain?",
                                  "какая доля выручки приходится на Испанию?",
                                  "西班牙客户占收入的比例是多少？"])
def test_a_share_of_revenue_question_leaves_the_segment(
        text: str, garden: CustomerData, tmp_path: Path) -> None:
    bot = Assistant(garden, workspace=tmp_path / "ws")
    bot.ask("gold customers")
    before = bot.toolkit.state.condition
    turn = bot.ask(text)
    assert turn.to_json()["parse"]["intent"] == "data_question"
    assert bot.toolkit.state.condition == before
    f = garden.customers
    share = f.loc[f["HomeCountry"] == "Spain", "TotalSpent"].sum() / f["TotalSpent"].sum()
    assert f"{100 * share:.1f}".replace(".", "," if "доля" in text else ".") in turn.reply


def test_a_value_that_is_also_a_joiner_is_the_value(tmp_path: Path) -> None:
    frame = pd.DataFrame({"member": range(90), "Plan": ["Basic", "Plus", "Pro"] * 30,
                          "fee": [10, 20, 30] * 30, "Age": list(range(20, 65)) * 2})
    frame.to_csv(tmp_path / "gym.csv", index=False)
    data = load(tmp_path / "gym.csv")
    for text in ("Basic or Plus members", "members on the Basic or Plus plan"):
        [call] = interpret(text, InterpreterContext(schema=data.schema)).calls
        assert call.args["condition"] == {"type": "in", "column": "Plan",
                                          "values": ["Basic", "Plus"]}, text
    [call] = interpret("members aged 40 plus", InterpreterContext(schema=data.schema)).calls
    assert call.args["condition"] == {"type": "compare", "column": "Age", "op": ">=",
                                      "value": 40}  # after a number, "plus" is "or more"


@pytest.mark.parametrize(("text", "op", "value"), [
    # a period that is part of a column's name is that column, not a window of dates
    ("members who visited more than 5 times last month", ">", 5),
    ("members with over 5 visits last month", ">", 5),
    # words around a visit count are read, not left over
    ("members who rarely come in, fewer than 3 visits", "<", 3),
    ("участники, которые ходят меньше 3 раз", "<", 3)])
def test_a_count_of_visits_last_month(text: str, op: str, value: int, tmp_path: Path) -> None:
    frame = pd.DataFrame({"member_code": [f"M{i}" for i in range(40)],
                          "VisitsLastMonth": list(range(40)), "Plan": ["A", "B"] * 20})
    frame.to_csv(tmp_path / "visits.csv", index=False)
    data = load(tmp_path / "visits.csv")
    [call] = interpret(text, InterpreterContext(schema=data.schema)).calls
    assert call.args["condition"] == {"type": "compare", "column": "VisitsLastMonth",
                                      "op": op, "value": value}


@pytest.mark.parametrize(("turns", "rule"), [
    # a tier word followed by the people noun still names the customers: a new request
    (["customers with more than 30 orders", "来自波兰的金卡会员"],
     lambda f: (f["LoyaltyTier"] == "Gold") & (f["HomeCountry"] == "Poland")),
    # so does a lifecycle or churn word that carries the people noun ("已流失客户")
    (["customers from Poland", "new customers"], None),
])
def test_a_request_that_names_the_customers_replaces(
        turns: list[str], rule: object, garden: CustomerData, tmp_path: Path) -> None:
    bot = Assistant(garden, workspace=tmp_path / "ws")
    for text in turns:
        bot.ask(text)
    condition = bot.toolkit.state.condition
    assert condition is not None
    if rule is None:  # nothing of the first turn is left
        assert "Poland" not in condition.model_dump_json()
    else:
        assert _members(bot) == _rule(garden, rule(garden.customers))  # type: ignore[operator]


@pytest.mark.parametrize(("first", "edit"), [
    ("customers who joined in the last 90 days", "change that to 60 days"),
    ("最近90天加入的客户", "改成60天"), ("клиенты, присоединившиеся за последние 90 дней",
                                   "поменяй на 60 дней")])
def test_change_that_moves_a_date_window(first: str, edit: str, garden: CustomerData,
                                        tmp_path: Path) -> None:
    from datetime import date

    bot = Assistant(garden, workspace=tmp_path / "ws")
    bot.ask(first)
    before = bot.toolkit.state.condition
    assert before is not None and before.type == "compare", before
    turn = bot.ask(edit)
    after = bot.toolkit.state.condition
    assert turn.segment is not None and after is not None and after.type == "compare"
    moved = date.fromisoformat(after.value) - date.fromisoformat(before.value)  # type: ignore
    assert after.column == before.column == "MemberSince" and moved.days == 30


@pytest.mark.parametrize(("turns", "countries"), [
    (["customers from France, Spain or Italy", "drop Spain"], ["France", "Italy"]),
    (["клиенты из Франции, Испании или Италии", "исключи Испанию"], ["France", "Italy"]),
    (["来自法国、西班牙或意大利的客户", "排除西班牙"], ["France", "Italy"]),
])
def test_excluding_a_listed_value_takes_it_out_of_the_list(
        turns: list[str], countries: list[str], garden: CustomerData, tmp_path: Path) -> None:
    bot = Assistant(garden, workspace=tmp_path / "ws")
    for text in turns:
        bot.ask(text)
    condition = bot.toolkit.state.condition
    assert condition is not None and condition.model_dump(mode="json") == {
        "type": "in", "column": "HomeCountry", "values": countries}
    bot.ask("undo")
    assert "Spain" in bot.toolkit.state.condition.model_dump_json()  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["what does that mean?", "что это значит?", "这是什么意思？"])
def test_what_does_that_mean_explains_the_segment(text: str, garden: CustomerData,
                                                  tmp_path: Path) -> None:
    bot = Assistant(garden, workspace=tmp_path / "ws")
    size = bot.ask("customers from Spain").segment["size"]  # type: ignore[index]
    turn = bot.ask(text)
    assert [r.tool for r in turn.results] == ["explain_segment"]
    assert turn.segment is not None and turn.segment["size"] == size
    # without a segment it is a question about the product, not an empty explanation
    fresh = interpret(text, InterpreterContext(schema=garden.schema))
    assert fresh.intent == "conversation" and fresh.calls == []


@pytest.mark.parametrize(("size", "said"), [(1, "1 клиент:"), (61, "61 клиент:"),
                                            (62, "62 клиента:"), (65, "65 клиентов:")])
def test_russian_explanations_agree_the_count(size: int, said: str) -> None:
    from tools.knowledge.advice import figure_lines

    lines = figure_lines({"size": size, "share_of_customers": 0.1, "base_size": 400}, "ru")
    assert lines[0].startswith(said), lines


@pytest.mark.parametrize("text", ["the 10 best customers", "10 самых крупных клиентов",
                                  "前10名最有价值的客户"])
def test_a_vague_word_with_a_number_offers_ranks_of_that_many(
        text: str, garden: CustomerData) -> None:
    result = interpret(text, InterpreterContext(schema=garden.schema))
    assert result.calls == [] and len(result.choices) >= 2, result
    for choice in result.choices:
        [call] = choice.calls
        condition = call.args["condition"]
        assert condition["type"] == "rank" and condition["n"] == 10, condition
    assert result.choices[0].calls[0].args["condition"]["column"] == "TotalSpent"


@pytest.mark.parametrize(("text", "intent"), [
    ("how do I increase repeat purchases in Germany?", "knowledge"),  # advice, not a segment
    ("как дела?", "conversation"), ("how are you?", "conversation"), ("你好吗？", "conversation"),
])
def test_advice_and_small_talk_are_no_segment_requests(text: str, intent: str,
                                                       garden: CustomerData) -> None:
    result = interpret(text, InterpreterContext(schema=garden.schema, has_current_segment=True))
    assert result.intent == intent and not [c for c in result.calls
                                            if c.name == "define_segment"], result


@pytest.mark.parametrize("text", [
    "德国客户的会员等级分布", "what is the tier distribution of German customers?",
    "распределение клиентов из Германии по уровню"])
def test_a_distribution_said_after_its_column_is_a_breakdown(text: str,
                                                             garden: CustomerData) -> None:
    [call] = interpret(text, InterpreterContext(schema=garden.schema)).calls
    assert call.name == "compute_figures" and call.args["by"] == "LoyaltyTier", call.args


def test_a_share_with_no_yes_no_column_offers_values(tmp_path: Path) -> None:
    frame = pd.DataFrame({"guest": [f"g{i}" for i in range(30)],
                          "channel": ["direct", "agency", "web"] * 10, "nights": range(30)})
    frame.to_csv(tmp_path / "stays.csv", index=False)
    data = load(tmp_path / "stays.csv")
    result = interpret("what share of them?", InterpreterContext(schema=data.schema))
    assert result.calls == [] and result.options and all("channel = " in o
                                                          for o in result.options), result


def test_a_restart_answers_in_the_language_asked(garden: CustomerData) -> None:
    for text, language in (("начать заново", "ru"), ("重新开始", "zh"), ("start over", "en")):
        result = interpret(text, InterpreterContext(schema=garden.schema,
                                                    has_current_segment=True))
        assert result.language == language and [c.name for c in result.calls] == ["reset"]


@pytest.mark.parametrize(("text", "word"), [
    ("customers who bought in the last 30 days", "purchase dates"),
    ("клиенты, покупавшие за последние 30 дней", "дат покупок"),
    ("最近30天购买过的客户", "购买日期")])
def test_no_dates_is_said_in_the_language_asked(text: str, word: str, tmp_path: Path) -> None:
    frame = pd.DataFrame({"member": [f"m{i}" for i in range(30)],
                          "tier": ["a", "b", "c"] * 10, "points": range(30)})
    frame.to_csv(tmp_path / "members.csv", index=False)
    data = load(tmp_path / "members.csv")
    result = interpret(text, InterpreterContext(schema=data.schema))
    assert result.calls == [] and word in (result.clarification or ""), result


def test_a_booking_log_reads_its_own_nouns_and_dotted_values(tmp_path: Path) -> None:
    import random

    rng = random.Random(3)
    rows = [{"booking_no": f"B{n}", "guest_code": f"G{rng.randint(1, 60)}",
             "check_in": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
             "revenue": round(rng.uniform(50, 900), 2),
             "channel": rng.choice(["Booking.com", "direct", "agency"]),
             "country": rng.choice(["DE", "FR", "US"])} for n in range(400)]
    pd.DataFrame(rows).to_csv(tmp_path / "stays.csv", index=False)
    from tools.engine.loading import load_customer_data

    data = load_customer_data(tmp_path / "stays.csv")
    context = InterpreterContext(schema=data.schema)
    [call] = interpret("bookings from DE that came through Booking.com", context).calls
    assert call.args["condition"] == {"type": "and", "all": [
        {"type": "in", "column": "country", "values": ["DE"]},
        {"type": "in", "column": "channel", "values": ["Booking.com"]}]}
    [call] = interpret("guests with more than 3 bookings", context).calls
    assert call.args["condition"] == {"type": "compare", "column": "frequency", "op": ">",
                                      "value": 3}


@pytest.mark.parametrize("text", ["клиенты, которые платили наличными",
                                  "клиенты, оплатившие наличными", "оплата наличными"])
def test_a_russian_value_meets_each_of_its_inflections(text: str, tmp_path: Path) -> None:
    frame = pd.DataFrame({"клиент": [f"к{i}" for i in range(60)],
                          "способ_оплаты": ["карта", "наличные", "СБП"] * 20,
                          "сумма": range(60)})
    frame.to_csv(tmp_path / "оплаты.csv", index=False)
    data = load(tmp_path / "оплаты.csv")
    [call] = interpret(text, InterpreterContext(schema=data.schema)).calls
    assert call.args["condition"] == {"type": "in", "column": "способ_оплаты",
                                      "values": ["наличные"]}


@pytest.mark.parametrize(("text", "city"), [
    ("customers in Guangzhou", "广州"), ("клиенты из Пекина", "北京"), ("广州的客户", "广州"),
    ("customers from Kazan", "Казань")])
def test_a_city_written_in_another_language_meets_the_data(text: str, city: str,
                                                           tmp_path: Path) -> None:
    cities = ["广州", "北京", "上海", "深圳"] if city != "Казань" else ["Казань", "Москва",
                                                                 "Самара", "Пермь"]
    frame = pd.DataFrame({"客户": [f"c{i}" for i in range(40)], "城市": cities * 10,
                          "消费": range(40)})
    frame.to_csv(tmp_path / "cities.csv", index=False)
    data = load(tmp_path / "cities.csv")
    [call] = interpret(text, InterpreterContext(schema=data.schema)).calls
    assert call.args["condition"] == {"type": "in", "column": "城市", "values": [city]}


@pytest.mark.parametrize("text", ["абоненты с тарифом Unlim", "subscribers on the Unlim tariff"])
def test_a_tariff_is_the_plan_not_the_charge(text: str, tmp_path: Path) -> None:
    frame = pd.DataFrame({"subscriber_id": [f"S{i}" for i in range(40)],
                          "tariff": ["Unlim", "Smart 10"] * 20,
                          "monthly_charge": [30.0 + i for i in range(40)]})
    frame.to_csv(tmp_path / "telecom.csv", index=False)
    data = load(tmp_path / "telecom.csv")
    [call] = interpret(text, InterpreterContext(schema=data.schema)).calls
    assert call.args["condition"] == {"type": "in", "column": "tariff", "values": ["Unlim"]}


@pytest.mark.parametrize(("text", "op"), [
    ("customers who haven't bought since March 2024", "<"),
    ("customers who bought since March 2024", ">="),
    ("customers who have not ordered since March 2024", "<"),
    ("клиенты, которые не покупали с марта 2024", "<"),
    ("клиенты, которые покупали с марта 2024", ">="),
    ("2024年3月以来没有购买的客户", "<"), ("2024年3月以来购买过的客户", ">="),
    # a month without a year: the latest one before the as-of date (the data ends in June)
    ("customers who haven't bought since March", "<"),
    ("клиенты, которые не покупали с марта", "<")])
def test_a_negated_since_takes_the_other_side_of_the_date(text: str, op: str,
                                                          tmp_path: Path) -> None:
    from tools.engine.loading import load_customer_data

    rows = [{"order": f"O{n}", "customer": f"C{n % 40}",
             "date": f"2024-{1 + n % 6:02d}-{1 + n % 27:02d}", "amount": 10 + n}
            for n in range(240)]
    pd.DataFrame(rows).to_csv(tmp_path / "orders.csv", index=False)
    data = load_customer_data(tmp_path / "orders.csv")
    context = InterpreterContext(schema=data.schema, as_of=data.source.as_of)
    [call] = interpret(text, context).calls
    assert call.args["condition"] == {"type": "compare", "column": "last_purchase", "op": op,
                                      "value": "2024-03-01"}, text


@pytest.mark.parametrize(("text", "expected"), [
    # "每月" with the word after it names the monthly charge, not the month-to-month plan
    ("每月费用超过60的用户", {"type": "compare", "column": "monthly_charge", "op": ">",
                          "value": 60}),
    ("month-to-month customers", {"type": "in", "column": "contract",
                                  "values": ["month-to-month"]})])
def test_a_word_of_a_value_and_of_a_measure_is_read_by_its_neighbour(
        text: str, expected: dict[str, object], tmp_path: Path) -> None:
    frame = pd.DataFrame({"subscriber_id": [f"S{i}" for i in range(40)],
                          "contract": ["month-to-month", "1 year", "2 year", "1 year"] * 10,
                          "monthly_charge": [30.0 + 2 * i for i in range(40)]})
    frame.to_csv(tmp_path / "telecom.csv", index=False)
    data = load(tmp_path / "telecom.csv")
    [call] = interpret(text, InterpreterContext(schema=data.schema)).calls
    assert call.args["condition"] == expected
