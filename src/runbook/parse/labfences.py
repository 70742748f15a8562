"""Killercoda-style fence endings: ```` ```{{exec}} ````, ```` ```{{execute T1}} ````, ```` ```{{copy}} ````.

Lab platforms close a code block with a fence that carries a marker: ``{{exec}}`` (click to
run it in the terminal), ``{{execute T2}}``, ``{{exec interrupt}}``, ``{{copy}}`` (click to
copy, not run) or ``{{}}``. CommonMark does not accept text after a closing fence, so such a
line *opens* a new block and every later fence pairs up wrongly: prose would be read as
commands. The parser reads these lines as what the author meant: the block ends there, and
the marker says what the block is. An untagged block ending in an exec marker is a shell
step; one ending in ``{{copy}}`` or ``{{}}`` is never run.

This works on the parser's view of the text only; the author's bytes are never changed.
"""

from __future__ import annotations

import re

from runbook.lazyre import lazy
from runbook.source import split_lines, strip_newline

_MARKED_CLOSE = lazy(r"^(?P<lead>[ \t>]*)(?P<fence>`{3,}|~{3,})\{\{(?P<mark>[^}]*)\}\}[ \t]*$")
_OPEN = lazy(r"^(?P<lead>[ \t>]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_EXEC = lazy(r"^\s*exec(?:ute)?\b", re.I)


def lab_fences(text: str) -> str:
    """``text`` with marked closing fences turned into plain ones (same line count).

    The opening fence of a block closed by an exec marker gets the info string ``bash`` when
    it had none; a block closed by any other marker gets ``text`` (never run).
    """
    if "}}" not in text:
        return text
    lines = split_lines(text)
    opener: int | None = None
    fence = ""
    changed = False
    for i, raw in enumerate(lines):
        line = strip_newline(raw)
        nl = raw[len(line):]
        if opener is None:
            m = _OPEN.match(line)
            if m:
                opener, fence = i, m.group("fence")
            continue
        close = _MARKED_CLOSE.match(line)
        if close and close.group("fence")[0] == fence[0] and len(close.group("fence")) >= len(fence):
            lines[i] = close.group("lead") + close.group("fence") + nl
            head = strip_newline(lines[opener])
            m = _OPEN.match(head)
            if m and not m.group("info").strip():
                lang = "bash" if _EXEC.match(close.group("mark")) else "text"
                lines[opener] = head + lang + lines[opener][len(head):]
            opener, changed = None, True
        elif re.match(rf"^[ \t>]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", line):
            opener = None
    return "".join(lines) if changed else text
