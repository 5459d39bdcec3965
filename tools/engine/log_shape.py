"""Transaction logs recognised by the shape of their values, when no column name says so.

An order log exported with unusual names ("ticket, buyer, purchased, sum_rub") still has
the shape of one: a column of ids whose values repeat (many lines per customer), each
customer's lines spread over several dates, order numbers nested inside the customers
(each on one customer and one date), a money column. `read_log_shape` looks for that shape;
`roles.infer_schema` asks it only when the names found no customer key (or only a bare,
unique "ID") and the user mapped none.

The rules (thresholds below):
- a customer key is a column of ids (whole numbers above SMALL_INTEGER, not years; or short
  codes with a digit) whose values repeat: at least MIN_KEYS values, at most MAX_KEY_SHARE of
  the rows, the median value on MIN_ROWS_PER_KEY rows or more; names of other things
  ("store_id", "region", "sku", "age") are not customer keys;
- its values' rows span several dates (median MIN_DATES_PER_KEY days or more): an order
  number maps to one date and is no customer key; a customer comes back;
- the evidence that the rows are purchases, which picks the key among several candidates and
  is given in its reason: an order column nested in the key (each value within one customer
  and one day, several lines per order: the order id), lines sharing a customer and a day
  (SAME_DAY_SHARE of the rows), an order number or a quantity and a price named as such
  ("firm"), or money ("soft": an amount named as such, DECIMAL_SHARE of a column's values with
  cents). Beside a unique "ID" column, which says one row per customer, firm evidence is
  required.
The amount is the one money column (cents; else the one whole-number column above
SMALL_INTEGER that is no key, count or year), or the column equal to a count x another money
column (then quantity and unit price); a named unit price takes the one small count beside it
as its quantity. A repeated id short of that (no dates, two possible keys, only money beside an
"ID") keeps the customer table with a note saying which --map would read it as a log.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tools.engine.naming import role_words
from tools.engine.personal import personal_kind
from tools.engine.schema import DType, Role

MIN_KEYS = 20
MAX_KEY_SHARE = 0.5
MIN_ROWS_PER_KEY = 2
MIN_PRESENT_SHARE = 0.5  # a key is given on at least half the rows
MIN_DATES_PER_KEY = 2
NEST_SHARE = 0.98  # share of an order column's values within one customer and one day
MULTI_LINE_SHARE = 0.1  # rows sharing their order number: orders of several lines
SAME_DAY_SHARE = 0.25
SMALL_INTEGER = 100  # whole numbers up to this are counts, ages, scores: not keys or amounts
DECIMAL_SHARE = 0.2
PRODUCT_SHARE = 0.95  # rows where one money column = a count x another: amount, quantity, price
_YEARS = (1900, 2100)
_CODE_SHARE = 0.9
_CODE = r"[^\W_][\w\-./#]{0,23}"
_NOT_CODE = r"[-+]?\d*[.,]\d+|\d{1,4}[-./]\d{1,2}[-./]\d{1,4}"  # decimals and dates
# Names of things other than customers: such a column is never taken for the customer key.
_NOT_CUSTOMER_WORDS = frozenset({
    "store", "shop", "branch", "outlet", "region", "city", "country", "zip", "postcode",
    "postal", "state", "district", "area", "zone", "territory", "product", "item", "sku",
    "article", "ean", "upc", "barcode", "category", "channel", "campaign", "promo", "coupon",
    "agent", "employee", "staff", "manager", "cashier", "seller", "vendor", "supplier",
    "warehouse", "department", "dept", "terminal", "device", "register", "line", "row", "batch",
    "version", "year", "month", "week", "day", "date", "time", "hour", "age", "size", "score",
    "rating", "rank", "level", "count", "type", "class", "segment", "group", "tier",
    "cluster", "code", "status"})
_LINE_WORDS = frozenset({"line", "row", "seq", "index", "idx", "position", "pos"})


@dataclass(frozen=True)
class ShapeReading:
    """`roles`: column -> (role, reason) when the values make a log (empty otherwise);
    `notes`: what the user should read about it (how the log was recognised, or why not)."""

    roles: dict[str, tuple[Role, str]]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Key:
    name: str
    rows: int
    values: int


@dataclass(frozen=True)
class _Reading:
    key: _Key
    date: str | None
    days: float  # median distinct days per key value
    order: str | None
    multi_line: bool
    firm: tuple[str, ...]  # nested orders, lines of one day, order columns named as such
    soft: tuple[str, ...]  # money: an amount named as such, or numbers with cents

    @property
    def evidence(self) -> tuple[str, ...]:
        return self.firm + self.soft


def read_log_shape(df: pd.DataFrame, dtypes: dict[str, DType], *, named: dict[str, Role],
                   skip: frozenset[str], date: str | None = None,
                   row_id: str | None = None) -> ShapeReading:
    """The log roles the values show, or notes on a repeated id that may be a customer key.

    `named`: roles the column names (or the user) give; `skip`: columns that are no key nor
    amount (mapped, or named like a customer-level measure); `date`: the date the user mapped;
    `row_id`: a unique column named like an id ("ID"), which says one row per customer unless
    orders nest in another column or lines share a day (money alone does not outweigh it).
    """
    keys = [k for n in df.columns if (k := _key(df, dtypes, str(n), named, skip)) is not None]
    if not keys:
        return ShapeReading({})
    dates = [date] if date else [str(n) for n in df.columns
                                 if dtypes.get(n) is DType.DATE and n not in skip]
    numbers = _Numbers.of(df, dtypes, named, skip | {k.name for k in keys})
    readings = [_read_key(df, dtypes, key, dates, named, skip, numbers) for key in keys]
    # An order number that repeats nests in the customer key: it is not a key itself.
    inner = {r.order for r in readings if r.multi_line}
    readings = [r for r in readings if r.key.name not in inner]
    spread = [r for r in readings if r.date is not None]
    strong = [r for r in spread if r.firm or not row_id]
    # An order number nested in it makes the customer key, else any evidence of purchases.
    for test in (lambda r: r.multi_line, lambda r: bool(r.evidence)):
        if any(test(r) for r in strong):
            strong = [r for r in strong if test(r)]
    if len(strong) == 1:
        return _log(df, strong[0], named, numbers)
    if len(strong) > 1:
        first, second = strong[0], strong[1]
        return ShapeReading({}, (_repeat_note(first, f"'{first.key.name}' and "
                                              f"'{second.key.name}' could each be the customer "
                                              "key", numbers),))
    if spread:  # only beside a unique "ID"
        why = (f"'{row_id}' has a value per row, as a customer table's id does, and no order "
               "number nests in it nor do lines share a day")
        return ShapeReading({}, (_repeat_note(spread[0], why, numbers),))
    undated = [r for r in readings if (r.firm if row_id else r.evidence)]
    if not dates and undated:
        return ShapeReading({}, (_repeat_note(undated[0], "no column holds dates", numbers),))
    return ShapeReading({})


def _key(df: pd.DataFrame, dtypes: dict[str, DType], name: str, named: dict[str, Role],
         skip: frozenset[str]) -> _Key | None:
    """The column as a possible customer key: ids that repeat, or None."""
    if name in skip or name in named or set(role_words(name)) & _NOT_CUSTOMER_WORDS:
        return None
    present = df[name].dropna()
    if len(present) < max(MIN_PRESENT_SHARE * len(df), 2 * MIN_KEYS):
        return None
    if not _id_like(name, present, dtypes.get(name, DType.TEXT)):
        return None
    counts = present.value_counts(sort=False)
    if not MIN_KEYS <= len(counts) <= MAX_KEY_SHARE * len(present):
        return None
    if float(counts.median()) < MIN_ROWS_PER_KEY:
        return None
    return _Key(name, len(present), len(counts))


def _id_like(name: str, present: pd.Series, dtype: DType) -> bool:
    """Whole numbers above SMALL_INTEGER that are not years, or short codes with a digit."""
    if dtype in (DType.INTEGER, DType.NUMBER):
        values = present.to_numpy(dtype="float64")
        if not _whole(values):
            return False
        low, high = float(values.min()), float(values.max())
        return low >= 1 and high > SMALL_INTEGER and not (_YEARS[0] <= low and high <= _YEARS[1])
    if dtype is not DType.TEXT or personal_kind(name, present, dtype) is not None:
        return False
    sample = pd.Series(present.astype(str).str.strip().unique()[:2000])
    coded = (sample.str.fullmatch(_CODE) & sample.str.contains(r"\d")
             & ~sample.str.fullmatch(_NOT_CODE))
    return bool(coded.mean() >= _CODE_SHARE)


def _whole(values: np.ndarray) -> bool:
    return bool(np.isfinite(values).all() and (values == np.round(values)).all())


def _read_key(df: pd.DataFrame, dtypes: dict[str, DType], key: _Key, dates: list[str],
              named: dict[str, Role], skip: frozenset[str], numbers: _Numbers) -> _Reading:
    """How `key` reads as a customer key: the date its rows spread over, and the evidence."""
    chosen, days, median = None, None, 0.0
    for date in dates:
        day = df[date].dt.normalize()
        frame = pd.DataFrame({"key": df[key.name], "day": day}).dropna()
        spread = float(frame.groupby("key", sort=False)["day"].nunique().median())
        if spread >= MIN_DATES_PER_KEY:
            chosen, days, median = date, day, spread
            break
    evidence: list[str] = []
    same_day = 0.0
    if days is not None:
        frame = pd.DataFrame({"key": df[key.name], "day": days}).dropna()
        same_day = float(frame.duplicated(["key", "day"], keep=False).mean())
    order = _order_column(df, dtypes, key, days, named, skip | {chosen or ""}, same_day)
    if order is not None and order[1]:
        evidence.append(f"'{order[0]}' nests in it (each value within one '{key.name}'"
                        + (" and one date" if days is not None else "") + ")")
    if same_day >= SAME_DAY_SHARE:
        evidence.append(f"{same_day:.0%} of the rows share their '{key.name}' and day with "
                        "another row (lines of one purchase)")
    firm, soft = _named_evidence(named)
    evidence.extend(firm)
    if not soft:
        soft = [f"'{n}' holds amounts with cents" for n in numbers.decimals[:1]]
    return _Reading(key, chosen, median, order[0] if order else None,
                    bool(order and order[1]), tuple(evidence), tuple(soft))


def _order_column(df: pd.DataFrame, dtypes: dict[str, DType], key: _Key,
                  days: pd.Series | None, named: dict[str, Role], skip: frozenset[str],
                  same_day: float) -> tuple[str, bool] | None:
    """(column, several lines per value) of an id column nested in `key` (each value within
    one key value and one day), or None. A column with a value per row is an order number
    only when lines do not share a customer and day (else it numbers lines)."""
    if Role.ORDER_ID in named.values():
        return None  # named: the names assign it
    single: str | None = None
    for column in df.columns:
        name = str(column)
        if name == key.name or name in skip or name in named or dtypes.get(name) in (
                DType.DATE, DType.BOOL, None):
            continue
        present = df[name].dropna()
        if present.nunique() <= key.values or not _id_like(name, present, dtypes[name]):
            continue
        frame = pd.DataFrame({"order": df[name], "key": df[key.name]})
        if days is not None:
            frame["day"] = days
        frame = frame.dropna()
        grouped = frame.groupby("order", sort=False)
        inside = grouped["key"].nunique().eq(1)
        if days is not None:
            inside &= grouped["day"].nunique().eq(1)
        if len(inside) == 0 or float(inside.mean()) < NEST_SHARE:
            continue
        if frame["order"].duplicated(keep=False).mean() >= MULTI_LINE_SHARE:
            return name, True
        if single is None and days is not None and same_day < SAME_DAY_SHARE and not (
                set(role_words(name)) & _LINE_WORDS):
            single = name
    return (single, False) if single is not None else None


def _named_evidence(named: dict[str, Role]) -> tuple[list[str], list[str]]:
    """(firm, soft) evidence of the names: an order number, or a quantity and a unit price;
    an amount."""
    by_role = {role: column for column, role in reversed(list(named.items()))}
    if Role.ORDER_ID in by_role:
        return [f"'{by_role[Role.ORDER_ID]}' is named like an order number"], []
    if Role.QUANTITY in by_role and Role.UNIT_PRICE in by_role:
        return [f"'{by_role[Role.QUANTITY]}' and '{by_role[Role.UNIT_PRICE]}' are named like "
                "a quantity and a unit price"], []
    if Role.AMOUNT in by_role:
        return [], [f"'{by_role[Role.AMOUNT]}' is named like an amount"]
    return [], []


@dataclass(frozen=True)
class _Numbers:
    """Number columns that are no key: with cents, whole above SMALL_INTEGER, small counts."""

    decimals: list[str]
    integers: list[str]
    counts: list[str]

    @classmethod
    def of(cls, df: pd.DataFrame, dtypes: dict[str, DType], named: dict[str, Role],
           skip: frozenset[str]) -> _Numbers:
        decimals: list[str] = []
        integers: list[str] = []
        counts: list[str] = []
        for column in df.columns:
            name = str(column)
            if name in skip or name in named or dtypes.get(name) not in (DType.NUMBER,
                                                                           DType.INTEGER):
                continue
            values = df[name].dropna().to_numpy(dtype="float64")
            values = values[np.isfinite(values)]
            if len(np.unique(values)) < 2:
                continue
            fraction = values != np.round(values)
            if fraction.mean() >= DECIMAL_SHARE:
                decimals.append(name)
            elif not fraction.any():
                high = float(np.abs(values).max())
                if high <= SMALL_INTEGER:
                    counts.append(name)
                elif not (_YEARS[0] <= values.min() and values.max() <= _YEARS[1]) and len(
                        np.unique(values)) < len(values):
                    integers.append(name)
        return cls(decimals, integers, counts)

    def without(self, name: str | None) -> _Numbers:
        """These columns but `name` (an order number of whole numbers is no amount)."""
        return _Numbers(*([n for n in names if n != name]
                          for names in (self.decimals, self.integers, self.counts)))


def _log(df: pd.DataFrame, reading: _Reading, named: dict[str, Role],
         numbers: _Numbers) -> ShapeReading:
    key, date = reading.key, reading.date
    assert date is not None
    roles: dict[str, tuple[Role, str]] = {
        key.name: (Role.CUSTOMER_ID, f"repeats: {key.rows:,} rows for {key.values:,} values, "
                   f"each over several dates (median {reading.days:g}) -> the customer key"
                   + "".join(f"; {e}" for e in reading.evidence)),
        date: (Role.DATE, f"dates; each '{key.name}' value's rows span several of them -> "
               "the purchase date"),
    }
    if reading.order is not None:
        values = int(df[reading.order].nunique())
        roles[reading.order] = (Role.ORDER_ID, (
            f"each value within one '{key.name}' and one date ({values:,} values for "
            f"{key.rows:,} rows) -> the order id" if reading.multi_line else
            f"one value per line, each within one '{key.name}' and one date -> the order id"))
    money, unclear = _amount_roles(df, named, numbers.without(reading.order))
    roles.update(money)
    chosen = ", ".join(f"'{n}' the {r.value.replace('_', ' ')}" for n, (r, _) in roles.items()
                       if n != key.name)
    chosen += _amount_text(named, money)
    note = (f"Read as a transaction log from the values, not the column names: '{key.name}' "
            f"repeats ({key.rows:,} rows for {key.values:,} values, each over several dates), "
            f"so it is the customer key; {chosen}{unclear}. If that is wrong, map the columns "
            "with --map customer_id=COLUMN --map date=COLUMN.")
    return ShapeReading(roles, (note,))


def _amount_text(named: dict[str, Role], money: dict[str, tuple[Role, str]]) -> str:
    """", 'X' the amount" when the names give it; the product when they give its factors."""
    by_role = {role: column for column, role in reversed(list(named.items()))}
    by_role.update({role: column for column, (role, _) in money.items()})
    if Role.AMOUNT in by_role:
        return "" if by_role[Role.AMOUNT] in money else f", '{by_role[Role.AMOUNT]}' the amount"
    if Role.QUANTITY in by_role and Role.UNIT_PRICE in by_role:
        return f", the amount '{by_role[Role.QUANTITY]}' x '{by_role[Role.UNIT_PRICE]}'"
    return ""


def _amount_roles(df: pd.DataFrame, named: dict[str, Role],
                  numbers: _Numbers) -> tuple[dict[str, tuple[Role, str]], str]:
    """The amount (or quantity beside a named unit price) by values; text when unclear."""
    by_role = {role: column for column, role in reversed(list(named.items()))}
    if Role.AMOUNT in by_role or {Role.QUANTITY, Role.UNIT_PRICE} <= set(by_role):
        return {}, ""
    price, quantity = by_role.get(Role.UNIT_PRICE), by_role.get(Role.QUANTITY)
    if price is not None and len(numbers.counts) == 1:
        count = numbers.counts[0]
        low, high = _span(df[count])
        return {count: (Role.QUANTITY, f"small whole numbers ({low} to {high}) beside the "
                        f"unit price '{price}' -> the quantity (amount = quantity x price)")}, ""
    money = numbers.decimals or numbers.integers
    if len(money) == 1:
        low, high = _span(df[money[0]])
        what = ("numbers with cents" if numbers.decimals else
                f"whole numbers from {low} to {high}, not a key, count or year")
        also = (f"; taken as the line total (if it is a unit price, map --map "
                f"unit_price={money[0]})" if quantity is not None else "")
        return {money[0]: (Role.AMOUNT, f"{what}, the only money-like column -> the "
                           f"amount{also}")}, ""
    for total in money:
        for each in money:
            for count in [quantity] if quantity else numbers.counts:
                if each != total and _product(df, total, each, count):
                    reason = f"equals '{count}' x '{each}' on the rows -> the line amount"
                    found = {total: (Role.AMOUNT, reason),
                             each: (Role.UNIT_PRICE, f"'{total}' = '{count}' x it -> the "
                                    "unit price")}
                    if quantity is None:
                        found[count] = (Role.QUANTITY, f"'{total}' = it x '{each}' -> the "
                                        "quantity")
                    return found, ""
    if len(money) > 1:
        listed = " or ".join(f"'{n}'" for n in money[:3])
        return {}, f"; the amount is not clear ({listed}): map it with --map amount=COLUMN"
    return {}, ""


def _product(df: pd.DataFrame, total: str, each: str, count: str) -> bool:
    frame = df[[total, each, count]].dropna().astype("float64")
    if frame.empty:
        return False
    gap = (frame[total] - frame[each] * frame[count]).abs()
    return bool((gap <= 0.01 + 1e-6 * frame[total].abs()).mean() >= PRODUCT_SHARE)


def _span(series: pd.Series) -> tuple[str, str]:
    present = series.dropna()
    return f"{present.min():g}", f"{present.max():g}"


def _repeat_note(reading: _Reading, why: str, numbers: _Numbers) -> str:
    key = reading.key
    date = f"--map date={reading.date}" if reading.date else "--map date=COLUMN"
    money = numbers.without(reading.order).decimals or numbers.without(reading.order).integers
    amount = f" --map amount={money[0]}" if len(money) == 1 else ""
    needs = "" if reading.date else " (a column of purchase dates is needed)"
    return (f"Column '{key.name}' repeats ({key.rows:,} rows for {key.values:,} values), as a "
            f"customer id in an order log does, but {why}: read as a customer table, one row "
            f"per customer. If each row is an order, load it with --map customer_id={key.name} "
            f"{date}{amount}{needs}.")
