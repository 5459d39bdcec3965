"""Backend 1: the built-in deterministic interpreter, offline and keyless."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from assistant.core import TurnOutcome
from assistant.replies import clarification_reply, compose_reply
from tools.toolkit import Toolkit, ToolResult

BUILTIN_NAME = "built-in interpreter"


class BuiltinBackend:
    name = BUILTIN_NAME

    def run_turn(self, text: str, toolkit: Toolkit,
                 on_text: Callable[[str], None] | None = None) -> TurnOutcome:
        from assistant.interpreter import InterpreterContext, interpret
        from tools.engine.lifecycle import STAGES

        context = InterpreterContext(
            schema=toolkit.data.schema,
            has_current_segment=toolkit.state.condition is not None,
            lifecycle_stages=tuple(STAGES),
            saved_segments=tuple(toolkit.library.names()) if toolkit.library else (),
            currency=toolkit.data.source.currency,
            as_of=toolkit.data.source.as_of,
            data_end=_data_end(toolkit),
            current_condition=toolkit.state.condition,
        )
        interpretation = interpret(text, context)
        if interpretation.clarification is not None or not interpretation.calls:
            message = interpretation.clarification or (
                "I could not map that to the data. Try describing customers by a column, "
                "e.g. 'spent over 500' or 'from Germany'.")
            return TurnOutcome(results=[], clarification=True,
                               reply=clarification_reply(message, interpretation.options))
        results: list[ToolResult] = []
        for call in interpretation.calls:
            result = toolkit.call(call.name, call.args)
            results.append(result)
            if not result.ok:
                break
        return TurnOutcome(results=results,
                           reply=compose_reply(results, toolkit.data.n_customers))


def _data_end(toolkit: Toolkit) -> date | None:
    """The day after the latest date in the customer table, when there is no as-of date."""
    import pandas as pd

    from tools.engine.schema import DType

    if toolkit.data.source.as_of is not None:
        return None
    latest = [toolkit.data.customers[c.name].max() for c in toolkit.data.schema.columns
              if c.dtype == DType.DATE and c.name in toolkit.data.customers]
    stamps = [pd.Timestamp(v) for v in latest if v is not None and not pd.isna(v)]
    return (max(stamps) + pd.Timedelta(days=1)).date() if stamps else None
