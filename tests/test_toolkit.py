"""The toolkit: validated tool calls, the current segment, undo, safe exports, privacy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tools.engine.loading import load_customer_data
from tools.library import SegmentLibrary
from tools.toolkit import Toolkit

FRANCE = {"type": "in", "column": "Country", "values": ["france"]}
BIG = {"type": "compare", "column": "monetary", "op": ">", "value": 2000}


@pytest.fixture()
def toolkit(retail: Any, tmp_path: Path) -> Toolkit:
    return Toolkit(retail, SegmentLibrary(tmp_path), export_dir=tmp_path / "exports")


def test_define_refine_exclude_undo_reset(toolkit: Toolkit, retail: Any) -> None:
    customers = retail.customers
    france = customers["Country"] == "France"
    big = customers["monetary"] > 2000
    assert toolkit.call("define_segment", {"condition": FRANCE}).summary["size"] == france.sum()
    refined = toolkit.call("define_segment", {"condition": BIG, "mode": "refine"})
    assert refined.summary["size"] == (france & big).sum()
    excluded = toolkit.call("define_segment", {"condition": BIG, "mode": "exclude"})
    assert excluded.ok is False  # France and big and not big: empty, current unchanged
    assert toolkit.current_mask().sum() == (france & big).sum()
    assert toolkit.call("undo").ok
    assert toolkit.current_mask().sum() == france.sum()
    toolkit.call("define_segment", {"condition": BIG, "mode": "exclude"})
    assert toolkit.current_mask().sum() == (france & ~big).sum()
    assert toolkit.call("reset").ok and toolkit.current_mask() is None


def test_bad_calls_come_back_with_options(toolkit: Toolkit) -> None:
    unknown = toolkit.call("drop_everything", {})
    assert not unknown.ok and "define_segment" in unknown.options
    bad_args = toolkit.call("cluster", {"k": "many"})
    assert not bad_args.ok and "k" in bad_args.message
    bad_type = toolkit.call("define_segment", {"condition": {"type": "sql", "q": "x"}})
    assert not bad_type.ok and "compare" in bad_type.options
    typo = toolkit.call("define_segment", {"condition": {"type": "in", "column": "Country",
                                                         "values": ["Germny"]}})
    assert not typo.ok and typo.options == ["Germany"]


def test_describe_data_shows_no_personal_values(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("id,email,plan,spend\n" + "".join(
        f"{i},user{i}@mail.example,{'gold' if i % 3 else 'basic'},{i * 10}\n"
        for i in range(1, 40)))
    toolkit = Toolkit(load_customer_data(path))
    text = json.dumps(toolkit.call("describe_data").summary)
    assert "mail.example" not in text and "gold" in text and '"personal"' in text


def test_exports_stay_in_the_export_folder(toolkit: Toolkit, tmp_path: Path) -> None:
    toolkit.call("define_segment", {"condition": FRANCE})
    result = toolkit.call("export_segment", {"path": "../../outside/evil.parquet"})
    written = Path(result.summary["path"])
    assert written.parent == tmp_path / "exports" and written.suffix == ".parquet"
    frame = pd.read_parquet(written)
    assert sorted(frame["customer_id"].astype(str)) == sorted(toolkit.member_ids())


@pytest.mark.parametrize("first, second", [("法国客户", "德国客户"),
                                           ("клиенты Франции", "клиенты Германии")])
def test_exports_named_in_chinese_or_russian_get_files_of_their_own(
        toolkit: Toolkit, tmp_path: Path, first: str, second: str) -> None:
    toolkit.call("define_segment", {"condition": FRANCE})
    paths = [Path(toolkit.call("export_segment", {"path": f"{name}.csv"}).summary["path"])
             for name in (first, second)]
    assert paths[0] != paths[1]
    assert [path.stem for path in paths] == [first.replace(" ", "-"), second.replace(" ", "-")]
    assert all(path.parent == tmp_path / "exports" for path in paths)
    sneaky = toolkit.call("export_segment", {"path": "..\\..\\../法国/.hidden"})
    assert Path(sneaky.summary["path"]).parent == tmp_path / "exports"
    assert not Path(sneaky.summary["path"]).name.startswith(".")


def test_save_load_and_profile_by_name(toolkit: Toolkit) -> None:
    toolkit.call("define_segment", {"condition": FRANCE})
    assert toolkit.call("save_segment", {"name": "french"}).ok
    toolkit.call("reset")
    loaded = toolkit.call("load_segment", {"name": "french"})
    assert loaded.ok and loaded.summary["size"] == toolkit.current_mask().sum()
    profile = toolkit.call("profile_segment", {"name": "Champions"})
    assert profile.ok and profile.summary["size"] == 632
    missing = toolkit.call("profile_segment", {"name": "Champs"})
    assert not missing.ok and "Champions" in missing.options


def test_a_cluster_becomes_a_segment(mall: Any) -> None:
    toolkit = Toolkit(mall)
    assert not toolkit.call("select_cluster", {"cluster": 0}).ok  # nothing clustered yet
    groups = toolkit.call("cluster", {"features": ["Annual Income (k$)",
                                                   "Spending Score (1-100)"], "k": 5})
    sizes = {c["id"]: c["size"] for c in groups.summary["clusters"]}
    chosen = toolkit.call("select_cluster", {"cluster": 2})
    assert chosen.ok and chosen.summary["size"] == sizes[2]
    assert not toolkit.call("select_cluster", {"cluster": 7}).ok


def test_refining_a_top_segment_keeps_the_top_of_everyone(toolkit: Toolkit,
                                                           retail: Any) -> None:
    customers = retail.customers
    top = toolkit.call("define_segment", {"condition": {
        "type": "rank", "column": "monetary", "direction": "top", "percent": 10}})
    in_top = customers["monetary"].rank(ascending=False, method="first") <= \
        top.summary["size"]
    refined = toolkit.call("define_segment", {"condition": FRANCE, "mode": "refine"})
    assert refined.summary["size"] == (in_top & (customers["Country"] == "France")).sum()
    # ranking inside a segment: French customers, then the top 10 of them
    toolkit.call("define_segment", {"condition": FRANCE})
    ranked = toolkit.call("define_segment", {"condition": {
        "type": "rank", "column": "monetary", "direction": "top", "n": 10}, "mode": "refine"})
    assert ranked.summary["size"] == 10


def test_a_comparison_reply_names_both_segments_and_their_differences(
        toolkit: Toolkit) -> None:
    from assistant.replies import compose_reply

    result = toolkit.call("compare_segments", {"a": "Champions", "b": "At Risk"})
    assert result.summary["names"] == ["Champions", "At Risk"]
    reply = compose_reply([result])
    assert reply.startswith("Champions (632 customers) vs At Risk (596 customers)")
    assert "recency_days" in reply and "0 customers in both." in reply


def test_named_segments_match_like_the_command_line(toolkit: Toolkit) -> None:
    loose = toolkit.call("profile_segment", {"name": "cant lose them"})
    exact = toolkit.call("profile_segment", {"name": "Can't Lose Them"})
    assert loose.ok and loose.summary["size"] == exact.summary["size"] == 63
