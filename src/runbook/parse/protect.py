"""Quoted values in a criterion clause (`` `code` ``, ``"quotes"``, ``/regex/``) swapped for
placeholders, so the clause grammar (:mod:`runbook.parse.grammar`) reads only the words around
them; :func:`restore` puts the author's text back.
"""

from __future__ import annotations

import re
from typing import Final

from runbook.lazyre import lazy


class Token:
    __slots__ = ("raw", "value", "kind")

    def __init__(self, raw: str, value: str, kind: str) -> None:
        self.raw: Final = raw
        """As written, delimiters included (to rebuild the author's text)."""
        self.value: Final = value
        self.kind: Final = kind
        """``code``, ``quote`` or ``regex``."""


_PROTECT_RE = lazy(
    r"(?P<code>(?P<ticks>`+)(?P<cbody>.+?)(?<!`)(?P=ticks)(?!`))"
    r"|(?P<rx>/(?P<rbody>(?:\\.|[^/\\\n])+)/)"
    r'|"(?P<dq>[^"\n]*)"'
    r"|“(?P<cq>[^”\n]*)”"
    r"|(?<!\w)'(?P<sq>[^'\n]*)'(?!\w)"
    r"|‘(?P<csq>[^’\n]*)’"
)
_REGEX_LEAD_RE = lazy(
    r"(?:\bmatch(?:es|ing)?(?:\s+(?:the\s+)?(?:regex|regexp|regular\s+expression|pattern))?|=~|~)\s*\Z", re.I)
PH = lazy(r"\x00(\d+)\x00")


def protect(text: str, tokens: list[Token]) -> str:
    """Replace values by placeholders indexing ``tokens`` (appended to)."""
    out: list[str] = []
    pos = 0
    while True:
        m = _PROTECT_RE.search(text, pos)
        if not m:
            break
        if m.group("rx") is not None and not _REGEX_LEAD_RE.search(text, 0, m.start()):
            out.append(text[pos:m.start() + 1])
            pos = m.start() + 1
            continue
        if m.group("code") is not None:
            body = m.group("cbody")
            if len(body) > 2 and body[0] == " " and body[-1] == " " and body.strip():
                body = body[1:-1]
            tok = Token(m.group(0), body, "code")
        elif m.group("rx") is not None:
            tok = Token(m.group(0), m.group("rbody"), "regex")
        else:
            body = next(g for g in (m.group("dq"), m.group("cq"), m.group("sq"), m.group("csq")) if g is not None)
            tok = Token(m.group(0), body, "quote")
        out.append(text[pos:m.start()])
        out.append(f"\x00{len(tokens)}\x00")
        tokens.append(tok)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def restore(shape: str, tokens: list[Token]) -> str:
    return PH.sub(lambda m: tokens[int(m.group(1))].raw, shape)


def value(text: str, tokens: list[Token]) -> tuple[str, str]:
    """A clause's value and its kind: the protected token ``text`` stands for, or ``text`` bare."""
    m = PH.fullmatch(text)
    if m:
        tok = tokens[int(m.group(1))]
        return tok.value, tok.kind
    return text, "bare"
