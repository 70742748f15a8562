"""The nouns of the "PASS if" language: clause kinds, clauses, criteria and their checks.

Split from ``runbook.model``, which re-exports every name here, so both imports work.
A base module: it imports nothing of runbook but ``runbook.record``.
"""

from __future__ import annotations

import enum
from runbook.record import record


class ClauseKind(str, enum.Enum):
    """What a single criterion clause checks (spec §2 table, v2 in §9)."""

    EXIT = "exit"  # exit status compared with ``number`` using ``op``
    CONTAINS = "contains"  # output contains ``value``
    NOT_CONTAINS = "not_contains"  # output does not contain ``value``
    REGEX = "regex"  # re.search(``value``, output, re.M)
    EXPECTED = "expected"  # output matches the step's expected block
    EMPTY = "empty"
    NOT_EMPTY = "not_empty"
    LINES = "lines"  # line count compared with ``number`` using ``op``
    COUNT = "count"  # occurrences of ``value`` compared with ``number`` using ``op``
    DURATION = "duration"  # duration in seconds compared with ``number`` using ``op``
    COMMAND = "command"  # ``value`` run in the same session must exit 0
    HTTP = "http"  # HTTP status of the output: ``value`` is ``200`` or a class ``4xx``
    HEADER = "header"  # response header ``subject``: ``mode`` contains / is / exists ``value``
    JSON = "json"  # the output parsed as JSON (or YAML): path ``subject``, ``mode`` below
    NUMBER = "number"  # a number found by name ``subject`` compared with ``number`` (``unit``)
    VERSION = "version"  # a version found in the output (near ``subject``) compared with ``value``
    TABLE = "table"  # rows of a table: ``mode`` every / no / some / column, column ``subject``
    MANUAL = "manual"  # not understood: never passes


@record
class Clause:
    """One checkable clause of a PASS/FAIL criterion."""

    text: str
    """The clause exactly as the author wrote it (shown in reports)."""
    kind: ClauseKind
    value: str | None = None
    """Substring, regex or command, already unquoted."""
    number: float | None = None
    """Exit code, line count, occurrence count or seconds (v2: the threshold in base units)."""
    op: str = "=="
    """Comparison for ``number``: one of ``== != >= <= > <`` (v2 also ``between``)."""
    within_s: float | None = None
    """``... within 60 s``: poll until the clause holds or the deadline passes."""
    subject: str | None = None
    """v2: the header name, JSON path, field or column name, or program the clause is about."""
    mode: str = ""
    """v2: the clause's sub-form (JSON ``valid`` / ``exists`` / ``missing`` / ``matches`` /
    ``compare``; table ``every`` / ``no`` / ``some`` / ``column``; header ``contains`` / ``is``)."""
    unit: str = ""
    """v2 numbers: the unit as written (``ms``, ``%``, ``MiB``), for the report."""
    upper: float | None = None
    """v2 ``between A and B``: B in base units (``number`` holds A)."""
    for_s: float | None = None
    """``... for 10 s``: the clause must hold on every re-run over the period."""


@record
class Criterion:
    """A PASS-if or FAIL-if statement: every clause must hold (PASS) / any fails (FAIL)."""

    text: str
    """Source text of the whole criterion (label included)."""
    line: int
    """0-based source line where it starts."""
    negated: bool
    """True for ``FAIL if``: the step fails when any clause holds."""
    clauses: tuple[Clause, ...]
    derived: bool = False
    """Made from an expected-output label, bullet or ``# Expected output:`` comment rather
    than written as a PASS/FAIL criterion: it adds checks, it does not replace the exit check."""


@record
class Confirmation:
    """A person's verdict on a check (``--confirm``, ``--verdict``): never runbook's own."""

    answer: str
    """``pass``, ``fail`` or ``skip``."""
    by: str
    """Who answered (``$USER`` or ``--by NAME``)."""
    at: str
    """When, UTC ISO-8601 with ``Z``."""
    note: str = ""


@record
class Check:
    """Outcome of one criterion clause."""

    clause: str
    ok: bool
    detail: str = ""
    manual: bool = False
    confirmed: Confirmation | None = None
    """Judged by a person, not by runbook (``manual`` is then False)."""
