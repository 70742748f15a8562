"""Errors that reach the user: what went wrong, where (path:line) and what to do."""

from __future__ import annotations

from runbook.record import record
from typing import Sequence

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_NO_STEPS, EXIT_INTERRUPTED = 0, 1, 2, 5, 130
"""The exit statuses of ``runbook execute`` (docs/devops/exit-codes.md)."""


class RunbookError(Exception):
    """Base of every error runbook reports to a user (exit status 2 at the CLI)."""

    def __init__(self, message: str, where: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.where = where
        self.hint = hint

    def __str__(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class ParseError(RunbookError):
    """The document cannot be run as written (front matter, attributes, ids)."""


class ConfigError(RunbookError):
    """Bad settings: front matter values, CLI options, missing requirements."""


class SelectionError(RunbookError):
    """``--phase`` / ``--step`` names something the document does not have."""


class SessionError(RunbookError):
    """The shell could not be started or driven."""


def where(path: str, line0: int) -> str:
    """``path:line`` for a 0-based line index."""
    return f"{path}:{line0 + 1}"


@record(slots=False)
class Diagnostic:
    """One problem the parser (or ``runbook check``) found, where it was found.

    The parser creates these in its single pass and goes on; ``runbook check``
    turns each into a finding, the CLI prints the warnings. Fields:

    * ``code`` -- the stable ``runbook check`` code (``RB104``; docs/check.md);
    * ``message`` -- what is wrong, one sentence without the location;
    * ``line``, ``col`` -- 1-based line and column of the construct (the column is
      the first character after the line's indentation and ``>`` markers);
    * ``hint`` -- what to do about it (may be empty);
    * ``error`` -- ``True`` when the document cannot run as written (``runbook
      execute`` stops with exit status 2); ``False`` for a warning.
    """

    code: str
    message: str
    line: int
    col: int
    hint: str = ""
    error: bool = False

    def where(self, path: str) -> str:
        """``path:line``."""
        return f"{path}:{self.line}"

    def warning_text(self, path: str) -> str:
        """``path:line: message``, the form the CLI prints for a warning."""
        return f"{self.where(path)}: {self.message}"

    def to_error(self, path: str) -> ParseError:
        """The :class:`ParseError` ``runbook execute`` raises for this diagnostic."""
        return ParseError(self.message, where=self.where(path), hint=self.hint or None)


def line_col(lines: Sequence[str], line0: int) -> int:
    """1-based column of the first character of ``lines[line0]`` after indentation and ``>``."""
    text = lines[line0] if 0 <= line0 < len(lines) else ""
    return len(text) - len(text.lstrip(" \t>")) + 1
