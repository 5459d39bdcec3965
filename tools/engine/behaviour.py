"""Find a dataset's behaviour columns (recency, frequency, monetary, tenure) by role.

RFM and lifecycle stages need the same few per-customer numbers. A transaction
log always has them (computed by `features.py`); a customer table has them only
when its columns were recognised or mapped, so the error says how to map them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.engine.cleaning import amount_candidates, has_amount
from tools.engine.dataset import (
    AVG_ORDER_VALUE,
    FREQUENCY,
    MONETARY,
    RECENCY,
    TENURE,
    CustomerData,
)
from tools.engine.errors import DataError
from tools.engine.schema import DataKind, Role

# The feature name a transaction log uses for each behaviour role.
_FEATURE_NAMES: dict[Role, str] = {
    Role.RECENCY: RECENCY,
    Role.FREQUENCY: FREQUENCY,
    Role.MONETARY: MONETARY,
    Role.TENURE: TENURE,
}


def behaviour_column(data: CustomerData, role: Role) -> str | None:
    """The numeric column playing `role`, or None when the data has none."""
    candidates = [c.name for c in data.schema.by_role(role)]
    fallback = _FEATURE_NAMES.get(role)
    if fallback is not None and fallback not in candidates:
        candidates.append(fallback)
    for name in candidates:
        if name in data.customers.columns and _is_numeric(data.customers[name]):
            return name
    return None


def require_behaviour_columns(
    data: CustomerData, roles: list[Role], purpose: str
) -> dict[Role, str]:
    """Columns for every role in `roles`; a one-line DataError naming the missing ones.

    `purpose` completes "... needs" in the message, e.g. "RFM scoring".
    """
    found = {role: behaviour_column(data, role) for role in roles}
    missing = [role for role, name in found.items() if name is None]
    if Role.MONETARY in missing and lacks_amount(data):
        raise no_amount_error(data, purpose)
    if missing:
        wanted = (", ".join(role.value for role in roles[:-1]) + f" and {roles[-1].value}"
                  if len(roles) > 1 else roles[0].value)
        absent = " and ".join(role.value for role in missing)
        how = " ".join(f"--map {role.value}=COLUMN" for role in missing)
        raise DataError(
            f"{purpose} needs {wanted} per customer but no numeric column of this data is "
            f"recognised as {absent}: map {'it' if len(missing) == 1 else 'them'} with {how}",
            options=candidate_columns(data), phrase="needs_roles",
            values={"needed": [r.value for r in roles], "missing": [r.value for r in missing]},
        )
    return {role: name for role, name in found.items() if name is not None}


def lacks_amount(data: CustomerData) -> bool:
    """Whether `data` is an order log with no amount, so no spend was computed."""
    return (data.kind is DataKind.TRANSACTIONS and MONETARY not in data.customers.columns
            and not has_amount(data.source.raw_schema))


def is_amount_feature(name: str) -> bool:
    """Whether `name` is a feature computed from the amounts (monetary, avg_order_value)."""
    return name.strip().casefold() in (MONETARY, AVG_ORDER_VALUE)


def no_amount_error(data: CustomerData, purpose: str) -> DataError:
    """The one-line error for anything that needs what customers spent in a log without it.

    `purpose` starts the message, e.g. "RFM's M score" or "monetary".
    """
    return DataError(
        f"{purpose} needs what customers spent, but this order log has no amount column "
        "(nor a quantity and a unit price): map one with --map amount=COLUMN and load it again",
        options=amount_candidates(data.source.raw_schema),
    )


def candidate_columns(data: CustomerData) -> list[str]:
    """Numeric columns that could be mapped to a behaviour role (not flags or constants)."""
    unsuitable = {Role.FLAG, Role.CONSTANT, Role.PERSONAL, Role.CUSTOMER_ID, Role.TEXT}
    roles = {c.name: c.role for c in data.schema.columns}
    return [
        str(name)
        for name in data.customers.columns
        if _is_numeric(data.customers[name]) and roles.get(str(name)) not in unsuitable
    ]


def float_values(series: pd.Series) -> np.ndarray:
    """The column as a float64 array, missing values as NaN."""
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
