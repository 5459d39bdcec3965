"""Sessions persist in the workspace's SQLite file and survive reopening."""

from __future__ import annotations

from pathlib import Path

from assistant.sessions import SessionRecord, SessionStore


def test_session_state_and_transcript_survive_a_new_store(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    state = {"current": {"condition": {"type": "compare", "column": "monetary", "op": ">",
                                       "value": 5}, "name": None}, "history": []}
    store.save(SessionRecord(name="q4", data_path="/d.csv", data_hash="abc", state=state))
    store.append("q4", "user", "customers who spent over 5")
    store.append("q4", "assistant", "12 customers")

    reopened = SessionStore(tmp_path)
    record = reopened.load("q4")
    assert record is not None and record.state == state and record.data_hash == "abc"
    assert [m.role for m in reopened.transcript("q4")] == ["user", "assistant"]
    assert "spent over 5" in reopened.export_markdown("q4")
    assert reopened.names() == ["q4"]
    assert reopened.load("other") is None


def test_saving_again_replaces_the_state(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    store.save(SessionRecord(name="s", state={"current": None}))
    store.save(SessionRecord(name="s", state={"current": {"condition": None, "name": "x"}}))
    record = store.load("s")
    assert record is not None and record.state["current"]["name"] == "x"
