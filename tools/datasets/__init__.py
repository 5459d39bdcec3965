"""The real datasets the demo and the tests use (provenance and licence in README.md)."""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent
DEMO_FILE = FOLDER / "online_retail.csv.gz"
