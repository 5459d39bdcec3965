"""The data's own words: columns, category values, places and the data dictionary.

A column is known by the words of its name (camelCase, snake_case, spaces,
abbreviations, run-together words), the concepts those words carry in any
lexicon, its role and type, and the synonyms its data dictionary gives. A
category value is known by its own words, the value group it belongs to
("F" and "Female" are both `female`) and, for places, its CLDR territory.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from anyascii import anyascii

from assistant.interpreter.cities import (
    chinese_city_names,
    city_column_aliases,
    state_column_aliases,
)
from assistant.interpreter.lexicon import Lexicon, Sense
from assistant.interpreter.number_words import number_word
from assistant.interpreter.places import names_to_codes
from assistant.interpreter.text import (
    fold,
    is_chinese,
    norm_word,
    other_lemmas,
    simplified,
    tokenize,
)
from tools.dictionary import DataDictionary
from tools.engine.customer_key import ID_WORDS
from tools.engine.dataset import (
    AVG_ORDER_VALUE,
    FIRST_PURCHASE,
    FREQUENCY,
    LAST_PURCHASE,
    MONETARY,
    RECENCY,
    TENURE,
)
from tools.engine.naming import name_words, role_words
from tools.engine.schema import ColumnInfo, DataKind, DType, Role, Schema

_CHINESE = re.compile("[\u3400-\u9fff]")
# Columns a request can name: never personal data, ids or constants.
_HIDDEN = frozenset({Role.PERSONAL, Role.CUSTOMER_ID, Role.CONSTANT, Role.TEXT, Role.ORDER_ID})
_UNIT_WORDS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30, "months": 30, "mo": 30,
               "year": 365, "years": 365, "yr": 365, "yrs": 365, "night": 1, "nights": 1}
# Endings, not words: "marketing" is not "market" + "ing".
_SUFFIXES = frozenset({"ing", "ings", "ed", "er", "ers", "est", "ion", "ions", "ly", "ment",
                       "ments", "ness", "ity", "able", "ful", "ship", "less"})
_YES = frozenset({"yes", "y", "true", "t", "1", "1.0", "是", "да"})

# The customer features computed from an order log (tools/engine/dataset.py).
_COMPUTED = frozenset({RECENCY, FREQUENCY, MONETARY, TENURE, AVG_ORDER_VALUE, FIRST_PURCHASE,
                       LAST_PURCHASE})


@dataclass
class ColumnWords:
    info: ColumnInfo
    norms: frozenset[str]  # the norms of its name's words
    concepts: frozenset[str]  # concept and role ids those words carry
    size: int  # number of words in its name
    unit_days: int | None = None  # a duration column's unit (days per unit), when known
    name_unit_days: int | None = None  # a unit of time its name carries ("contract_months")
    scale: float = 1.0  # "(k$)": values are in thousands
    yes: str | None = None  # a yes/no column's "yes" value
    no: str | None = None
    # A category of number bands ("Less than $40K", "$40K - $60K"): value -> (low, high).
    bands: dict[str, tuple[float, float]] = field(default_factory=dict)
    holds_cities: bool = False  # most of its values are cities GeoNames knows

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def numeric(self) -> bool:
        return self.info.dtype in (DType.NUMBER, DType.INTEGER, DType.BOOL) or self.yes is not None

    @property
    def is_flag(self) -> bool:
        return self.yes is not None

    @property
    def is_date(self) -> bool:
        return self.info.dtype == DType.DATE

    @property
    def is_category(self) -> bool:
        return self.info.role == Role.CATEGORY or (
            self.info.dtype == DType.TEXT and bool(self.info.values))


@dataclass
class DataLexicon:
    columns: dict[str, ColumnWords]
    index: dict[tuple[str, ...], list[Sense]]
    group_values: dict[str, list[tuple[str, str]]]  # value group -> (column, value)
    place_values: dict[str, list[tuple[str, str]]]  # territory code -> (column, value)
    chinese_words: frozenset[str]
    surfaces: dict[str, str]
    value_norms: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    norms: frozenset[str] = frozenset()  # every norm inside any name or value
    spellings: dict[str, str] = field(default_factory=dict)  # lower case -> as the data writes
    is_log: bool = False  # an order log: each line a purchase
    day_first: bool = False  # the data's dates are day/month/year

    def shown_columns(self, size: int = 12) -> list[str]:
        """Columns to name to a user: the data's own first, then those computed from a log."""
        own = [name for name in self.columns if name not in _COMPUTED]
        return (own + [name for name in self.columns if name in _COMPUTED])[:size]

    def role_column(self, role: str) -> ColumnWords | None:
        for words in self.columns.values():
            if words.info.role.value == role:
                return words
        return None

    def numeric_with(self, concept: str, without: str | None = None) -> list[ColumnWords]:
        """The numeric columns whose name carries `concept` ("age", "birth", "nps"), and
        not `without` ("age" but not "birth": Year_Birth is no age)."""
        return [w for w in self.columns.values() if concept in w.concepts and w.numeric
                and (without is None or without not in w.concepts)]

    def group_values_of(self, group: str, column: str) -> list[str]:
        return [v for c, v in self.group_values.get(group, []) if c == column]

    def place_columns(self) -> list[str]:
        """Columns of places: by their values, else by their names ("region": APAC, LATAM)."""
        return sorted({column for pairs in self.place_values.values() for column, _ in pairs}
                      ) or [n for n, w in self.columns.items() if w.is_category and
                            w.concepts & {"country", "region", "city"}]


def empty() -> DataLexicon:
    return DataLexicon(columns={}, index={}, group_values={}, place_values={},
                       chinese_words=frozenset(), surfaces={})


def build(schema: Schema, lexicon: Lexicon, dictionary: DataDictionary | None = None,
          customer_key: str | None = None) -> DataLexicon:
    dictionary = dictionary or DataDictionary()
    index: dict[tuple[str, ...], list[Sense]] = defaultdict(list)
    chinese: set[str] = set()
    surfaces: dict[str, str] = {}
    spellings: dict[str, str] = {}
    columns: dict[str, ColumnWords] = {}
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    value_norms: dict[str, list[tuple[str, str]]] = defaultdict(list)

    def add(phrase: str, sense: Sense, written: bool = True) -> None:
        norms = _norms(phrase, lexicon)
        if norms and sense not in index[norms]:
            index[norms].append(sense)
        chinese.update(re.findall(r"[\u3400-\u9fff]+", simplified(phrase)))
        for word in re.findall(r"[^\W\d_]{3,}", phrase):
            surfaces.setdefault(word.lower(), norm_word(word))
            if written:  # as the data writes it, not a transliteration made here
                spellings.setdefault(word.lower(), word)

    # "listeners" where the key is listener_uuid, "абонементов" where it is
    # номер_абонемента: what this data calls its customers
    for word in _key_words(customer_key or ""):
        if len(word) >= 3 and not lexicon.index.get((norm_word(word),)):
            index[(norm_word(word),)].append(Sense("people"))
    for info in schema.columns:
        if info.role in _HIDDEN:
            continue
        entry = dictionary.columns.get(info.name)
        words = _column_words(info, lexicon, entry.unit if entry else None)
        chinese.update(_unknown_runs(info.name, lexicon))
        for word in name_words(info.name) if info.name.isascii() else ():
            if len(word) >= 3:
                surfaces.setdefault(word.lower(), norm_word(word))
                spellings.setdefault(word.lower(), word)
        if entry and entry.yes is not None:
            words.yes, words.no = entry.yes, _other(info.values, entry.yes)
        columns[info.name] = words
        add(info.name, Sense("column", info.name))
        if info.name.isascii():  # "InternetService" is also said "internet service"
            add(" ".join(name_words(info.name)), Sense("column", info.name))
        for synonym in entry.synonyms if entry else ():
            add(synonym, Sense("column", info.name))
        if not words.is_category or words.is_flag:
            continue
        cities = city_column_aliases(info.values)
        words.holds_cities = bool(cities)
        cities = cities or state_column_aliases(info.values)  # "California" for "CA"
        for value in info.values:
            if re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
                continue  # numbers are quantities, not names
            add(value, Sense("value", (info.name, value)))
            latin = _latin(value)
            if latin:  # "kazan" for "Казань", "beijing" for "北京"
                add(latin, Sense("value", (info.name, value)), written=False)
            for alias in cities.get(value, ()):  # "moscow", "莫斯科" for "Москва"
                add(alias, Sense("value", (info.name, value)))
            norms = _norms(value, lexicon)
            _add_parts(index, norms, Sense("value", (info.name, value)))
            if len(norms) == 1:  # "наличными" for "наличные": each dictionary form
                for other in other_lemmas(value):
                    senses = index.setdefault((other,), [])
                    if Sense("value", (info.name, value)) not in senses:
                        senses.append(Sense("value", (info.name, value)))
            for norm in norms:
                value_norms[norm].append((info.name, value))
            for group in _groups_of(value, norms, lexicon, info.values):
                groups[group].append((info.name, value))
        placed = cities or words.concepts & {"country", "region", "city"}
        if cities or placed and any(_CHINESE.search(v) for v in info.values):
            for name in chinese_city_names() - chinese:  # "南京的学员" where there is none
                chinese.add(name)
                index.setdefault((name,), []).append(Sense("place", "city"))
    for phrase, (column, value) in dictionary.value_synonyms():
        if column in columns:
            add(phrase, Sense("value", (column, value)))
    places = _place_values(columns, lexicon)
    for name in {column for pairs in places.values() for column, _ in pairs}:
        words = columns[name]
        if not words.concepts & {"country", "region", "city"}:
            # "Geography" holding France, Spain, Germany: "by country", "各国家", "по странам"
            words.concepts = words.concepts | {"country"}
    return DataLexicon(columns=columns, index=dict(index), group_values=dict(groups),
                       place_values=places, chinese_words=frozenset(chinese),
                       surfaces=surfaces, value_norms=dict(value_norms), spellings=spellings,
                       is_log=schema.kind is DataKind.TRANSACTIONS,
                       norms=frozenset(n for key in index for n in key) | frozenset(
                           n for words in columns.values() for n in words.norms))


def _latin(value: str) -> str | None:
    """The Latin spelling of a Cyrillic or Chinese value, as people type it in English."""
    if value.isascii() or not re.search("[\u0400-\u04ff\u3400-\u9fff]", value):
        return None
    return re.sub(r"['`]", "", anyascii(value)).lower() or None


def _add_parts(index: dict[tuple[str, ...], list[Sense]], norms: tuple[str, ...],
               sense: Sense) -> None:
    """"credit card" for "Credit card (automatic)", "2 year" for "Two year": a value's
    leading words, and its number words as digits."""
    digits = tuple(str(int(v)) if (v := number_word(n)) is not None and v.is_integer() else n
                   for n in norms)
    # Not a band's first number ("60 k" of "$60K - $80K"): that is a quantity of its own.
    leading = () if norms and norms[0].replace(".", "").isdigit() else norms
    keys = {digits} | {leading[:n] for n in range(2, len(leading))}
    for key in keys - {norms}:
        if len(key) > 1 and sense not in index.setdefault(key, []):
            index[key].append(sense)


def unit_days(word: str, lexicon: Lexicon) -> int | None:
    """Days in a unit word of a column's name ("months", "月", "лет"), else None."""
    return _UNIT_WORDS.get(word.lower()) or _time_unit(word, lexicon)


def _time_unit(word: str, lexicon: Lexicon) -> int | None:
    """Days in a unit word of another language in a column's name ("月", "лет")."""
    if word.isascii():
        return None
    return next((int(str(s.arg)) for s in lexicon.index.get((norm_word(word),), ())
                 if s.kind == "time_unit"), None)


def _unknown_runs(name: str, lexicon: Lexicon) -> set[str]:
    """Characters of a Chinese name that no known word takes, side by side: one word of the
    name ("年卡" in 是否购买年卡, not the year unit 年 and a card)."""
    tokens = tokenize(simplified(name), lexicon.chinese_words)
    runs: list[str] = [""]
    for token in tokens:
        single = token.kind == "word" and len(token.text) == 1 and is_chinese(token.text)
        if single:
            runs[-1] += token.text
        elif runs[-1]:
            runs.append("")
    return {run for run in runs if len(run) > 1}


def _key_words(name: str) -> set[str]:
    """The words of the key column's name that are no id word ("номер", "id")."""
    words = name_words(name) if name.isascii() else re.findall(r"[^\W\d_]+", name.lower())
    return {w for w in words if not set(role_words(w)) & ID_WORDS}


def _norms(phrase: str, lexicon: Lexicon) -> tuple[str, ...]:
    known = lexicon.chinese_words | {simplified(phrase)}
    return tuple(t.norm for t in tokenize(phrase, known) if t.kind in ("word", "num"))


def _column_words(info: ColumnInfo, lexicon: Lexicon, unit: str | None) -> ColumnWords:
    raw = name_words(info.name) if info.name.isascii() else [
        t.text for t in tokenize(info.name, lexicon.chinese_words | _unknown_runs(
            info.name, lexicon)) if t.kind == "word"]
    expanded: list[str] = []
    abbreviated: set[str] = set()  # "mrr" of mrr_usd is said as it is written, too
    for word in raw:
        expansion = lexicon.files["en"].abbreviations.get(word.lower())
        expanded.extend(expansion or _split_compound(word.lower(), lexicon) or [word])
        abbreviated.update([norm_word(word)] if expansion else [])
    norms = [norm_word(w) for w in expanded]
    glue = {n for n in norms if any(s.kind in ("func", "loc", "conj", "break") for s in
                                    lexicon.index.get((n,), ())) and
            not any(s.kind in ("concept", "role") for s in lexicon.index.get((n,), ()))}
    concepts: set[str] = set()
    for size in (1, 2, 3):
        for i in range(len(norms) - size + 1):
            if size == 1 and len(norms[i]) == 1 and norms[i].isascii():
                continue  # the "m" of nights_12m is a unit, not "male"
            for sense in lexicon.index.get(tuple(norms[i:i + size]), ()):
                if sense.kind in ("concept", "role", "value_group"):
                    concepts.add(str(sense.arg))  # "wechat_bound": 微信 names it too
    # A word of the name that is itself a concept's name ("Segment": the concept other
    # languages say "сегмент", "细分市场" for).
    concepts.update(n for n in norms if any(n in f.concepts for f in lexicon.files.values()))
    if info.role.value in ("recency", "frequency", "monetary", "tenure"):
        concepts.add(info.role.value)
    # "renewal" is also met by "renewing", "бонусный" by "бонусов", "пролонгирован" (its
    # lemma пролонгировать) by "пролонгации": endings swapped as the lexicons list them
    endings = {end: new for f in lexicon.files.values() for end, new in f.name_endings.items()}
    derived = {norm_word(w[:-len(end)] + new) for w in {*expanded, *norms}
               for end, new in endings.items() if w.lower().endswith(end) and w.isalpha()
               and len(w) - len(end) >= (3 if w.isascii() else 4)}
    # "月均流量" of 月均流量GB: a name's Chinese run, typed whole, is a known word (see
    # data_lexicon) and names the column
    runs = {norm_word(run) for run in re.findall("[\u3400-\u9fff]{2,}", simplified(info.name))}
    # "累计充值" is a phrase of its own, and its "充值" names it as well as "充值次数"'s does
    inner = {norm_word(t.text) for w in raw if len(w) >= 3 and re.fullmatch("[\u3400-\u9fff]+", w)
             for t in tokenize(w, lexicon.chinese_words - {w}) if len(t.text) >= 2 and not any(
                 s.kind == "people" for s in lexicon.index.get((t.norm,), ()))}  # 会员 of 会员等级
    words = ColumnWords(info=info, norms=(frozenset(norms) | derived | abbreviated | runs |
                                          inner) - glue,
                        concepts=frozenset(concepts), size=max(len(norms) - len(glue), 1))
    # A unit in the name of a duration ("Months_on_book", "NightsStayed"), not of a rate
    # ("VisitsMonth").
    duration = bool(concepts & {"recency", "tenure", "duration"})
    named_units = [unit_days(w, lexicon) for w in expanded]
    named_units = [u for u in named_units if u]  # "tenure_months", "在网月数", "стаж_лет"
    words.name_unit_days = named_units[-1] if named_units else None
    units = named_units if duration else []
    if unit:
        words.unit_days = _UNIT_WORDS.get(unit.lower().rstrip("s") + "s") or \
            _UNIT_WORDS.get(unit.lower())
    elif units:
        words.unit_days = units[-1]
    elif info.role == Role.RECENCY or "recency" in concepts and "tenure" not in concepts:
        words.unit_days = 1  # SEMANTICS.md: recency is days since the last purchase
    if "k" in [w.lower() for w in raw] or "thousands" in norms:
        words.scale = 1000.0
    if info.role == Role.FLAG or (info.dtype == DType.BOOL):
        words.yes, words.no = _yes_no(info.values)
    return words


def _split_compound(word: str, lexicon: Lexicon) -> list[str] | None:
    """"kidhome" -> ["kid", "home"]: a run-together name whose first part is a known noun;
    "interaction" -> ["interact"]: a known verb and an ending. Not "mar" (March) + "keting",
    nor "market" + "ing"."""
    if len(word) < 6 or not word.isalpha() or (norm_word(word),) in lexicon.index:
        return None
    for cut in range(len(word) - 3, 2, -1):
        head, tail = word[:cut], word[cut:]
        kinds = {x.kind for x in lexicon.index.get((norm_word(head),), ())}
        if tail in _SUFFIXES and "activity" in kinds:
            return [head]
        # a three-letter head names a thing ("kid|home"), not a role's short form ("rev|iew")
        short = cut == 3 and not kinds & {"concept", "people"}
        if kinds & {"concept", "role", "people"} and len(tail) >= 3 and \
                tail not in _SUFFIXES and not short:
            return [head, tail]
    return None


def _yes_no(values: tuple[str, ...]) -> tuple[str | None, str | None]:
    yes = next((v for v in values if fold(v.strip()) in _YES), None)
    if yes is None and len(values) == 2 and set(values) == {"0", "1"}:
        yes = "1"
    return yes, (_other(values, yes) if yes is not None else None)


def _other(values: tuple[str, ...], yes: str) -> str | None:
    rest = [v for v in values if v != yes]
    return rest[0] if len(rest) == 1 else None


def _groups_of(value: str, norms: tuple[str, ...], lexicon: Lexicon,
               siblings: tuple[str, ...] = ()) -> set[str]:
    """Value groups a data value belongs to: the whole value, or one of its few words; a
    one-letter code ("M") only beside another coded group ("F"), not among sizes (S, M, L)."""
    found: set[str] = set()
    candidates = [norms] + ([(n,) for n in norms] if len(norms) <= 3 else [])
    # two Chinese characters are a word ("玩具"); two letters may be a code ("IT")
    for key in [k for k in candidates if len(joined := "".join(k)) > 2 or
                len(joined) == 2 and _CHINESE.search(joined)]:
        groups = {str(s.arg) for s in lexicon.index.get(key, ()) if s.kind == "value_group"}
        if groups and key != norms and any(fold(s) == key[0] for s in siblings):
            continue  # "Moscow Oblast" beside "Moscow": the city is the value "Moscow"
        found |= groups
    codes = _short_codes(lexicon)
    stripped = fold(value.strip())
    coded = {g for g, phrases in codes.items() if stripped in phrases}
    if not coded:  # most values: no need to look at the siblings (quadratic on wide data)
        return found
    if len(stripped) >= 2:  # "No" among "DSL", "Fiber optic": the answer no, whatever else
        found |= coded & {"yes", "no"}
    if value.strip().isupper() and len(stripped) == 2:
        # "JD": the group whose only Latin short name it is (京东), not a size's "M"
        found |= {g for g in coded if len({p for p in codes[g] if p.isascii()}) == 1}
    others = {g for s in siblings if s != value for g, p in codes.items() if fold(s.strip()) in p}
    uncoded = [s for s in siblings if not any(fold(s.strip()) in p for p in codes.values())]
    if coded and others - coded and len(uncoded) <= len(siblings) // 2:
        found |= coded
    return found


def _short_codes(lexicon: Lexicon) -> dict[str, set[str]]:
    codes: dict[str, set[str]] = defaultdict(set)
    for language_file in lexicon.files.values():
        for group_id, phrases in language_file.value_groups.items():
            codes[group_id].update(fold(p) for p in phrases if len(p) <= 2)
    return codes


def _place_values(columns: dict[str, ColumnWords], lexicon: Lexicon
                  ) -> dict[str, list[tuple[str, str]]]:
    """Territory code -> the (column, value) pairs naming it, for columns of places."""
    by_name = dict(names_to_codes())
    for language_file in lexicon.files.values():
        for code, aliases in language_file.places.items():
            for alias in aliases:
                by_name.setdefault(fold(alias), code)
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for words in columns.values():
        values = words.info.values
        if not words.is_category or not values:
            continue
        codes = {v: _code_of(v, by_name) for v in values}
        if sum(c is not None for c in codes.values()) < max(2, len(values) // 3):
            continue  # not a column of places
        for value, territory in codes.items():
            if territory is not None:
                out[territory].append((words.name, value))
    return dict(out)


def _code_of(value: str, by_name: dict[str, str]) -> str | None:
    text = value.strip()
    if len(text) == 2 and text.isupper() and text in set(by_name.values()):
        return text
    return by_name.get(fold(text))
