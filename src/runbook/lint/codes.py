"""The codes ``runbook check`` emits, the :class:`Finding` record and the rules' :class:`Context`.

Rules modules and the checker import from here, never from each other's orchestration, so the
lint package has no import cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Mapping

from runbook.errors import Diagnostic
from runbook.model import Document, Step
from runbook.parse.markdown import Scan

CODES: Mapping[str, str] = {
    "RB100": "parser warning",
    "RB101": "step has no expected output",
    "RB102": "step has no PASS/FAIL criterion",
    "RB103": "step has neither expected output nor a criterion",
    "RB104": "code block is never closed",
    "RB201": "criterion clause runbook cannot check (manual)",
    "RB202": "criteria label without a clause or list",
    "RB203": "criterion belongs to no step",
    "RB204": "HTTP clause on a command that does not print the status or headers",
    "RB301": "unknown attribute",
    "RB302": "misspelled runbook directive",
    "RB303": "blocking directive in the wrong place",
    "RB304": "directive applies to nothing",
    "RB305": "invalid attribute value",
    "RB306": "duplicate step id",
    "RB307": "malformed step id",
    "RB308": "duplicate phase",
    "RB309": "phase out of order",
    "RB310": "phase missing",
    "RB311": "front matter names a phase the document does not have",
    "RB312": "dialog block without an interactive step",
    "RB401": "smart quote in a command",
    "RB402": "invisible or non-breaking space in a command",
    "RB403": "en/em dash used as an option hyphen",
    "RB404": "'$ ' prompt inside a command block",
    "RB405": "trailing backslash at the end of a block",
    "RB406": "tab inside a heredoc",
    "RB501": "unresolved placeholder",
    "RB502": "variable used but never set",
    "RB601": "troubleshooting table with missing columns",
    "RB602": "troubleshooting row with empty cells",
    "RB603": "troubleshooting declared but missing",
    "RB701": "expected-output block no step owns",
    "RB702": "expected-output label with no block",
    "RB801": "command does not return (runs until stopped)",
    "RB802": "command meant for another context (container, remote shell, client prompt)",
}
"""Every code ``runbook check`` emits and what it means in a few words."""


@dataclass(frozen=True)
class Finding:
    """One problem in a document (lines and columns 1-based)."""

    path: str
    line: int
    col: int
    code: str
    message: str
    hint: str = ""

    @classmethod
    def of(cls, path: str, diag: Diagnostic) -> Finding:
        """The finding of a parser :class:`~runbook.errors.Diagnostic` in ``path``."""
        return cls(path, diag.line, diag.col, diag.code, diag.message, diag.hint)

    def format(self) -> str:
        """``path:line:col: CODE message; hint: ...`` (one line, like ruff)."""
        text = f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"
        return f"{text}; hint: {self.hint}" if self.hint else text


@dataclass(frozen=True)
class Context:
    """What the rules read: the parsed document and the token-level scan."""

    path: str
    doc: Document
    scan: Scan
    lines: tuple[str, ...]
    """Source lines without terminators."""
    skipped: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    """(selected, ignored) code prefixes of a ``runbook check --select/--ignore``: a per-step
    rule whose code is not reported need not make its findings (:meth:`wants`)."""

    def wants(self, code: str) -> bool:
        """Whether a finding of ``code`` survives the selection (``check.select``'s test)."""
        selected, ignored = self.skipped
        return (not selected or any(code.startswith(p) for p in selected)) \
            and not any(code.startswith(p) for p in ignored)

    @cached_property
    def by_line(self) -> list[Step]:
        """The document's steps in source order (sorted once, read by several rules)."""
        return sorted(self.doc.steps, key=lambda s: s.span.start)

    def finding(self, line0: int, col0: int, code: str, message: str, hint: str = "") -> Finding:
        return Finding(self.path, line0 + 1, col0 + 1, code, message, hint)
