"""Cell values that mean yes or no, in the languages files come in.

A column holding nothing but such values is a yes/no flag (`parsing.py`): "Yes"/"No",
"是"/"否", "да"/"нет". The words of each language live beside its column-name words, in
`column_words/<language>.yaml` (`yes_words`, `no_words`), not in code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from tools.engine.naming import column_word_files


@dataclass(frozen=True)
class YesNoWords:
    """Lower-case yes and no values of every language."""

    yes: frozenset[str]
    no: frozenset[str]


@cache
def yes_no_words() -> YesNoWords:
    yes: set[str] = set()
    no: set[str] = set()
    for data in column_word_files().values():  # every language's column-word file
        yes.update(str(word).strip().lower() for word in data.get("yes_words") or ())
        no.update(str(word).strip().lower() for word in data.get("no_words") or ())
    return YesNoWords(frozenset(yes), frozenset(no))
