"""Turning customer columns into the numeric space k-means works in.

Numbers: missing values take the column's median, skewed non-negative columns
(money, counts: skew > 1) go through log1p so a few big spenders do not make
their own clusters, then every column is standardised. Categories: one-hot,
the most frequent `max_categories` values kept (the rest share no column), and
scaled so that two customers in different categories are `categorical_weight`
apart, the same as a `categorical_weight` standard-deviation difference in a
number. A weight below one keeps a binary attribute such as gender from
splitting the base on its own.

Pure pandas/numpy: the estimator imports scikit-learn, this module does not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tools.engine.errors import DefinitionError
from tools.engine.matching import nearest

SKEW_LIMIT = 1.0
# A text column with more distinct values than this is an identifier or free
# text, not a category worth clustering on (only applies when features are chosen
# automatically).
AUTO_CATEGORY_LIMIT = 20


def is_numeric_column(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def is_date_column(series: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(series) or isinstance(
        series.dtype, pd.PeriodDtype | pd.DatetimeTZDtype)


def usable_columns(frame: pd.DataFrame) -> list[str]:
    """Columns that can be clustered on: numbers, and low-cardinality categories."""
    usable = []
    for name in frame.columns:
        series = frame[name]
        if is_date_column(series):
            continue
        if is_numeric_column(series) or series.nunique(dropna=True) <= AUTO_CATEGORY_LIMIT:
            usable.append(str(name))
    return usable


def resolve_features(frame: pd.DataFrame, features: list[str] | None) -> list[str]:
    """The feature list to cluster on, checked against the frame's columns."""
    usable = usable_columns(frame)
    if features is None:
        if not usable:
            raise DefinitionError("No numeric or category columns to cluster on; "
                                  "load customer data with numbers such as spend or age.",
                                  phrase="cluster_nothing_usable")
        return usable
    if len(features) == 0:
        raise DefinitionError("Choose at least one column to cluster on.", options=usable,
                              phrase="cluster_choose_columns")
    columns = [str(c) for c in frame.columns]
    for name in features:
        if name not in columns:
            raise DefinitionError(
                f"There is no column '{name}' to cluster on; choose one of the data's columns.",
                options=nearest(name, columns) or usable, phrase="cluster_no_column",
                values={"name": name})
        if is_date_column(frame[name]):
            raise DefinitionError(
                f"Column '{name}' holds dates; cluster on numbers or categories instead.",
                options=usable, phrase="cluster_date_column", values={"name": name})
    if len(set(features)) != len(features):
        raise DefinitionError("Each clustering column may be listed once; remove the repeats.",
                              options=list(dict.fromkeys(features)),
                              phrase="cluster_repeated_columns")
    return list(features)


@dataclass(frozen=True)
class NumericPrep:
    name: str
    median: float
    log: bool
    mean: float
    scale: float

    def transform(self, series: pd.Series) -> np.ndarray:
        values = pd.to_numeric(series, errors="coerce").astype("float64").fillna(self.median)
        array = values.to_numpy(dtype="float64")
        if self.log:
            array = np.log1p(np.clip(array, 0.0, None))
        return (array - self.mean) / self.scale

    def inverse(self, z: np.ndarray) -> np.ndarray:
        array = z * self.scale + self.mean
        return np.expm1(array) if self.log else array


@dataclass(frozen=True)
class CategoryPrep:
    name: str
    categories: tuple[str, ...]
    weight: float

    def indicators(self, series: pd.Series) -> np.ndarray:
        """0/1 matrix, one column per kept category; missing and rare values are all zero."""
        text = category_text(series)
        return np.column_stack(
            [(text == c).to_numpy(dtype="float64") for c in self.categories])

    def transform(self, series: pd.Series) -> np.ndarray:
        # Two one-hot rows differ in two coordinates: scale so their distance is `weight`.
        return self.indicators(series) * (self.weight / math.sqrt(2.0))


def category_text(series: pd.Series) -> pd.Series:
    text = series.astype("object").where(series.notna(), None)
    return text.map(lambda v: None if v is None else str(v))


@dataclass(frozen=True)
class FeaturePrep:
    """A fitted transform from customer columns to k-means coordinates."""

    numeric: tuple[NumericPrep, ...] = ()
    categorical: tuple[CategoryPrep, ...] = ()
    features: tuple[str, ...] = field(default=())

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        parts = [p.transform(frame[p.name]).reshape(-1, 1) for p in self.numeric]
        parts += [p.transform(frame[p.name]) for p in self.categorical]
        return np.hstack(parts) if parts else np.empty((len(frame), 0))

    def original_matrix(
            self, frame: pd.DataFrame) -> tuple[np.ndarray, list[tuple[str, str | None]]]:
        """Imputed numbers in their own units plus 0/1 category indicators (for readable rules).

        Returns the matrix and, per column, (feature, category or None).
        """
        parts: list[np.ndarray] = []
        columns: list[tuple[str, str | None]] = []
        for p in self.numeric:
            values = pd.to_numeric(frame[p.name], errors="coerce").astype("float64")
            parts.append(values.fillna(p.median).to_numpy(dtype="float64").reshape(-1, 1))
            columns.append((p.name, None))
        for c in self.categorical:
            parts.append(c.indicators(frame[c.name]))
            columns.extend((c.name, value) for value in c.categories)
        matrix = np.hstack(parts) if parts else np.empty((len(frame), 0))
        return matrix, columns

    @property
    def numeric_names(self) -> list[str]:
        return [p.name for p in self.numeric]

    @property
    def categorical_names(self) -> list[str]:
        return [p.name for p in self.categorical]


def fit_prep(frame: pd.DataFrame, features: list[str], *, categorical_weight: float,
             max_categories: int) -> FeaturePrep:
    numeric: list[NumericPrep] = []
    categorical: list[CategoryPrep] = []
    for name in features:
        series = frame[name]
        if is_numeric_column(series):
            numeric.append(_fit_numeric(name, series))
        else:
            counts = category_text(series).value_counts(dropna=True)
            # Most frequent first, ties alphabetical, so the columns never depend on row order.
            ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            kept = tuple(str(value) for value, _ in ordered[:max_categories])
            if kept:
                categorical.append(CategoryPrep(name, kept, categorical_weight))
    return FeaturePrep(tuple(numeric), tuple(categorical), tuple(features))


def _fit_numeric(name: str, series: pd.Series) -> NumericPrep:
    values = pd.to_numeric(series, errors="coerce").astype("float64")
    median = float(values.median()) if values.notna().any() else 0.0
    filled = values.fillna(median)
    skew = float(filled.skew()) if len(filled) > 2 else 0.0
    log = bool(filled.min() >= 0 and skew > SKEW_LIMIT)
    array = filled.to_numpy(dtype="float64")
    if log:
        array = np.log1p(array)
    mean = float(array.mean()) if len(array) else 0.0
    scale = float(array.std()) if len(array) else 1.0
    return NumericPrep(name, median, log, mean, scale if scale > 0 else 1.0)
