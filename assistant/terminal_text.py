"""Text from a model (or a data file) made harmless for a terminal.

A reply is shown as it comes, and a model's text can carry what a terminal obeys: ESC
sequences that recolour, move the cursor, set the window title or clear the screen,
C1 controls that some terminals read as ESC, and bidirectional overrides that show text
in another order than it is stored. Rich's printing strips only a few controls (bell,
backspace), so these are taken out before anything is printed or stored.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, and the bidi embeddings, overrides and
# isolates (U+202A-U+202E, U+2066-U+2069).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# A whole ESC or CSI sequence goes, not just its first byte, so "[31m" is not left behind.
_SEQUENCE = re.compile(r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
                       r"|\x1b[@-_]")


def harmless(text: str) -> str:
    """`text` without escape sequences and control characters (tabs and newlines kept;
    a carriage return before a newline is dropped, a lone one becomes a newline)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub("", _SEQUENCE.sub("", text))
