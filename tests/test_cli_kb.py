"""`segment kb ...` and `segment campaign` through typer, with the real store and real data."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from assistant.cli_kb import register

EVAL_DIR = Path(__file__).resolve().parent / "eval"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """The segment command (only the knowledge commands here)."""

    register(app)
    return app


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # shared with the other knowledge tests so the store is built once per session
    return tmp_path_factory.getbasetemp() / "knowledge-workspace"


@pytest.fixture(scope="module")
def orders(tmp_path_factory: pytest.TempPathFactory, datasets_dir: Path) -> Path:
    """The first 30,000 order lines of Online Retail: real data, quick to load."""
    path = tmp_path_factory.mktemp("orders") / "orders.csv"
    with gzip.open(datasets_dir / "online_retail.csv.gz", "rt", encoding="utf-8",
                   errors="replace") as source:
        lines = [line for _, line in zip(range(30_001), source, strict=False)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def run(app: typer.Typer, workspace: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--workspace", str(workspace)])
    return result.exit_code, result.stdout, result.stderr


def test_build_twice_reuses_the_index(app: typer.Typer, workspace: Path) -> None:
    run(app, workspace, "kb", "build")
    code, out, _ = run(app, workspace, "kb", "build", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["rebuilt"] is False and report["passages"] > 100
    code, out, _ = run(app, workspace, "kb", "stats", "--json")
    stats = json.loads(out)
    assert stats["built"] and stats["stored_passages"] == stats["passages"]
    assert set(stats["languages"]) == {"en", "zh", "ru"}


def test_search_shows_sources(app: typer.Typer, workspace: Path) -> None:
    code, out, _ = run(app, workspace, "kb", "search", "什么是RFM分析？", "-k", "2", "--json")
    assert code == 0
    hits = json.loads(out)["hits"]
    assert len(hits) == 2
    assert hits[0]["file"] == "zh/rfm-analysis.md" and hits[0]["section"]
    code, out, _ = run(app, workspace, "kb", "search", "RFM", "--lang", "ru")
    assert code == 0 and "ru/" in out


def test_unknown_language_is_one_line_error(app: typer.Typer, workspace: Path) -> None:
    code, _, err = run(app, workspace, "kb", "search", "RFM", "--lang", "fr")
    assert code == 1
    assert err.strip().startswith("error:") and len(err.strip().splitlines()) == 1


def test_eval_reports_hit_rate_per_language(app: typer.Typer, workspace: Path,
                                           tmp_path: Path) -> None:
    code, out, _ = run(app, workspace, "kb", "eval", str(EVAL_DIR / "kb_dev.jsonl"), "--json")
    report = json.loads(out)
    assert code == 0 and report["passed"]
    assert set(report["by_language"]) == {"en", "zh", "ru"}
    impossible = tmp_path / "impossible.jsonl"
    impossible.write_text(json.dumps({"id": "x", "lang": "en", "question": "What is RFM?",
                                      "expect_any_terms": [], "expect_doc": "en-nowhere"}),
                          encoding="utf-8")
    code, out, _ = run(app, workspace, "kb", "eval", str(impossible))
    assert code == 1 and "miss x" in out


def test_campaign_plan_for_an_rfm_segment(app: typer.Typer, workspace: Path, orders: Path,
                                          tmp_path: Path) -> None:
    from tools.engine.loading import load_customer_data
    from tools.engine.rfm import rfm_table

    data = load_customer_data(orders)
    champions = int((rfm_table(data)["rfm_segment"] == "Champions").sum())
    out_file = tmp_path / "plan.md"
    code, out, err = run(app, workspace, "campaign", "Champions", "--data", str(orders),
                         "--out", str(out_file), "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["audience_size"] == champions
    assert plan["control_size"] == int(champions * 0.1 + 0.5)
    assert plan["control_size"] + plan["treated_size"] == champions
    written = out_file.read_text(encoding="utf-8")
    assert written == plan["markdown"]
    assert written.startswith("## Campaign plan: Champions")
    assert "en/playbook-champions.md § Objective" in written


def test_campaign_in_russian_and_unknown_segment(app: typer.Typer, workspace: Path,
                                                 orders: Path) -> None:
    code, out, _ = run(app, workspace, "campaign", "Hibernating", "--data", str(orders),
                       "--lang", "ru")
    assert code == 0 and "План кампании" in out and "Источники" in out
    code, _, err = run(app, workspace, "campaign", "Champyons", "--data", str(orders))
    assert code == 1 and "Champions" in err
    code, _, err = run(app, workspace, "campaign", "all", "--data", str(orders))
    assert code == 1 and "one segment" in err and len(err.strip().splitlines()) == 1


def test_campaign_for_a_yaml_segment_follows_its_largest_rfm_group(
        app: typer.Typer, workspace: Path, orders: Path, tmp_path: Path) -> None:
    definition = tmp_path / "quiet_spenders.yaml"
    definition.write_text(
        "name: quiet big spenders\n"
        "condition:\n"
        "  type: and\n"
        "  all:\n"
        "    - {type: compare, column: recency_days, op: '>', value: 10}\n"
        "    - {type: compare, column: monetary, op: '>', value: 300}\n", encoding="utf-8")
    code, out, err = run(app, workspace, "campaign", str(definition), "--data", str(orders),
                         "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["segment"] == "quiet big spenders"
    # the mix is shown and the playbook followed is the group holding most of the segment
    assert plan["notes"][0].startswith("RFM segments: ")
    shares = [int(part.split("%")[0]) for part in plan["notes"][0][14:].split(", ")]
    assert shares == sorted(shares, reverse=True) and 98 <= sum(shares) <= 102
    followed = next(n for n in plan["notes"] if n.startswith("The plan follows the "))
    largest = plan["notes"][0][14:].split(", ")[0].split(" ", 1)[1]
    assert followed.startswith(f"The plan follows the {largest} playbook")
    assert plan["audience_size"] > 0
    assert plan["control_size"] + plan["treated_size"] == plan["audience_size"]
    assert plan["sources"] and all(s["file"].startswith("en/playbook") for s in plan["sources"])


def test_kb_eval_runs_answer_level_cases(app: typer.Typer, workspace: Path,
                                         tmp_path: Path) -> None:
    from invented_data import bike_log, subscription_table

    cases = Path(__file__).parent / "eval" / "kb_answers_ru.jsonl"
    code, _, err = run(app, workspace, "kb", "eval", str(cases))
    assert code == 1 and "--data" in err and len(err.strip().splitlines()) == 1
    code, out, err = run(app, workspace, "kb", "eval", str(cases), "--json", "--target", "0.5",
                         "--data", str(bike_log(tmp_path)),
                         "--customers", str(subscription_table(tmp_path, money=False)))
    assert code == 0, err
    report = json.loads(out)["answers"]
    assert report["skipped"] == 0 and report["by_language"]["ru"]["cases"] == 20
    assert report["by_language"]["ru"]["pass_rate"] >= 0.9
