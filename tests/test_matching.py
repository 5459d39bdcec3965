"""'Did you mean': typos, case and words inside longer names find the real name."""

from __future__ import annotations

from tools.engine.matching import nearest

COLUMNS = ["Year_Birth", "Education", "Marital_Status", "Income", "Kidhome", "MntWines",
           "Annual Income (k$)", "Spending Score (1-100)", "Country", "monetary", "recency_days"]
COUNTRIES = ["United Kingdom", "Germany", "France", "EIRE", "Spain", "Netherlands"]


def test_a_typo_finds_the_one_close_column() -> None:
    assert nearest("contry", COLUMNS) == ["Country"]
    assert nearest("educaton", COLUMNS) == ["Education"]


def test_a_typo_finds_the_value() -> None:
    assert nearest("germny", COUNTRIES) == ["Germany"]
    assert nearest("frnace", COUNTRIES) == ["France"]


def test_case_is_ignored_and_the_exact_name_comes_first() -> None:
    assert nearest("INCOME", COLUMNS)[0] == "Income"
    assert nearest("income", COLUMNS)[:2] == ["Income", "Annual Income (k$)"]


def test_a_word_inside_a_longer_name_finds_it() -> None:
    assert nearest("marital", COLUMNS) == ["Marital_Status"]
    assert nearest("wine", COLUMNS) == ["MntWines"]
    assert nearest("spending score", COLUMNS) == ["Spending Score (1-100)"]
    assert nearest("recency", COLUMNS) == ["recency_days"]


def test_nothing_close_gives_nothing() -> None:
    assert nearest("xyz", COLUMNS) == []
    assert nearest("", COLUMNS) == []
    assert nearest("kids", ["ID", "Age"]) == []


def test_matching_is_lexical_not_semantic() -> None:
    assert "monetary" not in nearest("spend", COLUMNS)


def test_n_limits_and_duplicates_are_dropped() -> None:
    assert nearest("income", COLUMNS, n=1) == ["Income"]
    assert nearest("germany", ["Germany", "Germany", "germany"]) == ["Germany", "germany"]
    assert nearest("germany", COUNTRIES, n=0) == []


def test_result_is_deterministic_whatever_the_iterable() -> None:
    first = nearest("in", COLUMNS)
    assert nearest("in", iter(COLUMNS)) == first
    assert nearest("in", tuple(COLUMNS)) == first
