"""Read bash's ``export -p``: ``declare -x NAME="value"`` / ``NAME=$'value'`` lines to a mapping.

One builtin, no process started: what :mod:`runbook.run.state` asks bash for after each
step. Values are read in order with bash's own quoting rules (double quotes:
``\\"`` ``\\\\`` ``\\$`` ``\\``` escaped; ``$'...'``: ANSI-C escapes, octal and hex ones
being raw bytes), so a value holding a newline followed by ``declare -x`` cannot fake
a variable. An exported name without a value (``declare -x NAME``) is left out.
"""

from __future__ import annotations

import re

from runbook.lazyre import lazy

_LINE = lazy(r"""^(?:declare -x|export) ([A-Za-z_][A-Za-z0-9_]*)"""
             r"""(?:="((?:[^"\\]|\\.)*)"|=\$'((?:[^'\\]|\\.)*)')?$""", re.MULTILINE | re.DOTALL)
"""One variable: its name, then its double-quoted or ``$'...'`` value (none: exported, unset).
Matches are consumed in order, so a quoted value's own lines are never read as variables."""
_SIMPLE = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f",
           "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_DQ_ESC = lazy(r'\\([\\"$`])')
_NUMERIC = lazy(r"[0-7]{1,3}|x[0-9A-Fa-f]{1,2}|u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8}|c.")


def parse_exports(text: str) -> dict[str, str]:
    """``name -> value`` of every ``declare -x`` / ``export`` line of ``export -p``'s output."""
    out: dict[str, str] = {}
    for m in _LINE.finditer(text):
        if m.group(2) is not None:
            out[m.group(1)] = _DQ_ESC.sub(r"\1", m.group(2)) if "\\" in m.group(2) else m.group(2)
        elif m.group(3) is not None:
            out[m.group(1)] = _ansi_c(m.group(3))
    return out


def _ansi_c(body: str) -> str:
    raw = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\" or i + 1 >= len(body):
            raw += c.encode("utf-8", "surrogateescape")
            i += 1
            continue
        nxt = body[i + 1]
        if nxt in _SIMPLE:
            raw += _SIMPLE[nxt].encode()
            i += 2
            continue
        m = _NUMERIC.match(body, i + 1)
        if m is None:
            raw += b"\\"
            i += 1
            continue
        raw += _escape_bytes(m.group())
        i = m.end()
    return raw.decode("utf-8", "surrogateescape")


def _escape_bytes(esc: str) -> bytes:
    if esc[0] in "uU":
        return chr(int(esc[1:], 16)).encode("utf-8", "surrogatepass")
    if esc[0] == "x":
        return bytes([int(esc[1:], 16)])
    if esc[0] == "c":
        return bytes([ord(esc[1]) & 0x1F])
    return bytes([int(esc, 8) & 0xFF])
