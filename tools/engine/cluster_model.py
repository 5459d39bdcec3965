"""`CustomerClustering`: k-means on customer columns, with scikit-learn conventions.

Import it from `tools.engine.clustering` (which loads this module, and with it
scikit-learn, only when the class is first used).

`fit` transforms the features (`cluster_prep`), picks k by silhouette when k
is not given, runs KMeans with a fixed seed and a fixed number of starts under
a one-thread OpenMP limit (the default thread pool is 10-50x slower on small
shared machines and gives the same result), then relabels clusters by size
(0 = largest) so labels do not depend on k-means' arbitrary numbering. It also
names each cluster (`cluster_naming`) and finds a readable rule for it
(`cluster_rules`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score
from sklearn.utils.validation import check_is_fitted

from tools.engine.cluster_choice import KChoice, k_choice
from tools.engine.cluster_naming import ClusterName, cluster_names
from tools.engine.cluster_prep import FeaturePrep, category_text, fit_prep, resolve_features
from tools.engine.cluster_rules import RuleFidelity, cluster_rules
from tools.engine.definitions import Condition
from tools.engine.errors import DataError, DefinitionError
from tools.engine.progress import ProgressCallback, report


class CustomerClustering(ClusterMixin, BaseEstimator):
    """Segment customers with k-means; pick k, name the clusters, explain them with rules.

    Parameters
    ----------
    features : columns to cluster on (None: every numeric column and every text
        column with at most 20 distinct values).
    k : number of clusters (None: the k in `k_range` with the highest silhouette).
    k_range : (smallest, largest) k tried when k is None, both included.
    random_state : seed for k-means, the silhouette sample and the rule trees.
    sample_size : at most this many customers (a fixed-seed sample) score the silhouette.
    search_size : with more customers than this, k-means runs for each k on a fixed-seed
        sample of this size; the chosen model is then refined on every customer
        (one Lloyd run started from the sample's centres).
    n_init : k-means starts per k; the best (lowest inertia) is kept.
    categorical_weight : distance between two different categories, in standard
        deviations of a numeric feature.
    max_categories : most frequent values of a category kept as one-hot columns.
    max_rule_depth : deepest decision tree tried for a cluster's rule.

    Fitted attributes
    -----------------
    labels_ : cluster id per row (0 = largest cluster).
    k_ : the number of clusters used.
    k_scores_ : DataFrame indexed by k: silhouette (on the sample),
        calinski_harabasz and inertia.
    k_choice_ : `KChoice`, why this k as facts (who chose it, silhouettes, k range,
        runner-up, sample sizes), for replies in any language.
    k_reason_ : the same in one English sentence.
    features_ : the columns clustered on.
    centers_ : DataFrame indexed by cluster id, the cluster centres in the
        columns' own units (log undone), and the most common value of categories.
    sizes_ : customers per cluster.
    names_ : a unique name per cluster ("High spenders, recent").
    name_parts_ : the same names as `ClusterName` (key, subject) parts, for other languages.
    rules_ : a readable `Condition` per cluster (savable as a segment).
    fidelity_ : `RuleFidelity` (precision, recall) of each rule against its cluster.
    prep_ : the fitted `FeaturePrep` transform.
    kmeans_ : the fitted `sklearn.cluster.KMeans`.
    """

    def __init__(self, features: list[str] | None = None, k: int | None = None,
                 k_range: tuple[int, int] = (2, 8), random_state: int = 0,
                 sample_size: int = 10_000, search_size: int = 20_000, n_init: int = 10,
                 categorical_weight: float = 0.5, max_categories: int = 10,
                 max_rule_depth: int = 2) -> None:
        self.features = features
        self.k = k
        self.k_range = k_range
        self.random_state = random_state
        self.sample_size = sample_size
        self.search_size = search_size
        self.n_init = n_init
        self.categorical_weight = categorical_weight
        self.max_categories = max_categories
        self.max_rule_depth = max_rule_depth

    def fit(self, frame: pd.DataFrame, y: Any = None,
            progress: ProgressCallback | None = None) -> CustomerClustering:
        """`progress` hears after the features are prepared, each k tried, and the scoring."""
        from threadpoolctl import threadpool_limits

        features = resolve_features(frame, None if self.features is None
                                    else list(self.features))
        prep = fit_prep(frame, features, categorical_weight=self.categorical_weight,
                        max_categories=self.max_categories)
        matrix = prep.transform(frame)
        search = self._search_rows(len(frame))
        # Distinct profiles only matter below the largest k wanted: count the sample first.
        wanted = int(self.k if self.k is not None else self.k_range[1])
        distinct = _distinct_rows(matrix[search])
        if distinct <= wanted and len(search) < len(frame):
            distinct = _distinct_rows(matrix)
        candidates = self._candidate_ks(len(frame), distinct)
        searched = matrix[search]
        sample = self._sample(len(search))
        total = len(candidates) + 3
        report(progress, "clustering", 1, total,
               f"prepared {len(features)} features of {len(frame):,} customers")
        with threadpool_limits(limits=1):
            fits = {}
            for k in candidates:
                fits[k] = self._kmeans(searched, k)
                report(progress, "clustering", 1 + len(fits), total, f"k-means with k={k}")
            scores = _scores(searched, fits, sample)
            report(progress, "clustering", total - 1, total,
                   f"scored k={candidates[0]}..{candidates[-1]}")
            chosen = self.k if self.k is not None else _best_k(scores)
            kmeans = fits[chosen] if len(search) == len(frame) else self._refine(matrix,
                                                                                 fits[chosen])
            order = _size_order(kmeans.labels_, kmeans.cluster_centers_)
            labels = order[kmeans.labels_]
            centroids = np.empty_like(kmeans.cluster_centers_)
            centroids[order] = kmeans.cluster_centers_
            rules = cluster_rules(prep, frame, labels, chosen, max_depth=self.max_rule_depth,
                                  random_state=self.random_state,
                                  sample=search if len(search) < len(frame) else None)

        self.prep_: FeaturePrep = prep
        self.kmeans_ = kmeans
        self.label_order_: np.ndarray = order
        self.labels_: np.ndarray = labels
        self.k_: int = int(chosen)
        self.k_scores_: pd.DataFrame = scores
        self.k_choice_: KChoice = k_choice(
            {int(k): float(v) for k, v in scores["silhouette"].items()}, int(chosen),
            by_user=self.k is not None, scored_on=len(sample), fitted_on=len(search),
            customers=len(frame))
        self.k_reason_: str = self.k_choice_.english()
        self.features_: list[str] = features
        self.cluster_centers_: np.ndarray = centroids
        self.centers_: pd.DataFrame = _centers(prep, centroids, frame, labels)
        self.sizes_: list[int] = np.bincount(labels, minlength=chosen).tolist()
        named = cluster_names(prep, centroids, frame, labels)
        self.names_: list[str] = [n.text for n in named]
        self.name_parts_: list[ClusterName] = named
        self.rules_: list[Condition] = [r.condition for r in rules]
        self.fidelity_: list[RuleFidelity] = [r.fidelity for r in rules]
        report(progress, "clustering", total, total,
               f"{chosen} clusters, each with a readable rule")
        return self

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        from threadpoolctl import threadpool_limits

        check_is_fitted(self, "kmeans_")
        missing = [f for f in self.features_ if f not in frame.columns]
        if missing:
            raise DefinitionError(f"The data lacks the clustering column '{missing[0]}'; "
                                  "predict on data with the fitted columns.",
                                  options=list(self.features_))
        with threadpool_limits(limits=1):
            raw = self.kmeans_.predict(self.prep_.transform(frame))
        result: np.ndarray = self.label_order_[raw]
        return result

    def _candidate_ks(self, n: int, n_distinct: int) -> list[int]:
        """The k values to try; k-means cannot make more clusters than distinct customers."""
        if n_distinct < 2:
            raise DataError("Every customer has the same values in the clustering columns; "
                            "choose columns that vary between customers.",
                            phrase="cluster_same_values")
        limit = min(n - 1, n_distinct)
        if self.k is not None:
            if not 2 <= self.k <= limit:
                raise DefinitionError(
                    f"Choose a number of clusters between 2 and {limit}: the data has "
                    f"{n_distinct:,} distinct customer profiles.",
                    options=[str(v) for v in range(2, min(limit, 8) + 1)],
                    phrase="cluster_k_limit", values={"limit": limit, "profiles": n_distinct})
            return [int(self.k)]
        low, high = max(int(self.k_range[0]), 2), min(int(self.k_range[1]), limit)
        if low > high:
            raise DefinitionError(
                f"The range of cluster counts must fit within 2..{limit} for this data.",
                options=[f"2..{min(8, limit)}"], phrase="cluster_range_limit",
                values={"limit": limit})
        return list(range(low, high + 1))

    def _sample(self, n: int) -> np.ndarray:
        if n <= self.sample_size:
            return np.arange(n)
        rng = np.random.default_rng(self.random_state)
        return np.sort(rng.choice(n, size=self.sample_size, replace=False))

    def _search_rows(self, n: int) -> np.ndarray:
        if n <= self.search_size:
            return np.arange(n)
        rng = np.random.default_rng(self.random_state)
        return np.sort(rng.choice(n, size=self.search_size, replace=False))

    def _refine(self, matrix: np.ndarray, searched: Any) -> Any:
        return KMeans(n_clusters=len(searched.cluster_centers_), init=searched.cluster_centers_,
                      n_init=1, random_state=self.random_state).fit(matrix)

    def _kmeans(self, matrix: np.ndarray, k: int) -> Any:
        return KMeans(n_clusters=k, n_init=self.n_init,
                      random_state=self.random_state).fit(matrix)


def _distinct_rows(matrix: np.ndarray) -> int:
    """Distinct rows, hashing each row's bytes (np.unique(axis=0) sorts, which is slower)."""
    rows = np.ascontiguousarray(matrix)
    keys = pd.util.hash_array(rows.view(np.dtype((np.void, rows.dtype.itemsize * rows.shape[1])))
                              .ravel()) if rows.shape[1] else np.zeros(len(rows), np.uint64)
    return int(len(np.unique(keys)))


def _scores(matrix: np.ndarray, fits: dict[int, Any], sample: np.ndarray) -> pd.DataFrame:
    """Silhouette (on the sample), Calinski-Harabasz and inertia per k."""
    silhouettes = silhouette_scores(matrix[sample], [fit.labels_[sample] for fit in fits.values()])
    rows = []
    for (k, fit), silhouette in zip(fits.items(), silhouettes, strict=True):
        distinct = len(np.unique(fit.labels_))
        harabasz = (float(calinski_harabasz_score(matrix, fit.labels_))
                    if 1 < distinct < len(matrix) else float("nan"))
        rows.append({"k": k, "silhouette": silhouette, "calinski_harabasz": harabasz,
                     "inertia": float(fit.inertia_)})
    return pd.DataFrame(rows).set_index("k")


def silhouette_scores(points: np.ndarray, labelings: list[np.ndarray]) -> list[float]:
    """Mean silhouette of each labelling of the same points (as sklearn's silhouette_score).

    The pairwise distances are computed once, in row blocks, and shared by every
    labelling: scoring k=2..8 then costs about one silhouette instead of seven.
    """
    n = len(points)
    onehots = [np.eye(int(labels.max()) + 1)[labels] for labels in labelings]
    # One product with every labelling's columns side by side instead of one per labelling.
    stacked = np.hstack(onehots)
    edges = np.cumsum([0] + [onehot.shape[1] for onehot in onehots])
    summed = np.zeros((n, stacked.shape[1]), dtype=np.float64)
    squared = np.einsum("ij,ij->i", points, points)
    block = max(1, 4_000_000 // max(n, 1))
    for start in range(0, n, block):
        stop = min(n, start + block)
        gram = points[start:stop] @ points.T
        distances = np.sqrt(np.clip(squared[start:stop, None] + squared[None, :] - 2 * gram,
                                    0.0, None))
        summed[start:stop] = distances @ stacked
    sums = [summed[:, edges[i]:edges[i + 1]] for i in range(len(onehots))]
    return [_mean_silhouette(total, labels) for total, labels in zip(sums, labelings,
                                                                      strict=True)]


def _mean_silhouette(total: np.ndarray, labels: np.ndarray) -> float:
    counts = np.bincount(labels, minlength=total.shape[1]).astype("float64")
    if np.count_nonzero(counts) < 2 or np.count_nonzero(counts) >= len(labels):
        return float("nan")
    rows = np.arange(len(labels))
    own = counts[labels]
    inner = np.where(own > 1, total[rows, labels] / np.maximum(own - 1, 1), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_to = total / counts[None, :]
    mean_to[rows, labels] = np.inf
    mean_to[:, counts == 0] = np.inf
    nearest = mean_to.min(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        silhouette = (nearest - inner) / np.maximum(inner, nearest)
    # A customer alone in its cluster scores 0, as in scikit-learn.
    silhouette = np.where(own > 1, np.nan_to_num(silhouette), 0.0)
    return float(silhouette.mean())


def _best_k(scores: pd.DataFrame) -> int:
    silhouette = scores["silhouette"].fillna(-1.0)
    # idxmax takes the first maximum: ties go to the smaller k.
    return int(silhouette.idxmax())


def _size_order(raw: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Map k-means label -> id by size (largest first; equal sizes by centre coordinates)."""
    k = len(centroids)
    sizes = np.bincount(raw, minlength=k)
    ranking = sorted(range(k), key=lambda c: (-sizes[c], tuple(np.round(centroids[c], 9))))
    order = np.empty(k, dtype=np.int64)
    for new, old in enumerate(ranking):
        order[old] = new
    return order


def _centers(prep: FeaturePrep, centroids: np.ndarray, frame: pd.DataFrame,
             labels: np.ndarray) -> pd.DataFrame:
    k = centroids.shape[0]
    columns: dict[str, list[Any]] = {}
    for i, p in enumerate(prep.numeric):
        columns[p.name] = p.inverse(centroids[:, i]).tolist()
    for c in prep.categorical:
        text = category_text(frame[c.name])
        modes = []
        for cluster in range(k):
            counts = text[labels == cluster].value_counts()
            ordered = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
            modes.append(ordered[0][0] if ordered else None)
        columns[c.name] = modes
    return pd.DataFrame(columns, index=pd.Index(range(k), name="cluster"))[list(prep.features)]
