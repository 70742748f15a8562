"""Regular expressions compiled on first use, not at import.

``runbook`` reads prose with a few hundred patterns (the PASS-if grammars, the
non-command and prose rules); compiling them all at import cost ~100 ms of every
start-up, most of it for patterns a given document never reaches (one without a
``PASS if`` clause reaches none of the grammar's). ``lazy(p)`` stands in for
``re.compile(p)``: the first use of a method compiles the pattern and puts the
compiled pattern's own bound methods on the instance, so every later call goes
straight to ``re``'s C code (``__getattr__`` is not reached once they are there).
"""

from __future__ import annotations

import re
from typing import Any, cast

_METHODS = ("match", "fullmatch", "search", "finditer", "findall", "sub", "subn", "split")


class _Lazy:
    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self.flags = flags

    def _compiled(self) -> re.Pattern[str]:
        rx = re.compile(self.pattern, self.flags)
        for name in _METHODS:
            setattr(self, name, getattr(rx, name))
        self.groupindex, self.groups = rx.groupindex, rx.groups
        return rx

    def __getattr__(self, name: str) -> Any:
        """Only reached before the first compile (then the methods are the instance's own)."""
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._compiled(), name)


def lazy(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled when first used. Typed as the pattern it
    stands for: every method a ``re.Pattern`` is used for here behaves the same."""
    return cast("re.Pattern[str]", _Lazy(pattern, int(flags)))
