"""BG/NBD and Gamma-Gamma: likelihoods, maximum-likelihood fits and per-customer formulas.

The models of Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way: An
Alternative to the Pareto/NBD Model" (BG/NBD) and "RFM and CLV: Using Iso-Value Curves for
Customer Base Analysis" (Gamma-Gamma spend), with the notation of the papers:

- x: repeat purchases in the calibration period (purchase days after the first);
- t_x: time from the first purchase to the last one; T: time from the first purchase to
  the end of the calibration period; times in weeks (`predictive.py` builds them);
- m_x: the mean amount of the x repeat purchases.

BG/NBD: while alive, a customer buys at a Poisson rate lambda ~ Gamma(r, alpha); after each
purchase they drop out with probability p ~ Beta(a, b). Gamma-Gamma: each purchase's amount
is Gamma(p, nu) with nu ~ Gamma(q, gamma), independent of the purchase process.

Parameters are maximum-likelihood estimates: `scipy.optimize.minimize` (L-BFGS-B) over the
logarithms of the parameters, so every parameter stays positive. The conditional expectation
uses Euler's transformation of the Gauss hypergeometric function so it stays finite for
customers with hundreds of purchases (see `expected_purchases`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import quad
from scipy.optimize import minimize
from scipy.special import betaln, expit, gammaln
from threadpoolctl import threadpool_limits

from tools.engine.predictive_hyp2f1 import scaled_tail

Array = NDArray[np.float64]
# Bounds of the log-parameters in the search: exp(+-12) is 6e-6 .. 1.6e5, far outside any
# published estimate; a fit that ends on a bound is reported as not converged.
LOG_BOUND = 12.0


@dataclass(frozen=True)
class BgNbdParams:
    """BG/NBD parameters; alpha is in the time unit of the fit (weeks)."""

    r: float
    alpha: float
    a: float
    b: float


@dataclass(frozen=True)
class GammaGammaParams:
    """Gamma-Gamma parameters; gamma is in the currency of the amounts."""

    p: float
    q: float
    gamma: float

    @property
    def population_mean(self) -> float:
        """The mean amount per purchase over all customers, p*gamma/(q-1); NaN when q <= 1
        (the model then has no finite mean)."""
        return self.p * self.gamma / (self.q - 1) if self.q > 1 else float("nan")


@dataclass(frozen=True)
class FitInfo:
    """How a maximum-likelihood search ended."""

    log_likelihood: float  # total over the customers fitted, at the estimate
    converged: bool  # the optimiser said so, the value is finite and no parameter is on a bound
    iterations: int
    message: str  # the optimiser's own words
    customers: int  # how many customers the fit used
    at_bound: tuple[str, ...] = ()  # parameters that ended on a search bound


@dataclass(frozen=True)
class BgNbdFit:
    params: BgNbdParams
    info: FitInfo


@dataclass(frozen=True)
class GammaGammaFit:
    params: GammaGammaParams
    info: FitInfo


def _floats(value: ArrayLike) -> Array:
    return np.asarray(value, dtype=np.float64)


def bgnbd_log_likelihood(params: BgNbdParams, x: ArrayLike, t_x: ArrayLike,
                         T: ArrayLike) -> Array:
    """Each customer's log-likelihood (FHL 2005, equation 6), in closed form:

    L = B(a, b+x)/B(a, b) * Gamma(r+x) alpha^r / (Gamma(r) (alpha+T)^(r+x))
        + [x > 0] B(a+1, b+x-1)/B(a, b) * Gamma(r+x) alpha^r / (Gamma(r) (alpha+t_x)^(r+x))
    """
    x, t_x, T = _floats(x), _floats(t_x), _floats(T)
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    common = (gammaln(r + x) - gammaln(r) + r * np.log(alpha)
              + betaln(a, b + x) - betaln(a, b))
    still = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    # B(a+1, b+x-1) / B(a, b+x) = a / (b+x-1); only defined (and only used) when x > 0.
    gone = np.full_like(still, -np.inf)
    xr = x[repeat]
    gone[repeat] = (np.log(a) - np.log(b + xr - 1)
                    - (r + xr) * np.log(alpha + t_x[repeat]))
    return common + np.logaddexp(still, gone)


def gamma_gamma_log_likelihood(params: GammaGammaParams, x: ArrayLike,
                               m_x: ArrayLike) -> Array:
    """Each customer's log-density of the mean m_x of x purchase amounts, nu integrated out:

    f(m_x) = Gamma(px+q) / (Gamma(px) Gamma(q)) * gamma^q * m_x^(px-1) x^(px)
             / (gamma + x m_x)^(px+q)
    """
    x, m_x = _floats(x), _floats(m_x)
    p, q, g = params.p, params.q, params.gamma
    px = p * x
    return (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g)
            + (px - 1) * np.log(m_x) + px * np.log(x) - (px + q) * np.log(g + x * m_x))


def _maximise(negative_ll: Callable[[Array], float], names: tuple[str, ...], start: Array,
              customers: int) -> tuple[Array, FitInfo]:
    """Minimise the negative log-likelihood over log-parameters, from `start` and, when that
    ends badly, from a second start."""
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(names)
    best = None
    for begin in (start, np.zeros(len(names))):
        # One BLAS thread: on 2 cores OpenBLAS's threads spin against each other inside
        # L-BFGS-B's small matrix steps (a 4-parameter fit took 100x longer).
        # A step into overflow is the optimiser's to reject, not a warning for the user.
        with threadpool_limits(limits=1, user_api="blas"), np.errstate(all="ignore"):
            result = minimize(negative_ll, begin, method="L-BFGS-B", bounds=bounds,
                              options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-8})
        if best is None or (np.isfinite(result.fun) and result.fun < best.fun):
            best = result
        if best.success and np.isfinite(best.fun):
            break
    assert best is not None
    at_bound = tuple(name for name, value in zip(names, best.x, strict=True)
                     if abs(value) >= LOG_BOUND - 1e-6)
    info = FitInfo(log_likelihood=float(-best.fun), iterations=int(best.nit),
                   converged=bool(best.success) and bool(np.isfinite(best.fun)) and not at_bound,
                   message=str(best.message), customers=customers, at_bound=at_bound)
    return np.exp(best.x), info


def fit_bgnbd(x: ArrayLike, t_x: ArrayLike, T: ArrayLike) -> BgNbdFit:
    """Maximum-likelihood BG/NBD over customers with x repeat purchases, t_x and T in weeks.

    Customers with the same (x, t_x, T) are counted once with a weight, so the work grows
    with the number of distinct histories, not of customers."""
    x, t_x, T = _floats(x), _floats(t_x), _floats(T)
    _check_histories(x, t_x, T)
    histories, weights = np.unique(np.column_stack([x, t_x, T]), axis=0, return_counts=True)
    hx, ht, hT = histories[:, 0], histories[:, 1], histories[:, 2]

    def negative_ll(log_params: Array) -> float:
        params = BgNbdParams(*np.exp(log_params))
        return float(-np.dot(weights, bgnbd_log_likelihood(params, hx, ht, hT)))

    # Start from r = 1 and alpha = 1 / (repeat purchases per week of age): r/alpha is then
    # the base's mean purchase rate.
    rate = max(float(np.sum(x)) / max(float(np.sum(T)), 1e-9), 1e-3)
    start = np.log([1.0, 1.0 / rate, 1.0, 1.0])
    values, info = _maximise(negative_ll, ("r", "alpha", "a", "b"), start, len(x))
    return BgNbdFit(BgNbdParams(*map(float, values)), info)


def fit_gamma_gamma(x: ArrayLike, m_x: ArrayLike) -> GammaGammaFit:
    """Maximum-likelihood Gamma-Gamma over customers with x > 0 repeat purchases of mean
    amount m_x > 0 (others must be left out by the caller)."""
    x, m_x = _floats(x), _floats(m_x)
    if len(x) != len(m_x) or np.any(~(x > 0)) or np.any(~(m_x > 0)) or not len(x):
        raise ValueError("Gamma-Gamma needs customers with x > 0 and m_x > 0")

    def negative_ll(log_params: Array) -> float:
        return float(-np.sum(gamma_gamma_log_likelihood(GammaGammaParams(*np.exp(log_params)),
                                                        x, m_x)))

    start = np.log([1.0, 2.0, max(float(np.mean(m_x)), 1e-3)])
    values, info = _maximise(negative_ll, ("p", "q", "gamma"), start, len(x))
    return GammaGammaFit(GammaGammaParams(*map(float, values)), info)


def _check_histories(x: Array, t_x: Array, T: Array) -> None:
    if not (len(x) == len(t_x) == len(T)) or not len(x):
        raise ValueError("x, t_x and T need the same, non-zero length")
    if (np.any(~np.isfinite(x)) or np.any(x < 0) or np.any(t_x < 0) or np.any(t_x > T + 1e-9)
            or np.any((x == 0) & (t_x != 0))):
        raise ValueError("need x >= 0, 0 <= t_x <= T, and t_x = 0 when x = 0")


def _log_gone_odds(params: BgNbdParams, x: Array, t_x: Array, T: Array) -> Array:
    """log of a/(b+x-1) * ((alpha+T)/(alpha+t_x))^(r+x) for x > 0 (the odds that the
    customer dropped out after the last purchase); -inf when x = 0."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    out = np.full(np.broadcast(x, t_x, T).shape, -np.inf)
    x, t_x, T = np.broadcast_arrays(x, t_x, T)
    repeat = x > 0
    xr = x[repeat]
    out[repeat] = (np.log(a) - np.log(b + xr - 1)
                   + (r + xr) * (np.log(alpha + T[repeat]) - np.log(alpha + t_x[repeat])))
    return out


def p_alive(params: BgNbdParams, x: ArrayLike, t_x: ArrayLike,
            T: ArrayLike) -> Array:
    """P(still a customer at T | x, t_x, T) = 1 / (1 + [x > 0] a/(b+x-1)
    ((alpha+T)/(alpha+t_x))^(r+x)). In the BG/NBD a customer can only drop out right after
    a purchase, so one with no repeat purchase is alive with probability 1."""
    return expit(-_log_gone_odds(params, _floats(x), _floats(t_x), _floats(T)))


def expected_purchases(params: BgNbdParams, t: ArrayLike, x: ArrayLike, t_x: ArrayLike,
                       T: ArrayLike) -> Array:
    """Expected purchases in (T, T+t] given the history (FHL 2005, equation 10):

    E[Y(t)] = c/(a-1) * [1 - (1-z)^(r+x) 2F1(r+x, b+x; c; z)] * P(alive),
    c = a+b+x-1, z = t/(alpha+T+t).

    Evaluated so that it stays finite and accurate everywhere (checked against mpmath,
    docs/PREDICTIVE.md):
    - by Euler's transformation 2F1(A, B; C; z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z) the
      bracket's product also equals (1-z)^(a-1) 2F1(a+b-1-r, a-1; c; z). The two functions'
      C-A-B are a-1-r-x and x+r+1-a; the one where it is >= 0 is bounded on [0, 1), so it
      is the one evaluated: no overflow for a frequent buyer (large x) nor for a
      degenerate fit (large a);
    - 1 - (1-z)^s F is computed as -expm1(s log(1-z)) - (1-z)^s (F - 1), F - 1 summed
      without forming F, so a short horizon loses no digits;
    - in Euler's form (always taken when a < 1 + r + x) the factor a-1 of F - 1 cancels the
      divisor a-1 exactly, so a = 1 is no singularity; likewise c = 0 (x = 0, a + b = 1).
    """
    shape = np.broadcast_shapes(*(np.shape(v) for v in (t, x, t_x, T)))
    t, x, t_x, T = (np.atleast_1d(v) for v in np.broadcast_arrays(  # noqa: N806
        _floats(t), _floats(x), _floats(t_x), _floats(T)))
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    z = t / (alpha + T + t)
    c = a + b + x - 1
    euler = x + r + 1 - a >= 0
    log_rest = np.log1p(-z)
    value = np.empty_like(z)
    e, o = euler, ~euler
    # Euler's form: c (1 - (1-z)^(a-1) F) / (a-1)
    #             = -c expm1((a-1) L) / (a-1) - (1-z)^(a-1) c (F-1) / (a-1), L = log(1-z).
    first_e = _expm1_over(a - 1, log_rest[e]) * -c[e]
    value[e] = first_e - scaled_tail(a + b - 1 - r, a - 1, c[e], z[e],
                                      (a - 1) * log_rest[e], first_e, over_b=True)
    power = r + x[o]
    first_o = -c[o] * np.expm1(power * log_rest[o])
    value[o] = (first_o - scaled_tail(power, b + x[o], c[o], z[o], power * log_rest[o],
                                       first_o, over_b=False)) / (a - 1)
    lost = ~np.isfinite(value)
    if np.any(lost):  # neither scipy nor the series: integrate over p (rare, slower)
        value[lost] = [_expected_if_alive_by_quadrature(params, *point) for point in
                       zip(t[lost], x[lost], T[lost], strict=True)]
    alive = expit(-_log_gone_odds(params, x, t_x, T))
    # A customer surely gone (alive 0) expects nothing, whatever the rounding.
    return np.where(alive > 0, np.maximum(value, 0.0) * alive, 0.0).reshape(shape)


def _expected_if_alive_by_quadrature(params: BgNbdParams, t: float, x: float,
                                     T: float) -> float:  # noqa: N803
    """E[Y(t) | alive at T, x] = integral of (1 - (1 + p u)^-(r+x)) / p over
    p ~ Beta(a, b+x), u = t/(alpha+T): the purchase rate integrated out in closed form, the
    drop-out probability by adaptive quadrature with the Beta weight (QAWS)."""
    r, a, b = params.r, params.a, params.b
    u = t / (params.alpha + T)
    k = r + x

    def rest(p: float) -> float:
        return float(-np.expm1(-k * np.log1p(p * u)) / p) if p > 0 else k * u

    with np.errstate(all="ignore"):
        total = quad(rest, 0.0, 1.0, weight="alg", wvar=(a - 1, b + x - 1), limit=200)[0]
    return float(total * np.exp(-betaln(a, b + x)))


def _expm1_over(k: float, log_rest: Array) -> Array:
    """expm1(k L) / k, and its limit L at k = 0."""
    if k == 0:
        return log_rest.copy()
    return np.expm1(k * log_rest) / k


def expected_purchases_new(params: BgNbdParams, t: ArrayLike) -> Array:
    """E[X(t)] for a customer just acquired at time 0 (FHL 2005, equation 9): the purchases
    expected in (0, t] after the first."""
    t = _floats(t)
    zeros = np.zeros_like(t)
    return expected_purchases(params, t, zeros, zeros, zeros)


def expected_order_value(params: GammaGammaParams, x: ArrayLike, m_x: ArrayLike) -> Array:
    """E[amount of a purchase | x purchases of mean m_x] = p (gamma + x m_x) / (p x + q - 1),
    a weighted mean of the population mean p gamma/(q-1) and the customer's own m_x.
    Customers with x = 0 (or no usable m_x) get the population mean."""
    x, m_x = np.broadcast_arrays(_floats(x), _floats(m_x))
    p, q, g = params.p, params.q, params.gamma
    known = (x > 0) & np.isfinite(m_x) & (m_x > 0)
    own = np.where(known, x, 0.0)
    spend = np.where(known, m_x, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = p * (g + own * spend) / (p * own + q - 1)
    # Without a finite population mean (q <= 1) a customer with no purchase has no estimate.
    return np.where((p * own + q - 1) > 0, value, np.nan)


@dataclass(frozen=True)
class PredictiveModels:
    """The two fits behind the predictive traits."""

    bgnbd: BgNbdFit
    gamma_gamma: GammaGammaFit | None  # None: no amounts, or too few repeat customers
    gamma_gamma_skipped: str | None = None  # why it was not fitted, in plain words
