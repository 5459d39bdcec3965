"""BG/NBD and Gamma-Gamma: the published CDNOW figures, and each formula against an
independent derivation (numerical integration over the customer's unknown rates).

The derivations used here, from the models' stories rather than the papers' closed forms:
- a customer with purchase rate lambda and drop-out probability p, still alive, makes
  (1 - exp(-lambda p t)) / p purchases in the next t on average: purchases that end the
  relationship arrive at rate lambda p, and purchases arrive at rate lambda until then;
- given x repeat purchases, the last at t_x, and age T: "still alive" has weight
  (1-p)^x lambda^x e^(-lambda T), "dropped out at the last purchase" has weight
  p (1-p)^(x-1) lambda^x e^(-lambda t_x);
- the mean of x Gamma(p, nu) amounts is Gamma(p x, nu x).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate
from scipy.special import hyp2f1

from tools.datasets import FOLDER
from tools.engine.predictive_data import purchase_history
from tools.engine.predictive_models import (
    BgNbdParams,
    GammaGammaParams,
    bgnbd_log_likelihood,
    expected_order_value,
    expected_purchases,
    expected_purchases_new,
    fit_bgnbd,
    fit_gamma_gamma,
    gamma_gamma_log_likelihood,
    p_alive,
)

CDNOW = FOLDER / "cdnow_sample.txt"
CALIBRATION_END = date(1997, 9, 30)  # the paper's 39 weeks: 1997-01-01 .. 1997-09-30
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_SPEND = {"p": 6.25, "q": 3.74, "gamma": 15.44}
SMOOTH = BgNbdParams(r=1.7, alpha=6.0, a=2.3, b=3.1)  # densities finite at 0 for quadrature
PAPER = BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
SPEND = GammaGammaParams(p=6.25, q=3.74, gamma=15.44)
Weight = Callable[[float, float], float]  # (lambda, p) -> value


def cdnow_lines() -> pd.DataFrame:
    """The CDNOW sample as purchase lines: customer, day, dollar value."""
    raw = pd.read_csv(CDNOW, sep=r"\s+", header=None, dtype={"date": str},
                      names=["customer_id", "sample_id", "date", "cds", "amount"])
    return pd.DataFrame({"customer_id": raw["customer_id"],
                         "day": pd.to_datetime(raw["date"], format="%Y%m%d"),
                         "amount": raw["amount"]})


def within(value: float, published: float, share: float = 0.01) -> bool:
    return abs(value - published) <= share * abs(published)


def test_cdnow_reproduces_the_published_estimates() -> None:
    history = purchase_history(cdnow_lines(), CALIBRATION_END)
    table = history.table
    assert len(table) == 2357 and history.customers_after_end == 0
    assert history.first_day == date(1997, 1, 1) and history.data_end == date(1998, 6, 30)
    assert table["age_weeks"].max() == pytest.approx(272 / 7)  # first day to E: 38.86 weeks
    fit = fit_bgnbd(table["repeat_purchases"], table["weeks_to_last"], table["age_weeks"])
    assert fit.info.converged and fit.info.customers == 2357
    for name, published in PUBLISHED_BGNBD.items():
        assert within(getattr(fit.params, name), published), (name, fit.params)
    assert fit.info.log_likelihood == pytest.approx(-9582.4, abs=0.1)  # as published
    spenders = table[table["repeat_purchases"] > 0]
    assert len(spenders) == 946  # the repeat customers of the Gamma-Gamma note
    spend = fit_gamma_gamma(spenders["repeat_purchases"], spenders["repeat_order_value"])
    assert spend.info.converged
    for name, published in PUBLISHED_SPEND.items():
        assert within(getattr(spend.params, name), published), (name, spend.params)


def test_cdnow_after_the_products_cleaning_still_within_one_percent() -> None:
    """SEMANTICS.md cleaning drops the 8 lines of $0 (8 one-time buyers): 2,349 customers."""
    lines = cdnow_lines()
    table = purchase_history(lines[lines["amount"] > 0], CALIBRATION_END).table
    assert len(table) == 2349
    fit = fit_bgnbd(table["repeat_purchases"], table["weeks_to_last"], table["age_weeks"])
    for name, published in PUBLISHED_BGNBD.items():
        assert within(getattr(fit.params, name), published), (name, fit.params)


def _prior_integral(params: BgNbdParams, weight: Weight) -> float:
    """Integral of weight(lam, p) over lam ~ Gamma(r, rate alpha), p ~ Beta(a, b)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    log_rate_norm = r * math.log(alpha) - math.lgamma(r)
    log_drop_norm = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)

    def rate_pdf(lam: float) -> float:
        return math.exp(log_rate_norm + (r - 1) * math.log(lam) - alpha * lam) if lam > 0 else 0.0

    def inner(p: float) -> float:
        if not 0 < p < 1:
            return 0.0
        drop_pdf = math.exp(log_drop_norm + (a - 1) * math.log(p) + (b - 1) * math.log1p(-p))
        return integrate.quad(lambda lam: weight(lam, p) * rate_pdf(lam), 0, np.inf,
                              epsabs=1e-12, epsrel=1e-9, limit=100)[0] * drop_pdf

    return integrate.quad(inner, 0, 1, epsabs=1e-12, epsrel=1e-9, limit=100)[0]


def _alive_weight(x: int, T: float) -> Weight:  # noqa: N803
    return lambda lam, p: math.exp(x * (math.log1p(-p) + math.log(lam)) - lam * T)


def _gone_weight(x: int, t_x: float) -> Weight:
    return lambda lam, p: (p * math.exp((x - 1) * math.log1p(-p) + x * math.log(lam) - lam * t_x)
                           if x > 0 else 0.0)


def _future(t: float) -> Weight:
    return lambda lam, p: -math.expm1(-lam * p * t) / p


@pytest.mark.parametrize("x, t_x, T", [(0, 0.0, 5.0), (1, 2.0, 10.0), (4, 9.5, 12.0),
                                       (2, 1.0, 30.0)])
def test_likelihood_p_alive_and_expectation_by_integration(x: int, t_x: float,
                                                           T: float) -> None:  # noqa: N803
    alive = _prior_integral(SMOOTH, _alive_weight(x, T))
    gone = _prior_integral(SMOOTH, _gone_weight(x, t_x))
    assert float(np.exp(bgnbd_log_likelihood(SMOOTH, [x], [t_x], [T]))[0]) == pytest.approx(
        alive + gone, rel=1e-6)
    assert float(p_alive(SMOOTH, x, t_x, T)) == pytest.approx(alive / (alive + gone), rel=1e-6)
    t = 8.0
    future = _prior_integral(SMOOTH, lambda lam, p: _alive_weight(x, T)(lam, p)
                             * _future(t)(lam, p))
    assert float(expected_purchases(SMOOTH, t, x, t_x, T)) == pytest.approx(
        future / (alive + gone), rel=1e-5)


def test_frequent_buyer_over_a_long_horizon_by_integration() -> None:
    """Where scipy's hyp2f1 alone returns NaN (its third argument above ~100, z > 0.9, and
    C - A - B a whole number, here with r = a)."""
    x, t_x, T, t = 150, 30.0, 31.0, 520.0  # noqa: N806
    params = BgNbdParams(r=2.3, alpha=6.0, a=2.3, b=3.1)
    z = t / (params.alpha + T + t)
    assert np.isnan(hyp2f1(params.b - 1, params.a - 1, params.a + params.b + x - 1, z))
    alive = _prior_integral(params, _alive_weight(x, T))
    gone = _prior_integral(params, _gone_weight(x, t_x))
    future = _prior_integral(params, lambda lam, p: _alive_weight(x, T)(lam, p)
                             * _future(t)(lam, p))
    assert float(expected_purchases(params, t, x, t_x, T)) == pytest.approx(
        future / (alive + gone), rel=1e-5)


@pytest.mark.parametrize("params", [SMOOTH, BgNbdParams(r=2.0, alpha=3.0, a=0.8, b=2.5)])
def test_expected_purchases_of_a_new_customer_by_integration(params: BgNbdParams) -> None:
    for t in (1.0, 13.0, 52.0):
        assert float(expected_purchases_new(params, t)) == pytest.approx(
            _prior_integral(params, _future(t)), rel=1e-5)


def test_a_near_one_has_a_finite_limit() -> None:
    near = [float(expected_purchases(BgNbdParams(0.5, 4.0, a, 2.0), 10.0, 2, 3.0, 9.0))
            for a in (1 - 1e-4, 1.0, 1 + 1e-4)]
    assert all(np.isfinite(near)) and near[0] == pytest.approx(near[2], rel=1e-3)
    assert near[1] == pytest.approx((near[0] + near[2]) / 2, rel=1e-3)


def _gamma_pdf(value: float, shape: float, rate: float) -> float:
    if value <= 0:
        return 0.0
    return math.exp(shape * math.log(rate) + (shape - 1) * math.log(value) - rate * value
                    - math.lgamma(shape))


def test_gamma_gamma_density_and_expectation_by_integration() -> None:
    """The mean of x amounts, each Gamma(p, nu), is Gamma(p x, nu x); nu ~ Gamma(q, gamma)."""
    for x, m_x in ((1, 20.0), (3, 12.5), (10, 80.0)):

        def joint(nu: float, x: int = x, m_x: float = m_x) -> float:
            return (_gamma_pdf(m_x, SPEND.p * x, nu * x)
                    * _gamma_pdf(nu, SPEND.q, SPEND.gamma))

        evidence = integrate.quad(joint, 0, np.inf, epsrel=1e-10)[0]
        assert float(np.exp(gamma_gamma_log_likelihood(SPEND, [x], [m_x]))[0]) == (
            pytest.approx(evidence, rel=1e-6))
        mean = integrate.quad(lambda nu: SPEND.p / nu * joint(nu) if nu > 0 else 0.0, 0,
                              np.inf, epsrel=1e-10)[0] / evidence
        assert float(expected_order_value(SPEND, x, m_x)) == pytest.approx(mean, rel=1e-6)


def test_p_alive_is_one_without_a_repeat_purchase() -> None:
    """In the BG/NBD a customer can drop out only right after a purchase."""
    assert np.all(p_alive(PAPER, [0, 0, 0], [0, 0, 0], [0.1, 30, 500]) == 1.0)


def test_p_alive_right_after_a_purchase() -> None:
    """Seen buying at T: alive unless that purchase was the last, (b+x-1)/(a+b+x-1)."""
    for x in (1, 2, 10):
        assert float(p_alive(PAPER, x, 20.0, 20.0)) == pytest.approx(
            (PAPER.b + x - 1) / (PAPER.a + PAPER.b + x - 1))


def test_expected_purchases_orders_and_limits() -> None:
    xs = np.arange(0, 30)
    recent = expected_purchases(PAPER, 13.0, xs, 38.0, 38.0)  # all bought a week ago
    assert np.all(np.diff(recent) > 0)  # more purchases, more expected
    silent = expected_purchases(PAPER, 13.0, 5, 10.0, np.array([12.0, 20.0, 40.0, 80.0]))
    assert np.all(np.diff(silent) < 0)  # longer silence, fewer expected
    horizons = np.array([0.0, 1.0, 4.0, 13.0, 52.0, 520.0])
    grows = expected_purchases(PAPER, horizons, 3, 20.0, 30.0)
    assert grows[0] == 0.0 and np.all(np.diff(grows) > 0)
    assert float(expected_purchases(PAPER, 13.0, 1000, 38.9, 39.0)) > 100  # no overflow
    assert float(p_alive(PAPER, 1000, 20.0, 39.0)) == pytest.approx(0.0, abs=1e-12)


def test_expected_order_value_shrinks_towards_the_population_mean() -> None:
    assert float(expected_order_value(SPEND, 0, np.nan)) == pytest.approx(
        SPEND.population_mean)
    values = expected_order_value(SPEND, np.array([1, 5, 50, 5000]), 100.0)
    assert np.all(np.diff(values) > 0)
    assert SPEND.population_mean < values[0] and values[-1] == pytest.approx(100.0, rel=1e-2)
    assert np.isnan(expected_order_value(GammaGammaParams(1.0, 0.8, 5.0), 0, np.nan))


positive = st.floats(min_value=0.02, max_value=50.0)


@settings(max_examples=150, deadline=None)
@given(r=positive, alpha=st.floats(0.05, 500.0), a=positive, b=positive,
       x=st.integers(0, 400), share=st.floats(0.0, 1.0), T=st.floats(0.0, 600.0),
       horizon=st.floats(0.0, 520.0))
def test_features_are_finite_and_bounded(r: float, alpha: float, a: float, b: float, x: int,
                                         share: float, T: float,  # noqa: N803
                                         horizon: float) -> None:
    params = BgNbdParams(r, alpha, a, b)
    t_x = share * T if x > 0 else 0.0
    alive = float(p_alive(params, x, t_x, T))
    assert 0.0 <= alive <= 1.0
    near, far = expected_purchases(params, np.array([horizon, horizon + 13.0]), x, t_x, T)
    # Longer horizons expect no fewer purchases, up to rounding (values near 1e-14 can
    # differ in their last bit: r = 32, alpha = 47, a = 27, b = 1, x = 1, T = 67).
    assert np.isfinite(near) and np.isfinite(far) and 0.0 <= near <= far * (1 + 1e-12)
    value = float(expected_order_value(GammaGammaParams(r * 3, 1 + b, alpha), x, alpha * share))
    assert np.isfinite(value) and value > 0
    assert np.isfinite(bgnbd_log_likelihood(params, [x], [t_x], [T])[0])


@pytest.mark.parametrize("a", [1 + 1e-7, 1.0, 0.4])
def test_a_near_one_over_a_very_long_horizon_by_integration(a: float) -> None:
    """z = 0.999 (a young customer, a small alpha, ten years ahead): scipy alone and the
    series are both at their limits there."""
    params = BgNbdParams(r=1.5, alpha=0.3, a=a, b=2.4)
    t, T = 520.0, 0.2  # noqa: N806
    future = _prior_integral(params, lambda lam, p: _alive_weight(0, T)(lam, p)
                             * _future(t)(lam, p))
    alive = _prior_integral(params, _alive_weight(0, T))
    assert float(expected_purchases(params, t, 0, 0.0, T)) == pytest.approx(
        future / alive, rel=1e-6)


def test_the_worst_corner_stays_fast() -> None:
    """Young customers, a tiny alpha, a close to 1 and a ten-year horizon put every customer
    where the hypergeometric function is hardest (25,000 such customers take ~1-3 s)."""
    ages = np.linspace(0.0, 1.0, 5_000)
    start = time.perf_counter()
    values = expected_purchases(BgNbdParams(0.243, 0.5, 1 + 1e-7, 2.426), 520.0, 0, 0.0, ages)
    assert time.perf_counter() - start < 5 and np.all(np.isfinite(values))
