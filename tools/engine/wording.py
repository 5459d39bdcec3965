"""Words, numbers and plurals per language for the text the engine writes.

The phrase templates live in data files, one per language (`phrasing/en.yaml`,
`zh.yaml`, `ru.yaml`), read once. English is the reference: an unknown language
reads as English. Pure: no printing, no environment.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from string import Formatter
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

LANGUAGES = ("en", "zh", "ru")
OPERATORS = (">", ">=", "<", "<=", "==", "!=")
# The customer features (SEMANTICS.md) that read as behaviour ("spent more than ...").
FEATURE_NAMES = ("monetary", "recency_days", "frequency", "tenure_days", "avg_order_value")
UNITS = ("day", "order", "customer", "column")
# CJK ideographs and punctuation, full-width forms ("（", "：").
_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_FORMATTER = Formatter()


def fill(template: str, tight: bool = False, **values: object) -> str:
    """`template.format(**values)`. `tight` (Chinese): a space of the template's own next to
    a Chinese character of a value is left out ("City 为北京", but "Country 为 France")."""
    if not tight:
        return template.format(**values)
    parts: list[tuple[str, bool]] = []  # (text, from the template)
    for literal, field, spec, conversion in _FORMATTER.parse(template):
        parts.append((literal, True))
        if field is not None:
            value = _FORMATTER.convert_field(values[field], conversion)
            parts.append((format(value, spec or ""), False))
    out: list[str] = []
    for index, (text, own) in enumerate(parts):
        if own:
            before = parts[index - 1][0] if index > 0 else ""
            after = parts[index + 1][0] if index + 1 < len(parts) else ""
            if text.startswith(" ") and _CJK.match(before[-1:]):
                text = text[1:]
            # a list's bullet keeps its space ("- 南京：23.7%")
            if text.endswith(" ") and _CJK.match(after[:1]) and \
                    not text.rstrip().endswith(("-", "•", "*")):
                text = text[:-1]
        out.append(text)
    return "".join(out)


def language_of(language: str | None) -> str:
    """`language` when it is covered, else "en"."""
    return language if language in LANGUAGES else "en"


def language_file(package: str, folder: str, language: str | None) -> Any:
    """The YAML file `folder/<language>.yaml` shipped in `package` (English when the
    language is not covered), parsed."""
    code = language_of(language)
    return yaml.safe_load(resources.files(package).joinpath(f"{folder}/{code}.yaml").read_text(
        encoding="utf-8"))


def plural(count: float | int, forms: Sequence[str]) -> str:
    """The form of a counted noun that agrees with `count`.

    One form: no plural (Chinese). Two: one / other (English). Three: the Slavic
    one / few / many ("1 день", "2 дня", "5 дней"; 11-14 take "many"; fractions "few").
    """
    if len(forms) == 1:
        return forms[0]
    if len(forms) == 2:
        return forms[0] if count == 1 else forms[1]
    if not float(count).is_integer():
        return forms[1]
    n = abs(int(count))
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]


def percent_digits(share: float) -> str:
    """A share as a percent with one decimal, rounded half up from the decimal figure a
    person would compute (0.2145 -> "21.5"; binary floats would give 21.4 for some)."""
    exact = Decimal(repr(round(100 * float(share), 9)))
    return f"{exact.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):.1f}"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NumberStyle(_Frozen):
    """Thousands separator and decimal mark ("1,234.5" / "1 234,5")."""

    thousands: str
    decimal: str

    def localise(self, text: str) -> str:
        """An English-formatted figure ("1,234.50") in this style."""
        table: dict[str, str | int | None] = {",": self.thousands, ".": self.decimal}
        return text.translate(str.maketrans(table))

    def number(self, value: float | int) -> str:
        if float(value).is_integer():
            return self.localise(f"{int(value):,}")
        # Enough decimals to show what was asked (0.3000001), none of float noise.
        return self.localise(f"{value:,.10f}".rstrip("0").rstrip("."))

    def money(self, value: float | int, currency: str) -> str:
        sign = "-" if value < 0 else ""
        amount = abs(value)
        shown = f"{int(amount):,}" if float(amount).is_integer() else f"{amount:,.2f}"
        return f"{sign}{currency}{self.localise(shown)}"


class Joiner(_Frozen):
    """How a list reads: "a, b or c" is sep=", ", last=" or "."""

    sep: str
    last: str
    # Chinese: the joiner's own spaces go next to a Chinese character ("且最近", not "且 最近")
    # and stay next to Latin text or figures ("France 或 Spain").
    tight: bool = False

    def join(self, parts: Sequence[str]) -> str:
        if len(parts) <= 1:
            return "".join(parts)
        text = parts[0]
        for index, part in enumerate(parts[1:], start=2):
            word = self.last if index == len(parts) else self.sep
            if self.tight and _CJK.match(text[-1:]):
                word = word.lstrip(" ")
            if self.tight and _CJK.match(part[:1]):
                word = word.rstrip(" ")
            text += word + part
        return text


class OneMany(_Frozen):
    """A template for one item and one for several ("segment" / "segments")."""

    one: str
    many: str

    def pick(self, count: int) -> str:
        return self.one if count == 1 else self.many


class PurchasePhrases(_Frozen):
    """The `purchased` condition's pieces: {when} (the period), {what} (the values bought)
    and the sentence per measure and operator ({v}, {orders}); an empty piece is left out
    with the space before it."""

    between: str  # {first} {last}: the period's first and last day
    since: str  # {first}
    before: str  # {end}: the first day not included
    within: str  # {n} {days}
    both: str  # {within} {period}
    what_bought: str  # {values} {column}
    what_orders: str
    what_spend: str
    bought: str
    not_bought: str
    orders: dict[str, str]  # operator -> template
    spend: dict[str, str]

    @model_validator(mode="after")
    def _every_operator(self) -> PurchasePhrases:
        if set(self.orders) != set(OPERATORS) or set(self.spend) != set(OPERATORS):
            raise ValueError("incomplete phrasing: purchased orders or spend")
        return self


class Phrasing(_Frozen):
    """Every phrase template `describe` uses, for one language."""

    number: NumberStyle
    tight: bool = False  # Chinese: no template space next to a Chinese character (see `fill`)
    yes_word: str
    no_word: str
    units: dict[str, list[str]]
    features: dict[str, dict[str, str]]  # feature -> operator or "between" -> template
    compare: dict[str, str]  # operator -> "{column} is over {value}"
    dates: dict[str, str]  # operator -> "{column} is after {value}"
    between: str
    column_pairs: dict[str, str]  # operator -> "{left} is above {right}"
    date_pairs: dict[str, str]  # operator -> "{left} is after {right}"
    sum_terms: Joiner  # a few summed columns: "A + B + C"
    sum_total: str  # many: "the total of {columns} ({count})"
    sum_list: Joiner  # the columns inside `sum_total`
    in_values: str
    not_in_one: str
    not_in_two: str
    not_in_many: str
    missing: str
    present: str
    percent: str
    rank: dict[str, str]  # "top" / "bottom" -> template
    rfm_segment: OneMany
    rfm_score_one: str
    rfm_score_range: str
    purchased: PurchasePhrases
    lifecycle: OneMany
    cluster: OneMany
    cluster_within: str
    feature_list: Joiner
    saved_segment: str
    negation: str
    group: str
    all_of: Joiner
    any_of: Joiner
    alternatives: Joiner
    nor: Joiner
    translated: str  # "{name}" or "{name} ({translation})"
    rfm_names: dict[str, str] = Field(default_factory=dict)
    lifecycle_stages: dict[str, str] = Field(default_factory=dict)
    # the customer features of a transaction log in words ("recency_days": "days since ...")
    feature_names: dict[str, str] = Field(default_factory=dict)
    # Whether conditions, profiles and comparisons name those features by `feature_names`
    # (Chinese, Russian) or by their own column names (English, the reference wording).
    features_in_words: bool = False
    # A feature as the rank template's {column} reads it where the case differs from
    # `feature_names` (Russian "по" takes the dative: "по сумме покупок").
    rank_feature_names: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> Phrasing:
        missing = [u for u in UNITS if not 1 <= len(self.units.get(u, [])) <= 3]
        missing += [f for f in FEATURE_NAMES
                    if set(self.features.get(f, {})) != {*OPERATORS, "between"}]
        missing += [name for name, table in (("compare", self.compare), ("dates", self.dates),
                                             ("column_pairs", self.column_pairs),
                                             ("date_pairs", self.date_pairs))
                    if set(table) != set(OPERATORS)]
        missing += [] if set(self.rank) == {"top", "bottom"} else ["rank"]
        if missing:
            raise ValueError(f"incomplete phrasing: {', '.join(missing)}")
        return self

    def fill(self, template: str, **values: object) -> str:
        return fill(template, self.tight, **values)

    def unit(self, name: str, count: float | int) -> str:
        return plural(count, self.units[name])

    def count(self, count: float | int, unit: str) -> str:
        """A whole count and its noun: "87 customers", "87 клиентов", "87 位客户"."""
        return f"{self.number.number(int(count))} {self.unit(unit, int(count))}"

    def column_name(self, column: str, table: dict[str, str] | None = None) -> str:
        """A column as this language names it: a computed feature in words (from `table`
        first, then `feature_names`) where the language says so; any other column as the
        data writes it."""
        if not self.features_in_words:
            return column
        return (table or {}).get(column) or self.feature_names.get(column, column)

    def label(self, name: str, table: dict[str, str]) -> str:
        """A scheme's own name with its translation, in the order `translated` gives, when
        this language has one; as written otherwise."""
        wanted = name.strip().casefold()
        translation = next((t for key, t in table.items() if key.casefold() == wanted), None)
        if translation is None:
            return name
        return self.fill(self.translated, name=name.strip(), translation=translation)


@cache
def phrasing(language: str = "en") -> Phrasing:
    """The phrase templates for `language` (English when it is not covered)."""
    return Phrasing.model_validate(language_file("tools.engine", "phrasing", language))


def format_number(value: float | int, language: str = "en") -> str:
    return phrasing(language).number.number(value)


def format_count(count: float | int, unit: str, language: str = "en") -> str:
    """A whole count with its noun in agreement: "1 customer", "5 клиентов", "3 天"."""
    return phrasing(language).count(count, unit)


def segment_label(name: str, language: str = "en") -> str:
    """An RFM segment name in the language, its own name in brackets ("冠军客户（Champions）"),
    when the language has a translation."""
    words = phrasing(language)
    return words.label(name, words.rfm_names)
