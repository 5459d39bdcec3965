"""SQL text of the large-file scan (`scan.py`): the cleaning rules judged per line and per
group, the groups of the one pass over the lines, and the lean customers table.

Only text is built here; `scan.py` and `figures_sql.py` run it. Names are quoted
identifiers from the file's own schema and values are literals of our own patterns.
"""

from __future__ import annotations

from collections.abc import Sequence

from tools.engine.cancellation import cancelled_status_pattern
from tools.engine.cleaning import CANCELLED_ORDER_SQL
from tools.engine.dataset import MONETARY
from tools.engine.features import (
    AS_OF_PARAMETER,
    EXACT_SUM,
    WIDE_MICROS,
    group_sql,
    mean_names,
    quote_name,
    sql_literal,
    text_sql,
)
from tools.engine.schema import Role, Schema

# The cancellation patterns written to match the whole text, so that they mean the same where
# a regexp must match all of it (Snowflake's REGEXP_LIKE) and where it searches (DuckDB, Spark).
MARK_PATTERN = CANCELLED_ORDER_SQL + ".*"
# Rules of SEMANTICS.md's cleaning judged on each line (its date, quantity and amount); the
# others (present, marked, status) are judged per group in `ruled_groups_sql`.
LINE_RULES = ("dated", "quantity", "amount")
# Above any value's place in text order among an attribute's values (`spend_table_sql`).
_PLACES = 1 << 32


def role_name(schema: Schema, role: Role) -> str:
    info = schema.first(role)
    return info.name if info is not None else ""


def sql_kind(sql_type: str) -> str:
    return sql_type.split("(")[0]


def text_ids(schema: Schema, types: dict[str, str]) -> bool:
    return sql_kind(types[role_name(schema, Role.CUSTOMER_ID)]) == "VARCHAR"


def line_rules_sql(schema: Schema) -> dict[str, str]:
    """The LINE_RULES as SQL conditions on raw_lines."""
    return {
        "dated": "day IS NOT NULL",
        "quantity": ("coalesce(quantity > 0, false)"
                     if schema.first(Role.QUANTITY) is not None else "true"),
        "amount": "coalesce(amount > 0, false)",
    }


def ruled_groups_sql(schema: Schema, types: dict[str, str], lines: str, keys: list[str], *,
                     snapshot: bool, as_of: str = AS_OF_PARAMETER,
                     micros: str = WIDE_MICROS, means: Sequence[str] = ()) -> str:
    """The `group_sql` groups of `lines` with a flag per cleaning rule (and the sums of the
    numeric attributes `means`, `features.mean_parts_sql`).

    Text customer ids and order ids are read (`text_sql`) here, once per group; attributes
    are read by `run_features`, once per customer and value. The rules on the keys (present,
    marked, status) are judged here too: a regular expression runs once per order rather
    than once per line.
    """
    has_order, status, customer = keyed_rules(schema, types)
    order_key = text_sql("order_key") + " AS order_key" if has_order else "order_key"
    rules = {
        "present": f"{customer} IS NOT NULL AND dated_rule",
        "marked": marked_sql("order_key") if has_order else "false",
        "status": status_sql(status) if status else "false",
    }
    flags = [f"{name}_rule" for name in LINE_RULES]
    grouped = group_sql(lines, [*keys, *_status_key(status, keys), *flags],
                        snapshot=snapshot, as_of=as_of, micros=micros, means=means)
    parts = [part for name in means for part in mean_names(name)]
    columns = [f"{customer} AS customer_id", order_key, *keys,
               *flags, "before", "n", "first_day", "last_day", "micros", *parts,
               *(f"{condition} AS {name}_rule" for name, condition in rules.items())]
    return f"SELECT {', '.join(columns)} FROM ({grouped}) AS grouped"


def spend_groups_sql(schema: Schema, types: dict[str, str], lines: str, keys: list[str], *,
                     micros: str = WIDE_MICROS) -> str:
    """`ruled_groups_sql` without the orders: lines summed per (customer, `keys`, rule flags).

    For questions that read only spend and attributes (`group_lines(only=...)`): a customer
    has a few such groups against many orders, so this is the cheaper pass. The "C" mark is
    judged per line here, behind a test of the id's first bytes.
    No dates are kept: such a question needs no as-of date.
    """
    has_order, status, customer = keyed_rules(schema, types)
    # A marked id starts with "C" or "c" after any white space (below "!"): comparisons of
    # the leading bytes are far cheaper than the expression, which only those lines run.
    maybe = ("order_key < '!' OR (order_key >= 'C' AND order_key < 'D') OR "
             "(order_key >= 'c' AND order_key < 'd')")
    marked = (f"CASE WHEN {maybe} THEN {marked_sql('order_key')} ELSE false END"
              if has_order else "false")
    flags = [f"{name}_rule" for name in LINE_RULES]
    keyed = ["customer_id", *keys, *_status_key(status, keys), *flags]
    grouped = (f"SELECT {', '.join(keyed)}, {marked} AS marked_rule, count(*) AS n, "
               f"sum(CAST(round(amount * 1e6) AS {micros})) AS micros "
               f"FROM {lines} GROUP BY ALL")
    columns = [f"{customer} AS customer_id", *keys, *flags, "n", "micros",
               f"{customer} IS NOT NULL AND dated_rule AS present_rule", "marked_rule",
               f"{status_sql(status) if status else 'false'} AS status_rule"]
    return f"SELECT {', '.join(columns)} FROM ({grouped}) AS grouped"


def keyed_rules(schema: Schema, types: dict[str, str]) -> tuple[bool, str | None, str]:
    """Whether order ids can carry the "C" mark, the status column (quoted; None when there
    is none), and the read id."""
    order = schema.first(Role.ORDER_ID)
    # Whole-number order ids never carry the "C" mark.
    has_order = order is not None and sql_kind(types[order.name]) == "VARCHAR"
    customer = text_sql("customer_id") if text_ids(schema, types) else "customer_id"
    status = schema.first(Role.STATUS)
    return has_order, quote_name(status.name) if status is not None else None, customer


def marked_sql(order_key: str) -> str:
    return f"coalesce(regexp_matches({order_key}, {sql_literal(MARK_PATTERN)}), false)"


def status_sql(status: str) -> str:
    pattern = ".*(" + cancelled_status_pattern() + ").*"
    return f"coalesce(regexp_matches(lower({status}), {sql_literal(pattern)}), false)"


def _status_key(status: str | None, keys: list[str]) -> list[str]:
    """The status column as a group key, unless it is one already (as an attribute; a lean
    pass may leave it out of its attributes, and the rule still needs it)."""
    return [status] if status and status not in keys else []




def spend_table_sql(groups: str, kept: str, markers: dict[str, frozenset[str]],
                    unread: dict[str, bool], values: dict[str, str], *,
                    unique: bool = False) -> str:
    """Each customer's spend and most frequent value of each attribute, from the lean
    groups (`spend_groups_sql`) that meet `kept`, by the rules of `features.run_features`:
    spend summed exactly in millionths, values read as `parsing.py` reads them where
    `unread` says they must be (`markers`: the missing markers that are values), ties to
    the alphabetically first value, a value read as missing only when there is no other.
    `values`: per attribute, a table of its distinct values (the keys give the order).
    `unique`: each kept group is its customer's only one with its values
    (`scan.LineGroups.unique`), so one attribute read as it is needs no counting."""

    def ranked(name: str, extra: str = "") -> str:
        """Lines per customer and value (and `extra` sums), the value read if it must be,
        with the value's place in text order."""
        raw = quote_name(name)
        counts = (f"SELECT customer_id, {raw} AS value, sum(n) AS n{extra} FROM {groups} "
                  f"WHERE {kept} GROUP BY customer_id, {raw}")
        if unique and len(values) == 1 and not unread[name]:
            counts = (f"SELECT customer_id, {raw} AS value, n{', micros' if extra else ''} "
                      f"FROM {groups} WHERE {kept}")
        distinct = f"SELECT {raw} AS value FROM {values[name]}"
        if unread[name]:
            read = text_sql("value", markers[name])  # " UK" and "UK" count together
            counts = (f"SELECT customer_id, {read} AS value, sum(n) AS n{extra} FROM "
                      f"({counts}) AS raw_counts GROUP BY customer_id, {read}")
            distinct = f"SELECT DISTINCT {read} AS value FROM ({distinct}) AS raw_values"
        places = (f"SELECT value, row_number() OVER (ORDER BY value) AS place FROM "
                  f"({distinct}) AS distinct_values WHERE value IS NOT NULL")
        return f"({counts}) AS counts LEFT JOIN ({places}) AS places USING (value)"

    # The value of most lines, then the first in text order, compared as one number: the
    # value's place (among a few) below its count. arg_max passes over missing values.
    mode = f"arg_max(value, n * {_PLACES} - place)"
    money = quote_name(MONETARY)
    attributes = list(values)
    if not attributes:
        return (f"SELECT customer_id, {EXACT_SUM} AS {money} FROM {groups} WHERE {kept} "
                "GROUP BY customer_id")
    first, *others = attributes
    # The first attribute's counts carry the spend too: one grouping per customer less.
    spend = (f"SELECT customer_id, {EXACT_SUM} AS {money}, {mode} AS {quote_name(first)} "
             f"FROM {ranked(first, ', sum(micros) AS micros')} GROUP BY customer_id")
    joins = [f"LEFT JOIN (SELECT customer_id, {mode} AS {quote_name(name)} FROM "
             f"{ranked(name)} GROUP BY customer_id) AS mode{place} USING (customer_id)"
             for place, name in enumerate(others)]
    return f"SELECT * FROM ({spend}) AS spend {' '.join(joins)}"
