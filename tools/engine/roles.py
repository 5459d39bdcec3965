"""Role inference: what each raw column means, from its name, type and values.

Names are split into lower-case words ("InvoiceDate" -> invoice, date;
"days_since_last_order" -> days, since, last, order) and matched against
small vocabularies (`role_names.py`); values decide the rest (one value ->
CONSTANT, two of 0/1 or yes/no -> FLAG, few distinct strings -> CATEGORY,
many -> TEXT).
A file is a transaction log when it has a customer id that repeats and a
date; otherwise it is a customer table, unless its values have the shape of
an order log (`log_shape.py`: an id column that repeats over several dates,
orders nested in it, money). Every choice carries a `reason` the user sees,
and `overrides` ({"amount": "Revenue"}) win over inference.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from tools.engine.customer_key import (
    CUSTOMER_WORDS,
    ORDER_WORDS,
    ROW_IDS,
    bare_id,
    find_customer_id,
    id_reason,
    is_row_number,
    key_personal_kind,
)
from tools.engine.errors import DataError
from tools.engine.log_shape import ShapeReading, read_log_shape
from tools.engine.matching import nearest
from tools.engine.naming import role_words
from tools.engine.personal import personal_kind
from tools.engine.role_names import CODE_WORDS, customer_role, is_number, transaction_role
from tools.engine.schema import ColumnInfo, DataKind, DType, Role, Schema

# Low-cardinality columns list their values; above this they are TEXT.
MAX_CATEGORY_VALUES = 100
# Numbers list their values only when there are this few (a 0-5 rating, a count of kids).
MAX_NUMBER_VALUES = 20
_ALWAYS_CATEGORY_VALUES = 20
_CATEGORY_SHARE = 0.5  # values repeat, on average, at least twice

_ROLE_ALIASES = {
    "id": Role.CUSTOMER_ID, "customer": Role.CUSTOMER_ID, "customerid": Role.CUSTOMER_ID,
    "price": Role.UNIT_PRICE, "unitprice": Role.UNIT_PRICE, "qty": Role.QUANTITY,
    "order": Role.ORDER_ID, "orderid": Role.ORDER_ID, "invoice": Role.ORDER_ID,
    "revenue": Role.AMOUNT, "spend": Role.AMOUNT, "sales": Role.AMOUNT,
    "orders": Role.FREQUENCY, "spent": Role.MONETARY, "value": Role.MONETARY,
    "days_since": Role.RECENCY, "last_purchase": Role.RECENCY,
}
# Cells of a number column that may be something else (read as missing, reported): in one
# named like an amount, and in one the user mapped.
NAMED_STRAY_SHARE = 0.1
MAPPED_STRAY_SHARE = 0.5
_NUMBER_ROLES = frozenset({Role.AMOUNT, Role.QUANTITY, Role.UNIT_PRICE, Role.RECENCY,
                           Role.FREQUENCY, Role.MONETARY, Role.TENURE})
# A raw transaction log has at most one column in each of these roles.
_SINGLE_ROLES = (Role.CUSTOMER_ID, Role.DATE, Role.AMOUNT, Role.QUANTITY, Role.UNIT_PRICE,
                 Role.ORDER_ID, Role.STATUS, Role.RECENCY, Role.FREQUENCY, Role.MONETARY,
                 Role.TENURE)

# The words of a column that numbers the rows ("Row ID", "row_number", "index").
_ROW_NUMBER_WORDS = frozenset({"row", "id", "index", "line", "number", "no", "num", "n"})


def parse_role(name: str) -> Role:
    """A role from what a user typed ("amount", "unit_price", "price", "customer id")."""
    key = "_".join(role_words(name))
    try:
        return Role(key)
    except ValueError:
        pass
    compact = key.replace("_", "")
    for alias, role in _ROLE_ALIASES.items():
        if key == alias or compact == alias.replace("_", ""):
            return role
    options = [r.value for r in Role]
    raise DataError(f"'{name}' is not a column role; use one of: {', '.join(options)}.",
                    options=options)


def infer_schema(df: pd.DataFrame, dtypes: dict[str, DType],
                 overrides: dict[str, str] | None = None) -> Schema:
    """Roles of the raw columns of a parsed table, and whether it is a log or a customer table."""
    forced = _resolve_overrides(df, dtypes, overrides or {})
    forced_by_column = {column: role for role, column in forced.items()}
    id_column, row_number = forced.get(Role.CUSTOMER_ID), None
    if id_column is None:
        id_column, row_number = find_customer_id(
            df, dtypes, forced_by_column, lambda key: _has_order_columns(df, dtypes, {key}))
    date_column = forced.get(Role.DATE) or _find_date(df, dtypes, forced_by_column)
    kind = DataKind.CUSTOMERS
    if id_column is not None and date_column is not None:
        ids = df[id_column].dropna()
        if ids.duplicated().any() or _has_order_columns(df, dtypes, {id_column, date_column}):
            kind = DataKind.TRANSACTIONS
    customer_measures = any(
        r in forced for r in (Role.RECENCY, Role.FREQUENCY, Role.MONETARY, Role.TENURE))
    if kind is DataKind.TRANSACTIONS and customer_measures:
        # A customer-level measure was mapped: the user means a customer table.
        kind = DataKind.CUSTOMERS
    shape = ShapeReading({})
    if (kind is DataKind.CUSTOMERS and Role.CUSTOMER_ID not in forced and not customer_measures
            and not _trusted_key(df, id_column)):
        # No name says customer id: the values may still have the shape of an order log.
        shape = read_log_shape(df, dtypes, named=_named_roles(df, dtypes, forced_by_column),
                               skip=_not_keys(df, dtypes, forced_by_column),
                               date=forced.get(Role.DATE), row_id=id_column)
        if shape.roles:
            kind = DataKind.TRANSACTIONS
            id_column = next(c for c, (r, _) in shape.roles.items() if r is Role.CUSTOMER_ID)
            date_column = forced.get(Role.DATE) or next(
                c for c, (r, _) in shape.roles.items() if r is Role.DATE)
    infos: list[ColumnInfo] = []
    taken: set[Role] = set(forced) | {role for role, _ in shape.roles.values()}
    for name in df.columns:
        series = df[name]
        dtype = dtypes.get(name, DType.TEXT)
        if name in forced_by_column:
            role, reason = forced_by_column[name], "set by you"
        elif name in shape.roles:
            role, reason = shape.roles[name]
        elif name == id_column:
            role, reason = Role.CUSTOMER_ID, id_reason(name, df[name], dtype)
        elif name == date_column and kind is DataKind.TRANSACTIONS:
            role, reason = Role.DATE, f"dates in a column named '{name}'"
        else:
            role, reason = _infer_role(name, series, dtype, kind, taken)
        if role in _SINGLE_ROLES:
            taken.add(role)
        infos.append(describe_column(name, series, dtype, role, reason))
    if kind is DataKind.TRANSACTIONS:
        infos = _price_alone_is_the_amount(infos, forced)
    notes = shape.notes
    if row_number is not None and id_column is not None:
        notes = (*notes, f"'{row_number}' numbers the rows ({_span(df[row_number])}), so it "
                 f"was not taken as the customer key: customers are told apart by "
                 f"'{id_column}'. Map another with --map customer_id=COLUMN.")
    return Schema(kind=kind, columns=tuple(infos), notes=notes)


def _trusted_key(df: pd.DataFrame, id_column: str | None) -> bool:
    """Whether the customer key the names found stands: named for customers, or repeating.

    A bare unique "ID" may number the lines of a log whose customers are in another column.
    """
    if id_column is None:
        return False
    words = set(role_words(id_column))
    if words & CUSTOMER_WORDS or bare_id(id_column) not in (None, *ROW_IDS):
        return True
    return bool(df[id_column].dropna().duplicated().any())


def _named_roles(df: pd.DataFrame, dtypes: dict[str, DType],
                 forced: dict[str, Role]) -> dict[str, Role]:
    """Log roles the names (or the user) give: order number, quantity, price, amount, status."""
    named = dict(forced)
    for name in df.columns:
        if name in forced:
            continue
        words = role_words(str(name))
        found = transaction_role(words, set(words), dtypes.get(name, DType.TEXT), set())
        if found is not None:
            named[str(name)] = found[0]
    return named


def _not_keys(df: pd.DataFrame, dtypes: dict[str, DType],
              forced: dict[str, Role]) -> frozenset[str]:
    """Mapped columns and columns named like a customer-level measure ("recency")."""
    skip = set(forced)
    for name in df.columns:
        words = role_words(str(name))
        if customer_role(words, set(words), dtypes.get(name, DType.TEXT), set()):
            skip.add(str(name))
    return frozenset(skip)


def describe_column(name: str, series: pd.Series, dtype: DType, role: Role,
                    reason: str) -> ColumnInfo:
    """ColumnInfo with counts, low-cardinality values (most frequent first) and range."""
    present = series.dropna()
    # Counting each value only pays when the values are listed (a short list).
    n_unique = int(present.nunique())
    values: tuple[str, ...] = ()
    limit = MAX_CATEGORY_VALUES if dtype in (DType.TEXT, DType.BOOL) else MAX_NUMBER_VALUES
    if dtype is not DType.DATE and 0 < n_unique <= limit and role not in (
            Role.CUSTOMER_ID, Role.ORDER_ID, Role.PERSONAL, Role.TEXT):
        counts = present.value_counts(sort=False)
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        values = tuple(_value_text(v) for v, _ in ordered)
    minimum = maximum = mean = None
    if dtype in (DType.NUMBER, DType.INTEGER) and len(present):
        minimum, maximum = float(present.min()), float(present.max())
        mean = float(present.mean())
    kind = None
    if role is Role.PERSONAL:
        kind = personal_kind(name, series, dtype) or "personal"
    elif role is Role.CUSTOMER_ID:
        # A customer key may itself be personal data (names, emails): it is said so.
        kind = key_personal_kind(name, series, dtype)
    return ColumnInfo(name=name, role=role, dtype=dtype, n_missing=int(series.isna().sum()),
                      n_unique=n_unique, values=values, personal_kind=kind,
                      reason=reason, minimum=minimum, maximum=maximum,
                      mean=mean)


def _price_alone_is_the_amount(infos: list[ColumnInfo], forced: dict[Role, str]
                               ) -> list[ColumnInfo]:
    """A log with a price and neither a quantity nor an amount ("price_paid" of a course
    enrolment): each line is one item, so its price is the line's amount."""
    roles = {c.role for c in infos}
    if Role.UNIT_PRICE not in roles or roles & {Role.QUANTITY, Role.AMOUNT} or \
            Role.UNIT_PRICE in forced:
        return infos
    return [replace(c, role=Role.AMOUNT, reason=f"{c.reason}; with no quantity, each line's "
                    "amount") if c.role is Role.UNIT_PRICE else c for c in infos]


# Overrides ----------------------------------------------------------------------------------


def resolve_column(df: pd.DataFrame, column: str, role_name: str) -> str:
    if column in df.columns:
        return column
    folded = {str(c).lower(): str(c) for c in df.columns}
    if column.strip().lower() in folded:
        return folded[column.strip().lower()]
    names = [str(c) for c in df.columns]
    near = nearest(column, names) or names[:5]
    raise DataError(f"No column '{column}' to map as {role_name}; did you mean "
                    f"{' or '.join(repr(n) for n in near)}? Use --map {role_name}=COLUMN.",
                    options=near)


def _resolve_overrides(df: pd.DataFrame, dtypes: dict[str, DType],
                       overrides: dict[str, str]) -> dict[Role, str]:
    forced = _mapped_columns(df, overrides)
    for role, name in forced.items():
        _check_forced_type(name, role, dtypes)
    return forced


def _mapped_columns(df: pd.DataFrame, overrides: dict[str, str]) -> dict[Role, str]:
    forced: dict[Role, str] = {}
    names = {str(c).lower() for c in df.columns}
    for role_name, column in overrides.items():
        if role_name.strip().lower() in names and column.strip().lower() not in names:
            # Written the other way round ({"Revenue": "amount"}): the intent is unambiguous.
            role_name, column = column, role_name
        role = parse_role(role_name)
        forced[role] = resolve_column(df, column, role.value)
    return forced


def number_columns(df: pd.DataFrame, overrides: dict[str, str] | None = None
                   ) -> dict[str, float]:
    """Columns meant to hold numbers, and the share of their cells that may be something else.

    A column named like an amount, a quantity, a price or a customer measure may have a few
    stray cells ("#VALUE!", "inf"): they are read as missing and reported rather than making
    the column text, which would leave the log without an amount. A column the user mapped
    to such a role may have up to half (`parsing.parse_column`).
    """
    shares: dict[str, float] = {}
    for name in df.columns:
        words = role_words(str(name))
        found = (transaction_role(words, set(words), DType.NUMBER, set())
                 or customer_role(words, set(words), DType.INTEGER, set()))
        if found is not None and found[0] in _NUMBER_ROLES:
            shares[str(name)] = NAMED_STRAY_SHARE
    for role, name in _mapped_columns(df, overrides or {}).items():
        if role in _NUMBER_ROLES:
            shares[name] = MAPPED_STRAY_SHARE
    return shares


def _check_forced_type(column: str, role: Role, dtypes: dict[str, DType]) -> None:
    dtype = dtypes.get(column, DType.TEXT)
    # A last-purchase date may be the recency: the days to the as-of date are counted
    # (`table_recency.py`).
    dated_recency = role is Role.RECENCY and dtype is DType.DATE
    if role in _NUMBER_ROLES and dtype not in (DType.NUMBER, DType.INTEGER) and not dated_recency:
        fits = [c for c, t in dtypes.items() if t in (DType.NUMBER, DType.INTEGER)]
        what = "numbers"
    elif role in (Role.DATE, Role.DATE_ATTRIBUTE) and dtype is not DType.DATE:
        fits = [c for c, t in dtypes.items() if t is DType.DATE]
        what = "dates"
    else:
        return
    suggestion = (f"; columns with {what}: {', '.join(fits[:8])}" if fits else
                  f"; export it with every value in one {what[:-1]} format (e.g. "
                  f"{'2011-12-31' if what == 'dates' else '1234.50'}) and load it again")
    raise DataError(f"Column '{column}' does not hold {what} ({dtype.value}), so it cannot be "
                    f"the {role.value}{suggestion}.", options=fits, phrase="mapped_wrong_type",
                    values={"column": column, "role": role.value,
                            "options": ", ".join(fits[:8]) or "-"})


# Inference ----------------------------------------------------------------------------------


def _find_date(df: pd.DataFrame, dtypes: dict[str, DType], forced: dict[str, Role]) -> str | None:
    dates = [n for n in df.columns if dtypes.get(n) is DType.DATE and n not in forced]
    if not dates:
        return None
    for name in dates:
        words = set(role_words(name))
        if words & (ORDER_WORDS | {"date", "timestamp", "datetime"}):
            return str(name)
    return str(dates[0])


def _has_order_columns(df: pd.DataFrame, dtypes: dict[str, DType], skip: set[str]) -> bool:
    """An order number, or a quantity and a unit price: a log even if each customer bought once."""
    found: set[Role] = set()
    for name in df.columns:
        if name in skip or (len(df) > 1 and df[name].nunique() < 2):  # constants say nothing
            continue
        words = role_words(str(name))
        role = transaction_role(words, set(words), dtypes.get(name, DType.TEXT), set())
        if role:
            found.add(role[0])
    return Role.ORDER_ID in found or {Role.QUANTITY, Role.UNIT_PRICE} <= found


def _infer_role(name: str, series: pd.Series, dtype: DType, kind: DataKind,
                taken: set[Role]) -> tuple[Role, str]:
    words = role_words(name)
    word_set = set(words)
    present = series.dropna()
    n_unique = int(present.nunique())
    personal = personal_kind(name, series, dtype)
    if personal:
        return Role.PERSONAL, f"looks like personal data ({personal}); never sent to a model"
    if len(present) == 0:
        return Role.CONSTANT, "every value is missing"
    # A role named by the column wins over "constant": a log where every line costs 5 still
    # has an amount.
    if kind is DataKind.TRANSACTIONS:
        found = transaction_role(words, word_set, dtype, taken)
    else:
        found = customer_role(words, word_set, dtype, taken)
    if found:
        return found
    if n_unique == 1:
        return Role.CONSTANT, f"a single value ({_value_text(present.iloc[0])}) in every row"
    return _attribute_role(name, present, dtype, n_unique, word_set)


def _attribute_role(name: str, present: pd.Series, dtype: DType, n_unique: int,
                    word_set: set[str]) -> tuple[Role, str]:
    if dtype is DType.DATE:
        return Role.DATE_ATTRIBUTE, f"dates from {_span(present)}"
    if dtype is DType.BOOL:
        return Role.FLAG, "yes/no values"
    if is_number(dtype):
        if n_unique == 2 and set(present.unique().tolist()) <= {0, 1}:
            return Role.FLAG, "only 0 and 1"
        if dtype is DType.INTEGER and word_set & CODE_WORDS and n_unique <= MAX_CATEGORY_VALUES:
            return Role.CATEGORY, f"a numeric code with {n_unique} values"
        if word_set and word_set <= _ROW_NUMBER_WORDS and is_row_number(present):
            # "Row ID" 1..n of a log: which line it is, no measure of the customer
            return Role.TEXT, f"numbers the rows ({_span(present)})"
        return Role.MEASURE, f"numbers from {_span(present)}"
    distinct = pd.Series(present.astype(str).unique(), dtype="str")  # each text once
    lowered = set(distinct.str.strip().str.lower().unique().tolist())
    if n_unique == 2 and lowered <= {"yes", "no", "y", "n", "true", "false", "0", "1"}:
        return Role.FLAG, "yes/no values"
    if n_unique <= MAX_CATEGORY_VALUES and (n_unique <= _ALWAYS_CATEGORY_VALUES
                                            or n_unique <= _CATEGORY_SHARE * len(present)):
        return Role.CATEGORY, f"text with {n_unique} distinct values"
    return Role.TEXT, f"text with {n_unique} distinct values, too many to list"


def _span(present: pd.Series) -> str:
    return f"{_value_text(present.min())} to {_value_text(present.max())}"


def _value_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else str(value)
    return str(value)
