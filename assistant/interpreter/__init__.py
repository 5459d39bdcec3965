"""The built-in deterministic interpreter (backend 1): plain language -> tool calls."""

from assistant.interpreter.calls import (
    DEFAULT_RFM_SEGMENTS,
    Choice,
    Interpretation,
    InterpreterContext,
    ToolCall,
)
from assistant.interpreter.interpreter import interpret

__all__ = ["DEFAULT_RFM_SEGMENTS", "Choice", "Interpretation", "InterpreterContext", "ToolCall",
           "interpret"]
