"""What a conversation remembers besides the current segment.

The readings offered last turn (so "2" picks one), the meanings chosen for
vague words and the units taught for duration columns (they hold for the
session), and the data dictionary of the loaded file (a team's YAML in the
workspace; what the user teaches can be written back to it). Saved with the
session, so a resumed chat still knows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.interpreter.calls import Choice, ToolCall
from tools.dictionary import DataDictionary, load_dictionary, save_dictionary


@dataclass
class ConversationMemory:
    dictionary: DataDictionary = field(default_factory=DataDictionary)
    dictionary_path: Path | None = None
    pending: list[Choice] = field(default_factory=list)
    request: str = ""  # the message the pending choices answer (re-read after a unit is chosen)
    chosen: dict[str, dict[str, Any]] = field(default_factory=dict)
    asked: str = ""  # the last question about the data ("and for Lakeview?" asks it again)

    @classmethod
    def for_data(cls, path: Path | None) -> ConversationMemory:
        """The memory of a new conversation on the data whose dictionary is at `path`."""
        return cls(dictionary=load_dictionary(path) if path else DataDictionary(),
                   dictionary_path=path)

    def learn(self, fact: dict[str, Any], language: str = "en") -> str:
        """Keep what a choice or a message taught; returns what was learned, in words."""
        from assistant.replies import reply_phrases

        said = reply_phrases(language)
        if "unit" in fact and "column" in fact:
            self.dictionary.column(str(fact["column"])).unit = str(fact["unit"])
            return said.learned_unit.format(column=fact["column"], unit=fact["unit"])
        if "meaning" in fact and "condition" in fact:
            self.chosen[str(fact["meaning"])] = dict(fact["condition"])
            return said.learned_meaning.format(words=fact.get("words") or fact["meaning"])
        if "role" in fact and "column" in fact:
            self.dictionary.roles[str(fact["role"])] = str(fact["column"])
            return said.learned_role.format(role=fact["role"], column=fact["column"])
        if "yes" in fact and "column" in fact:
            self.dictionary.column(str(fact["column"])).yes = str(fact["yes"])
            return said.learned_yes.format(column=fact["column"], yes=fact["yes"])
        if "synonym" in fact and "column" in fact:
            entry = self.dictionary.column(str(fact["column"]))
            if fact["synonym"] not in entry.synonyms:
                entry.synonyms.append(str(fact["synonym"]))
            return said.learned_synonym.format(synonym=fact["synonym"], column=fact["column"])
        return ""

    def save_dictionary(self) -> Path | None:
        """Write the dictionary (what was taught this session included) to the workspace."""
        if self.dictionary_path is None:
            return None
        for meaning, condition in self.chosen.items():
            self.dictionary.meanings[meaning] = condition
        return save_dictionary(self.dictionary, self.dictionary_path)

    def to_json(self) -> dict[str, Any]:
        return {"pending": [_choice_json(c) for c in self.pending], "request": self.request,
                "chosen": self.chosen, "asked": self.asked,
                "dictionary": self.dictionary.model_dump(mode="json", exclude_defaults=True)}

    def restore(self, raw: Any) -> None:
        """The memory a session saved; anything damaged is dropped, never fatal."""
        if not isinstance(raw, dict):
            return
        try:
            self.pending = [_choice_of(c) for c in raw.get("pending", [])]
            self.request = str(raw.get("request", ""))
            self.asked = str(raw.get("asked", ""))
            self.chosen = {str(k): dict(v) for k, v in raw.get("chosen", {}).items()}
            saved = DataDictionary.model_validate(raw.get("dictionary", {}))
        except (TypeError, ValueError, AttributeError, KeyError):
            self.pending, self.chosen = [], {}
            return
        # The session's own teachings on top of the file (the file may have moved on).
        for name, entry in saved.columns.items():
            self.dictionary.columns.setdefault(name, entry)
        for role, column in saved.roles.items():
            self.dictionary.roles.setdefault(role, column)


def _choice_json(choice: Choice) -> dict[str, Any]:
    return {"label": choice.label, "key": choice.key, "remember": choice.remember,
            "calls": [{"name": c.name, "args": c.args} for c in choice.calls]}


def _choice_of(raw: dict[str, Any]) -> Choice:
    return Choice(label=str(raw["label"]), key=str(raw.get("key", "")),
                  remember=dict(raw.get("remember", {})),
                  calls=tuple(ToolCall(str(c["name"]), dict(c["args"])) for c in raw["calls"]))
