"""'Did you mean': the nearest real names to what the user wrote."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def nearest_names(word: str, candidates: Iterable[str], n: int = 5) -> list[str]:
    """Case-insensitive fuzzy matches, best first (the engine's matcher when available)."""
    names = list(dict.fromkeys(candidates))
    try:
        from tools.engine.matching import nearest

        found = list(nearest(word, names, n=n))
        if found:
            return found
    except Exception:  # noqa: BLE001 - the engine's matcher is optional here
        pass
    lowered = {name.lower(): name for name in names}
    hits = difflib.get_close_matches(word.lower(), list(lowered), n=n, cutoff=0.5)
    if not hits:
        hits = [k for k in lowered if word.lower()[:4] and word.lower()[:4] in k][:n]
    return [lowered[h] for h in hits]
