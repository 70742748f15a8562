"""The parser's working records: steps and phases being built, and the diagnostics collector.

:mod:`runbook.parse.structure` fills these in its one pass over the blocks; nothing
outside the parse package sees them (the pass ends in frozen :mod:`runbook.model`
records). :class:`Report` is where every parse warning and recoverable error is
recorded, as a :class:`~runbook.errors.Diagnostic`, the moment it is found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from runbook.errors import Diagnostic, line_col
from runbook.model import Command, Criterion
from runbook.parse.blocks import Block


@dataclass
class Draft:
    """A step while the pass is still attaching output, criteria and a dialog to it."""

    index: int
    block: Block
    lang: str
    attrs: dict[str, str]
    heading: int | None
    phase: str
    transcript: bool
    commands: list[Command]
    skip_reason: str | None
    end: int
    own_id: str | None = None
    """The ``id`` written on the fence itself (not a directive's or a phase's)."""
    criteria: list[tuple[Criterion, int]] = field(default_factory=list)
    dialog: tuple[tuple[str, str], ...] = ()
    id: str = ""

    def wants_expected(self) -> bool:
        return bool(self.commands) and self.commands[-1].expected is None


@dataclass
class PhaseDraft:
    id: str
    title: str
    line: int
    blocking: bool = False
    steps: list[Draft] = field(default_factory=list)
    defaults: dict[str, str] = field(default_factory=dict)
    """Attributes of the directive below the phase heading, given to each of its steps."""


class Report:
    """Collects diagnostics in the order they are found.

    ``strict``: an error diagnostic raises :class:`ParseError` at once (what ``runbook
    execute`` wants); otherwise it is recorded and the caller recovers (``runbook check``).
    """

    def __init__(self, path: str, lines: Sequence[str], strict: bool) -> None:
        self.path = path
        self.lines = lines
        self.strict = strict
        self.found: list[Diagnostic] = []
        self.errors = 0

    def col(self, line0: int) -> int:
        return line_col(self.lines, line0)

    def add(self, diag: Diagnostic, recoverable: bool = True) -> None:
        """Record ``diag``; an error raises when strict or when ``recoverable`` is false."""
        if diag.error:
            if self.strict or not recoverable:
                raise diag.to_error(self.path)
            self.errors += 1
        self.found.append(diag)

    def plain_line(self, line0: int, pattern: re.Pattern[str]) -> bool:
        """Whether ``lines[line0]`` is ``pattern`` after indentation and ``>`` markers only:
        the errors the checker recovers from are on such lines (not inside a list item)."""
        return 0 <= line0 < len(self.lines) and pattern.match(self.lines[line0]) is not None

    def warn(self, code: str, line0: int, message: str, hint: str = "") -> None:
        self.add(Diagnostic(code, message, line0 + 1, self.col(line0), hint))

    def error(self, code: str, line0: int, message: str, hint: str, recoverable: bool = True) -> None:
        self.add(Diagnostic(code, message, line0 + 1, self.col(line0), hint, error=True), recoverable)


FENCE_LINE = re.compile(r"[ \t>]*(?:`{3,}|~{3,})")
"""An opening fence line the checker can recover on."""
DIRECTIVE_LINE = re.compile(r"[ \t>]*<!--\s*runbook\s*:.*?-->")
"""A one-line directive comment the checker can recover on."""
