"""Normalise terminal output for comparison: ANSI removed, CR/CRLF folded, blanks trimmed.

Spec §3: both the expected and the actual output are normalised before they are
compared. Outputs can be several megabytes, so every step is a precompiled
regular expression or a ``str`` method; no per-character Python loop. Secret
masking happens elsewhere, before this.
"""

from __future__ import annotations

import re

from runbook.lazyre import lazy

# One alternation, longest forms first: OSC (window titles, ``ESC]8;;url ESC\``
# hyperlinks) ended by BEL or ST; DCS/SOS/PM/APC strings ended by ST; CSI
# (colours, cursor moves, ``ESC[?2004h``); nF sequences (charset selects such as
# ``ESC(B``) and single-character escapes (``ESC=``, ``ESC7``, ``ESCc``); the
# 8-bit CSI; then any stray ESC or BEL left over.
_ANSI_RE = lazy(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b[ -/]*[0-~]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x1b\x07]"
)
# A CR right before LF (or at the very end) ends a line; it overwrites nothing.
_CR_AT_EOL_RE = lazy(r"\r+(?=\n|\Z)")
# Anchored at line starts so each line is scanned once: everything up to the
# last CR of a line is what the terminal overwrote.
_CR_OVERWRITE_RE = lazy(r"^[^\n]*\r", re.MULTILINE)


def strip_ansi(text: str) -> str:
    """Remove ANSI/VT escape sequences (CSI, OSC incl. hyperlinks, charset selects) and BEL."""
    if "\x1b" not in text and "\x07" not in text and "\x9b" not in text:
        return text
    return _ANSI_RE.sub("", text)


def fold_carriage_returns(text: str) -> str:
    """CRLF -> LF; a lone CR overwrites: keep what follows the last CR of each line."""
    if "\r" not in text:
        return text
    text = _CR_AT_EOL_RE.sub("", text)
    if "\r" not in text:
        return text
    text = _CR_OVERWRITE_RE.sub("", text)
    return text


def normalise(text: str) -> str:
    """Spec §3 normal form: no ANSI, LF only, no trailing blanks per line, no outer blank lines."""
    text = fold_carriage_returns(strip_ansi(text))
    lines = text.split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def normalise_lines(text: str) -> list[str]:
    """``normalise(text)`` as a list of lines (``[]`` for empty output), without joining
    the lines to split them again: the outer blank lines are cut from the list."""
    lines = [line.rstrip() for line in fold_carriage_returns(strip_ansi(text)).split("\n")]
    end = len(lines)
    while end and not lines[end - 1]:
        end -= 1
    start = 0
    while start < end and not lines[start]:
        start += 1
    return lines if start == 0 and end == len(lines) else lines[start:end]
