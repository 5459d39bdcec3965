"""Purchase logs drawn from the BG/NBD and Gamma-Gamma models themselves (fixed seeds).

Each customer: a first purchase on a day drawn uniformly from the first `cohort_days` of
the period; while alive, purchases at a Poisson rate lambda ~ Gamma(r, alpha) per week;
after each repeat purchase, gone for good with probability p ~ Beta(a, b). Each purchase's
amount is Gamma(p_spend, nu) with nu ~ Gamma(q, gamma). Used by the predictive tests and
by bench/predictive.py (a 25,000-customer log).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tools.engine.predictive_models import BgNbdParams, GammaGammaParams

START = pd.Timestamp("2024-01-01")
# The CDNOW-sample estimates: a realistic base to draw from.
CDNOW_BGNBD = BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
CDNOW_SPEND = GammaGammaParams(p=6.25, q=3.74, gamma=15.44)


def simulated_log(customers: int, *, seed: int = 0, cohort_days: int = 84,
                  period_days: int = 546, bgnbd: BgNbdParams = CDNOW_BGNBD,
                  spend: GammaGammaParams = CDNOW_SPEND) -> pd.DataFrame:
    """Purchase lines (customer_id, day, amount) over `period_days` days."""
    rng = np.random.default_rng(seed)
    rate = rng.gamma(bgnbd.r, 1 / bgnbd.alpha, customers) / 7  # per day
    drop = rng.beta(bgnbd.a, bgnbd.b, customers)
    scale = 1 / rng.gamma(spend.q, 1 / spend.gamma, customers)  # 1 / nu
    first = rng.integers(0, cohort_days, customers).astype(float)
    ids, times = [np.arange(customers)], [first]
    now = first.copy()
    alive = np.ones(customers, dtype=bool)
    while alive.any():
        who = np.flatnonzero(alive)
        now[who] += rng.exponential(1 / np.maximum(rate[who], 1e-12))
        bought = who[now[who] < period_days]
        ids.append(bought)
        times.append(now[bought].copy())
        alive[:] = False
        alive[bought] = rng.random(len(bought)) >= drop[bought]
    customer = np.concatenate(ids)
    day = np.floor(np.concatenate(times)).astype(int)
    amount = rng.gamma(spend.p, scale[customer])
    return pd.DataFrame({"customer_id": customer + 1,
                         "day": START + pd.to_timedelta(day, unit="D"),
                         "amount": np.round(amount, 2)})
