"""The workspace lock on Windows, where there is no flock: a byte-range lock through
msvcrt, taken and released around every save and read. Run here with a stand-in msvcrt
that keeps the lock table a real one would, so the lock's logic is what is tested."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from tools.folder_lock import FolderBusy, folder_lock


class FakeMsvcrt(types.ModuleType):
    LK_NBLCK = 2
    LK_UNLCK = 0

    def __init__(self) -> None:
        super().__init__("msvcrt")
        self.calls: list[tuple[int, int]] = []
        self.held_by_other = False
        self.locked: set[int] = set()

    def locking(self, descriptor: int, mode: int, nbytes: int) -> None:
        self.calls.append((mode, nbytes))
        if mode == self.LK_NBLCK:
            if self.held_by_other or descriptor in self.locked:
                raise OSError(36, "Resource deadlock avoided")
            self.locked.add(descriptor)
        elif mode == self.LK_UNLCK:
            self.locked.discard(descriptor)


@pytest.fixture()
def windows(monkeypatch: pytest.MonkeyPatch) -> FakeMsvcrt:
    fake = FakeMsvcrt()
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setitem(sys.modules, "msvcrt", fake)
    return fake


def test_a_save_takes_the_lock_and_gives_it_back(windows: FakeMsvcrt, tmp_path: Path) -> None:
    with folder_lock(tmp_path, exclusive=False), folder_lock(tmp_path, exclusive=True):
        assert windows.locked  # nested: one lock, not a wait for itself
    assert not windows.locked
    assert windows.calls == [(FakeMsvcrt.LK_NBLCK, 1), (FakeMsvcrt.LK_UNLCK, 1)]


def test_a_lock_held_elsewhere_is_waited_for_then_reported(windows: FakeMsvcrt,
                                                           tmp_path: Path) -> None:
    windows.held_by_other = True
    with pytest.raises(FolderBusy, match="another process"), \
            folder_lock(tmp_path, exclusive=True, timeout=0.05):
        pass
    assert len(windows.calls) > 1 and not windows.locked
