"""The conversation around the engine: CLI, chat, agent, model backends, sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.core import Assistant


def __getattr__(name: str) -> Any:
    # Lazy, so `segment --help` does not import pandas through the assistant.
    if name == "Assistant":
        from assistant.core import Assistant

        return Assistant
    raise AttributeError(name)


__all__ = ["Assistant"]
