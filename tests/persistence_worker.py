"""A process that saves segments and session messages in a loop, for the kill -9 and
two-process tests in test_persistence.py.

    python tests/persistence_worker.py WORKSPACE TAG COUNT   (COUNT 0: until killed)

It prints "ready" once its first save of each kind is on disk.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from assistant.sessions import SessionRecord, SessionStore
from tools.engine.definitions import Compare, SegmentDefinition
from tools.library import SegmentLibrary

PADDING = "a long note so that each write spans several disk blocks. " * 60


def main(workspace: Path, tag: str, count: int) -> None:
    library = SegmentLibrary(workspace)
    store = SessionStore(workspace)
    rounds = itertools.count() if count == 0 else range(count)
    for i in rounds:
        for name in (f"seg {tag}", "shared"):
            definition = SegmentDefinition(name=name, notes=f"{tag} {i} {PADDING}",
                                           condition=Compare(column="age", op=">", value=i))
            library.save(definition, size=i, member_ids=range(i % 300), overwrite=True)
        store.save(SessionRecord(name=f"s-{tag}", data_path=f"/data/{tag}.csv",
                                 state={"round": i, "note": PADDING}))
        store.append(f"s-{tag}", "user", f"{tag}-{i}")
        store.append("both", "user", f"{tag}-{i}")
        if i == 0:
            print("ready", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
