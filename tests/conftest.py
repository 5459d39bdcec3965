"""Shared fixtures: the bundled real datasets, each loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.datasets import FOLDER as DATASETS


@pytest.fixture(scope="session")
def datasets_dir() -> Path:
    return DATASETS


@pytest.fixture(scope="session")
def retail_path() -> Path:
    return DATASETS / "online_retail.csv.gz"


@pytest.fixture(scope="session")
def retail(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Online Retail (541,909 order lines -> 4,338 customers)."""
    from tools.engine.loading import load_customer_data

    return load_customer_data(DATASETS / "online_retail.csv.gz",
                              cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def campaign():  # type: ignore[no-untyped-def]
    """marketing_campaign.csv: a tab-separated customer table (2,240 customers)."""
    from tools.engine.loading import load_customer_data

    return load_customer_data(DATASETS / "marketing_campaign.csv")


@pytest.fixture(scope="session")
def mall():  # type: ignore[no-untyped-def]
    """mall_customers.csv: a small customer table with zero-padded ids."""
    from tools.engine.loading import load_customer_data

    return load_customer_data(DATASETS / "mall_customers.csv")
