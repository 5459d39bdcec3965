"""The Gauss hypergeometric function as the BG/NBD conditional expectation needs it.

`scaled_tail(A, B, C, z, log_scale, beside, over_b=...)` gives
exp(log_scale) * C * (2F1(A, B; C; z) - 1) (divided by B when `over_b`), for 0 <= z < 1,
finite where 2F1 itself overflows and exact at B = 0 or C = 0: see
`predictive_models.expected_purchases` for how it is used and docs/PREDICTIVE.md for the
checks against mpmath.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import hyp2f1

Array = NDArray[np.float64]


def _as_floats(value: ArrayLike) -> Array:
    return np.asarray(value, dtype=np.float64)


# scipy's hyp2f1 (Cephes) goes wrong for z > 0.9 when C is large (inf, NaN, or a few % off,
# against mpmath: docs/PREDICTIVE.md), exactly where frequent buyers and long horizons put
# the conditional expectation; it loses digits when B or C is near 0; and the function
# itself can pass 1e308 for a degenerate fit (a and b in the thousands) while its product
# with (1-z)^s stays below 1. There the power series is summed directly, each term kept as
# a sign and a logarithm.
_SERIES_FROM_Z = 0.9
_SCIPY_UP_TO_C = 20.0  # beyond z = 0.9 scipy is trusted below this C (checked with mpmath)
_SERIES_TERMS = 1500  # enough for z up to ~0.97; slower series are left to scipy
_SERIES_TOLERANCE = 1e-16
_SMALL = 0.05  # |B| or |C| below this: summed directly (no F - 1 or 1/C cancellation)


def scaled_tail(A: ArrayLike, B: ArrayLike, C: ArrayLike, z: Array,  # noqa: N803
                log_scale: Array, beside: Array, *, over_b: bool) -> Array:
    """exp(log_scale) * C * (2F1(A, B; C; z) - 1), divided by B when `over_b` (its limit at
    B = 0 or C = 0 included), for 0 <= z < 1 and C > -1. `beside` is the term it is added to
    (sets the precision needed). The series where it settles, else scipy's value."""
    A, B, C, z, log_scale, beside = np.broadcast_arrays(  # noqa: N806
        *(_as_floats(v) for v in (A, B, C, z, log_scale, beside)))
    divisor = B if over_b else np.ones_like(B)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        value = np.array(hyp2f1(A, B, C, z), dtype=np.float64, ndmin=1).reshape(A.shape)
        out = np.array(np.exp(log_scale) * C * (value - 1) / divisor, dtype=np.float64,
                       ndmin=1).reshape(A.shape)
    redo = (((z > _SERIES_FROM_Z) & (C >= _SCIPY_UP_TO_C)) | (np.abs(C) < _SMALL)
            | ~np.isfinite(out) | ((np.abs(B) < _SMALL) if over_b else False))
    if np.any(redo):
        with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
            tail, done = _series(A[redo], B[redo], C[redo], z[redo], log_scale[redo],
                                 beside[redo], over_b=over_b)
        out[redo] = np.where(done & np.isfinite(tail), tail, out[redo])
    out[~np.isfinite(out)] = np.nan  # for `expected_purchases` to integrate instead
    return out


def _series(A: Array, B: Array, C: Array, z: Array, log_scale: Array,  # noqa: N803
            beside: Array, *, over_b: bool) -> tuple[Array, NDArray[np.bool_]]:
    """sum_{n>=1} exp(log_scale) C (A)_n (B)_n / ((C)_n n!) z^n (without the B of (B)_n when
    `over_b`): C (C)_n^-1 = 1/(C+1)_(n-1), so C = 0 is no pole. Each term is kept as a sign
    and a logarithm; the flag marks the elements whose tail is bounded below the tolerance
    (relative to the larger of the sum and `beside`) within `_SERIES_TERMS` terms."""
    tail = np.zeros_like(z)
    log_term = log_scale.copy()  # log |term_n|, the scale included
    sign = np.ones_like(z)
    done = np.zeros(z.shape, dtype=bool)
    active = np.arange(len(z))
    for n in range(_SERIES_TERMS):
        if not len(active):
            break
        a, b, c, w = A[active], B[active], C[active], z[active]
        if n == 0:  # term_1 = scale * A * B * z (C cancels; B too when over_b)
            factor = a * (1.0 if over_b else b) * w
        else:
            factor = (a + n) * (b + n) / ((c + n) * (n + 1)) * w
        log_term[active] += np.log(np.abs(factor))
        sign[active] *= np.sign(factor)
        term = sign[active] * np.exp(log_term[active])
        tail[active] += term
        # For every k >= m = n+1 (with C + m > 0), |term k+1 / term k| =
        # z |A+k| |B+k| / ((C+k)(k+1)) is at most q: |A+k|/(k+1) and |B+k|/(C+k) each fall
        # while A+k (B+k) is negative, then move monotonically towards 1, so each is at most
        # the larger of its value at m and 1 (and likewise paired the other way). The tail
        # is then at most |term| q / (1 - q).
        m = n + 1
        paired = np.minimum(_at_most_one(a + m, m + 1) * _at_most_one(b + m, c + m),
                            _at_most_one(a + m, c + m) * _at_most_one(b + m, m + 1))
        bound = w * paired
        whole = np.maximum(np.abs(tail[active]), np.abs(beside[active]))
        settled = (factor == 0) | (
            (c + m > 0) & (bound < 1)
            & (np.abs(term) * bound <= _SERIES_TOLERANCE * (1 - bound) * whole))
        done[active[settled]] = True
        active = active[~settled]
    return tail, done


def _at_most_one(top: Array, bottom: Array | int) -> Array:
    """max(|top| / bottom, 1) for bottom > 0: a bound of |top + k| / (bottom + k) over all
    k >= 0 (it falls while top + k < 0, then stays below 1 or falls towards 1)."""
    return np.maximum(np.abs(top) / bottom, 1.0)
