"""``execute --target NAME=SHELL ...``: the document once per target, side by side.

Each target is its own session (:mod:`runbook.run.matrix`); while they run, each
finished step prints one line prefixed with its target; at the end one table has a
column per target. ``--json``, ``--junit`` and ``--html`` get the matrix forms
(:mod:`runbook.report.matrix`). The document is not annotated (one document cannot
hold several verdicts per step): say which target's results to write by running it
alone. Exit 1 when any target has a failing step, 130 when interrupted.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any

import click

from runbook.collector import run_starts
from runbook.errors import EXIT_FAIL, EXIT_INTERRUPTED, EXIT_OK, RunbookError
from runbook.run.protocol import Observer

if TYPE_CHECKING:
    from runbook.config import Settings
    from runbook.model import Document, RunResult, Step, StepResult
    from runbook.outputs import Outputs
    from runbook.run.runner import Runner


class _TargetLines(Observer):
    """One line per finished step, prefixed with the target (lines of targets never mix)."""

    _lock = threading.Lock()

    def __init__(self, name: str, quiet: bool) -> None:
        self.name = name
        self.quiet = quiet

    def step_finished(self, step: "Step", result: "StepResult") -> None:
        from runbook.model import FAILING

        if self.quiet and result.status not in FAILING:
            return
        line = f"[{self.name}] {result.status.value.upper():7} {result.step_id:8} {step.title}"
        if result.reason and result.status.value != "pass":
            line += f" — {result.reason}"
        with self._lock:
            click.echo(line)

    def notice(self, message: str) -> None:
        with self._lock:
            click.echo(f"[{self.name}] note: {message}", err=True)


def execute_matrix(document: "Document", settings: "Settings", targets: dict[str, str], jobs: int | None,
                   outputs: "Outputs", opts: dict[str, Any]) -> None:
    """Run every target, write the matrix reports, exit with the matrix's status."""
    from runbook.cli.common import fail
    from runbook.run.matrix import Matrix, target_settings
    from runbook.run.runner import Runner

    try:
        per_target = {name: target_settings(settings, name, cmd) for name, cmd in targets.items()}
    except RunbookError as err:
        fail(err)
        return

    def make(name: str, s: "Settings") -> "Runner":
        return Runner(document, s, observers=[_TargetLines(name, bool(opts.get("quiet")))])

    matrix = Matrix(per_target, make, jobs)
    click.echo(f"runbook · {document.path} · {len(per_target)} targets, {matrix.jobs} at a time")
    results = _run_stoppable(matrix)
    runs = {name: run for name, run in results.items() if run is not None}
    _write(document.path, runs, outputs)
    _summary(runs, opts)
    bad = any(r.status.value in ("fail", "error", "blocked", "manual") for run in runs.values() for r in run.steps)
    if matrix.interrupted or len(runs) < len(results):
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(EXIT_FAIL if bad else EXIT_OK)


def _run_stoppable(matrix: Any) -> "dict[str, RunResult | None]":
    import signal

    def on_signal(signum: int, frame: object) -> None:
        matrix.interrupt()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    run_starts()  # as cli.common.run_stoppable does (runbook/collector.py)
    try:
        result: dict[str, RunResult | None] = matrix.run()
        return result
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _write(document: str, runs: "dict[str, RunResult]", outputs: "Outputs") -> None:
    from runbook.report.matrix import to_matrix_html, to_matrix_json, to_matrix_junit
    from runbook.source import atomic_write, encode

    for path, render in ((outputs.json, lambda: to_matrix_json(document, runs)),
                         (outputs.junit, lambda: to_matrix_junit(runs)),
                         (outputs.html, lambda: to_matrix_html(document, runs))):
        if path:
            atomic_write(path, encode(render()))


def _summary(runs: "dict[str, RunResult]", opts: dict[str, Any]) -> None:
    from runbook.report.terminal import make_console, matrix_table

    console = make_console(sys.stdout, no_color=bool(opts.get("no_color")))
    console.print(matrix_table(runs))
