"""A segment definition in plain words, for the marketer who asked for it.

"spent more than £1,000 and no order in the last 90 days", "Country is
Germany or France", "top 10% by monetary"; in Chinese or Russian when asked
("消费超过 £1,000 且最近 90 天内没有下单"; a log's computed
features in words there: "верхние 10% по сумме покупок"). The templates are data
(`phrasing/<language>.yaml`, see `wording.py`). The wording is a pure function of
the definition (and the data's currency and column roles when given), so the
same definition always reads the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from tools.engine.dataset import (
    AVG_ORDER_VALUE,
    FREQUENCY,
    MONETARY,
    RECENCY,
    TENURE,
    CustomerData,
)
from tools.engine.definitions import (
    And,
    Between,
    Cluster,
    ColumnSum,
    Compare,
    CompareColumns,
    Condition,
    In,
    Lifecycle,
    Missing,
    Not,
    NotIn,
    Or,
    Present,
    Purchased,
    Rank,
    RfmScore,
    RfmSegment,
    SegmentRef,
)
from tools.engine.errors import EngineError
from tools.engine.operands import ColumnKind, find_column
from tools.engine.schema import ColumnInfo, Role
from tools.engine.wording import phrasing

Scalar = float | int | str | bool
_ISO_DATE = re.compile(r"\s*\d{4}-\d{1,2}-\d{1,2}")

# Customer-table columns with these roles read like the matching feature.
_ROLE_FEATURES = {Role.RECENCY: RECENCY, Role.FREQUENCY: FREQUENCY, Role.MONETARY: MONETARY,
                  Role.TENURE: TENURE}
_MONEY_FEATURES = frozenset({MONETARY, AVG_ORDER_VALUE})
# Features every customer of a purchase log has (SEMANTICS.md: at least one order each).
_ALWAYS_KNOWN = frozenset({RECENCY, FREQUENCY, MONETARY})
_OPPOSITE = {">": "<=", ">=": "<", "<": ">=", "<=": ">", "==": "!=", "!=": "=="}
# A sum of up to this many columns reads as "A + B + C"; more as "the total of ... (N columns)".
_SUM_TERMS = 3


def _year(column: str, value: Scalar, info: ColumnInfo | None) -> str | None:
    """A number in a column of years as a year (1960, not 1,960); None for anything else.
    A column of years holds years ("Year_Birth"); "age_years" holds ages, not years."""
    if not _is_number(value) or not 1800 <= float(value) <= 2200:
        return None
    if info is not None and info.minimum is not None and info.maximum is not None:
        return str(int(value)) if info.minimum >= 1800 and info.maximum <= 2200 else None
    return str(int(value)) if "year" in column.lower() else None


def _is_number(value: Scalar) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class _Describer:
    def __init__(self, data: CustomerData | None, language: str) -> None:
        self.data = data
        self.words = phrasing(language)
        self.currency = (data.source.currency if data is not None else None) or ""
        w = self.words
        self.say = w.fill  # a template filled in (Chinese spacing included)
        self.phrases: dict[type, Callable[[Any], str]] = {
            Compare: self._compare, Between: self._between, In: self._in, NotIn: self._not_in,
            ColumnSum: self._sum, CompareColumns: self._compare_columns,
            Missing: lambda c: self.say(w.missing, column=self._column(c.column)),
            Present: lambda c: self.say(w.present, column=self._column(c.column)),
            Rank: self._rank, RfmSegment: self._rfm_segment, RfmScore: self._rfm_score,
            Purchased: self._purchased,
            Lifecycle: self._lifecycle, Cluster: self._cluster,
            SegmentRef: lambda c: self.say(w.saved_segment, name=c.name),
            And: lambda c: w.all_of.join([self._part(x) for x in c.all]),
            Or: lambda c: w.any_of.join([self._part(x) for x in c.any]),
            Not: self._not,
        }

    def _not(self, condition: Not) -> str:
        # "not (no order in the last 60 days)" reads as "ordered in the last 60 days" where
        # the column is never missing (the purchase features of every customer), so that
        # the two say the same customers.
        inner = condition.condition
        if isinstance(inner, In) and self._never_missing(inner.column):  # "is not X"
            return self.text(NotIn(column=inner.column, values=inner.values))
        if isinstance(inner, Compare) and inner.op in _OPPOSITE and self._never_missing(
                inner.column):
            if isinstance(inner.value, bool) and inner.op == "==":  # "churned is no"
                return self.text(inner.model_copy(update={"value": not inner.value}))
            return self.text(inner.model_copy(update={"op": _OPPOSITE[inner.op]}))
        if isinstance(inner, Purchased):  # every customer has a count (0 without a line)
            return self.text(inner.model_copy(update={"op": _OPPOSITE[inner.op]}))
        return self.say(self.words.negation, condition=self.text(inner))

    def _never_missing(self, column: str) -> bool:
        if self.data is None:
            return column in _ALWAYS_KNOWN
        info = self.data.schema.column(column)
        return column in _ALWAYS_KNOWN if info is None else info.n_missing == 0

    def text(self, condition: Condition) -> str:
        return self.phrases[type(condition)](condition)

    def _number(self, value: float | int) -> str:
        return self.words.number.number(value)

    def _value(self, value: Scalar) -> str:
        if isinstance(value, bool):
            return self.words.yes_word if value else self.words.no_word
        if isinstance(value, int | float):
            return self._number(value)
        return value.strip()

    def _column(self, column: str) -> str:
        # A log's computed feature ("monetary") in the language's words where it has them
        # ("сумма покупок"); a data column as the data writes it.
        return self.words.column_name(column)

    def _values(self, values: list[Scalar]) -> list[str]:
        return [self._value(v) for v in values]

    def _feature(self, column: str) -> str | None:
        if column in self.words.features:
            return column
        if self.data is None:
            return None
        info = self.data.schema.column(column)
        return _ROLE_FEATURES.get(info.role) if info is not None else None

    def _feature_value(self, feature: str, value: Scalar) -> str:
        if feature in _MONEY_FEATURES and isinstance(value, int | float) and _is_number(value):
            return self.words.number.money(value, self.currency)
        return self._value(value)

    def _feature_text(self, feature: str, key: str, count: Scalar, **values: str) -> str:
        # {days} and {orders}: the unit in agreement with the (last) number.
        number = count if isinstance(count, int | float) and _is_number(count) else 0
        w = self.words
        return self.say(w.features[feature][key], days=w.unit("day", number),
                        orders=w.unit("order", number), **values)

    def _info(self, column: str) -> ColumnInfo | None:
        return self.data.schema.column(column) if self.data is not None else None

    def _is_flag(self, column: str) -> bool:
        info = self._info(column)
        return info is not None and info.role is Role.FLAG

    def _compare(self, c: Compare) -> str:
        generic = self.words.compare[c.op]
        if c.op in ("==", "!=") and c.value in (0, 1) and self._is_flag(c.column):
            return self.say(generic, column=self._column(c.column),
                            value=self._value(bool(c.value)))
        feature = self._feature(c.column)
        if feature is not None and _is_number(c.value):
            return self._feature_text(feature, c.op, c.value,
                                      v=self._feature_value(feature, c.value))
        dated, column = self.words.dates[c.op], self._column(c.column)
        if isinstance(c.value, str) and _ISO_DATE.match(c.value):
            return self.say(dated, column=column, value=self._value(c.value))
        year = _year(c.column, c.value, self._info(c.column))
        if year is not None:
            return self.say(dated, column=column, value=year)
        return self.say(generic, column=column, value=self._value(c.value))

    def _between(self, c: Between) -> str:
        feature = self._feature(c.column)
        if feature is not None and _is_number(c.low) and _is_number(c.high):
            return self._feature_text(feature, "between", c.high,
                                      low=self._feature_value(feature, c.low),
                                      high=self._feature_value(feature, c.high))
        info = self._info(c.column)
        low, high = _year(c.column, c.low, info), _year(c.column, c.high, info)
        if low is None or high is None:
            low, high = self._value(c.low), self._value(c.high)
        return self.say(self.words.between, column=self._column(c.column), low=low, high=high)

    def _sum(self, c: ColumnSum) -> str:
        w, columns = self.words, [self._column(column) for column in c.columns]
        if len(columns) <= _SUM_TERMS:
            total = w.sum_terms.join(columns)
        else:
            total = self.say(w.sum_total, columns=w.sum_list.join(columns),
                             count=w.count(len(c.columns), "column"))
        return self.say(w.compare[c.op], column=total, value=self._value(c.value))

    def _is_date(self, column: str) -> bool:
        if self.data is None:
            return False
        try:
            return find_column(self.data, column).kind is ColumnKind.DATE
        except EngineError:
            return False

    def _compare_columns(self, c: CompareColumns) -> str:
        w = self.words
        table = w.date_pairs if self._is_date(c.left) or self._is_date(c.right) else w.column_pairs
        return self.say(table[c.op], left=self._column(c.left), right=self._column(c.right))

    def _in(self, c: In) -> str:
        values = self.words.alternatives.join(self._values(c.values))
        return self.say(self.words.in_values, column=self._column(c.column), values=values)

    def _not_in(self, c: NotIn) -> str:
        w, shown, column = self.words, self._values(c.values), self._column(c.column)
        if len(shown) == 1:
            return self.say(w.not_in_one, column=column, value=shown[0])
        if len(shown) == 2:
            return self.say(w.not_in_two, column=column, first=shown[0], second=shown[1])
        return self.say(w.not_in_many, column=column, values=w.nor.join(shown))

    def _rank(self, c: Rank) -> str:
        size = (self.say(self.words.percent, value=self._number(c.percent))
                if c.percent is not None else self._number(c.n or 0))
        # The rank's own case of the feature where the language has one ("по сумме покупок").
        column = self.words.column_name(c.column, self.words.rank_feature_names)
        return self.say(self.words.rank[c.direction], size=size, column=column)

    def _names(self, names: list[str], table: dict[str, str]) -> str:
        return self.words.alternatives.join([self.words.label(n.strip(), table) for n in names])

    def _rfm_segment(self, c: RfmSegment) -> str:
        names = self._names(list(c.segments), self.words.rfm_names)
        return self.say(self.words.rfm_segment.pick(len(c.segments)), names=names)

    def _rfm_score(self, c: RfmScore) -> str:
        w, score = self.words, c.score.upper()
        if c.low == c.high:
            return self.say(w.rfm_score_one, score=score, low=c.low)
        return self.say(w.rfm_score_range, score=score, low=c.low, high=c.high)

    def _purchased(self, c: Purchased) -> str:
        p, when = self.words.purchased, self._period(c)
        plain = c.is_bought or c.is_not_bought
        if plain:
            sentence = p.bought if c.is_bought else p.not_bought
        else:
            sentence = (p.orders if c.measure == "orders" else p.spend)[c.op]
        what = ""
        if c.column is not None and c.values:
            piece = p.what_bought if plain else (
                p.what_orders if c.measure == "orders" else p.what_spend)
            what = self.say(piece, column=c.column,
                            values=self.words.alternatives.join(self._values(c.values)))
        value = (self.words.number.money(c.value, self.currency) if c.measure == "spend"
                 else self._number(c.value))
        return self.say(_without_empty(sentence, what=what, when=when), what=what, when=when,
                        v=value, orders=self.words.unit("order", c.value))

    def _period(self, c: Purchased) -> str:
        p = self.words.purchased
        period = ""
        if c.start is not None and c.end is not None:
            # the period's last day, as people say it ("between 2010-12-01 and 2010-12-31")
            period = self.say(p.between, first=c.start, last=_day_before(c.end))
        elif c.start is not None:
            period = self.say(p.since, first=c.start)
        elif c.end is not None:
            period = self.say(p.before, end=c.end)
        if c.within_days is None:
            return period
        within = self.say(p.within, n=self._number(c.within_days),
                          days=self.words.unit("day", c.within_days))
        return self.say(p.both, within=within, period=period) if period else within

    def _lifecycle(self, c: Lifecycle) -> str:
        names = self._names(list(c.stages), self.words.lifecycle_stages)
        return self.say(self.words.lifecycle.pick(len(c.stages)), names=names)

    def _cluster(self, c: Cluster) -> str:
        w = self.words
        chosen = w.alternatives.join(self._values(list(c.clusters)))
        within = "" if c.within is None else self.say(w.cluster_within,
                                                      condition=self._part(c.within))
        return self.say(w.cluster.pick(len(c.clusters)), chosen=chosen, k=c.k, within=within,
                        features=w.feature_list.join([self._column(f) for f in c.features]))

    def _part(self, condition: Condition) -> str:
        # Brackets keep "a and (b or c)" from reading as "(a and b) or c".
        text = self.text(condition)
        return self.say(self.words.group, condition=text) if isinstance(condition, And | Or) \
            else text


def _day_before(day: str) -> str:
    try:
        return (date.fromisoformat(day) - timedelta(days=1)).isoformat()
    except ValueError:
        return day


def _without_empty(template: str, **pieces: str) -> str:
    """`template` without the placeholders of empty pieces (and the space before each)."""
    for name, text in pieces.items():
        if not text:
            template = re.sub(r"\s*\{" + name + r"\}", "", template)
    return template.strip()


def describe(condition: Condition, data: CustomerData | None = None, *,
             language: str = "en") -> str:
    """`condition` in plain words: `data` adds the currency and column roles; `language` is
    "en", "zh" or "ru" (anything else reads as English)."""
    return _Describer(data, language).text(condition)
