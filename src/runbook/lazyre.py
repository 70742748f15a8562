"""Regular expressions compiled on first use, not at import.

``runbook`` reads prose with a few hundred patterns (the PASS-if grammars, the
non-command and prose rules); compiling them all at import cost ~100 ms of every
start-up, most of it for patterns a given document never reaches (one without a
``PASS if`` clause reaches none of the grammar's). ``lazy(p)`` stands in for
``re.compile(p)``: the first call of a method compiles the pattern and puts the
compiled pattern's own bound methods on the instance, so every later call goes
straight to ``re``'s C code (an instance attribute wins over the class's method).
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

    def __getattr__(self, name: str) -> Any:  # groupindex, groups, scanner: compile first
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._compiled(), name)

    def match(self, *args: Any) -> Any:
        return self._compiled().match(*args)

    def fullmatch(self, *args: Any) -> Any:
        return self._compiled().fullmatch(*args)

    def search(self, *args: Any) -> Any:
        return self._compiled().search(*args)

    def finditer(self, *args: Any) -> Any:
        return self._compiled().finditer(*args)

    def findall(self, *args: Any) -> Any:
        return self._compiled().findall(*args)

    def sub(self, *args: Any) -> Any:
        return self._compiled().sub(*args)

    def subn(self, *args: Any) -> Any:
        return self._compiled().subn(*args)

    def split(self, *args: Any) -> Any:
        return self._compiled().split(*args)


def lazy(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled when first used. Typed as the pattern it
    stands for: every method a ``re.Pattern`` is used for here behaves the same."""
    return cast("re.Pattern[str]", _Lazy(pattern, int(flags)))
