"""Many phrasings of the same meaning, generated from templates, must read the same.

Each test crosses a few ways of saying each part of a request (subject, measure,
comparator, amount, time window) and checks every combination gives one condition.
"""

from __future__ import annotations

import itertools
from typing import Any

from interpreter_schemas import campaign_table, mall_table, retail_log, telco_table

from assistant.interpreter import InterpreterContext, interpret

RETAIL = InterpreterContext(schema=retail_log())


def cmp(column: str, op: str, value: Any) -> dict[str, Any]:
    return {"type": "compare", "column": column, "op": op, "value": value}


def same(condition: Any) -> Any:
    """A condition with the order of and/or parts and the spelling of "is X" set aside."""
    if isinstance(condition, list):
        return sorted((same(c) for c in condition), key=repr)
    if not isinstance(condition, dict):
        return condition
    if condition.get("type") == "compare" and condition.get("op") == "==" and \
            isinstance(condition.get("value"), str):
        return {"type": "in", "column": condition["column"], "values": [condition["value"]]}
    return {k: same(v) for k, v in condition.items()}


def misread(cases: list[tuple[str, dict[str, Any]]], context: InterpreterContext,
            mode: str = "new") -> list[str]:
    wrong = []
    for text, expected in cases:
        result = interpret(text, context)
        defines = [c for c in result.calls if c.name == "define_segment"]
        if not defines or defines[0].args["mode"] != mode or \
                same(defines[0].args["condition"]) != same(expected):
            wrong.append(f"{text!r} -> {result.understood or result.clarification}")
    return wrong


def test_money_phrasings() -> None:
    measures = ["spent", "have spent", "generated revenue of", "with total spend",
                "with revenue", "whose sales are", "whose lifetime spend is"]
    comparators = {">": ["more than", "over", "in excess of"], ">=": ["at least"],
                   "<": ["less than", "under"], "<=": ["at most", "no more than"]}
    amounts = {"5000": 5000, "5,000": 5000, "£5,000": 5000, "5k": 5000, "five thousand": 5000}
    cases = []
    for measure, (op, words), (amount, value) in itertools.product(
            measures, comparators.items(), amounts.items()):
        for word in words:
            joiner = " " if measure.startswith(("with", "whose")) else " who "
            cases.append((f"customers{joiner}{measure} {word} {amount}",
                          cmp("monetary", op, value)))
    assert misread(cases, RETAIL) == []


def test_time_window_phrasings() -> None:
    durations = {"30 days": 30, "4 weeks": 28, "3 months": 90, "six months": 180,
                 "a year": 365, "two weeks": 14}
    active = ["bought", "purchased", "ordered", "made a purchase", "placed an order",
              "been active"]
    inactive = ["haven't bought", "have not purchased", "didn't order",
                "haven't made a purchase"]
    cases = []
    for verb, (span, days) in itertools.product(active, durations.items()):
        window = span[2:] if span.startswith("a ") else span
        cases.append((f"customers who {verb} in the last {window}",
                      cmp("recency_days", "<=", days)))
        cases.append((f"customers who {verb} within {span}", cmp("recency_days", "<=", days)))
    for verb, (span, days) in itertools.product(inactive, durations.items()):
        cases.append((f"customers who {verb} in {span}", cmp("recency_days", ">", days)))
        cases.append((f"customers who {verb} for {span}", cmp("recency_days", ">", days)))
    for word, (span, days) in itertools.product(
            ["inactive for", "lapsed for", "with no orders for", "without a purchase in"],
            durations.items()):
        cases.append((f"customers {word} {span}", cmp("recency_days", ">", days)))
    assert misread(cases, RETAIL) == []


def test_order_count_phrasings() -> None:
    cases = []
    for noun, (op, word), (amount, value) in itertools.product(
            ["orders", "purchases", "transactions", "separate orders"],
            [(">", "more than"), (">=", "at least"), ("<", "fewer than"), ("<=", "at most")],
            [("10", 10), ("ten", 10)]):
        cases.append((f"customers with {word} {amount} {noun}", cmp("frequency", op, value)))
        cases.append((f"customers who placed {word} {amount} {noun}",
                      cmp("frequency", op, value)))
    for verb, (op, word) in itertools.product(
            ["ordered", "bought", "purchased"],
            [(">", "more than"), (">=", "at least"), ("<", "less than")]):
        cases.append((f"customers who {verb} {word} 5 times", cmp("frequency", op, 5)))
    assert misread(cases, RETAIL) == []


def test_place_phrasings() -> None:
    germany = {"type": "in", "column": "Country", "values": ["Germany"]}
    not_uk = {"type": "not_in", "column": "Country", "values": ["United Kingdom"]}
    cases = [(t.format(c), germany) for c in ("Germany", "germany", "GERMANY") for t in (
        "customers from {}", "customers in {}", "customers based in {}", "{} customers",
        "customers whose country is {}")]
    cases += [(t, not_uk) for t in (
        "customers outside the UK", "customers not from the UK", "non-UK customers",
        "customers excluding the UK", "all customers except those from the UK")]
    assert misread(cases, RETAIL) == []


def test_follow_up_phrasings() -> None:
    current = InterpreterContext(schema=retail_log(), has_current_segment=True)
    over = cmp("monetary", ">", 2000)
    refine = ["now only those who spent more than 2000", "of these, who spent over 2000?",
              "among them, who spent more than 2000", "which of them spent over 2000?",
              "narrow it down to those who spent over 2000", "how many of them spent over 2000?"]
    exclude = ["exclude those who spent more than 2000", "but not those who spent over 2000",
               "remove the ones who spent over 2000", "leave out the ones that spent over 2000",
               "filter out customers who spent over 2000"]
    assert misread([(t, over) for t in refine], current, "refine") == []
    assert misread([(t, over) for t in exclude], current, "exclude") == []


def test_customer_table_phrasings() -> None:
    mall = InterpreterContext(schema=mall_table())
    cases = []
    for word, value in [("female", "Female"), ("women", "Female"), ("men", "Male")]:
        subject = f"{word} customers" if word == "female" else word
        for age, condition in [("aged between 20 and 35", "between"),
                               ("between 20 and 35 years old", "between"),
                               ("aged 20-35", "between")]:
            cases.append((f"{subject} {age}", {"type": "and", "all": [
                {"type": "in", "column": "Genre", "values": [value]},
                {"type": condition, "column": "Age", "low": 20, "high": 35}]}))
    assert misread(cases, mall) == []
    campaign = InterpreterContext(schema=campaign_table())
    products = [("wine", "MntWines"), ("meat products", "MntMeatProducts"),
                ("fish", "MntFishProducts"), ("sweets", "MntSweetProducts"),
                ("gold", "MntGoldProds"), ("fruit", "MntFruits")]
    cases = [(f"customers who spent more than 500 on {w}", cmp(c, ">", 500))
             for w, c in products]
    cases += [(f"customers with more than 5 {w} purchases", cmp(c, ">", 5)) for w, c in [
        ("store", "NumStorePurchases"), ("web", "NumWebPurchases"), ("online", "NumWebPurchases"),
        ("catalog", "NumCatalogPurchases"), ("deal", "NumDealsPurchases")]]
    assert misread(cases, campaign) == []
    telco = InterpreterContext(schema=telco_table())
    churned = cmp("Churn", "==", "Yes")
    stayed = cmp("Churn", "==", "No")
    cases = [(t, churned) for t in ("churned customers", "customers who churned", "churners",
                                    "customers who left", "customers who cancelled")]
    cases += [(t, stayed) for t in ("customers who did not churn", "retained customers",
                                    "customers who stayed", "customers who are still with us")]
    assert misread(cases, telco) == []


def test_request_frames() -> None:
    bases = [("customers who spent more than 5000", cmp("monetary", ">", 5000)),
             ("customers who haven't ordered in 180 days", cmp("recency_days", ">", 180)),
             ("customers with at least 10 orders", cmp("frequency", ">=", 10))]
    frames = ["Which {b}?", "Can you show me {b}?", "Could you list {b}, please?",
              "I'd like a list of {b}", "How many {b}?", "Please find all {b}.",
              "Find me every one of the {b}", "Do we have any {b}?", "ok so {b}",
              "Hey, can you get me {b}?", "Show me all of our {b}", "I'm interested in {b}"]
    cases = [(frame.format(b=base), expected) for (base, expected), frame in
             itertools.product(bases, frames)]
    assert misread(cases, RETAIL) == []


def test_signup_and_birth_year_phrasings() -> None:
    campaign = InterpreterContext(schema=campaign_table())
    in_2013 = {"type": "and", "all": [cmp("Dt_Customer", ">=", "2013-01-01"),
                                      cmp("Dt_Customer", "<", "2014-01-01")]}
    cases = [(t, in_2013) for t in (
        "customers who joined in 2013", "customers who signed up in 2013",
        "customers who became customers in 2013", "customers acquired in 2013",
        "customers who registered during 2013")]
    cases += [(t, cmp("Dt_Customer", "<", "2013-01-01")) for t in (
        "customers who joined before 2013", "customers who joined prior to 2013")]
    cases += [(t, cmp("Year_Birth", ">", 1980)) for t in (
        "customers born after 1980", "customers whose birth year is after 1980")]
    assert misread(cases, campaign) == []
