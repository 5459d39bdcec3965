"""A segment's members in the import layout of an email tool, or as a hashed ad audience.

Layouts are data: each names its columns and which personal field fills them.
The personal fields come from the columns the loader marked PERSONAL (an email,
a phone number, a first/last/full name). A hashed audience holds one SHA-256
per distinct email, after trimming and lower-casing it, the normalisation the
big ad platforms document for customer-list matching.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from tools.engine.dataset import CustomerData
from tools.engine.errors import EngineError
from tools.engine.naming import name_words
from tools.engine.schema import ColumnInfo, Role

HASHED_COLUMN = "email_sha256"


@dataclass(frozen=True)
class EmailLayout:
    """An import file's columns: (header, personal field) pairs, the email first."""

    name: str
    columns: tuple[tuple[str, str], ...]


LAYOUTS: dict[str, EmailLayout] = {
    "mailchimp": EmailLayout("mailchimp", (("Email Address", "email"), ("First Name", "first_name"),
                                           ("Last Name", "last_name"))),
    "klaviyo": EmailLayout("klaviyo", (("Email", "email"), ("First Name", "first_name"),
                                       ("Last Name", "last_name"), ("Phone Number", "phone"))),
    "hubspot": EmailLayout("hubspot", (("Email", "email"), ("First Name", "first_name"),
                                       ("Last Name", "last_name"), ("Phone Number", "phone"))),
}
AUDIENCE_LAYOUTS = (*LAYOUTS, "hashed")

_FIRST = frozenset({"first", "given", "fore", "forename", "firstname"})
_LAST = frozenset({"last", "family", "sur", "surname", "lastname"})


@dataclass(frozen=True)
class PersonalColumns:
    """Which customer columns hold each personal field (None when the data has none)."""

    email: str | None = None
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    full_name: str | None = None


def personal_columns(data: CustomerData) -> PersonalColumns:
    personal = [c for c in data.schema.by_role(Role.PERSONAL) if c.name in data.customers.columns]
    names = [c for c in personal if c.personal_kind == "name"]
    return PersonalColumns(
        email=_first_of(personal, "email"), phone=_first_of(personal, "phone"),
        first_name=next((c.name for c in names if _name_part(c) == "first"), None),
        last_name=next((c.name for c in names if _name_part(c) == "last"), None),
        full_name=next((c.name for c in names if _name_part(c) == "full"), None))


def require_email(data: CustomerData) -> PersonalColumns:
    found = personal_columns(data)
    if found.email is None:
        text_columns = [c.name for c in data.schema.columns if c.role in (Role.TEXT, Role.PERSONAL)]
        raise EngineError("This data has no email column, so there is nothing to send to an "
                          "email tool or an ad platform: load a file with customers' emails.",
                          options=text_columns)
    return found


def normalise_email(value: object) -> str | None:
    """Trimmed and lower-cased; None when it cannot be an address."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip().lower()
    local, at, domain = text.partition("@")
    if not at or not local or "." not in domain or any(ch.isspace() for ch in text):
        return None
    return text


def hash_email(normalised: str) -> str:
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def layout_frame(data: CustomerData, mask: pd.Series, layout: str) -> pd.DataFrame:
    """Members in an email tool's layout, one row per member with a usable email."""
    if layout not in LAYOUTS:
        raise EngineError(f"No layout named '{layout}': use one of "
                          f"{', '.join(AUDIENCE_LAYOUTS)}.", options=list(AUDIENCE_LAYOUTS))
    found = require_email(data)
    members = _members(data, mask)
    fields = _personal_fields(members, found)
    usable = fields["email"].notna()
    out = pd.DataFrame({header: fields[field][usable].to_numpy()
                        for header, field in LAYOUTS[layout].columns})
    return out.drop_duplicates(subset=[LAYOUTS[layout].columns[0][0]], ignore_index=True)


def hashed_audience(data: CustomerData, mask: pd.Series) -> pd.DataFrame:
    """One SHA-256 per distinct normalised member email, sorted (no order leaks ids)."""
    found = require_email(data)
    emails = _members(data, mask)[found.email].map(normalise_email).dropna()
    hashes = sorted({hash_email(e) for e in emails})
    return pd.DataFrame({HASHED_COLUMN: pd.Series(hashes, dtype=object)})


def _members(data: CustomerData, mask: pd.Series) -> pd.DataFrame:
    aligned = mask.reindex(data.customers.index, fill_value=False).fillna(False).astype(bool)
    return data.customers.loc[aligned.to_numpy()]


def _personal_fields(members: pd.DataFrame, found: PersonalColumns) -> dict[str, pd.Series]:
    assert found.email is not None
    empty = pd.Series("", index=members.index, dtype=object)

    def text(column: str | None) -> pd.Series:
        if column is None:
            return empty
        return members[column].map(lambda v: "" if pd.isna(v) else str(v).strip()).astype(object)

    first, last = text(found.first_name), text(found.last_name)
    if found.full_name is not None and (found.first_name is None or found.last_name is None):
        parts = text(found.full_name).str.split(n=1)
        if found.first_name is None:
            first = parts.map(lambda p: p[0] if len(p) > 0 else "").astype(object)
        if found.last_name is None:
            last = parts.map(lambda p: p[1] if len(p) > 1 else "").astype(object)
    return {"email": members[found.email].map(normalise_email).astype(object),
            "first_name": first, "last_name": last, "phone": text(found.phone)}


def _first_of(columns: list[ColumnInfo], kind: str) -> str | None:
    return next((c.name for c in columns if c.personal_kind == kind), None)


def _name_part(column: ColumnInfo) -> str:
    words = set(name_words(column.name))
    if words & _FIRST:
        return "first"
    if words & _LAST:
        return "last"
    return "full"
