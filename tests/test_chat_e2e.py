"""`segment chat` in a real pseudo-terminal: ask, refine, slash commands, resume."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


def _spawn(args: list[str], home: Path) -> pexpect.spawn:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "xterm",
           "HOME": str(home), "PROMPT_TOOLKIT_NO_CPR": "1", "PYTHONPATH": os.getcwd()}
    child = pexpect.spawn(sys.executable, ["-m", "assistant.cli", "chat", *args],
                          encoding="utf-8", timeout=90, dimensions=(50, 140), env=env)
    child.expect("backend: built-in interpreter")
    child.expect("you>")
    return child


def _say(child: pexpect.spawn, line: str, *expected: str) -> None:
    child.sendline(line)
    for text in expected:
        child.expect_exact(text)
    child.expect("you>")


def test_a_conversation_in_a_real_terminal(tmp_path: Path, datasets_dir: Path) -> None:
    workspace = tmp_path / "ws"
    child = _spawn(["--data", str(datasets_dir / "mall_customers.csv"), "--workspace",
                    str(workspace), "--session", "e2e"], tmp_path)
    _say(child, "female customers aged between 20 and 35", "54 customers")
    _say(child, "of them, who have a spending score above 50", "customers")
    _say(child, "/undo", "previous segment")
    _say(child, "/segment", "54 customers")
    _say(child, "/save young women", "Saved 'young women'")
    _say(child, "customers from Atlantis", "Atlantis")
    child.sendintr()  # Ctrl-C at the prompt clears the line; the chat goes on
    child.expect("you>")
    _say(child, "/data", "Genre")
    _say(child, "/model", "built-in interpreter")
    _say(child, "/debug", "nothing is sent")
    child.sendline("/quit")
    child.expect_exact("session is saved")
    child.expect(pexpect.EOF)
    assert (workspace / "segments" / "young-women.yaml").exists()

    resumed = _spawn(["--workspace", str(workspace), "--session", "e2e"], tmp_path)
    _say(resumed, "/segment", "54 customers")
    resumed.sendline("/quit")
    resumed.expect(pexpect.EOF)
