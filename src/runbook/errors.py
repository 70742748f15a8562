"""Errors that reach the user: what went wrong, where (path:line) and what to do."""

from __future__ import annotations


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
