"""Processes for tests/test_workspace_state.py: saves racing each other, and saves killed
at a chosen step. Started with multiprocessing's "spawn", so each is a fresh interpreter."""

from __future__ import annotations

import os
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from tools.engine.definitions import Compare, SegmentDefinition
from tools.engine.errors import EngineError
from tools.library import SegmentLibrary

# Each racer saves its own definition with its own members, so the saved pair shows whose
# definition and whose members were kept.
RACERS = {"a": (1, range(0, 2000)), "b": (2, range(5000, 7000))}


def definition(name: str, value: int) -> SegmentDefinition:
    return SegmentDefinition(name=name, condition=Compare(column="age", op=">", value=value))


def race_saves(workspace: Path, tag: str, rounds: int, barrier: Barrier,
               results: Queue[Any]) -> None:
    """Save "race N" (new names, no overwrite), then "shared" (overwrite), in step with
    the other racer; after each overwrite round racer "a" reads what was kept."""
    library = SegmentLibrary(workspace)
    value, members = RACERS[tag]
    outcomes: list[str] = []
    kept: list[tuple[int, int, list[str]]] = []
    for i in range(rounds):
        barrier.wait()
        try:
            library.save(definition(f"race {i}", value), size=len(members), member_ids=members)
            outcomes.append("saved")
        except EngineError as exc:
            outcomes.append(exc.message)
    for _ in range(rounds):
        barrier.wait()
        library.save(definition("shared", value), size=len(members), member_ids=members,
                     overwrite=True)
        barrier.wait()
        if tag == "a":
            saved = library.show("shared")
            condition = saved.definition.condition
            assert isinstance(condition, Compare)
            kept.append((int(condition.value), saved.info.size or 0, list(saved.member_ids)))
    results.put((tag, outcomes, kept))


def killed_save(workspace: Path, step: int, after: bool) -> None:
    """Overwrite segment "vip", dying (os._exit: no clean-up runs, as with kill -9) at the
    `step`-th file move of the save, just before or just after it."""
    library = SegmentLibrary(workspace)
    real_replace = os.replace
    calls = 0

    def replace_then_die(source: Any, target: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == step and not after:
            os._exit(9)
        real_replace(source, target)
        if calls == step:
            os._exit(9)

    os.replace = replace_then_die  # type: ignore[assignment]
    library.save(definition("vip", 2), size=200, member_ids=range(100, 300), overwrite=True)
    os._exit(0)
