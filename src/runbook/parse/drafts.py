"""The parser's working records: steps and phases being built, and the diagnostics collector.

:mod:`runbook.parse.structure` fills these in its one pass over the blocks; nothing
outside the parse package sees them (the pass ends in frozen :mod:`runbook.model`
records). :class:`Report` is where every parse warning and recoverable error is
recorded, as a :class:`~runbook.errors.Diagnostic`, the moment it is found.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Mapping, Sequence

from runbook.errors import Diagnostic, line_col
from runbook.lazyre import lazy
from runbook.model import Command, Criterion, Expected, Span, Step, StepOptions
from runbook.parse.attrs import step_options
from runbook.parse.blocks import Block, phase_id, slugify
from runbook.parse.placeholders import find_placeholders


class Draft:
    """A step while the pass is still attaching output, criteria and a dialog to it (a plain
    slotted class: nothing compares or replaces one; a dataclass costs ~0.7 ms of start-up)."""

    __slots__ = ("index", "block", "lang", "attrs", "heading", "phase", "transcript", "commands", "skip_reason",
                 "end", "own_id", "criteria", "dialog", "id")

    def __init__(self, index: int, block: Block, lang: str, attrs: dict[str, str], heading: int | None, phase: str,
                 transcript: bool, commands: list[Command], skip_reason: str | None, end: int,
                 own_id: str | None = None, criteria: list[tuple[Criterion, int]] | None = None,
                 dialog: tuple[tuple[str, str], ...] = (), id: str = "") -> None:
        self.index = index
        self.block = block
        self.lang = lang
        self.attrs = attrs
        self.heading = heading
        self.phase = phase
        self.transcript = transcript
        self.commands = commands
        self.skip_reason = skip_reason
        self.end = end
        self.own_id = own_id
        """The ``id`` written on the fence itself (not a directive's or a phase's)."""
        self.criteria: list[tuple[Criterion, int]] = [] if criteria is None else criteria
        self.dialog = dialog
        self.id = id

    def wants_expected(self) -> bool:
        # ``# Expected output:`` comments give way to a real output block after the step
        last = self.commands[-1].expected if self.commands else None
        return bool(self.commands) and (last is None or last.origin == "comment")


class PhaseDraft:
    __slots__ = ("id", "title", "line", "blocking", "steps", "defaults")

    def __init__(self, id: str, title: str, line: int, blocking: bool = False) -> None:
        self.id = id
        self.title = title
        self.line = line
        self.blocking = blocking
        self.steps: list[Draft] = []
        self.defaults: dict[str, str] = {}
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


FENCE_LINE = lazy(r"[ \t>]*(?:`{3,}|~{3,})")
"""An opening fence line the checker can recover on."""
DIRECTIVE_LINE = lazy(r"[ \t>]*<!--\s*runbook\s*:.*?-->")
"""A one-line directive comment the checker can recover on."""


class Phases:
    """The phases found so far, in document order, and the front matter's blocking list."""

    def __init__(self, blocks: Sequence[Block], blocking: Sequence[str]) -> None:
        self.by_id: dict[str, PhaseDraft] = {}
        self.blocking = {str(b) for b in blocking}
        self.has_headings = any(b.kind == "heading" and phase_id(b.text) for b in blocks)

    def get(self, pid: str, title: str, line: int) -> PhaseDraft:
        if pid not in self.by_id:
            self.by_id[pid] = PhaseDraft(pid, title, line, blocking=pid in self.blocking)
        return self.by_id[pid]

    def implicit_id(self, heading_text: str) -> str:
        pid = slugify(heading_text) or "after"
        while pid in self.by_id:
            pid += "-1"
        return pid


class Cursor:
    """Where the pass is: the section heading, the open phase and the step awaiting output."""

    def __init__(self) -> None:
        self.heading: int | None = None
        self.phase: PhaseDraft | None = None
        self.level = 0
        self.closer: int | None = None
        """The heading that closed the last phase section (names an implicit phase)."""
        self.pending: Draft | None = None
        self.defaults: dict[str, str] = {}

    def open_phase(self, phase: PhaseDraft | None, level: int) -> None:
        self.phase, self.level, self.closer = phase, level, None


def rename_phase(b: Block) -> Block:
    """A duplicate ``Phase X`` heading read as ``Stage X`` (so the checker can go on)."""
    return replace(b, raw=re.sub(r"(?i)phase", "Stage", b.raw, count=1),
                   text=re.sub(r"(?i)phase", "Stage", b.text, count=1))


_PREFIX = lazy(r"[ \t>]*")


def with_expected(c: Command, expected: Expected) -> Command:
    """``c`` with ``expected`` (``dataclasses.replace`` costs ~3x as much, once per step): every
    field of Command is passed on (tests/test_parse_fast_paths.py pins the list of fields)."""
    return Command(c.text, c.line, expected, c.shown)


_NO_OPTIONS = step_options({})


def _options(attrs: Mapping[str, str]) -> StepOptions:
    """:func:`step_options` (a step without attributes, most steps, gets its frozen value at once)."""
    return step_options(attrs) if attrs else _NO_OPTIONS


def to_step(d: Draft, blocks: Sequence[Block], lines: Sequence[str], title: str,
            slugs: Mapping[int, str]) -> Step:
    """The frozen Step of a finished draft."""
    h, block = d.heading, d.block
    heading = blocks[h].text if h is not None else title
    anchor = slugs.get(h, "") if h is not None else ""
    first = lines[block.start] if block.start < len(lines) else ""
    prefix = _PREFIX.match(first) if first.startswith((" ", "\t", ">")) else None  # most fences: no prefix
    criteria = sorted(d.criteria, key=lambda ce: ce[0].line) if d.criteria else []
    end = max([d.end] + [e for _, e in criteria]) if criteria else d.end
    while end > block.end and not lines[end - 1].strip().strip(">").strip():
        end -= 1  # a list item's map takes the blank line after it
    names: dict[str, None] = {}
    for cmd in d.commands:
        for name in find_placeholders(cmd.text):
            names.setdefault(name, None)
    return Step(  # by position, a third of the cost of keywords (tests/test_parse_lean_paths.py pins the order)
        d.id, d.phase, heading, anchor, d.lang, Span(block.start, block.end), end,
        prefix.group(0) if prefix else "", tuple(d.commands), d.transcript,
        tuple(c for c, _ in criteria) if criteria else (), dict(d.attrs) if d.attrs else {}, d.skip_reason,
        tuple(names) if names else (), d.dialog, _options(d.attrs))
