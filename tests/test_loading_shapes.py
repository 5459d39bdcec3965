"""Real-world log shapes the loader recognises: customers keyed by name, logs without an
amount, and status columns that mark cancelled orders (in several languages)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import tools.engine.loading as loading
from tools.engine.behaviour import require_behaviour_columns
from tools.engine.clustering import fit_clustering
from tools.engine.dataset import AVG_ORDER_VALUE, FREQUENCY, MONETARY, RECENCY, TENURE
from tools.engine.definitions import Compare, Rank, RfmScore
from tools.engine.errors import DataError
from tools.engine.evaluate import evaluate
from tools.engine.loading import NO_AMOUNT_NOTE, load_customer_data
from tools.engine.rfm import monetary_note, rfm_summary, rfm_table
from tools.engine.scan import scan_parquet
from tools.engine.schema import DataKind, Role
from tools.tool_summaries import data_summary


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _removed(data: loading.CustomerData) -> dict[str, int]:
    return {step.rule: step.rows_removed for step in data.source.cleaning}


# 1. Customers keyed by name ----------------------------------------------------------------


NAMES_LOG = ("Buyer Full Name,Purchase Date,Net Total\n"
             "Ilse Varga,2023-02-01,40\nTomas Reyes,2023-02-03,15\nIlse Varga,2023-03-10,25\n"
             "Noor Haddad,2023-03-11,60\nTomas Reyes,2023-03-12,5\nIlse Varga,2023-04-01,10\n")


def test_an_order_log_keyed_by_customer_name_uses_the_name_as_key(tmp_path: Path) -> None:
    data = load_customer_data(_write(tmp_path / "names.csv", NAMES_LOG))
    assert data.kind is DataKind.TRANSACTIONS
    assert data.n_customers == 3
    key = data.source.raw_schema.column("Buyer Full Name")
    assert key is not None and key.role is Role.CUSTOMER_ID
    assert "used as the customer key" in key.reason and "personal data" in key.reason
    assert key.personal_kind == "name" and key.values == ()
    assert data.customers.loc["Ilse Varga", FREQUENCY] == 3
    assert data.customers.loc["Tomas Reyes", MONETARY] == 20.0
    # The names are the key, never a column a model is told about.
    shown = json.dumps(data_summary(data), default=str)
    assert not any(name in shown for name in ("Ilse", "Tomas", "Noor"))


def test_a_bare_client_column_of_names_is_the_key_and_said_to_be_names(tmp_path: Path) -> None:
    data = load_customer_data(_write(tmp_path / "c.csv", "client,date,total\nAda Moss,"
                                     "2024-01-02,9.5\nBen Ode,2024-01-03,3\nAda Moss,"
                                     "2024-02-02,1.5\n"))
    key = data.source.raw_schema.column("client")
    assert key is not None and key.role is Role.CUSTOMER_ID and key.personal_kind == "name"
    assert "used as the customer key" in key.reason
    assert data.customers[MONETARY].to_dict() == {"Ada Moss": 11.0, "Ben Ode": 3.0}


def test_a_customer_table_with_one_pair_of_namesakes_stays_a_customer_table(
        tmp_path: Path) -> None:
    rows = [f"Person {chr(65 + i)}{chr(97 + i)},19{60 + i}-05-0{1 + i % 9},{20 + i}"
            for i in range(25)]
    rows.append("Person Aa,1990-01-01,33")  # a namesake, born on another day
    data = load_customer_data(_write(tmp_path / "people.csv",
                                     "Full Name,Birthday,Age\n" + "\n".join(rows) + "\n"))
    assert data.kind is DataKind.CUSTOMERS and data.n_customers == 26
    name = data.schema.column("Full Name")
    assert name is not None and name.role is Role.PERSONAL


# 2. A log with only a customer and a date --------------------------------------------------


VISITS = ("member_no,visit_day\n7,2024-03-01\n7,2024-03-05\n9,2024-03-02\n7,2024-03-05\n"
          "9,2024-03-20\n11,2024-03-21\n")


def test_a_log_without_amount_loads_with_recency_frequency_and_tenure(tmp_path: Path) -> None:
    data = load_customer_data(_write(tmp_path / "visits.csv", VISITS))
    assert data.kind is DataKind.TRANSACTIONS and data.n_customers == 3
    assert MONETARY not in data.customers.columns
    assert AVG_ORDER_VALUE not in data.customers.columns
    assert data.schema.first(Role.MONETARY) is None
    assert data.customers[RECENCY].to_dict() == {7: 17, 9: 2, 11: 1}
    assert data.customers[FREQUENCY].to_dict() == {7: 2, 9: 2, 11: 1}
    assert data.customers[TENURE].to_dict() == {7: 21, 9: 20, 11: 1}
    assert [step.rule for step in data.source.cleaning] == [
        "rows with no customer id or an unreadable date"]
    assert NO_AMOUNT_NOTE in data.source.warnings


def test_whatever_needs_an_amount_says_how_to_map_one(tmp_path: Path) -> None:
    data = load_customer_data(_write(tmp_path / "visits.csv", VISITS))
    for condition in (Compare(column="monetary", op=">", value=10),
                      Rank(column="avg_order_value", n=10),
                      RfmScore(score="m", low=4, high=5)):
        with pytest.raises(DataError) as caught:
            evaluate(condition, data)
        message = str(caught.value)
        assert "no amount column" in message and "--map amount=COLUMN" in message
        assert "\n" not in message
    with pytest.raises(DataError, match="no amount column"):
        require_behaviour_columns(data, [Role.RECENCY, Role.MONETARY], "Spend bands")
    with pytest.raises(DataError, match="Clustering on 'monetary' needs what customers spent"):
        fit_clustering(data, [MONETARY, FREQUENCY], 2)


def test_rfm_without_amount_scores_r_and_f_and_says_m_is_unavailable(tmp_path: Path) -> None:
    data = load_customer_data(_write(tmp_path / "visits.csv", VISITS))
    table = rfm_table(data)
    assert table["r_score"].to_dict() == {7: 1, 9: 2, 11: 3}
    assert table["f_score"].to_dict() == {7: 2, 9: 3, 11: 1}
    assert table["m_score"].isna().all()
    assert table["rfm_cell"].tolist() == ["12-", "23-", "31-"]
    assert table["rfm_segment"].tolist() == ["Hibernating", "At Risk", "About to Sleep"]
    rows = rfm_summary(data)
    assert sum(row.customers for row in rows) == 3
    assert all(row.revenue_share is None and row.avg_monetary is None for row in rows)
    note = monetary_note(data)
    assert note is not None and "--map amount=COLUMN" in note
    assert evaluate(RfmScore(score="r", low=2, high=5), data).sum() == 2


def test_mapping_an_unrecognised_amount_brings_spend_back(tmp_path: Path) -> None:
    path = _write(tmp_path / "fees.csv", "member_no,visit_day,fee\n7,2024-03-01,4\n"
                                         "7,2024-03-05,6\n9,2024-03-02,5\n")
    without = load_customer_data(path)
    assert MONETARY not in without.customers.columns
    with pytest.raises(DataError) as caught:
        evaluate(Compare(column="monetary", op=">", value=1), without)
    assert caught.value.options == ["fee"]
    mapped = load_customer_data(path, mapping={"amount": "fee"})
    assert mapped.customers[MONETARY].to_dict() == {7: 10.0, 9: 5.0}
    assert rfm_table(mapped)["m_score"].notna().all()


# 3. Status columns that mark cancelled orders (and returns, which stay) ------------------


STATUS_LOG = ("order_ref,shopper_code,placed,gross,fulfilment_status\n"
              "A1,K1,2024-05-01,10,Completed\nA2,K1,2024-05-02,20,Cancelled\n"
              "A3,K2,2024-05-03,30,Returned\nA4,K2,2024-05-04,40,Shipped\n"
              "A5,K3,2024-05-05,50,已取消\nA6,K3,2024-05-06,60,退货\n"
              "A7,K3,2024-05-07,70,Отменён\nA8,K4,2024-05-08,80,Возврат\n"
              "A9,K4,2024-05-09,90,Refunded\nA10,K4,2024-05-10,5,delivered\n"
              "A11,K5,2024-05-11,7,已完成\nA12,K5,2024-05-12,8,Доставлен\n")


def test_cancelled_statuses_in_several_languages_are_excluded_and_returns_kept(
        tmp_path: Path) -> None:
    data = load_customer_data(_write(tmp_path / "status.csv", STATUS_LOG))
    status = data.source.raw_schema.column("fulfilment_status")
    assert status is not None and status.role is Role.STATUS
    # Cancelled, 已取消, Отменён; the returned and refunded orders (Returned, 退货, Возврат,
    # Refunded) are purchases (SEMANTICS.md).
    assert _removed(data)["cancelled orders"] == 3
    assert data.source.rows_kept == 9
    assert data.customers[MONETARY].to_dict() == {"K1": 10.0, "K2": 70.0, "K3": 60.0,
                                                  "K4": 175.0, "K5": 15.0}
    # The status stays, per customer, as a value to ask about.
    assert data.customers.loc["K1", "fulfilment_status"] == "Completed"
    assert data.customers.loc["K3", "fulfilment_status"] == "退货"
    column = data.schema.column("fulfilment_status")
    assert column is not None and column.role is Role.CATEGORY


@pytest.mark.parametrize("word", ["canceled", "VOIDED", "void", "storniert", "annulée",
                                  "anulado", "取消", "作废", "отменено", "Отмена", "скасовано"])
def test_each_cancellation_word_removes_its_line(word: str, tmp_path: Path) -> None:
    data = load_customer_data(_write(tmp_path / "one.csv", (
        "customer_id,date,amount,status\n1,2024-01-01,10,completed\n"
        f"1,2024-01-02,20,{word}\n2,2024-01-03,30,returned\n")))
    assert _removed(data)["cancelled orders"] == 1
    assert data.customers[MONETARY].to_dict() == {1: 10.0, 2: 30.0}


def test_a_status_of_returns_only_removes_nothing(tmp_path: Path) -> None:
    data = load_customer_data(_write(tmp_path / "returns.csv", (
        "order_id,customer_id,date,amount,order_status\n1,1,2024-01-01,10,completed\n"
        "2,1,2024-01-02,20,returned\n3,2,2024-01-03,30,returned\n"
        "4,2,2024-01-04,40,returned\n5,3,2024-01-05,50,completed\n")))
    assert _removed(data)["cancelled orders"] == 0
    assert data.source.rows_kept == 5
    assert data.customers[MONETARY].to_dict() == {1: 30.0, 2: 70.0, 3: 50.0}
    assert data.customers["order_status"].to_dict()[2] == "returned"


def test_a_yes_no_returned_column_keeps_the_returned_lines(tmp_path: Path) -> None:
    data = load_customer_data(_write(tmp_path / "returns.csv", (
        "customer_id,date,amount,is_returned\n1,2024-01-01,10,no\n1,2024-01-02,20,yes\n"
        "2,2024-01-03,30,no\n2,2024-01-04,40,yes\n2,2024-01-05,50,no\n")))
    assert _removed(data).get("cancelled orders", 0) == 0
    assert data.customers[MONETARY].to_dict() == {1: 30.0, 2: 120.0}


def test_a_yes_no_cancelled_column_excludes_the_cancelled_lines(tmp_path: Path) -> None:
    data = load_customer_data(_write(tmp_path / "cancels.csv", (
        "customer_id,date,amount,is_cancelled\n1,2024-01-01,10,no\n1,2024-01-02,20,yes\n"
        "2,2024-01-03,30,no\n2,2024-01-04,40,yes\n2,2024-01-05,50,no\n")))
    assert _removed(data)["cancelled orders"] == 2
    assert data.customers[MONETARY].to_dict() == {1: 10.0, 2: 80.0}


def test_statuses_are_read_alike_on_the_large_parquet_path(tmp_path: Path) -> None:
    lines = pd.read_csv(_write(tmp_path / "status.csv", STATUS_LOG), dtype=str)
    lines["placed"] = pd.to_datetime(lines["placed"])
    lines["gross"] = lines["gross"].astype("float64")
    path = tmp_path / "status.parquet"
    lines.to_parquet(path, index=False)
    ordinary = load_customer_data(path)
    scanned = scan_parquet(path)
    assert scanned is not None
    assert scanned.cleaning == ordinary.source.cleaning
    assert dict((s.rule, s.rows_removed) for s in scanned.cleaning)["cancelled orders"] == 3
    pd.testing.assert_frame_equal(scanned.customers, ordinary.customers)


@pytest.mark.parametrize("text", ["customers who spent over 1000", "members with more than $50",
                                  "клиенты, потратившие больше 5000", "消费超过1000的客户"])
def test_a_spend_request_on_a_log_without_amount_says_there_is_none(
        text: str, tmp_path: Path) -> None:
    from assistant.interpreter import InterpreterContext, interpret

    data = load_customer_data(_write(tmp_path / "visits.csv", VISITS))
    result = interpret(text, InterpreterContext(schema=data.schema))
    assert result.calls == [] and "--map amount=" in (result.clarification or ""), result
    assert result.options == []  # no column is offered in its place
    counted = interpret("members with more than 1 visit", InterpreterContext(schema=data.schema))
    assert counted.calls[0].args["condition"]["column"] == FREQUENCY
