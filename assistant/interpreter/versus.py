"""Two columns compared with each other, with no number: "balance above their salary",
"more support tickets than nps score", "spent more on wine than on meat", "баланс больше
зарплаты", "на вино тратят больше, чем на мясо", "余额比工资高".

A comparison word (or a comparative with a "than") with a number column named on each
side is one column against the other (CompareColumns); anything else is left to the
readers of numbers.
"""

from __future__ import annotations

from assistant.interpreter.linking import has_evidence, link
from assistant.interpreter.quantities import Qty
from assistant.interpreter.reader import Reader
from assistant.interpreter.tagging import Item
from tools.engine.definitions import CompareColumns

_OPS = (">", ">=", "<", "<=")


def compared_columns(r: Reader) -> None:
    if any(isinstance(p, Qty) for p in r.parts):
        return  # a number is a threshold: "balance above 5000"
    items = r.items()
    said = next(((k, i) for k, i in items if r.free(i) and i.has("cmp", "comparative")), None)
    if said is None:
        return
    k, word = said
    op = str((word.args("cmp") or word.args("comparative"))[0])
    than = next((j for j, i in items if i.has("than") and r.free(i)), None)
    if op not in _OPS or (than is None and not word.has("cmp")):
        return
    # "balance ABOVE their salary": a side each way of the comparison; with a "than", a side
    # each way of it, the comparative anywhere ("MORE wine than meat", "余额比工资高").
    pivot = k if than is None else than
    left = _side(r, [i for j, i in items if j < pivot and j != k])
    right = _side(r, [i for j, i in items if j > pivot and j != k])
    if left is None or right is None or left[0] == right[0]:
        return
    r.use(word, *left[1], *right[1], *(i for j, i in items if j == than))
    r.add(CompareColumns(left=left[0], op=op, right=right[0]),  # type: ignore[arg-type]
          "qty", left[0])


def _side(r: Reader, words: list[Item]) -> tuple[str, list[Item]] | None:
    """The number column one side names, and the words that name it."""
    named = [i for i in words if has_evidence(i, r.data)]
    found = link(named, r.data, accept=lambda w: w.numeric and not w.is_flag and not w.is_date)
    if found.column is None:
        return None
    return found.column, [named[j] for j in found.supporting]
