"""The assistant: one object for the CLI, the chat and notebooks.

    from assistant import Assistant
    bot = Assistant.open("customers.csv")
    turn = bot.ask("customers who spent over 500 but haven't ordered in 90 days")
    print(turn.reply, turn.segment)

Each turn goes to a backend (the built-in interpreter, or an LLM agent over the
same tools); the toolkit holds the current segment; the session store keeps
the conversation so it can be resumed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from assistant.builtin import BuiltinBackend
from assistant.interpreter.text import language_of
from assistant.memory import ConversationMemory
from assistant.reply_words import ReplyWords
from assistant.sessions import Message, SessionRecord, SessionStore
from assistant.turns import Backend, BackendFailure, TurnOutcome
from assistant.user_cache import shared_knowledge_folder
from tools.dictionary import dictionary_path, load_dictionary
from tools.engine.dataset import CustomerData
from tools.engine.definitions import Condition
from tools.engine.errors import EngineError
from tools.engine.loading import load_customer_data
from tools.knowledge.store import KnowledgeStore
from tools.library import SegmentLibrary
from tools.tool_summaries import segment_summary
from tools.toolkit import LIBRARY_CHANGES, LastClustering, SegmentState, Toolkit, ToolResult
from tools.workspace_files import private_folder

DEFAULT_WORKSPACE = Path(".segment")
MAX_FIGURES = 6  # breakdowns of the conversation kept for its report


@dataclass
class Turn:
    """What one request produced."""

    request: str
    reply: str
    backend: str
    results: list[ToolResult] = field(default_factory=list)
    segment: dict[str, Any] | None = None  # the current segment after this turn, if presented
    clarification: bool = False
    sources: list[dict[str, Any]] = field(default_factory=list)
    notice: str | None = None  # e.g. "the model timed out; answered by the built-in interpreter"
    # How the message was read: intent, language, the reading chosen (built-in interpreter).
    parse: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "reply": self.reply,
            "segment": self.segment,
            "clarification": self.clarification,
            "backend": self.backend,
            "tools": [r.to_dict() for r in self.results],
            "sources": self.sources,
            "notice": self.notice,
            "parse": self.parse,
            "table": self.table,
        }

    @property
    def table(self) -> dict[str, Any] | None:
        """The last question about the data's table ({"columns", "rows"}), if any."""
        for result in reversed(self.results):
            if result.tool == "compute_figures" and result.ok:
                table: dict[str, Any] = result.summary["table"]
                return table
        return None


def _with_changes_done(outcome: TurnOutcome) -> str:
    """A model's reply after what was done to files and saved segments, as the tools
    report it: the model's own account ("Exported every email.") is never the only one."""
    lines = []
    for result in outcome.results:
        if result.tool not in LIBRARY_CHANGES:
            continue
        if result.ok:
            lines.append(f"Done: {result.message}")
        elif result.summary.get("needs_confirmation"):
            lines.append(f"Not done: {result.summary['action']}, and this message did not "
                         "ask for it. Say yes to go ahead.")
        else:
            lines.append(f"Not done: {result.message}")
    return "\n".join([*lines, "", outcome.reply]) if lines else outcome.reply


class Assistant:
    def __init__(self, data: CustomerData, *, workspace: Path = DEFAULT_WORKSPACE,
                 session: str | None = None, backend: Backend | None = None,
                 data_path: str | None = None, output_folder: Path | None = None,
                 maps: list[str] | None = None) -> None:
        """`output_folder`: where exports and reports go (the command line's `--out-dir`,
        by default the current folder); None keeps them in the workspace's `exports/`.
        `maps`: the `--map ROLE=COLUMN` the data was loaded with, kept with the session so
        its next turns read the file the same way."""

        self.data = data
        self.workspace = workspace
        self.figures: list[dict[str, Any]] = []

        # A folder made here is 0700, so exports land where only the user reads them; a
        # folder that exists (the current one) keeps its mode, and each file is 0600.
        self.output_folder = private_folder(output_folder or workspace / "exports").resolve()
        self.toolkit = Toolkit(data, SegmentLibrary(workspace), export_dir=self.output_folder,
                               knowledge=KnowledgeStore(workspace,
                                                        shared=shared_knowledge_folder()))
        self.memory = ConversationMemory.for_data(
            dictionary_path(workspace, data_path or data.source.path))
        self.builtin = BuiltinBackend(self.memory)
        self.backend: Backend = backend or self.builtin
        self.session = session
        self.data_path = data_path
        self.maps = list(maps or [])
        self.store = SessionStore(workspace) if session else None
        # Said with the next answer: what resuming the session found (another file, a
        # changed file, a segment the data no longer answers).
        self.resume_notice: str | None = None
        self.language: str | None = None  # the conversation's language so far
        # (request, reply) of every turn so far, the saved session's first: a model backend
        # is sent the recent ones, so a resumed conversation continues where it was.
        self.conversation: list[tuple[str, str]] = []
        self.toolkit.dictionary = self.memory.dictionary
        if self.store is not None and session is not None:
            record = self.store.load(session)
            if record is not None:
                self.resume_notice = self._resume(record)

    def _resume(self, record: SessionRecord) -> str | None:

        if record.data_path and self.data_path and record.data_path != self.data_path:
            return (f"Session '{record.name}' was about {Path(record.data_path).name}; "
                    f"it starts again on {Path(self.data_path).name}.")
        _restore(self.toolkit, record)
        self.language = record.state.get("language")
        self.memory.restore(record.state.get("memory"))
        self.toolkit.dictionary = self.memory.dictionary
        assert self.store is not None
        self.conversation = _turns(self.store.transcript(record.name))
        notice = None
        if record.data_hash and self.data.source.content_hash and \
                record.data_hash != self.data.source.content_hash:
            notice = "The data file changed since this session was saved: the segment is " \
                     "evaluated again on the new data."
        try:
            self.toolkit.current_mask()
        except EngineError as error:
            self.toolkit.restore(SegmentState(), [], None)
            notice = f"The saved segment no longer fits the data ({error.message}); " \
                     "it was cleared."
        return notice

    @classmethod
    def open(cls, data_path: str | Path, *, workspace: Path = DEFAULT_WORKSPACE,
             session: str | None = None, backend: Backend | None = None,
             mapping: dict[str, str] | None = None, table: str | None = None,
             output_folder: Path | None = None) -> Assistant:
        roles = load_dictionary(dictionary_path(workspace, Path(data_path).resolve())).roles
        data = load_customer_data(Path(data_path), table=table,
                                  mapping={**roles, **(mapping or {})},
                                  cache_dir=workspace / "cache")
        return cls(data, workspace=workspace, session=session, backend=backend,
                   data_path=str(Path(data_path).resolve()), output_folder=output_folder)

    @property
    def backend_name(self) -> str:
        return self.backend.name

    def ask(self, text: str, on_text: Callable[[str], None] | None = None) -> Turn:
        """Answer one request; `on_text` receives a model's reply as it streams."""

        notice, self.resume_notice = self.resume_notice, None
        roles_before = dict(self.memory.dictionary.roles)
        answering = bool(self.memory.pending) and len(text.split()) <= 2  # "2", "city"
        self.toolkit.language = self.language if answering and self.language else \
            language_of(text, self.language, self.toolkit.library.names()
                        if self.toolkit.library else (), self.toolkit.data.schema)
        self.language = self.toolkit.language
        try:
            if self.backend is not self.builtin:
                # A model may change files and the saved library only as the user asks.
                self.toolkit.consent = self.builtin.consent(text, self.toolkit)
                self.toolkit.refused = None
            outcome = self.backend.run_turn(text, self.toolkit, on_text,
                                            history=list(self.conversation))
            used = self.backend.name
            if self.backend is not self.builtin:
                outcome = replace(outcome, reply=_with_changes_done(outcome))
        except BackendFailure as failure:
            self.toolkit.consent = None
            outcome = self.builtin.run_turn(text, self.toolkit)
            used = self.builtin.name
            notice = f"{failure}; this turn was answered by the built-in interpreter." + (
                f" {notice}" if notice else "")
        finally:
            self.toolkit.consent = None
        sources = outcome.sources or [source for result in outcome.results if result.ok
                                      for source in result.summary.get("sources", [])]
        if "role" in outcome.learned:
            refused = self._remap(roles_before)
            if refused is not None:  # "use the visit date as the recency": said, not kept
                outcome = replace(outcome, reply=refused, learned={}, clarification=True)
        turn = Turn(request=text, reply=outcome.reply, backend=used, results=outcome.results,
                    clarification=outcome.clarification, sources=sources, notice=notice,
                    parse=outcome.parse)
        turn.segment = self.segment_json(presented=not _failed(outcome))
        # Questions about the data asked in this conversation, for `/report` (newest last).
        self.figures += [r.summary for r in outcome.results
                         if r.tool == "compute_figures" and r.ok][-MAX_FIGURES:]
        self.figures = self.figures[-MAX_FIGURES:]
        self.conversation.append((text, turn.reply))
        self._persist(turn)
        return turn

    def _remap(self, roles_before: dict[str, str]) -> str | None:
        """Load the data again with the roles the dictionary now gives ("the amount is
        Revenue"), as --map does; the current segment is kept and re-evaluated. A role the
        column cannot take is taken back (and the dictionary saved without it): the reason,
        in the user's language."""
        if self.data_path is None:
            return None
        try:
            data = load_customer_data(Path(self.data_path), mapping=dict(
                self.memory.dictionary.roles), cache_dir=self.workspace / "cache")
        except EngineError as error:
            self.memory.dictionary.roles.clear()
            self.memory.dictionary.roles.update(roles_before)
            self.memory.save_dictionary()
            return ReplyWords(self.language or "en").tool_message(error)
        self.data = data
        self.toolkit.replace_data(data)
        return None

    def segment_json(self, presented: bool = True) -> dict[str, Any] | None:
        """The current segment in the `ask --json` shape, or None."""
        definition = self.toolkit.current_definition()
        mask = self.toolkit.current_mask()
        if not presented or definition is None or mask is None:
            return None

        summary = segment_summary(self.data, definition.condition, mask,
                                  language=self.toolkit.language)
        summary["name"] = definition.name
        return summary

    def member_ids(self) -> list[str]:
        return self.toolkit.member_ids()

    def save_state(self) -> None:
        """Save the session's state now (after /undo, /reset, a save): no turn is added."""
        if self.store is not None and self.session is not None:
            self.store.save(self._record())

    def _persist(self, turn: Turn) -> None:
        if self.store is None or self.session is None:
            return
        # One transaction: a crash keeps the whole turn or none of it, never a question
        # without its reply.
        self.store.record_turn(self._record(),
                               [("user", turn.request), ("assistant", turn.reply)])

    def _record(self) -> SessionRecord:
        assert self.session is not None
        state: dict[str, Any] = {
            "current": _state_json(self.toolkit.state),
            "history": [_state_json(s) for s in self.toolkit.history[-50:]],
            "memory": self.memory.to_json(),
            "language": self.language,
            "maps": self.maps,
        }
        last = self.toolkit.last_clustering
        if last is not None:
            # So "make group 2 a segment" still works when the session is resumed.
            state["clustering"] = {
                "features": last.features, "k": last.k,
                "within": last.within.model_dump(mode="json") if last.within else None}
        return SessionRecord(name=self.session, data_path=self.data_path,
                             data_hash=self.data.source.content_hash, state=state)


def _turns(messages: Sequence[Message]) -> list[tuple[str, str]]:
    """(request, reply) pairs of a transcript; a question left without its reply is skipped."""
    pairs: list[tuple[str, str]] = []
    asked: str | None = None
    for message in messages:
        if message.role == "user":
            asked = message.content
        elif message.role == "assistant" and asked is not None:
            pairs.append((asked, message.content))
            asked = None
    return pairs


def _failed(outcome: TurnOutcome) -> bool:
    """A turn presents no segment when it asked for clarification or its last step failed."""
    if outcome.clarification:
        return True
    defining = [r for r in outcome.results if r.tool in ("define_segment", "load_segment")]
    return bool(defining) and not defining[-1].ok


def _state_json(state: SegmentState) -> dict[str, Any]:
    condition = state.condition.model_dump(mode="json") if state.condition else None
    return {"condition": condition, "name": state.name}


def _restore(toolkit: Toolkit, record: SessionRecord) -> None:
    adapter: TypeAdapter[Any] = TypeAdapter(Condition)

    def state_of(raw: dict[str, Any] | None) -> SegmentState:
        if not raw or raw.get("condition") is None:
            return SegmentState()
        return SegmentState(condition=adapter.validate_python(raw["condition"]),
                            name=raw.get("name"))

    toolkit.restore(state_of(record.state.get("current")),
                    [state_of(s) for s in record.state.get("history", [])],
                    _clustering_of(record.state.get("clustering"), adapter))


def _clustering_of(raw: Any, adapter: Any) -> LastClustering | None:
    """The persisted last clustering; a damaged one is dropped (clustering again restores it)."""
    if not isinstance(raw, dict):
        return None
    try:
        within = raw.get("within")
        return LastClustering(features=[str(f) for f in raw["features"]], k=int(raw["k"]),
                              within=adapter.validate_python(within) if within else None)
    except (KeyError, TypeError, ValueError, ValidationError):
        return None
