"""User text made safe to print: control characters (ANSI escapes, CR, NUL, bell) removed.

Rich escapes markup but passes ESC through, so a customer name could otherwise clear the
screen or retitle the terminal. Every place that shows user text goes through here.
"""

from __future__ import annotations

import re

# C0/C1 controls but newline and tab, and the bidi overrides/isolates that can make text
# display in a misleading order (ordinary right-to-left text needs none of them).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# Whole terminal escape sequences (CSI like ESC[2J, OSC like ESC]0;title BEL), so no residue
# such as "[2J" is left behind when the ESC itself is dropped.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]")


def clean(text: str) -> str:
    """Keep newlines and tabs; turn CRLF/CR into LF; drop escape sequences and other controls."""
    text = _ESCAPES.sub("", text)
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str) -> str:
    """Clean text on a single line, whitespace runs collapsed."""
    return " ".join(clean(text).split())
