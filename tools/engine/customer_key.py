"""Which column identifies the customer in a table: an id, else an email or a name.

Most exports carry a customer id ("CustomerID", "client_no"). A small shop's order log
often has none and names its customers instead, by email ("customer_email") or by name
("Customer Name", "client"). Such a column is the customer key when its values repeat as
an order log's customers do; it stays personal data (`personal_kind` of the key, and a
reason saying so), so its values are never sent to a model or listed as categories.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from tools.engine.naming import role_words
from tools.engine.personal import personal_kind, says_staff
from tools.engine.schema import DType, Role

ID_WORDS = frozenset({"id", "no", "nr", "num", "number", "key", "code", "ref", "uuid", "guid",
                      "uid"})
# Who buys, also where the business calls them otherwise (a hotel's guests, a clinic's
# patients, an airline's passengers).
CUSTOMER_WORDS = frozenset({"customer", "client", "cust", "user", "member", "account", "buyer",
                            "shopper", "subscriber", "patron", "guest", "patient", "passenger",
                            "visitor", "student", "learner", "diner", "tenant", "player",
                            "donor", "holder", "policyholder", "insured", "company", "driver",
                            "business",
                            "firm", "purchaser", "loyalty", "cardholder", "card", "viewer",
                            "listener", "reader", "traveler", "traveller", "renter",
                            "borrower", "consumer", "fan"})
# Words only a buyer is called by: a column named so is the customer whatever the data.
_BUYER_WORDS = frozenset({"customer", "client", "cust", "buyer", "shopper", "purchaser"})
# A shop or store may be the customer (a wholesaler's) or the seller's own branch: a column
# named so is taken last, and only in an order log.
_STORE_WORDS = frozenset({"store", "shop"})
# Parties that are no person: their names are not personal data.
_ORGANISATION_WORDS = frozenset({"company", "business", "firm", *_STORE_WORDS})
# Words beside a buyer's word in the name of a column of buyers' names ("Company Name").
_NAME_WORDS = frozenset({"name", "title", "full", "legal", "trading", "display"})
# Words that make a unique "...ID" something other than the customer's (a product code,
# a postcode, a tax number).
_NOT_CUSTOMER_IDS = frozenset({"product", "item", "sku", "stock", "line", "zip", "postcode",
                               "postal", "post", "tax", "vat", "phone", "batch", "serial",
                               "store", "shop", "branch", "campaign", "coupon", "promo"})
ORDER_WORDS = frozenset({"invoice", "order", "transaction", "receipt", "basket", "txn",
                         "purchase", "sale", "booking", "check", "bill", "ticket", "visit",
                         "payment", "gift", "donation"})
BARE_IDS = frozenset({"id", "_id", "customer", "client", "customerid", "clientid", "userid"})
# What a bare "ID" says: a number per row, not necessarily a customer.
ROW_IDS = frozenset({"id", "_id"})
# A name column naming only part of a name is not a customer key.
_PART_NAME_WORDS = frozenset({"first", "last", "given", "family", "sur", "middle", "surname",
                              "firstname", "lastname", "forename"})
# A key column whose values are words of letters only ("Alice Smith", "Анна") holds names.
_NAME_VALUE = r"[^\W\d_]+(?:[ '’.-]+[^\W\d_]+)*\.?"
_NAME_SHARE = 0.8
# Share of an order log's lines that repeat a customer's name; a customer table with a few
# namesakes stays a customer table.
_REPEAT_SHARE = 0.1
_PRIVATE = "personal data, never sent to a model or listed"


def find_customer_id(df: pd.DataFrame, dtypes: dict[str, DType], forced: dict[str, Role],
                     has_order_columns: Callable[[str], bool]) -> tuple[str | None, str | None]:
    """The customer key column, or None; and a bare "ID" of row numbers passed over for it.

    `forced`: columns the user mapped (not candidates); `has_order_columns(column)`: whether
    the other columns hold an order number, or a quantity and a unit price.
    """
    key, row_number = _find_key(df, dtypes, forced, has_order_columns)
    return key, row_number if row_number is not None and key != row_number else None


def _find_key(df: pd.DataFrame, dtypes: dict[str, DType], forced: dict[str, Role],
              has_order_columns: Callable[[str], bool]) -> tuple[str | None, str | None]:
    # A sales rep or account manager repeats as customers do, but is the seller's person.
    candidates = [str(n) for n in df.columns
                  if n not in forced and dtypes.get(n) not in (DType.DATE, DType.BOOL)
                  and not says_staff(str(n), dtypes.get(n, DType.TEXT))]
    # "CustomerID" beats a bare "ID", which in a log is often a line or order number; of
    # two such ("customer_id" new on every order beside "customer_unique_id"), the one named
    # unique, else the first that repeats as a customer's orders do.
    keys = [name for name in candidates if _names_customer_id(name)]
    if keys:
        unique = [name for name in keys if "unique" in role_words(name)]
        repeating = [name for name in keys if df[name].dropna().duplicated().any()]
        return (unique or repeating or keys)[0], None
    # A bare "ID" numbering the rows 1..n says nothing about customers: a log numbers its
    # lines so. Another column that repeats as a log's customers do is the key then.
    row_number = None
    for name in candidates:
        bare = bare_id(name)
        if bare in ROW_IDS and row_number is None and is_row_number(df[name]):
            row_number = name
        elif bare and (row_number is None or df[name].dropna().duplicated().any()):
            return name, row_number
    candidates = [n for n in candidates if n != row_number]
    # No id column: an order log often names its customers by email ("customer_email") or
    # phone number ("client_phone"). Only repeated values make it a customer key; a customer
    # table keeps it as personal data.
    for name in candidates:
        words = set(role_words(name))
        email = bool(words & {"email", "mail", "e"} and words & (CUSTOMER_WORDS | {"email"})) \
            and _holds_emails(df[name])
        phone = not email and has_order_columns(name) and personal_kind(
            name, df[name], dtypes.get(name, DType.TEXT)) == "phone"
        if (email or phone) and df[name].dropna().duplicated().any():
            return name, row_number
    # Nor an email: a small shop's order log names its customers ("Customer Name"), a
    # wholesaler's its buyers ("Company").
    named = _named_key(df, dtypes, candidates, row_number, has_order_columns)
    if named is not None:
        return named, row_number
    if row_number is not None:
        # Beside row numbers, a column named for customers ("shopper", "buyer") whose values
        # repeat as a log's do.
        for name in candidates:
            if (set(role_words(name)) & CUSTOMER_WORDS and dtypes.get(name) is not DType.NUMBER
                    and _repeats_like_a_log(df, dtypes, name, has_order_columns)):
                return name, row_number
    # A table of customers whose id is named in words nothing above knows ("学员ID",
    # "PatientNo"): the one column named as a number of something, each value once.
    for name in candidates:
        if name != row_number and _unique_id(df[name], dtypes.get(name), name):
            return name, row_number
    return row_number, row_number


def _holds_emails(series: pd.Series) -> bool:
    """Most values are addresses ("a@b.com"): "opt_in_email" of 0 and 1 names no one."""
    sample = series.dropna().astype(str).head(500)
    return bool(len(sample)) and float(sample.str.contains("@", regex=False).mean()) >= 0.5


def _named_key(df: pd.DataFrame, dtypes: dict[str, DType], candidates: list[str],
               row_number: str | None, has_order_columns: Callable[[str], bool]) -> str | None:
    """A text column of the buyers' names that repeats as a log's customers do.

    Named for buyers ("Customer", "Client Name") first, then for other parties that buy
    ("Company", "Account"), then any column of people's names, then a store or shop; of
    equals, the one with more distinct values (a handful of values over many lines names
    something else). A name other than a buyer's needs an order log beside it: an order
    date or order number, or row numbers (a customer table may list the customer's company).
    """
    order_log = row_number is not None or any(
        dtypes.get(c) is DType.DATE and set(role_words(str(c))) & ORDER_WORDS
        for c in df.columns)
    ranked: list[tuple[int, int, str]] = []
    for name in candidates:
        if dtypes.get(name) is not DType.TEXT:
            continue
        words = set(role_words(name))
        party = words - _NAME_WORDS
        if party and party <= _BUYER_WORDS:
            rank = 0
        elif party and party <= CUSTOMER_WORDS:
            rank = 1
        elif (not words & _PART_NAME_WORDS
              and personal_kind(name, df[name], DType.TEXT) == "name"):
            rank = 2
        elif party and party <= _STORE_WORDS:
            rank = 3
        else:
            continue
        if rank in (1, 3) and not (order_log or has_order_columns(name)):
            continue
        if _repeats_like_a_log(df, dtypes, name, has_order_columns):
            ranked.append((rank, -int(df[name].nunique()), name))
    return min(ranked)[2] if ranked else None


def _unique_id(series: pd.Series, dtype: DType | None, name: str) -> bool:
    """Whether a column named "<something> ID/No/编号/номер" gives each row its own value."""
    words = role_words(name)
    # Named after what is numbered ("学员ID", "VIP编号"), or "ID" first ("ID ученика"); an
    # English "num_orders" counts. A bare "No" or "nr" says nothing of what it numbers.
    numbered = words[-1] in ID_WORDS or words[0] == "id"
    if (dtype not in (DType.TEXT, DType.INTEGER) or not numbered
            or not set(words) - ID_WORDS
            or set(words) & (ORDER_WORDS | _NOT_CUSTOMER_IDS)):
        return False
    present = series.dropna()
    return (len(present) >= 2 and len(present) == len(series)
            and not present.duplicated().any() and personal_kind(name, series, dtype) is None)


def is_row_number(series: pd.Series) -> bool:
    """Whether the column numbers the rows: whole numbers 1..n (or 0..n-1), each once."""
    if len(series) < 2 or not pd.api.types.is_integer_dtype(series) or series.isna().any():
        return False
    values = series.to_numpy(dtype="int64")
    low = int(values.min())
    return (low in (0, 1) and int(values.max()) - low == len(values) - 1
            and len(np.unique(values)) == len(values))


def _repeats_like_a_log(df: pd.DataFrame, dtypes: dict[str, DType], name: str,
                        has_order_columns: Callable[[str], bool]) -> bool:
    """Whether a column of names repeats as an order log's customers do (and there are dates).

    A tenth of the lines repeating a name, or an order date, order number or quantity and
    unit price beside it; two namesakes in a customer table with birthdays are not enough.
    """
    present = df[name].dropna()
    repeats = int(present.duplicated().sum())
    dates = [str(c) for c in df.columns if dtypes.get(c) is DType.DATE]
    if repeats == 0 or not dates:
        return False
    return (repeats >= _REPEAT_SHARE * len(present)
            or any(set(role_words(d)) & ORDER_WORDS for d in dates)
            or has_order_columns(name))


def bare_id(name: str) -> str | None:
    """"id", "customer", ... when the name is only that, in any language the data files know
    ("Клиент", "客户", "Kunde" -> customer or client), else None."""
    written = name.strip().lower()
    if written in BARE_IDS:
        return written
    joined = "".join(role_words(name))
    return joined if joined in BARE_IDS else None


def key_personal_kind(name: str, series: pd.Series, dtype: DType) -> str | None:
    """"name", "email", ... when the customer key identifies a person by name or address."""
    kind = personal_kind(name, series, dtype)
    if kind is not None or dtype is not DType.TEXT:
        return kind
    party = set(role_words(name)) - _NAME_WORDS
    if party and party <= _ORGANISATION_WORDS:
        # Companies' and shops' names ("Acme Supply Co") name no person.
        return None
    sample = series.dropna().astype(str).str.strip().head(500)
    # Capitals only ("ACME", "GOLD") are more likely codes than names.
    named = sample.str.fullmatch(_NAME_VALUE) & ~sample.str.isupper()
    if len(sample) and named.mean() >= _NAME_SHARE:
        return "name"
    return None


def id_reason(name: str, series: pd.Series, dtype: DType) -> str:
    """Why `name` is the customer key, and that it is personal data when it is."""
    repeats = series.dropna().duplicated().any()
    kind = key_personal_kind(name, series, dtype)
    if kind is not None and not _says_id(name):
        # No id column: the customers' names (or emails) are the key.
        return (f"customer {kind}s used as the customer key (no id column)"
                + ("; they repeat" if repeats else "") + f"; {_PRIVATE}")
    if kind is None and not _says_id(name):
        return (f"'{name}' names the customers (no id column)"
                + ("; they repeat" if repeats else ""))
    reason = f"name '{name}' says customer id" + ("; ids repeat" if repeats else "")
    if kind is not None:
        reason += f"; the values are {kind}s, used as the customer key: {_PRIVATE}"
    return reason


def _names_customer_id(name: str) -> bool:
    """"CustomerID", "customer_unique_id", "номер_карты": a customer word and an id word."""
    words = set(role_words(name))
    return bool(words & CUSTOMER_WORDS and words & ID_WORDS)


def _says_id(name: str) -> bool:
    return _names_customer_id(name) or bare_id(name) is not None
