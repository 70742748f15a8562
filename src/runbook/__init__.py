"""runbook: make Markdown playbooks executable.

The public API (docs/api.md)::

    import runbook
    doc = runbook.parse("deploy.md")               # Document: phases, steps, criteria
    run = runbook.execute("deploy.md", timeout=30)  # RunResult: one StepResult per step
    findings = runbook.check("deploy.md")           # list[Finding], nothing is run
    text = runbook.annotate(markdown, run)          # the verdicts written into the Markdown
    assert runbook.strip(text) == runbook.strip(markdown)

This module stays cheap to import (``runbook --version`` loads only it): the API lives in
:mod:`runbook.api` and is loaded on first use. The subpackages (``runbook.parse``,
``runbook.run``...) import as usual; ``runbook.parse`` is both the ``parse`` package and,
called, the API function.
"""

from __future__ import annotations

import sys
import types

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (mypy knows the name)

__version__ = "0.1.0"

__all__ = [
    "parse", "execute", "check", "annotate", "strip",
    "Document", "Phase", "Step", "Command", "Criterion", "Clause",
    "RunResult", "StepResult", "PhaseResult", "Status", "Check", "Output",
    "Finding", "Observer", "Settings", "Selection",
    "RunbookError", "ParseError", "ConfigError", "SelectionError", "SessionError",
    "__version__",
]

if TYPE_CHECKING:
    from typing import Any

    from runbook.api import annotate, check, execute, parse, strip
    from runbook.config import Selection, Settings
    from runbook.errors import ConfigError, ParseError, RunbookError, SelectionError, SessionError
    from runbook.lint.codes import Finding
    from runbook.model import (
        Check,
        Clause,
        Command,
        Criterion,
        Document,
        Output,
        Phase,
        PhaseResult,
        RunResult,
        Status,
        Step,
        StepResult,
    )
    from runbook.run.protocol import Observer

_HOME = {
    **dict.fromkeys(("parse", "execute", "check", "annotate", "strip"), "runbook.api"),
    **dict.fromkeys(("Document", "Phase", "Step", "Command", "Criterion", "Clause", "RunResult",
                     "StepResult", "PhaseResult", "Status", "Check", "Output"), "runbook.model"),
    "Finding": "runbook.lint.codes", "Observer": "runbook.run.protocol",
    "Settings": "runbook.config", "Selection": "runbook.config",
    **dict.fromkeys(("RunbookError", "ParseError", "ConfigError", "SelectionError", "SessionError"),
                    "runbook.errors"),
}
"""Where each public name is defined."""


def __getattr__(name: str) -> Any:
    """Load a public name on first use (the import of this module stays cheap)."""
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'runbook' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    if name == "parse":  # importing runbook.api imported the package, now callable
        return sys.modules["runbook.parse"]
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(__all__) | {n for n in globals() if n.startswith("__")})


class _ParsePackage(types.ModuleType):
    """The ``runbook.parse`` package, callable as the API function ``runbook.parse(source)``.

    The package and the function share the name ``runbook.parse``; the import system sets
    the attribute to the package, so the package answers the call. Everything else about
    it (``runbook.parse.markdown``, ``import runbook.parse.x as y``, patching) is unchanged."""

    def __call__(self, source: Any) -> Any:
        from runbook.api import parse

        return parse(source)


class _Package(types.ModuleType):
    """``runbook``'s module type: makes the ``runbook.parse`` package callable when it is imported."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "parse" and type(value) is types.ModuleType:
            value.__class__ = _ParsePackage
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
