"""Readable rules for clusters, so a cluster can be explained and saved as a segment.

k-means clusters are regions of a transformed space nobody can read. For each
cluster a shallow decision tree (one cluster against the rest) is grown on the
features in their own units, at depths 1 to `max_depth`; the shallowest that
fits nearly as well as the best wins. The leaves it gives to the cluster become
an `Or` of `And`s of `Compare` / `In` / `NotIn` conditions. Split points are
moved to the roundest number that splits the customers the same way (40 rather
than 40.5), so the rule selects exactly the customers the tree does.
`RuleFidelity` says how well the rule matches the cluster (precision, recall).

Customers with a missing value were placed by the column's median; a saved
rule evaluated on the raw data leaves them out of comparisons on that column.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from tools.engine.cluster_prep import FeaturePrep
from tools.engine.definitions import And, Compare, Condition, In, NotIn, Or, conjunction

GOOD_F1 = 0.9  # stop deepening the tree once the rule fits this well
DEEPER_GAIN = 0.05  # a deeper (longer) rule must fit this much better than a shallower
Split = tuple[int, bool, float]  # (matrix column, True for "> threshold" else "<=", threshold)


@dataclass(frozen=True)
class RuleFidelity:
    """How well a rule reproduces its cluster on the fitted customers."""

    precision: float  # of the customers the rule selects, the share in the cluster
    recall: float  # of the cluster, the share the rule selects

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 0.0 if total == 0 else 2 * self.precision * self.recall / total

    def to_dict(self) -> dict[str, float]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


@dataclass(frozen=True)
class ClusterRule:
    condition: Condition
    fidelity: RuleFidelity
    depth: int


def measure_fidelity(selected: np.ndarray, members: np.ndarray) -> RuleFidelity:
    hits = int(np.sum(selected & members))
    n_selected, n_members = int(np.sum(selected)), int(np.sum(members))
    return RuleFidelity(hits / n_selected if n_selected else 0.0,
                        hits / n_members if n_members else 0.0)


def cluster_rules(prep: FeaturePrep, frame: pd.DataFrame, labels: np.ndarray, k: int, *,
                  max_depth: int, random_state: int,
                  sample: np.ndarray | None = None) -> list[ClusterRule]:
    """One rule per cluster id 0..k-1.

    `sample`: row positions the trees learn from (a large base); fidelity is always
    measured on every row.
    """
    from sklearn.tree import DecisionTreeClassifier

    matrix, columns = prep.original_matrix(frame)
    rows = np.arange(len(frame)) if sample is None else sample
    min_leaf = max(1, len(rows) // 100)
    rules = []
    for cluster in range(k):
        members = labels == cluster
        tried: list[tuple[list[list[Split]], RuleFidelity, int]] = []
        for depth in range(1, max(1, max_depth) + 1):
            tree = DecisionTreeClassifier(max_depth=depth, min_samples_leaf=min_leaf,
                                          random_state=random_state).fit(matrix[rows],
                                                                         members[rows])
            paths = _cluster_paths(tree.tree_, list(tree.classes_))
            tried.append((paths, measure_fidelity(_select(paths, matrix), members), depth))
            if tried[-1][1].f1 >= GOOD_F1:
                break
        top = max(f.f1 for _, f, _ in tried)
        # The shortest rule that fits nearly as well as the best one.
        best = next(t for t in tried if t[1].f1 >= top - DEEPER_GAIN)
        condition = _to_condition(best[0], matrix, columns)
        rules.append(ClusterRule(condition, best[1], best[2]))
    return rules


def _cluster_paths(tree: Any, classes: list[bool]) -> list[list[Split]]:
    """Paths to the tree's regions where the cluster is the majority, siblings merged.

    `tree` is a fitted `DecisionTreeClassifier.tree_`.
    """
    left, right = tree.children_left, tree.children_right
    feature, threshold, value = tree.feature, tree.threshold, tree.value
    positive = classes.index(True) if True in classes else None

    def share(node: int) -> float:
        counts = value[node][0]
        return 0.0 if positive is None else float(counts[positive] / counts.sum())

    def all_positive(node: int) -> bool:
        if left[node] == -1:
            return share(node) >= 0.5
        return all_positive(left[node]) and all_positive(right[node])

    leaves: list[tuple[list[Split], float]] = []

    def walk(node: int, path: list[Split]) -> list[list[Split]]:
        if left[node] == -1:
            leaves.append((path, share(node)))
        if all_positive(node):
            return [path]
        if left[node] == -1:
            return []
        column, cut = int(feature[node]), float(threshold[node])
        return (walk(left[node], [*path, (column, False, cut)])
                + walk(right[node], [*path, (column, True, cut)]))

    paths = walk(0, [])
    if not paths:  # a small cluster is nowhere the majority: take its densest leaf
        paths = [max(leaves, key=lambda item: item[1])[0]]
    return paths


def _select(paths: list[list[Split]], matrix: np.ndarray) -> np.ndarray:
    selected = np.zeros(len(matrix), dtype=bool)
    for path in paths:
        inside = np.ones(len(matrix), dtype=bool)
        for column, above, cut in path:
            inside &= matrix[:, column] > cut if above else matrix[:, column] <= cut
        selected |= inside
    return selected


def nice_between(low: float, high: float) -> float:
    """The roundest number t with low <= t < high (low < high)."""
    top = max(abs(low), abs(high), high - low)
    exponent = math.floor(math.log10(top)) + 1 if top > 0 else 0
    for exp in range(exponent, -13, -1):
        step = 10.0 ** exp
        candidate = round(math.ceil(low / step) * step, max(0, -exp))
        if low <= candidate < high:
            return candidate
    return low


def _as_scalar(number: float) -> float | int:
    return int(number) if float(number).is_integer() and abs(number) < 1e15 else float(number)


def _to_condition(paths: list[list[Split]], matrix: np.ndarray,
                  columns: list[tuple[str, str | None]]) -> Condition:
    branches = [_path_condition(path, matrix, columns) for path in paths]
    return branches[0] if len(branches) == 1 else Or(any=branches)


def _path_condition(path: list[Split], matrix: np.ndarray,
                    columns: list[tuple[str, str | None]]) -> Condition:
    lower: dict[int, float] = {}  # column -> tightest "> cut"
    upper: dict[int, float] = {}  # column -> tightest "<= cut"
    for column, above, cut in path:
        if above:
            lower[column] = max(cut, lower.get(column, -math.inf))
        else:
            upper[column] = min(cut, upper.get(column, math.inf))
    parts: list[Condition] = []
    is_value: dict[str, list[str]] = {}
    not_values: dict[str, list[str]] = {}
    for column in sorted(set(lower) | set(upper)):
        name, category = columns[column]
        if category is not None:  # a 0/1 indicator: "> 0.5" is "is", "<= 0.5" is "is not"
            target = is_value if column in lower else not_values
            target.setdefault(name, []).append(category)
            continue
        values = matrix[:, column]
        if column in lower:
            parts.append(Compare(column=name, op=">",
                                 value=_round_cut(values, lower[column])))
        if column in upper:
            parts.append(Compare(column=name, op="<=",
                                 value=_round_cut(values, upper[column])))
    for name, categories in is_value.items():
        parts.append(In(column=name, values=list(categories)))
    for name, categories in not_values.items():
        if name not in is_value:  # "is France" already excludes every other value
            parts.append(NotIn(column=name, values=list(categories)))
    if not parts:
        return And(all=[])  # a tree that never split: the rule is "everyone"
    return conjunction(parts)


def _round_cut(values: np.ndarray, cut: float) -> float | int:
    below, above = values[values <= cut], values[values > cut]
    if below.size == 0 or above.size == 0:
        return _as_scalar(cut)
    return _as_scalar(nice_between(float(below.max()), float(above.min())))

