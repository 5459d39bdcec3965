"""Segment definitions as data.

A definition is a tree of conditions (pydantic models, discriminated by
`type`) that serialises to YAML/JSON and back without loss. The interpreter,
an LLM's tool calls and a hand-written YAML file all produce the same models;
`evaluate.py` turns them into members and `describe.py` into plain English.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer

Scalar = float | int | str | bool
CompareOp = Literal[">", ">=", "<", "<=", "==", "!="]


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Compare(_Node):
    """`column op value`; dates compare against ISO strings ("2011-06-30")."""

    type: Literal["compare"] = "compare"
    column: str
    op: CompareOp
    value: Scalar


class Between(_Node):
    """`low <= column <= high` (both ends included)."""

    type: Literal["between"] = "between"
    column: str
    low: Scalar
    high: Scalar


class In(_Node):
    """The column's value is one of `values` (text matches ignore case)."""

    type: Literal["in"] = "in"
    column: str
    values: list[Scalar]


class NotIn(_Node):
    """The column's value is none of `values`; missing values are kept out too."""

    type: Literal["not_in"] = "not_in"
    column: str
    values: list[Scalar]


class Missing(_Node):
    type: Literal["missing"] = "missing"
    column: str


class Present(_Node):
    type: Literal["present"] = "present"
    column: str


class ColumnSum(_Node):
    """The sum of several columns compared with a number: `A + B + ... op value`.

    "Total spend across product lines over 1,000" (MntWines + MntFruits + ...), "accepted
    2 or more campaigns" (AcceptedCmp1 + ... + AcceptedCmp5 >= 2). Number columns add
    their values; yes/no columns count yes as 1 and no as 0 (booleans, and text whose
    every value reads as yes or no: "Yes"/"No", "y"/"n", "true"/"false", "1"/"0").
    Missing values: a customer with a missing value in any of the columns has no total
    and is in no `sum` segment, whatever the operator (`!=` included), as a missing value
    never matches a `compare`; `not` is the plain complement, so it does include them.
    """

    type: Literal["sum"] = "sum"
    columns: list[str]
    op: CompareOp
    value: Annotated[float, Field(allow_inf_nan=False)] | int


class CompareColumns(_Node):
    """One column compared with another: `left op right` (both numbers or both dates).

    "Balance above their salary", "spent more on wine than on meat". Dates compare as
    recorded (time of day included). A customer with either value missing is not a
    member, whatever the operator (`!=` included), as for `compare`.
    """

    type: Literal["compare_columns"] = "compare_columns"
    left: str
    op: CompareOp
    right: str


class Rank(_Node):
    """Top or bottom `n` customers, or `percent` % of them, by a measure.

    Ties are broken by customer id ascending. Inside an `and`, the ranking is
    taken among the customers that meet the other conditions.
    """

    type: Literal["rank"] = "rank"
    column: str
    direction: Literal["top", "bottom"] = "top"
    n: int | None = Field(default=None, ge=1)
    percent: float | None = Field(default=None, gt=0, le=100)


class RfmSegment(_Node):
    """Membership of one or more named RFM segments (SEMANTICS.md scheme by default)."""

    type: Literal["rfm_segment"] = "rfm_segment"
    segments: list[str]


class RfmScore(_Node):
    """A range of one RFM score (1-5): `score` is "r", "f" or "m"."""

    type: Literal["rfm_score"] = "rfm_score"
    score: Literal["r", "f", "m"]
    low: int = Field(ge=1, le=5)
    high: int = Field(ge=1, le=5)


class Purchased(_Node):
    """Customers by what they bought, read from the purchase log's kept lines (so it needs
    a log): the lines on a day from `start` up to, not including, `end` (ISO dates; None:
    open), in the last `within_days` days (as recency_days <= N), and whose value in the log
    column `column` is one of `values`; the customer's `measure` over them (orders: distinct
    orders; spend: the summed amounts; 0 without a line) compared: `op value`. The default
    is at least 1 order.

    "Bought in December 2010": start 2010-12-01, end 2011-01-01. "Spent over 5,000 in the
    last 30 days": within_days 30, measure spend, op ">", value 5000. "Bought vitamins":
    column category, values [vitamins]. Orders without an order id column are distinct
    calendar days, as for frequency (SEMANTICS.md); the last N days end at the as-of date,
    so a purchase on the last day of the data is 1 day before it.
    """

    type: Literal["purchased"] = "purchased"
    start: str | None = None
    end: str | None = None
    within_days: int | None = Field(default=None, ge=1)
    column: str | None = None
    values: list[Scalar] = Field(default_factory=list)
    measure: Literal["orders", "spend"] = "orders"
    op: CompareOp = ">="
    value: Annotated[float, Field(allow_inf_nan=False)] | int = 1

    @model_serializer(mode="wrap")
    def _without_defaults(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A plain period ("bought in December 2010") serialises as before the measures.
        dumped: dict[str, Any] = handler(self)
        for name, field in type(self).model_fields.items():
            if name != "type" and name in dumped and getattr(self, name) == \
                    field.get_default(call_default_factory=True):
                dumped.pop(name)
        return dumped

    @property
    def is_bought(self) -> bool:
        """Whether this is "bought at least once" (in its period, of its values)."""
        return self.measure == "orders" and (self.op, self.value) in (
            (">=", 1), (">", 0), ("!=", 0))

    @property
    def is_not_bought(self) -> bool:
        """Whether this is "did not buy" (in its period, of its values)."""
        return self.measure == "orders" and (self.op, self.value) in (
            ("<", 1), ("<=", 0), ("==", 0))


class Lifecycle(_Node):
    """Membership of lifecycle stages (new, active, at risk, lapsed, ...)."""

    type: Literal["lifecycle"] = "lifecycle"
    stages: list[str]


class Cluster(_Node):
    """Membership of clusters of a deterministic k-means run with these settings.

    `within`: the run is fitted on the customers meeting this condition only (over
    all customers, like a saved segment), and nobody outside it is in any cluster.
    None: the whole base.
    """

    type: Literal["cluster"] = "cluster"
    features: list[str]
    k: int = Field(ge=2)
    clusters: list[int]
    random_state: int = 0
    within: Condition | None = None

    @model_serializer(mode="wrap")
    def _without_empty_within(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A whole-base clustering serialises exactly as before `within` existed.
        dumped: dict[str, Any] = handler(self)
        if self.within is None:
            dumped.pop("within", None)
        return dumped


class SegmentRef(_Node):
    """The members of another saved segment (a refinement builds on it)."""

    type: Literal["segment"] = "segment"
    name: str


class And(_Node):
    type: Literal["and"] = "and"
    all: list[Condition]


class Or(_Node):
    type: Literal["or"] = "or"
    any: list[Condition]


class Not(_Node):
    type: Literal["not"] = "not"
    condition: Condition


Condition = Annotated[
    Compare
    | Between
    | ColumnSum
    | CompareColumns
    | In
    | NotIn
    | Missing
    | Present
    | Rank
    | RfmSegment
    | RfmScore
    | Purchased
    | Lifecycle
    | Cluster
    | SegmentRef
    | And
    | Or
    | Not,
    Field(discriminator="type"),
]

Cluster.model_rebuild()
And.model_rebuild()
Or.model_rebuild()
Not.model_rebuild()


class SegmentDefinition(BaseModel):
    """A named, reusable segment: the condition plus what a person wrote about it."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    condition: Condition
    notes: str = ""

    def to_yaml(self) -> str:
        return yaml.safe_dump(self.model_dump(mode="json", exclude_defaults=False),
                              sort_keys=False, allow_unicode=True)

    @classmethod
    def from_yaml(cls, text: str) -> SegmentDefinition:
        return cls.model_validate(load_yaml(text))

    @classmethod
    def from_data(cls, data: Any) -> SegmentDefinition:
        return cls.model_validate(data)


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without aliases: `*name` repeated inside itself expands exponentially."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in a segment definition",
                self.peek_event().start_mark)
        return super().compose_node(parent, index)


def load_yaml(text: str) -> Any:
    """Parse a definition file's YAML; damage is a yaml.YAMLError, never a hang or a crash."""
    loader = _NoAliasLoader(text)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise yaml.YAMLError("the definition is nested too deeply") from None
    finally:
        loader.dispose()


def conjunction(conditions: list[Condition]) -> Condition:
    """AND together conditions, flattening nested ands and dropping repeats (a follow-up
    that says a condition again adds nothing); one condition stays itself."""
    flat: list[Condition] = []
    for c in conditions:
        flat.extend(part for part in (c.all if isinstance(c, And) else [c]) if part not in flat)
    return flat[0] if len(flat) == 1 else And(all=flat)
