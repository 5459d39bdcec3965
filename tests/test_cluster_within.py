"""Clusters of a segment (`Cluster.within`): engine, toolkit, interpreter and the CLI.

"Customers from Germany", then "split them into groups": the groups are groups of
the German customers, fitted on them alone, and nobody outside is in any group.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.core import Assistant
from tools.engine.cluster_model import CustomerClustering
from tools.engine.clustering import cluster_labels, fit_clustering, summarise
from tools.engine.definitions import Cluster, In, SegmentDefinition
from tools.engine.describe import describe
from tools.engine.errors import DefinitionError
from tools.engine.evaluate import evaluate, validate
from tools.engine.sql import to_sql
from tools.toolkit import Toolkit

REPO = Path(__file__).resolve().parent.parent
RFM = ["recency_days", "frequency", "monetary"]
GERMANY = In(column="Country", values=["Germany"])
OLD_YAML = """name: mid spenders
condition:
  type: cluster
  features:
  - recency_days
  - frequency
  - monetary
  k: 3
  clusters:
  - 1
  random_state: 0
notes: saved before clusters could be fitted within a segment
"""


def germany(retail: Any) -> Any:
    return retail.customers["Country"] == "Germany"


# --- engine --------------------------------------------------------------------------------

def test_a_clustering_is_fitted_on_the_population_only(retail: Any) -> None:
    mask = germany(retail)
    model = fit_clustering(retail, RFM, 3, population=mask)
    alone = CustomerClustering(features=RFM, k=3).fit(retail.customers[mask.to_numpy()])
    assert len(model.labels_) == int(mask.sum())
    assert model.labels_.tolist() == alone.labels_.tolist()
    whole = fit_clustering(retail, RFM, 3)
    assert whole is not model and len(whole.labels_) == retail.n_customers
    labels = cluster_labels(retail, RFM, 3, population=mask)
    assert labels.index.equals(retail.customers.index[mask.to_numpy()])
    summary = summarise(retail, model, mask)
    assert summary.n_customers == int(mask.sum())
    assert sum(c.size for c in summary.clusters) == int(mask.sum())


def test_customers_outside_within_are_in_no_cluster(retail: Any) -> None:
    mask = germany(retail)
    everything = evaluate(Cluster(features=RFM, k=3, clusters=[0, 1, 2], within=GERMANY),
                          retail)
    assert everything.equals(mask.rename(None))
    for cluster in range(3):
        members = evaluate(Cluster(features=RFM, k=3, clusters=[cluster], within=GERMANY),
                           retail)
        assert members.sum() > 0 and not (members & ~mask).any()
    # The same settings without `within` cluster everyone, with other groups.
    whole = evaluate(Cluster(features=RFM, k=3, clusters=[0, 1, 2]), retail)
    assert int(whole.sum()) == retail.n_customers


def test_too_small_a_population_is_a_one_line_error(retail: Any) -> None:
    import pandas as pd

    mask = retail.customers.index.isin(retail.customers.index[:2])
    with pytest.raises(DefinitionError) as caught:
        fit_clustering(retail, RFM, 3, population=pd.Series(mask, index=retail.customers.index))
    assert "2 customers" in caught.value.message and "\n" not in caught.value.message


def test_yaml_round_trips_with_and_without_within() -> None:
    old = SegmentDefinition.from_yaml(OLD_YAML)
    assert isinstance(old.condition, Cluster) and old.condition.within is None
    assert old.to_yaml() == OLD_YAML  # an old file keeps its meaning and its bytes
    assert "within" not in old.condition.model_dump()
    assert "within" not in old.condition.model_dump_json()
    nested = Cluster(features=RFM, k=2, clusters=[0], within=GERMANY)
    outer = Cluster(features=RFM, k=3, clusters=[1, 2], within=nested)
    text = SegmentDefinition(name="german groups", condition=outer).to_yaml()
    assert "within:" in text
    again = SegmentDefinition.from_yaml(text)
    assert again.condition == outer


def test_validate_describe_and_canonical(retail: Any) -> None:
    from tools.engine.canonical import canonical

    typed = Cluster(features=RFM, k=4, clusters=[2], within=In(column="country",
                                                                values=["germany"]))
    fixed = canonical(typed, retail)
    assert isinstance(fixed, Cluster) and fixed.within == GERMANY
    text = describe(fixed, retail)
    assert text.startswith("in cluster 2 of 4 within: Country is Germany")
    bad = Cluster(features=RFM, k=3, clusters=[0], within=In(column="Contry",
                                                              values=["Germany"]))
    with pytest.raises(DefinitionError) as caught:
        validate(bad, retail)
    assert "Country" in caught.value.message or "Country" in caught.value.options


def test_sql_says_within_is_not_compiled_yet() -> None:
    with pytest.raises(DefinitionError) as caught:
        to_sql(Cluster(features=RFM, k=3, clusters=[0], within=GERMANY), table="customers")
    assert "within a segment" in caught.value.message and "\n" not in caught.value.message


def test_assignment_sql_assigns_only_the_within_members(retail: Any) -> None:
    import duckdb

    from tools.engine.cluster_sql import assignment_sql
    from tools.engine.sql import column_kinds

    mask = germany(retail)
    model = fit_clustering(retail, RFM, 3, population=mask)
    query = assignment_sql(model, table="customers", within=In(column="Country",
                                                                 values=["germany"]),
                           kinds=column_kinds(retail.customers))
    connection = duckdb.connect()
    connection.register("customers", retail.customers.reset_index())
    found = connection.execute(query).df().set_index("customer_id")["cluster"]
    connection.close()
    labels = cluster_labels(retail, RFM, 3, population=mask)
    assert found.index.tolist() == sorted(labels.index.tolist())
    assert (found.reindex(labels.index).to_numpy() == labels.to_numpy()).all()
    assert "WHERE" in assignment_sql(model, table="ANALYTICS.CUSTOMERS", dialect="snowflake",
                                     within=GERMANY)


# --- toolkit -------------------------------------------------------------------------------

def test_toolkit_splits_the_current_segment(retail: Any) -> None:
    toolkit = Toolkit(retail)
    mask = germany(retail)
    toolkit.call("define_segment", {"condition": {"type": "in", "column": "Country",
                                                  "values": ["germany"]}})
    groups = toolkit.call("cluster", {"k": 3, "within_segment": True})
    assert groups.ok, groups.message
    assert "within the current segment" in groups.message
    assert groups.summary["within"]["size"] == int(mask.sum())
    assert groups.summary["n_customers"] == int(mask.sum())
    assert sum(c["size"] for c in groups.summary["clusters"]) == int(mask.sum())
    # Aggregates only: no customer id appears in what a model would see.
    shown = json.dumps(groups.summary)
    assert not any(f'"{i}"' in shown for i in retail.customers.index[mask.to_numpy()][:20])
    for group in groups.summary["clusters"]:
        rule = SegmentDefinition.from_data({"condition": group["rule"]}).condition
        assert not (evaluate(rule, retail) & ~mask).any()  # the rule stays in Germany
    chosen = toolkit.call("select_cluster", {"cluster": 1})
    assert chosen.ok and chosen.summary["definition"]["within"]["values"] == ["Germany"]
    ids = set(toolkit.member_ids())
    german = {str(i) for i in retail.customers.index[mask.to_numpy()]}
    assert ids and ids <= german
    assert len(ids) == groups.summary["clusters"][1]["size"]


def test_toolkit_within_needs_a_big_enough_segment(retail: Any) -> None:
    toolkit = Toolkit(retail)
    missing = toolkit.call("cluster", {"within_segment": True})
    assert not missing.ok and "no current segment" in missing.message
    assert "\n" not in missing.message
    toolkit.call("define_segment", {"condition": {"type": "rank", "column": "monetary",
                                                  "n": 3}})
    small = toolkit.call("cluster", {"k": 4, "within_segment": True})
    assert not small.ok and "3 customers" in small.message
    whole = toolkit.call("cluster", {"k": 2})
    assert whole.ok and whole.summary["n_customers"] == retail.n_customers
    assert "within" not in whole.summary
    chosen = toolkit.call("select_cluster", {"cluster": 0})
    assert chosen.ok and "within" not in chosen.summary["definition"]


# --- interpreter, through the assistant ----------------------------------------------------

def test_split_them_into_groups_splits_the_segment(retail: Any, tmp_path: Path) -> None:
    bot = Assistant(retail, workspace=tmp_path / ".segment")
    mask = germany(retail)
    defined = bot.ask("customers from Germany").segment
    assert defined is not None and defined["size"] == int(mask.sum())
    turn = bot.ask("split them into groups")
    (result,) = turn.results
    assert result.tool == "cluster" and result.ok
    assert result.summary["n_customers"] == int(mask.sum())
    assert "within the current segment" in turn.reply
    from rich.console import Console

    from assistant.chat_render import cluster_table

    console = Console(record=True, width=200)
    console.print(cluster_table(result.summary))
    assert f"within the current segment ({int(mask.sum()):,} customers" in console.export_text()
    picked = bot.ask("show me group 0")
    assert picked.segment is not None and 0 < picked.segment["size"] < int(mask.sum())
    german = {str(i) for i in retail.customers.index[mask.to_numpy()]}
    assert set(bot.member_ids()) <= german
    everyone = bot.ask("split all customers into groups")
    assert everyone.results[0].summary["n_customers"] == retail.n_customers


def test_without_a_segment_them_means_everyone(retail: Any, tmp_path: Path) -> None:
    bot = Assistant(retail, workspace=tmp_path / ".segment")
    turn = bot.ask("split them into 2 groups")
    assert turn.results[0].ok and turn.results[0].summary["n_customers"] == retail.n_customers


def test_a_resumed_session_remembers_the_last_clustering(retail: Any, tmp_path: Path) -> None:
    workspace = tmp_path / ".segment"
    first = Assistant(retail, workspace=workspace, session="q4")
    first.ask("customers from Germany")
    groups = first.ask("split them into 3 groups").results[0]
    assert groups.ok
    resumed = Assistant(retail, workspace=workspace, session="q4")
    picked = resumed.ask("show me group 1")
    assert picked.segment is not None, picked.reply
    assert picked.segment["size"] == groups.summary["clusters"][1]["size"]
    assert picked.segment["definition"]["within"]["values"] == ["Germany"]
    fresh = Assistant(retail, workspace=workspace, session="other")
    assert fresh.ask("show me group 1").segment is None  # no clustering in that session


def test_a_damaged_saved_clustering_is_dropped(retail: Any, tmp_path: Path) -> None:
    from assistant.sessions import SessionRecord, SessionStore

    workspace = tmp_path / ".segment"
    SessionStore(workspace).save(SessionRecord(name="q4", state={
        "current": None, "clustering": {"features": ["recency_days"], "k": "many"}}))
    resumed = Assistant(retail, workspace=workspace, session="q4")
    assert resumed.toolkit.last_clustering is None
    assert resumed.ask("split customers into 2 groups").results[0].ok


# --- CLI -----------------------------------------------------------------------------------

def test_cli_ask_gives_groups_of_the_segment(datasets_dir: Path, tmp_path: Path) -> None:
    entry = Path(sys.executable).parent / "segment"
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "assistant.cli"]
    ids_file = tmp_path / "ids.csv"
    environment = {**os.environ, "PYTHONPATH": str(REPO),
                   "SEGMENT_WORKSPACE": str(tmp_path / "ws")}
    done = subprocess.run(
        [*command, "ask", "female customers, then split them into 3 groups, then show me "
         "group 0", "--data", str(datasets_dir / "mall_customers.csv"), "--json",
         "--ids-out", str(ids_file)],
        capture_output=True, text=True, cwd=tmp_path, env=environment, timeout=300)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    definition = answer["segment"]["definition"]
    assert definition["type"] == "cluster" and definition["within"]["values"] == ["Female"]
    import pandas as pd

    mall = pd.read_csv(datasets_dir / "mall_customers.csv")
    female = set(mall.loc[mall["Genre"] == "Female", "CustomerID"].astype(int))
    ids = {int(line) for line in ids_file.read_text().split()[1:]}
    assert ids and ids <= female and len(ids) == answer["segment"]["size"]


def test_whole_base_compare_definitions_still_evaluate(retail: Any) -> None:
    # A Cluster inside an `and` still combines as before.
    both = SegmentDefinition.from_data({"condition": {"type": "and", "all": [
        GERMANY.model_dump(), Cluster(features=RFM, k=2, clusters=[0]).model_dump()]}})
    plain = evaluate(Cluster(features=RFM, k=2, clusters=[0]), retail) & germany(retail)
    assert evaluate(both.condition, retail).equals(plain.rename(None))
