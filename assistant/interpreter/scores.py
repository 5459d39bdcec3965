"""RFM scores in requests: "an R score of 5", "frequency score at least 4", "M score 1-2",
"RFM cell 555"."""

from __future__ import annotations

from typing import Literal

from assistant.interpreter.numbers import read_quantity
from assistant.interpreter.state import Parse
from assistant.interpreter.text import Kind
from tools.engine.definitions import And, Condition, RfmScore

_LETTERS: dict[str, Literal["r", "f", "m"]] = {
    "r": "r", "recency": "r", "f": "f", "frequency": "f", "m": "m", "monetary": "m"}
_BOUNDS = {">": (1, 0), ">=": (0, 0), "<": (0, -1), "<=": (0, 0), "==": (0, 0)}


def read_rfm_scores(parse: Parse) -> None:
    i = 0
    while i < len(parse.tokens):
        letter = _LETTERS.get(parse.low(i))
        if letter is None or not parse.free(i) or parse.low(i + 1) != "score" or not parse.free(
                i + 1):
            i += 1
            continue
        found = _score_range(parse, i + 2)
        if found is None:
            i += 1
            continue
        low, high, end = found
        start = i - 1 if parse.free(i - 1) and parse.low(i - 1) in ("an", "a", "the") else i
        parse.add(start, end, RfmScore(score=letter, low=low, high=high),
                  f"{letter.upper()} score {low}-{high}")
        i = end
    _read_cells(parse)


def _score_range(parse: Parse, j: int) -> tuple[int, int, int] | None:
    op = "=="
    while parse.free(j) and parse.low(j) in ("of", "is", "was", "=", "equal", "to"):
        j += 1
    for phrase, candidate in parse.vocab.comparators:
        if parse.matches(j, phrase):
            op, j = candidate, j + len(phrase)
            break
    if parse.free(j) and parse.low(j) == "between":
        j += 1
    q = read_quantity(parse.tokens, j, parse.vocab)
    if q is None or not q.value.is_integer() or not 1 <= q.value <= 5:
        return None
    value, end = int(q.value), q.end
    if parse.free(end) and parse.low(end) in ("and", "to", "-") and parse.free(end + 1):
        second = read_quantity(parse.tokens, end + 1, parse.vocab)
        if second is not None and second.value.is_integer() and 1 <= second.value <= 5:
            lo, hi = sorted((value, int(second.value)))
            return lo, hi, second.end
    for phrase, post in parse.vocab.postfix_comparators:
        if parse.matches(end, phrase):
            op, end = post, end + len(phrase)
            break
    low, high = {">": (value + 1, 5), ">=": (value, 5), "<": (1, value - 1),
                 "<=": (1, value), "==": (value, value)}.get(op, (value, value))
    if low > high or not (1 <= low <= 5 and 1 <= high <= 5):
        return None
    return low, high, end


def _read_cells(parse: Parse) -> None:
    """'RFM cell 555' / 'rfm score 545': all three scores."""
    for i, tok in enumerate(parse.tokens):
        if tok.low not in ("cell", "code", "score") or parse.low(i - 1) != "rfm" or not (
                parse.free(i)):
            continue
        k = i + 1
        if parse.free(k) and parse.low(k) in ("of", "is", "="):
            k += 1
        cell = parse.tokens[k] if k < len(parse.tokens) else None
        if cell is None or cell.kind != Kind.NUMBER or len(cell.low) != 3 or not all(
                c in "12345" for c in cell.low):
            continue
        letters: tuple[Literal["r", "f", "m"], ...] = ("r", "f", "m")
        parts: list[Condition] = [
            RfmScore(score=s, low=int(d), high=int(d))
            for s, d in zip(letters, cell.low, strict=True)]
        parse.add(i - 1, k + 1, And(all=parts), f"RFM cell {cell.low}")
