"""Segments a person can name without defining them: RFM segments and lifecycle stages.

Names match ignoring case, spaces and punctuation ("cant lose them", "at-risk"),
for the CLI's SEGMENT arguments and the tools a model or the interpreter calls.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tools.engine.definitions import Condition, Lifecycle, RfmSegment, SegmentRef
from tools.engine.errors import SegmentNotFound
from tools.engine.matching import nearest


def normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def rfm_names() -> list[str]:
    from tools.engine.rfm_scheme import default_scheme

    return default_scheme().segment_names()


def lifecycle_stages() -> list[str]:
    from tools.engine.lifecycle import STAGES

    return list(STAGES)


def builtin_segment(name: str) -> RfmSegment | Lifecycle | None:
    """The RFM segment, else the lifecycle stage, called `name`; RFM wins a shared name."""
    key = normal(name)
    for rfm_name in rfm_names():
        if normal(rfm_name) == key:
            return RfmSegment(segments=[rfm_name])
    for stage in lifecycle_stages():
        if normal(stage) == key:
            return Lifecycle(stages=[stage])
    return None


def named_condition(name: str, saved: Sequence[str]) -> Condition:
    """The segment a person names: a saved one (by reference, so a change to it carries
    over), an RFM segment or a lifecycle stage; otherwise SegmentNotFound with the nearest
    names. The one lookup for the tools and the command line."""
    if name in saved:
        return SegmentRef(name=name)
    named = builtin_segment(name)
    if named is not None:
        return named
    raise SegmentNotFound(f"No segment called '{name}'.",
                          options=nearest(name, [*saved, *rfm_names(), *lifecycle_stages()]),
                          phrase="no_segment_called", values={"name": name})


def builtin_label(condition: Condition) -> str:
    """The name of a one-segment or one-stage condition from `builtin_segment`."""
    if isinstance(condition, RfmSegment):
        return condition.segments[0]
    if isinstance(condition, Lifecycle):
        return condition.stages[0]
    raise ValueError("not a named RFM segment or lifecycle stage")
