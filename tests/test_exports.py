"""Exports a channel can import: members, email-tool layouts, hashed audiences, YAML records."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer
import yaml
from typer.testing import CliRunner

from assistant.cli_report import register
from tools.audiences import hashed_audience, layout_frame, personal_columns
from tools.engine.definitions import Compare, RfmSegment, SegmentDefinition
from tools.engine.errors import EngineError
from tools.engine.evaluate import evaluate
from tools.engine.loading import load_customer_data
from tools.exporting import ExportRecord, export_members, sidecar_path

PEOPLE = """customer_id,Email,First Name,Last Name,Phone,Country,Spend
1,  Alice@Example.COM ,Alice,Smith,+44 20 7946 0001,UK,120
2,bob@example.com,Bob,<script>alert(1)</script>,+44 20 7946 0002,France,800
3,carol@example.org,Carol,Brown,+44 20 7946 0003,UK,950
4,,Dan,White,+44 20 7946 0004,Germany,600
5, EVE@example.net,Eve,Black,+44 20 7946 0005,UK,1500
6,BOB@Example.com ,Bobby,Jones,+44 20 7946 0006,France,700
7,not-an-email,Fay,Green,+44 20 7946 0007,UK,90
8,gus@example.com,Gus,Grey,+44 20 7946 0008,Spain,2000
"""


@pytest.fixture
def people(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """The segment command (only the report commands here)."""

    register(app)
    return app


def invoke(app: typer.Typer, workspace: Path, *args: str | Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*map(str, args), "--workspace", str(workspace)])
    return result.exit_code, result.stdout, result.stderr


def ids_of(mask: pd.Series) -> list[Any]:
    return sorted(mask.index[mask.to_numpy()].tolist())


def test_members_reread_to_the_segment_with_a_yaml_record(retail: Any, tmp_path: Path) -> None:
    condition = RfmSegment(segments=["Champions"])
    mask = evaluate(condition, retail)
    record = ExportRecord(segment="Champions", description="the RFM segment Champions",
                          definition=SegmentDefinition(name="Champions", condition=condition))
    moment = datetime(2026, 11, 23, 17, 30, tzinfo=UTC)
    for suffix in ("csv", "parquet", "xlsx"):
        out = export_members(retail, mask, tmp_path / f"champions.{suffix}",
                             columns=["monetary", "country"], record=record, now=moment)
        frame = (pd.read_csv(out) if suffix == "csv" else pd.read_parquet(out)
                 if suffix == "parquet" else pd.read_excel(out))
        assert list(frame.columns) == ["customer_id", "monetary", "Country"]
        assert sorted(frame["customer_id"].tolist()) == ids_of(mask)
        expected = retail.customers.loc[frame["customer_id"].to_numpy(), "monetary"]
        assert frame["monetary"].to_numpy() == pytest.approx(expected.to_numpy())
        sidecar = yaml.safe_load(sidecar_path(out).read_text(encoding="utf-8"))
        assert sidecar["size"] == int(mask.sum()) == len(frame)
        assert sidecar["exported_at"] == "2026-11-23T17:30:00Z"
        assert SegmentDefinition.from_data(sidecar["definition"]).condition == condition
        assert sidecar["source"]["sha256"] == retail.source.content_hash
        assert sidecar["columns"] == ["customer_id", "monetary", "Country"]
        assert sidecar["file"]["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()


def test_an_unknown_column_names_the_nearest(retail: Any, tmp_path: Path) -> None:
    mask = evaluate(RfmSegment(segments=["Champions"]), retail)
    with pytest.raises(EngineError) as raised:
        export_members(retail, mask, tmp_path / "x.csv", columns=["monetery"])
    assert "monetary" in raised.value.options and "\n" not in raised.value.message
    assert not (tmp_path / "x.csv").exists()


def test_email_tool_layouts(people: Path) -> None:
    data = load_customer_data(people)
    found = personal_columns(data)
    assert (found.email, found.first_name, found.last_name, found.phone) == (
        "Email", "First Name", "Last Name", "Phone")
    mask = evaluate(Compare(column="Spend", op=">", value=500), data)
    mailchimp = layout_frame(data, mask, "mailchimp")
    assert list(mailchimp.columns) == ["Email Address", "First Name", "Last Name"]
    # Dan has no email; Bob and Bobby share one address after normalising
    assert mailchimp["Email Address"].tolist() == ["bob@example.com", "carol@example.org",
                                                    "eve@example.net", "gus@example.com"]
    for layout in ("klaviyo", "hubspot"):
        frame = layout_frame(data, mask, layout)
        assert list(frame.columns) == ["Email", "First Name", "Last Name", "Phone Number"]
        assert frame.loc[frame["Email"] == "carol@example.org", "Phone Number"].item() == (
            "+44 20 7946 0003")
        assert frame.loc[frame["Email"] == "bob@example.com", "Last Name"].item() == (
            "<script>alert(1)</script>")


def test_hashed_audience_is_rederived_from_the_source_emails(people: Path) -> None:
    data = load_customer_data(people)
    mask = evaluate(Compare(column="Spend", op=">", value=100), data)
    audience = hashed_audience(data, mask)
    raw = pd.read_csv(people, dtype=str)
    spend = raw["Spend"].astype(int)
    emails = {e.strip().lower() for e in raw.loc[spend > 100, "Email"].dropna()
              if "@" in e}
    assert set(audience["email_sha256"]) == {hashlib.sha256(e.encode()).hexdigest()
                                             for e in emails}
    assert len(audience) == 5  # bob twice, dan none, fay under 100 (and invalid)


def test_no_email_column_is_a_one_line_error(mall: Any) -> None:
    mask = pd.Series(True, index=mall.customers.index)
    with pytest.raises(EngineError) as raised:
        layout_frame(mall, mask, "mailchimp")
    assert "no email column" in raised.value.message and "\n" not in raised.value.message
    with pytest.raises(EngineError):
        hashed_audience(mall, mask)


def test_export_audience_command(app: typer.Typer, people: Path, tmp_path: Path) -> None:
    workspace = tmp_path / ".segment"
    definition = tmp_path / "big.yaml"
    definition.write_text("name: big spenders\ncondition:\n  type: compare\n  column: Spend\n"
                          "  op: '>'\n  value: 500\n", encoding="utf-8")
    out = tmp_path / "out" / "big.csv"
    code, stdout, stderr = invoke(app, workspace, "export-audience", definition, "--data",
                                  people, "--layout", "hubspot", "--out", out, "--json")
    assert code == 0, stderr
    result = json.loads(stdout)
    assert result["members"] == 6 and result["rows"] == 4
    frame = pd.read_csv(out)
    assert frame.columns.tolist() == ["Email", "First Name", "Last Name", "Phone Number"]
    sidecar = yaml.safe_load(Path(result["record"]).read_text(encoding="utf-8"))
    assert sidecar["layout"] == "hubspot" and sidecar["size"] == 6
    assert sidecar["definition"]["condition"]["column"] == "Spend"
    assert "500" in sidecar["description"] and sidecar["segment"] == "big spenders"
    # the definition file beside the export is left alone
    assert definition.read_text(encoding="utf-8").startswith("name: big spenders")

    hashed = tmp_path / "ads.parquet"
    code, _, stderr = invoke(app, workspace, "export-audience", "all", "--data", people,
                             "--layout", "hashed", "--out", hashed)
    assert code == 0, stderr
    assert len(pd.read_parquet(hashed)) == 5  # 8 customers, 5 distinct valid emails

    members = tmp_path / "members.xlsx"
    code, _, stderr = invoke(app, workspace, "export-audience", definition, "--data", people,
                             "--columns", "country,spend", "--out", members)
    assert code == 0, stderr
    assert pd.read_excel(members).columns.tolist() == ["customer_id", "Country", "Spend"]


def test_export_audience_refusals(app: typer.Typer, people: Path, datasets_dir: Path,
                                  tmp_path: Path) -> None:
    workspace = tmp_path / ".segment"
    code, _, stderr = invoke(app, workspace, "export-audience", "all", "--data",
                             datasets_dir / "mall_customers.csv", "--layout", "mailchimp",
                             "--out", tmp_path / "m.csv")
    assert code == 1 and stderr.startswith("error: ") and "email" in stderr
    assert len(stderr.strip().splitlines()) == 1
    code, _, stderr = invoke(app, workspace, "export-audience", "all", "--data", people,
                             "--layout", "klaviyo", "--columns", "Spend",
                             "--out", tmp_path / "k.csv")
    assert code == 1 and "--columns" in stderr
    code, _, stderr = invoke(app, workspace, "export-audience", "all", "--data", people,
                             "--out", tmp_path / "k.txt")
    assert code == 1 and ".csv" in stderr


def test_the_assistants_export_records_its_definition(retail: Any, tmp_path: Path) -> None:
    from tools.library import SegmentLibrary
    from tools.toolkit import Toolkit

    toolkit = Toolkit(retail, SegmentLibrary(tmp_path), export_dir=tmp_path / "exports")
    toolkit.call("define_segment", {"condition": {"type": "rfm_segment",
                                                  "segments": ["Champions"]}})
    result = toolkit.call("export_segment", {"path": "vip.parquet"})
    written = Path(result.summary["path"])
    sidecar = yaml.safe_load(sidecar_path(written).read_text(encoding="utf-8"))
    assert sidecar["size"] == 632 == len(pd.read_parquet(written))
    assert sidecar["definition"]["condition"] == {"type": "rfm_segment",
                                                  "segments": ["Champions"]}
    assert "Champions" in sidecar["description"]


def test_formula_text_is_neutralised_in_spreadsheet_exports(tmp_path: Path) -> None:
    from tools.engine.loading import load_customer_data
    from tools.exporting import export_members

    source = tmp_path / "people.csv"
    source.write_text("id,note,spend\n1,=HYPERLINK(\"http://x\"),5\n2,plain,7\n3,@SUM(A1),9\n")
    data = load_customer_data(source)
    mask = pd.Series(True, index=data.customers.index)
    written = export_members(data, mask, tmp_path / "out.csv")
    notes = pd.read_csv(written)["note"].tolist()
    assert notes == ["'=HYPERLINK(\"http://x\")", "plain", "'@SUM(A1)"]
