"""The terminal report: a live line per running step, a result line per step, a summary.

The only module that imports rich, and only to print on a terminal (colour, the live
line) or when colour is asked for. A pipe or file without colour gets the same text from
:mod:`runbook.report.styled`, without loading rich (about a third of a one-step run's
start-up); plain text when stdout is a pipe or NO_COLOR is set.
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from typing import IO, TYPE_CHECKING, Callable, Mapping, Protocol, Sequence, Union

from runbook.model import EMOJI, FAILING, STATUS_KEYS, Document, RunResult, Status, Step, StepResult
from runbook.report.styled import Grid, Line, plain_grid, plain_line
from runbook.wording import count, dialect_said

if TYPE_CHECKING:
    from rich.console import Console
    from rich.live import Live
    from rich.table import Table
    from rich.text import Text

    from runbook.report.combined import DocumentRun
    from runbook.report.live_output import LiveOutput
    from runbook.run.plan import Plan

ICON = EMOJI
STYLE = {Status.PASS: "green", Status.FAIL: "red", Status.ERROR: "magenta", Status.SKIP: "dim",
         Status.BLOCKED: "yellow", Status.MANUAL: "cyan"}
TAIL_LINES = 15
PLAIN_WIDTH = 200
"""The width of the report when stdout is not a terminal (lines are not wrapped)."""


COLOR_CHOICES = ("auto", "always", "never")


def wants_color(color: str, tty: bool, environ: dict[str, str] | None = None) -> bool:
    """``--color``: ``always`` / ``never``; ``auto`` colours a terminal unless NO_COLOR is set,
    and anything when FORCE_COLOR is (NO_COLOR wins: https://no-color.org)."""
    env = os.environ if environ is None else environ
    if color != "auto":
        return color == "always"
    if env.get("NO_COLOR"):
        return False
    return bool(env.get("FORCE_COLOR")) or tty


class Printer(Protocol):
    """Where the report prints: :class:`RichConsole` or :class:`PlainConsole`."""

    file: IO[str]

    def print(self, item: Union[Line, Grid]) -> None: ...


def make_console(file: IO[str] | None = None, no_color: bool = False, color: str = "auto") -> Printer:
    """A console that is wide and unwrapped unless writing to a terminal, coloured as
    :func:`wants_color` says. The live line follows the terminal, not the colour. Neither a
    terminal nor colour: plain text, rich not loaded."""
    stream = file or sys.stdout
    tty = hasattr(stream, "isatty") and stream.isatty()
    colour = not no_color and wants_color(color, tty)
    if not tty and not colour:
        return PlainConsole(stream)
    return RichConsole(_rich_console(stream, tty, colour))


def _rich_console(stream: IO[str], tty: bool, colour: bool) -> "Console":
    from rich.console import Console

    return Console(file=stream, no_color=not colour, force_terminal=tty or colour,
                   highlight=False, emoji=False, width=None if tty else PLAIN_WIDTH, soft_wrap=not tty)


class RichConsole:
    """Prints through rich (a terminal, or colour asked for)."""

    def __init__(self, console: "Console") -> None:
        self.rich = console
        self.file: IO[str] = console.file

    def print(self, item: Union[Line, Grid]) -> None:
        self.rich.print(_rich_text(item) if isinstance(item, Line) else _rich_table(item))


class PlainConsole:
    """Prints plain text to a stream that is not a terminal: what rich prints there without
    colour (:mod:`runbook.report.styled`); what that module declines goes through rich."""

    def __init__(self, file: IO[str]) -> None:
        self.file = file
        self._rich: RichConsole | None = None
        self._boxes = (getattr(file, "encoding", None) or "utf-8").lower().startswith("utf")
        """Whether the stream takes the box characters (rich's rule: an encoding not named
        utf-* gets rich's ASCII box instead, so rich draws those tables)."""

    def print(self, item: Union[Line, Grid]) -> None:
        if isinstance(item, Line):
            text = plain_line(item, PLAIN_WIDTH)
        else:
            text = plain_grid(item, PLAIN_WIDTH) if self._boxes else None
        if text is None:
            if self._rich is None:
                self._rich = RichConsole(_rich_console(self.file, tty=False, colour=False))
            self._rich.print(item)
            return
        self.file.write(text)
        self.file.flush()  # as rich does after each print: the order beside stderr stays


def _rich_text(line: Line) -> "Text":
    from rich.text import Text

    t = Text(style=line.style)
    for text, style in line.parts:
        t.append(text, style=style or None)
    return t


def _rich_table(grid: Grid) -> "Table":
    """The table for rich; every cell and header is text, never markup (a document named
    ``x[/b].md`` made rich raise)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=grid.title, show_lines=False, title_justify="left")
    for name, justify in grid.columns:
        table.add_column(Text(name), justify=justify)  # type: ignore[arg-type]
    for row in grid.rows:
        table.add_row(*[_rich_text(c) for c in row])
    return table


class _Elapsed:
    """Renders the running step's line with its elapsed time at each refresh."""

    def __init__(self, step: Step, attempt: int) -> None:
        self.step, self.attempt, self.t0 = step, attempt, time.monotonic()

    def __rich__(self) -> "Text":
        t = Line("⏳ ", style="bold")
        t.append(self.step.id, style="bold")
        t.append(f"  {self.step.title}  ")
        t.append(f"{time.monotonic() - self.t0:.1f}s", style="dim")
        if self.attempt > 1:
            t.append(f"  attempt {self.attempt}", style="yellow")
        return _rich_text(t)


class TerminalReporter:
    """Observer printing progress and results. ``quiet`` shows failures and the summary only."""

    def __init__(self, console: Printer, *, quiet: bool = False, verbose: bool = False) -> None:
        self.console = console
        self.quiet = quiet
        self.verbose = verbose
        self._live: Live | None = None
        self._masker: Callable[[str], str] | None = None
        self._secret_names: Sequence[str] = ()
        self._stream: "LiveOutput | None" = None
        self._streamed: str | None = None
        """The step whose output was shown as it ran (not shown again when it ends)."""

    def follow(self, masker: Callable[[str], str], secret_names: Sequence[str] = ()) -> None:
        """With ``verbose``, show a running step's output as it arrives, masked by ``masker``
        (the runner's): see :mod:`runbook.report.live_output`."""
        self._masker, self._secret_names = masker, secret_names

    # observer hooks ---------------------------------------------------------
    def run_started(self, doc: Document, plan: Plan) -> None:
        if not self.quiet:
            dialect = f" · dialect: {dialect_said(doc)}" if dialect_said(doc) else ""
            self.console.print(Line(f"runbook · {doc.path} · {count(len(plan.steps), 'step')}{dialect}", style="bold"))

    def step_started(self, step: Step, attempt: int) -> None:
        self._stream = None
        if self.verbose and self._masker is not None:  # -v only: live_output is not loaded without it
            from runbook.report.live_output import LiveOutput, may_set_secret

            if not may_set_secret(step, self._secret_names):
                self._stream = LiveOutput(self._masker)
        if self._live_line() and not self.quiet:
            self._stop_live()
            from rich.live import Live  # the live line exists only on a terminal

            assert isinstance(self.console, RichConsole)  # a terminal's
            self._live = Live(_Elapsed(step, attempt), console=self.console.rich, refresh_per_second=8,
                              transient=True)
            self._live.start()

    def step_output(self, step: Step, chunk: str) -> None:
        if self._stream is not None:
            self._print_lines(step, self._stream.feed(chunk))

    def _print_lines(self, step: Step, lines: list[str]) -> None:
        if lines and self._streamed != step.id:
            self._streamed = step.id
            self.console.print(Line(f"    {step.id} output:", style="bold"))
        for line in lines:
            self.console.print(Line("    │ " + line, style="dim"))

    def step_finished(self, step: Step, result: StepResult) -> None:
        if self._stream is not None:
            self._print_lines(step, self._stream.finish())
            self._stream = None
        self._stop_live()
        bad = result.status in FAILING or result.drift
        if self.quiet and not (bad and result.status is not Status.BLOCKED):
            return
        self.console.print(result_line(result, step.title))
        if result.status in (Status.FAIL, Status.ERROR, Status.MANUAL) or result.drift:
            self._details(result)
        else:
            self._found(result)  # what v2 clauses found, who confirmed
            if self.verbose and result.output.text and self._streamed != result.step_id:
                self._output(result, all_lines=True)

    def before_step(self, step: Step) -> str:
        return "run"

    def review(self, step: Step, result: StepResult) -> StepResult:
        return result

    def pause(self) -> None:
        """Stop the live line (a person is about to be asked something)."""
        self._stop_live()

    def notice(self, message: str) -> None:
        self._stop_live()
        self.console.print(Line(f"note: {message}", style="yellow"))

    def run_finished(self, run: RunResult) -> None:
        self._stop_live()
        self.console.print(summary_table(run))
        self.console.print(totals_line(run))

    # rendering ----------------------------------------------------------------
    def _live_line(self) -> bool:
        """The live line needs a real terminal (colour or not: NO_COLOR keeps it)."""
        if not isinstance(self.console, RichConsole):
            return False
        isatty = getattr(self.console.file, "isatty", None)
        return bool(isatty and isatty())

    def _stop_live(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

    def _found(self, r: StepResult) -> None:
        for ch in r.checks:
            if ch.ok and ch.detail:
                self.console.print(Line(f"    ✓ {ch.clause} — {ch.detail}", style="green" if ch.confirmed else "dim"))

    def _details(self, r: StepResult) -> None:
        c = self.console
        if r.reason:
            c.print(Line(f"    reason: {r.reason}", style=STYLE[r.status]))
        for ch in r.checks:
            if not ch.ok:
                mark = "?" if ch.manual else "✗"
                c.print(Line(f"    {mark} {ch.clause}" + (f" — {ch.detail}" if ch.detail else ""),
                             style="cyan" if ch.manual else "red"))
            elif ch.detail:  # what a v2 clause found, who confirmed
                c.print(Line(f"    ✓ {ch.clause} — {ch.detail}", style="green"))
        for note in r.notes:
            c.print(Line(f"    note: {note}", style="dim"))
        if r.diff:
            self._diff(r.diff)
        for m in r.troubleshooting:
            c.print(Line(f"    troubleshooting: {m.row.symptom}", style="bold yellow"))
            if m.row.cause:
                c.print(Line(f"      cause: {m.row.cause}"))
            c.print(Line(f"      fix:   {m.row.fix}"))
        if r.output.text and r.status is not Status.MANUAL and self._streamed != r.step_id:
            self._output(r, all_lines=self.verbose)

    def _diff(self, diff: str) -> None:
        self.console.print(Line("    diff (expected → actual):", style="bold"))
        for line in diff.splitlines():
            style = "red" if line.startswith("-") else "green" if line.startswith("+") else "dim"
            self.console.print(Line("      " + line, style=style))

    def _output(self, r: StepResult, all_lines: bool) -> None:
        lines = r.output.text.rstrip("\n").splitlines()
        shown = lines if all_lines else lines[-TAIL_LINES:]
        title = "output" if len(shown) == len(lines) else f"output (last {len(shown)} of {len(lines)} lines)"
        self.console.print(Line(f"    {title}:", style="bold"))
        for line in shown:
            self.console.print(Line("    │ " + line, style="dim"))


def result_line(r: StepResult, title: str) -> Line:
    t = Line(f"{ICON[r.status]} ")
    t.append(f"{r.status.value.upper():7}", style=f"bold {STYLE[r.status]}")
    t.append(f" {r.step_id:8}", style="bold")
    t.append(f" {title}")
    if r.duration_s:
        t.append(f"  {r.duration_s:.2f}s", style="dim")
    if r.attempts > 1:
        t.append(f"  ({r.attempts} attempts)", style="yellow")
    if r.drift:
        t.append("  drift", style="yellow")
    if r.status in (Status.SKIP, Status.BLOCKED) and r.reason:
        t.append(f"  — {r.reason}", style="dim")
    if r.notes:
        from runbook.run.resume import FROM_NOTE  # here: a run without --resume does not load it

        earlier = next((n for n in r.notes if n.startswith(FROM_NOTE)), None)
        if earlier:  # a result kept by --resume
            t.append(f"  ({earlier})", style="dim")
    return t


def summary_table(run: RunResult) -> Grid:
    cols = [*STATUS_KEYS, "drift"]
    table = Grid("Summary")
    table.add_column("phase")
    table.add_column("status")
    for c in cols:
        table.add_column(c, justify="right")
    for p in run.phases:
        rs = run.results_in(p.id)
        by = Counter(r.status.value for r in rs)
        counts = [by[c] for c in cols[:-1]]
        counts.append(sum(1 for r in rs if r.drift))
        table.add_row(p.id + (" (blocking)" if p.blocking else ""),
                      Line(p.status.value, style=STYLE[p.status]), *[str(n) for n in counts])
    return table


def matrix_table(runs: Mapping[str, RunResult]) -> Grid:
    """A matrix run's summary: a row per step, a column per target, then each target's verdict."""
    from runbook.report.matrix import step_rows

    table = Grid("Targets")
    table.add_column("step")
    for name in runs:
        table.add_column(name)
    for sid, _title, statuses in step_rows(runs):
        table.add_row(sid, *[Line(s.value, style=STYLE[s]) if s else Line("—") for s in statuses.values()])
    verdicts = []
    for run in runs.values():
        bad = any(r.status in FAILING for r in run.steps) or run.interrupted
        verdicts.append(Line("FAILED" if bad else "PASSED", style="bold red" if bad else "bold green"))
    table.add_row(Line("verdict", style="bold"), *verdicts)
    return table


def totals_line(run: RunResult) -> Line:
    c = run.counts()
    parts = [f"{c[k]} {k}" for k in (*STATUS_KEYS, "drift") if c[k]]
    verdict_bad = any(c[k] for k in ("fail", "error", "blocked", "manual"))
    t = Line("FAILED" if verdict_bad else "PASSED", style="bold red" if verdict_bad else "bold green")
    t.append(f"  {count(c['total'], 'step')}: " + (", ".join(parts) or "nothing run") + f" in {run.duration_s:.2f}s")
    if run.interrupted:
        t.append("  (interrupted)", style="yellow")
    return t


def print_documents(console: Printer, entries: Sequence["DocumentRun"]) -> None:
    """The end of a many-document run: a row per document, then the totals over all."""
    from runbook.report.combined import totals, verdict_of

    table = Grid("Documents")
    for col in ("document", "verdict", "steps", "time"):
        table.add_column(col, justify="right" if col in ("steps", "time") else "left")
    for e in entries:
        ok, headline = verdict_of(e)
        style = "dim" if ok is None else "green" if ok else "red"
        table.add_row(e.document, Line(headline, style=style), str(len(e.run.steps)) if e.run else "",
                      f"{e.run.duration_s:.2f}s" if e.run else "")
    console.print(table)
    c = totals(entries)
    bad = any(verdict_of(e)[0] is False for e in entries)
    parts = [f"{c[k]} {k}" for k in (*STATUS_KEYS, "drift") if c[k]]
    not_run = sum(1 for e in entries if e.run is None)
    t = Line("FAILED" if bad else "PASSED", style="bold red" if bad else "bold green")
    t.append(f"  {count(len(entries), 'document')}" + (f" ({not_run} not run)" if not_run else "")
             + f", {count(c['total'], 'step')}: " + (", ".join(parts) or "nothing run")
             + f" in {sum(e.run.duration_s for e in entries if e.run):.2f}s")
    console.print(t)
