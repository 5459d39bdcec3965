"""Country and region names in any language, from CLDR (Babel).

"德国", "Германия", "Germany", "Deutschland" and a data value "DE" all meet as
the territory code DE, so a request in one language finds the data's own
spelling in another. The lexicons add only what CLDR lacks: demonyms
("German") and common short forms ("UK", "США").
"""

from __future__ import annotations

from functools import cache

from assistant.interpreter.diskcache import read_json, versions_key, write_json
from assistant.interpreter.text import fold
from assistant.user_cache import cache_folder

# Locales whose names are read: the product's three languages, and the languages customer
# data is most often written in (an "Allemagne" or "Éire" in the data is still found).
NAME_LOCALES = ("en", "zh", "ru", "de", "fr", "es", "it", "pt", "nl", "ga", "pl", "sv")
REQUEST_LOCALES = ("en", "zh", "ru")


@cache
def territory_names(locales: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Territory code -> its names in `locales` (two-letter codes only, no continents)."""
    from babel import Locale

    names: dict[str, list[str]] = {}
    for locale in locales:
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha() and code.isupper():
                names.setdefault(code, [])
                if name not in names[code]:
                    names[code].append(name)
    return {code: tuple(found) for code, found in names.items()}


@cache
def names_to_codes() -> dict[str, str]:
    """Every name in NAME_LOCALES (accents and case folded) -> territory code; kept in the
    disk cache, since reading a dozen CLDR locales takes a quarter of a second."""
    path = cache_folder() / f"places-{versions_key(','.join(NAME_LOCALES))}.json"
    cached = read_json(path)
    if isinstance(cached, dict):
        return cached
    found = {fold(name): code for code, names in territory_names(NAME_LOCALES).items()
             for name in names}
    write_json(path, found)
    return found
