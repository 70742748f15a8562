"""One expected-output line read as a pattern (spec §3): ``...`` alone, in-line ``...``,
`` (re)``/`` (regex)``, `` (glob)``, `` (equal)`` or literal text; see :mod:`runbook.judge.matching`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final, Sequence

from runbook.lazyre import lazy

__all__ = ["Pattern", "compile_pattern", "line_matches", "pattern_notes"]

_ELLIPSES = ("...", "…")
_SUFFIX_RE = lazy(r" \((re|regex|glob|equal)\)\Z")
_GLOB_TOKEN_RE = lazy(r"\\[*?\\]|\*|\?|[^*?\\]+|\\")
_INLINE_RE = lazy(r"\.\.\.|…")


class Pattern:
    """One expected line, compiled."""

    __slots__ = ("text", "ellipsis", "regex", "note")

    def __init__(self, text: str, ellipsis: bool, regex: re.Pattern[str] | None, note: str = "") -> None:
        self.text: Final = text
        self.ellipsis: Final = ellipsis
        self.regex: Final = regex
        self.note: Final = note

    def matches(self, line: str) -> bool:
        if self.ellipsis or line == self.text:
            return True
        return self.regex is not None and self.regex.fullmatch(line) is not None


def _glob_to_regex(glob: str) -> str:
    parts: list[str] = []
    for tok in _GLOB_TOKEN_RE.findall(glob):
        if tok == "*":
            parts.append(".*")
        elif tok == "?":
            parts.append(".")
        elif len(tok) == 2 and tok[0] == "\\":
            parts.append(re.escape(tok[1]))
        else:
            parts.append(re.escape(tok))
    return "".join(parts)


@lru_cache(maxsize=4096)
def compile_pattern(line: str) -> Pattern:
    if line.strip() in _ELLIPSES:
        return Pattern(line, True, None)
    m = _SUFFIX_RE.search(line)
    if m:
        body, kind = line[: m.start()], m.group(1)
        if kind == "equal":
            return Pattern(line, False, re.compile(re.escape(body), re.DOTALL))
        source = body if kind in ("re", "regex") else _glob_to_regex(body)
        try:
            return Pattern(line, False, re.compile(source))
        except re.error as err:
            return Pattern(line, False, None, f"invalid regex {body!r} ({err}): compared literally")
    if _INLINE_RE.search(line):
        source = ".*".join(re.escape(p) for p in _INLINE_RE.split(line))
        return Pattern(line, False, re.compile(source, re.DOTALL))
    return Pattern(line, False, None)


def pattern_notes(lines: Sequence[str]) -> tuple[str, ...]:
    """The remarks about these expected lines (an invalid regex compared literally); only a
    line ending in a suffix such as `` (re)`` can have one."""
    return tuple(f"expected line {k + 1}: {note}" for k, line in enumerate(lines)
                 if line.endswith(")") and (note := compile_pattern(line).note))


def line_matches(pattern: str, line: str) -> bool:
    """Does one expected line (``...`` in-line, `` (re)``, `` (glob)``, literal) match one actual line?

    A line that is only ``...`` matches any single line here.
    """
    return compile_pattern(pattern).matches(line)
