"""Column roles: what each column of a dataset means to a marketer.

Roles are inferred from names, types and values (see `roles.py`), shown to the
user and overridable. They are the vocabulary every other part speaks: the
feature builder looks up the amount column by role, the interpreter matches
words against column names and roles, the privacy filter hides PERSONAL ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class DataKind(StrEnum):
    TRANSACTIONS = "transactions"  # many rows per customer (order lines or orders)
    CUSTOMERS = "customers"  # one row per customer


class Role(StrEnum):
    # Roles of a transaction log's raw columns.
    CUSTOMER_ID = "customer_id"
    DATE = "date"
    AMOUNT = "amount"
    QUANTITY = "quantity"
    UNIT_PRICE = "unit_price"
    ORDER_ID = "order_id"
    STATUS = "status"
    # Customer-level behaviour (computed from a log, or given in a customer table).
    RECENCY = "recency"  # days since last purchase
    FREQUENCY = "frequency"  # number of orders
    MONETARY = "monetary"  # total spend
    TENURE = "tenure"  # days since first purchase
    # Attributes.
    CATEGORY = "category"  # low-cardinality values: country, gender, education
    FLAG = "flag"  # 0/1, yes/no, true/false
    MEASURE = "measure"  # other numbers: age, income, spend per product line
    DATE_ATTRIBUTE = "date_attribute"  # other dates: signup date, birthday
    TEXT = "text"  # free text, product descriptions, high-cardinality codes
    PERSONAL = "personal"  # email, phone, name, address: never sent to a model
    CONSTANT = "constant"  # one value only: carries no information


class DType(StrEnum):
    NUMBER = "number"
    INTEGER = "integer"
    TEXT = "text"
    DATE = "date"
    BOOL = "bool"


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    role: Role
    dtype: DType
    n_missing: int = 0
    n_unique: int = 0
    # Distinct values of a low-cardinality column, most frequent first; empty otherwise.
    values: tuple[str, ...] = ()
    # "email", "phone", "name", "address" for PERSONAL columns.
    personal_kind: str | None = None
    # Why the role was chosen, shown to the user ("name contains 'invoice'").
    reason: str = ""
    minimum: float | None = None
    maximum: float | None = None
    mean: float | None = None  # of a number column ("spent above average")


@dataclass(frozen=True)
class Schema:
    kind: DataKind
    columns: tuple[ColumnInfo, ...] = field(default_factory=tuple)
    # What the user should know about how the roles were read from the values rather than
    # the names (a log recognised by its shape, or a repeated id left as it is; see
    # `log_shape.py`). The loader shows them; the large-file paths, which read the roles from
    # the first rows only, leave such a file to the ordinary path.
    notes: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> ColumnInfo | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None

    def by_role(self, role: Role) -> list[ColumnInfo]:
        return [c for c in self.columns if c.role == role]

    def first(self, role: Role) -> ColumnInfo | None:
        found = self.by_role(role)
        return found[0] if found else None
