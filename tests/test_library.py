"""The segment library: YAML files a team can commit, member snapshots, refresh."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from tools.engine.dataset import SourceInfo
from tools.engine.definitions import And, Compare, In, SegmentDefinition
from tools.engine.errors import EngineError, SegmentNotFound
from tools.engine.schema import DataKind, Schema
from tools.library import SegmentLibrary, slugify


def _definition(name: str | None = "Lapsed VIPs (UK)") -> SegmentDefinition:
    return SegmentDefinition(
        name=name,
        condition=And(all=[Compare(column="recency_days", op=">", value=90),
                           In(column="Country", values=["United Kingdom"])]),
        notes="winback list",
    )


def _source() -> SourceInfo:
    return SourceInfo(path="/data/online_retail.csv.gz", kind=DataKind.TRANSACTIONS,
                      rows_read=10, raw_schema=Schema(kind=DataKind.TRANSACTIONS),
                      content_hash="ab" * 32)


def test_save_show_round_trips_definition_and_members(tmp_path: Path) -> None:
    library = SegmentLibrary(tmp_path)
    info = library.save(_definition(), size=3, member_ids=[12346, 2, 10], source=_source())
    assert info.slug == "lapsed-vips-uk"
    assert (tmp_path / "segments" / "lapsed-vips-uk.yaml").is_file()

    saved = library.show("lapsed vips (uk)")
    assert saved.definition == _definition()
    assert saved.member_ids == ("2", "10", "12346")  # numeric order, not text order
    assert saved.info.size == 3
    assert saved.info.source == "online_retail.csv.gz"
    assert saved.info.source_hash == "ab" * 32
    assert library.names() == ["Lapsed VIPs (UK)"]


def test_file_is_reviewable_yaml_with_header_and_stable_keys(tmp_path: Path) -> None:
    library = SegmentLibrary(tmp_path)
    library.save(_definition(), size=3, member_ids=[1, 2, 3], source=_source())
    text = (tmp_path / "segments" / "lapsed-vips-uk.yaml").read_text()
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("online_retail.csv.gz" in line and "3 customers" in line for line in header)
    data = yaml.safe_load(text)
    assert list(data) == ["name", "notes", "condition", "saved"]
    assert data["saved"]["size"] == 3
    # The member snapshot is kept apart, one id a line.
    members = tmp_path / "segments" / ".members" / "lapsed-vips-uk.txt"
    assert members.read_text() == "1\n2\n3\n"


def test_save_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    library = SegmentLibrary(tmp_path)
    library.save(_definition(), size=1, member_ids=[1])
    with pytest.raises(EngineError, match="already saved"):
        library.save(_definition(), size=2, member_ids=[1, 2])
    library.save(_definition(), size=2, member_ids=[1, 2], overwrite=True)
    assert library.show("Lapsed VIPs (UK)").member_ids == ("1", "2")


def test_save_needs_a_name(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="needs a name"):
        SegmentLibrary(tmp_path).save(_definition(name=None), size=0, member_ids=[])
    info = SegmentLibrary(tmp_path).save(_definition(name=None), size=0, member_ids=[],
                                         name="given")
    assert info.name == "given"


def test_refresh_reports_joined_and_left_and_updates_snapshot(tmp_path: Path) -> None:
    library = SegmentLibrary(tmp_path)
    library.save(_definition(), size=3, member_ids=["a", "b", "c"])
    report = library.refresh("Lapsed VIPs (UK)", ["b", "c", "d", "e"])
    assert (report.before, report.after) == (3, 4)
    assert report.joined == ["d", "e"]
    assert report.left == ["a"]
    assert library.show("Lapsed VIPs (UK)").member_ids == ("b", "c", "d", "e")
    assert library.show("Lapsed VIPs (UK)").info.size == 4
    again = library.refresh("Lapsed VIPs (UK)", ["b", "c", "d", "e"])
    assert again.joined == [] and again.left == []


def test_refresh_accepts_a_boolean_mask(tmp_path: Path) -> None:
    import pandas as pd

    library = SegmentLibrary(tmp_path)
    library.save(_definition(), size=1, member_ids=[1])
    mask = pd.Series([True, False, True], index=pd.Index([1, 2, 3], name="customer_id"))
    report = library.refresh("Lapsed VIPs (UK)", mask)
    assert report.joined == ["3"] and report.left == []


def test_unknown_name_suggests_the_nearest(tmp_path: Path) -> None:
    library = SegmentLibrary(tmp_path)
    library.save(_definition("lapsed vips"), size=0, member_ids=[])
    library.save(_definition("new customers"), size=0, member_ids=[])
    with pytest.raises(SegmentNotFound) as caught:
        library.show("lapsed vip")
    assert caught.value.options[0] == "lapsed vips"
    assert "did you mean" in caught.value.message
    assert "\n" not in caught.value.message


def test_delete_removes_file_and_snapshot(tmp_path: Path) -> None:
    library = SegmentLibrary(tmp_path)
    library.save(_definition(), size=1, member_ids=[1])
    library.delete("Lapsed VIPs (UK)")
    assert library.list() == []
    assert not (tmp_path / "segments" / ".members" / "lapsed-vips-uk.txt").exists()
    with pytest.raises(SegmentNotFound):
        library.delete("Lapsed VIPs (UK)")


def test_corrupt_file_is_reported_by_name_and_never_overwritten(tmp_path: Path) -> None:
    library = SegmentLibrary(tmp_path)
    library.save(_definition("good"), size=0, member_ids=[])
    broken = tmp_path / "segments" / "broken.yaml"
    broken.write_text("name: broken\ncondition: [unclosed\n")
    with pytest.raises(EngineError, match="broken.yaml") as caught:
        library.show("broken")
    assert "\n" not in caught.value.message
    listing = {info.slug: info for info in library.list()}
    assert listing["broken"].problem and not listing["good"].problem
    with pytest.raises(EngineError, match="already saved"):
        library.save(_definition("broken"), size=0, member_ids=[])
    with pytest.raises(EngineError, match="broken.yaml"):
        library.refresh("broken", [1])
    assert broken.read_text() == "name: broken\ncondition: [unclosed\n"


def test_invalid_definition_in_file_names_the_file(tmp_path: Path) -> None:
    library = SegmentLibrary(tmp_path)
    (tmp_path / "segments").mkdir()
    (tmp_path / "segments" / "odd.yaml").write_text(
        "name: odd\ncondition:\n  type: sql\n  query: drop table\n")
    with pytest.raises(EngineError, match="odd.yaml"):
        library.show("odd")


def test_hand_written_file_without_saved_block_loads(tmp_path: Path) -> None:
    (tmp_path / "segments").mkdir()
    (tmp_path / "segments" / "big.yaml").write_text(
        "name: big spenders\ncondition:\n  type: compare\n  column: monetary\n"
        "  op: '>'\n  value: 1000\n")
    saved = SegmentLibrary(tmp_path).show("big")
    assert saved.definition.condition == Compare(column="monetary", op=">", value=1000)
    assert saved.member_ids == ()


def test_save_is_atomic_when_the_write_fails(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    library = SegmentLibrary(tmp_path)
    library.save(_definition(), size=1, member_ids=[1])
    path = tmp_path / "segments" / "lapsed-vips-uk.yaml"
    before = path.read_text()

    def failing_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        library.save(_definition(), size=5, member_ids=[1, 2, 3, 4, 5], overwrite=True)
    monkeypatch.undo()
    assert path.read_text() == before
    leftovers = [p.name for p in (tmp_path / "segments").rglob("*.tmp")]
    assert leftovers == []


def test_slugify() -> None:
    assert slugify("  Lapsed VIPs (UK) ") == "lapsed-vips-uk"
    assert slugify("!!!") == ""


def test_name_with_a_line_break_keeps_the_file_valid(tmp_path: Path) -> None:
    library = SegmentLibrary(tmp_path)
    library.save(_definition("two\nlines"), size=0, member_ids=[])
    assert library.show("two lines").definition.name == "two\nlines"
