"""Columns that identify a person: emails, phone numbers, names, postal addresses.

Found by name ("E-mail", "Mobile", "Last Name") when the values are text, and
by the values themselves (80% of them look like emails or phone numbers)
whatever the name. Such columns get the PERSONAL role and are never sent to a
language model.
"""

from __future__ import annotations

import pandas as pd

from tools.engine.naming import name_words
from tools.engine.schema import DType

_PERSONAL_SHARE = 0.8
_NAME_QUALIFIERS = frozenset({"first", "last", "full", "customer", "client", "contact", "given",
                              "family", "sur", "middle", "user", "person"})
_NOT_PERSON_NAMES = frozenset({"product", "item", "company", "store", "shop", "campaign", "file",
                               "brand", "category", "stock", "sku", "city", "country", "street",
                               "domain", "host", "plan"})
_EMAIL_VALUE = r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"
_PHONE_VALUE = r"\+?[\d\s().-]{7,20}"


def personal_kind(name: str, series: pd.Series, dtype: DType) -> str | None:
    """"email", "phone", "name" or "address" when the column identifies a person."""
    by_name = _personal_kind_by_name(set(name_words(name)))
    present = series.dropna()
    if by_name is not None:
        # "email_opt_in" (yes/no) or "email_count" (numbers) name a fact, not an address.
        if dtype is DType.TEXT or present.empty:
            return by_name
        if by_name == "phone" and dtype is DType.INTEGER and present.nunique() > 2:
            return by_name
        return None
    if dtype is not DType.TEXT or present.empty:
        return None
    sample = present.astype(str).head(500)
    if sample.str.fullmatch(_EMAIL_VALUE).mean() >= _PERSONAL_SHARE:
        return "email"
    digits = sample.str.count(r"\d")
    phone = sample.str.fullmatch(_PHONE_VALUE) & digits.between(7, 15) & sample.str.contains(
        r"[\s()+-]")
    if phone.mean() >= _PERSONAL_SHARE:
        return "phone"
    return None


def _personal_kind_by_name(words: set[str]) -> str | None:
    if words & {"email", "mail"}:
        return "email"
    if words & {"phone", "mobile", "telephone", "tel", "cell", "fax"}:
        return "phone"
    if words & {"address", "street", "addr"} and not words & {"ip", "mac"}:
        return "address"
    if words & {"surname", "firstname", "lastname", "fullname", "forename"}:
        return "name"
    if "name" in words and not words & _NOT_PERSON_NAMES and (
            len(words) == 1 or words & _NAME_QUALIFIERS):
        return "name"
    return None
