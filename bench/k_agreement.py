"""Does the sampled k search choose the same k as the full evaluation? (not a test)

    .venv/bin/python -m bench.k_agreement --size 1M --seeds 0,1,2,3,4

Loads the generated order lines of --size (bench/orders.py), then for each seed
fits `CustomerClustering` twice on the default features: k-means for every k on
all customers (search_size above the base) and on the fixed-seed search sample.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.orders import order_lines_file, parse_size  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1M")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--cache-dir", type=Path, default=ROOT / ".bench")
    args = parser.parse_args()
    from tools.engine.cluster_model import CustomerClustering
    from tools.engine.clustering import default_features
    from tools.engine.loading import load_customer_data

    data = load_customer_data(order_lines_file(parse_size(args.size), args.cache_dir))
    features = default_features(data)
    agree = 0
    seeds = [int(s) for s in args.seeds.split(",")]
    for seed in seeds:
        timings = []
        ks = []
        for search in (10**12, 20_000):
            start = time.perf_counter()
            model = CustomerClustering(features=features, random_state=seed,
                                       search_size=search).fit(data.customers)
            timings.append(time.perf_counter() - start)
            ks.append(model.k_)
        agree += ks[0] == ks[1]
        print(f"seed {seed}: full k={ks[0]} ({timings[0]:.1f} s), sampled k={ks[1]} "
              f"({timings[1]:.1f} s)")
    print(f"{len(data.customers):,} customers: same k in {agree}/{len(seeds)} seeds")


if __name__ == "__main__":
    main()
