"""Engine calls the `segment` commands share: checked definitions and clustering.

Imported only inside command bodies: this module pulls in pandas through the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tools.engine.dataset import CustomerData
from tools.engine.definitions import SegmentDefinition
from tools.engine.errors import EngineError
from tools.library import SegmentLibrary
from tools.predicted import add_predicted_measures


@dataclass
class DefinitionResult:
    """A definition evaluated on data: who is in it and what it means."""

    label: str
    definition: SegmentDefinition
    mask: pd.Series
    size: int
    base_size: int
    description: str

    def to_dict(self) -> dict[str, Any]:
        share = self.size / self.base_size if self.base_size else 0.0
        return {"name": self.label, "size": self.size, "customers": self.base_size,
                "share": round(share, 4), "description": self.description,
                "definition": self.definition.model_dump(mode="json")}


def evaluate_definition(definition: SegmentDefinition, data: CustomerData,
                        workspace: Path) -> DefinitionResult:
    """Validate first (one-line errors naming the nearest columns), then evaluate and describe."""
    from tools.engine.describe import describe
    from tools.engine.evaluate import evaluate, validate

    resolve = SegmentLibrary(workspace).resolver()
    add_predicted_measures(data, definition.condition)  # "p_alive < 0.3" fits them first
    validate(definition.condition, data, resolve=resolve)
    mask = evaluate(definition.condition, data, resolve=resolve)
    return DefinitionResult(
        label=definition.name or "", definition=definition, mask=mask,
        size=int(mask.sum()), base_size=data.n_customers,
        description=describe(definition.condition, data))


def clustering_summary(data: CustomerData, features: list[str] | None,
                       k: int | None) -> dict[str, Any]:
    """The `cluster` tool's summary: the command line clusters as the chat and a model do
    (same cached fit, same named groups and rules); a refusal is the tool's one-line error."""
    from tools.toolkit import Toolkit

    result = Toolkit(data).call("cluster", {"features": features, "k": k})
    if not result.ok:
        raise EngineError(result.message, result.options)
    return dict(result.summary)
