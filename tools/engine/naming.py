"""Column names as lower-case words, so "InvoiceDate", "invoice_date" and "Invoice Date" match."""

from __future__ import annotations

import re


def name_words(name: str) -> list[str]:
    """Split a column name into lower-case words: CamelCase, snake_case, spaces, digits."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    spaced = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", spaced)
    spaced = re.sub(r"([A-Za-z])(\d)|(\d)([A-Za-z])", lambda m: " ".join(
        g for g in m.groups() if g), spaced)
    return [w for w in re.split(r"[^A-Za-z0-9]+", spaced.lower()) if w]
