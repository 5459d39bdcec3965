"""Errors the engine raises for problems a user can fix.

Every message is one line that says what is wrong and what to do; `options`
lists the valid alternatives (nearest columns, values, segment names) so the
CLI can show them and an agent can pass them back to the model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError


class EngineError(Exception):
    """A problem with the user's input or data, never a bug."""

    def __init__(self, message: str, options: list[str] | None = None, *,
                 phrase: str = "", values: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.options = list(options or [])
        # `message` is English (logs, a model); `phrase` names the same message in the
        # reply phrase files, filled with `values`, so a Chinese or Russian conversation
        # hears it in its own language.
        self.phrase = phrase
        self.values = dict(values or {})

    def __str__(self) -> str:
        return self.message


class DataError(EngineError):
    """The file or table cannot be read or used as customer data."""


class DefinitionError(EngineError):
    """A segment definition does not fit the data (unknown column or value, wrong type)."""


class SegmentNotFound(EngineError):
    """A named segment is not in the library."""


def first_problem(exc: ValidationError) -> tuple[str, str]:
    """Where (a dotted path, "" at the top) and what of a validation error's first problem."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ()))
    return where, str(first.get("msg", "invalid"))
