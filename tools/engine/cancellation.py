"""Which order lines are cancelled: the words of `cancel_words.yaml`, read once.

SEMANTICS.md excludes cancelled orders (an order id with the "C" mark, or a status that
marks cancellation); returns and refunds are not cancellations and stay. The status
pattern is used alike by the pandas cleaning (`cleaning.py`) and the SQL scans
(`scan_sql.py`), so both remove the same lines.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict


class CancelWords(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    status_words: dict[str, list[str]]
    flag_words: list[str]


@cache
def cancel_words() -> CancelWords:
    text = resources.files("tools.engine").joinpath("cancel_words.yaml").read_text(
        encoding="utf-8")
    return CancelWords.model_validate(yaml.safe_load(text))


@cache
def cancelled_status_pattern() -> str:
    """A regular expression (Python and RE2 alike) found in a lower-case cancelled status."""
    words = [word.lower() for group in cancel_words().status_words.values() for word in group]
    # Longest first, so that an alternation never stops at a shorter word's prefix.
    return "|".join(re.escape(word) for word in sorted(set(words), key=lambda w: (-len(w), w)))


@cache
def cancel_flag_words() -> frozenset[str]:
    """Words of a yes/no column's name that make its True mark a cancelled line."""
    return frozenset(word.lower() for word in cancel_words().flag_words)
