"""What every command shares: loading a document, the common options, the error exit, the
signal handling of a run, the settings from front matter and the command line."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

from runbook.collector import run_starts
from runbook.errors import EXIT_INTERRUPTED, EXIT_NO_STEPS, EXIT_USAGE, RunbookError

if TYPE_CHECKING:
    from runbook.config import Selection, Settings
    from runbook.model import Document, RunResult
    from runbook.run.runner import Runner
    from runbook.source import Source


def fail(err: RunbookError) -> NoReturn:
    click.echo(f"runbook: error: {err}", err=True)
    sys.exit(EXIT_USAGE)


STDIN_NAME = "<stdin>"
"""The path a document read from standard input (``-``) has in messages."""


def load(path: str, opts: dict[str, Any] | None = None) -> tuple["Source", str, "Document"]:
    """Read and parse a document; ``-`` reads standard input. ``opts``: the command's
    options, for the declared dialect (``--dialect``, the project's ``dialect``)."""
    from runbook.outputs import load_document

    dialect, default = declared_of(opts or {})
    if path == "-":
        return load_document(STDIN_NAME, sys.stdin.buffer.read(), dialect=dialect, default_dialect=default)
    return load_document(path, dialect=dialect, default_dialect=default)


def declared_of(opts: dict[str, Any]) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    """The dialect declared by ``--dialect`` and the one of the project's configuration
    (``opts["project"]``), which a front matter ``dialect:`` overrides (docs/dialects.md)."""
    project = opts.get("project")
    return ((opts["dialect"], "--dialect") if opts.get("dialect") else None,
            project.declared_dialect() if project is not None else None)


def _dialect_checked(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from runbook.config import dialect_name

    try:
        return dialect_name(value, "--dialect") if value is not None else None
    except RunbookError as err:
        fail(err)


def dialect_option(f: Any) -> Any:
    """``--dialect NAME``: read every document in NAME's dialect, whatever its syntax says."""
    return click.option("--dialect", metavar="NAME", callback=_dialect_checked,
                        help="Read the documents as this tool's: runbook (runbook's own format), tesh, byexample, "
                             "ie, scrut, cram, runme, mdsh; wins over the front matter's `dialect:`, the project's "
                             "and what the document's syntax says (docs/dialects.md).")(f)


def printable_streams() -> None:
    """Text with bytes that were not UTF-8 (documents, output) must print, never raise."""
    from runbook.source import PRINTABLE  # here: --version needs no tempfile, pathlib...

    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") == "strict":
            try:
                reconfigure(errors=PRINTABLE)
            except (ValueError, OSError):
                pass


def selection_options(f: Any) -> Any:
    for opt in reversed([
        click.option("--phase", "phases", multiple=True, metavar="ID", help="Only this phase (repeatable)."),
        click.option("--step", "steps", multiple=True, metavar="ID", help="Only this step (repeatable)."),
        click.option("--from", "from_step", metavar="ID", help="Start at this step."),
        click.option("--until", "until_step", metavar="ID", help="Stop after this step."),
        click.option("--no-deps", is_flag=True, help="Do not run setup steps and earlier blocking phases first."),
    ]):
        f = opt(f)
    return f


def session_options(f: Any) -> Any:
    for opt in reversed([
        click.option("--timeout", type=float, metavar="S", help="Default per-step timeout in seconds (default 60)."),
        click.option("--shell", metavar="CMD", help="Run the session through this command (e.g. 'ssh -tt host bash')."),
        click.option("--env", "env", multiple=True, metavar="K=V", help="Set a variable for the session (repeatable)."),
        click.option("--env-file", "env_files", multiple=True, metavar="PATH", help="Read variables from a dotenv file."),
        click.option("--set", "values", multiple=True, metavar="NAME=VALUE", help="Fill a placeholder (repeatable)."),
    ]):
        f = opt(f)
    return f


def selection_of(opts: dict[str, Any]) -> "Selection":
    from runbook.config import Selection

    return Selection(tuple(opts.get("phases", ())), tuple(opts.get("steps", ())), opts.get("from_step"),
                     opts.get("until_step"), bool(opts.get("no_deps")))


def warn(document: "Document") -> None:
    for w in document.warnings:
        click.echo(f"runbook: warning: {w}", err=True)


def say_kept(doc: str, kept: str | None, what: str) -> None:
    if kept is not None:
        click.echo(f"runbook: {doc} changed while runbook was running: your version is kept "
                   f"untouched; the {what} are in {kept} (merge them, or run again)", err=True)


def run_stoppable(runner: "Runner") -> "RunResult":
    """Run with SIGINT/SIGTERM/SIGHUP (Ctrl-C, a cancelled CI job, a closed terminal) turned
    into an interrupt: the step stops, teardown runs, and the runner's end-of-run cleanup
    stops every process of the run and removes its temp folders before we exit."""

    import signal

    def on_signal(signum: int, frame: object) -> None:
        first = not runner.interrupted
        runner.interrupt()
        try:
            click.echo("\nrunbook: interrupted: stopping the step, then teardown (Ctrl-C again aborts teardown)"
                       if first else "\nrunbook: second Ctrl-C: aborting teardown", err=True)
        except OSError:  # SIGHUP: the terminal may be gone
            pass

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    run_starts()  # start-up over: its objects frozen, the cycle collector as usual (runbook/collector.py)
    try:
        return runner.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def no_steps(document: "Document") -> None:
    """Exit 5 (pytest's "nothing collected"): a run with no step proves nothing, so it is no pass;
    exit 0 when the document is declared a dialect whose tool passes it (``empty_passes``)."""
    from runbook.parse.dialects import empty_passes

    if empty_passes(document):
        click.echo(f"runbook: no steps: {document.path}: nothing to run; {document.dialect} passes such a "
                   f"document and it is declared {document.dialect}'s ({document.dialect_from}): exit 0", err=True)
        sys.exit(0)
    what = "the selection matches no step" if document.steps else "the document has no step to run"
    hint = (f"read as {document.dialect}'s document, only what {document.dialect} runs is a step "
            "(docs/dialects.md)" if document.dialect else
            "a step is a fenced block tagged bash, sh, shell, zsh, console, shell-session or "
            "terminal, or an untagged block of `$ ` commands")
    click.echo(f"runbook: no steps: {document.path}: {what}; nothing was run or written\n"
               f"  hint: {hint}; `runbook list` shows what runbook found", err=True)
    sys.exit(EXIT_NO_STEPS)


def settings_for_run(document: "Document", opts: dict[str, Any], selection: "Selection") -> "Settings":
    """The project's configuration (``opts["project"]``), front matter, then the command
    line's options, validated into one Settings."""
    from runbook import config

    project = opts.get("project")
    return config.settings_for(
        document.front_matter, document.path, document.front_matter_lines,
        defaults=project.defaults() if project is not None else None, shell=opts.get("shell"),
        timeout=opts.get("timeout"), strict=bool(opts.get("strict")), fail_fast=bool(opts.get("fail_fast")),
        env=config.parse_assignments(opts.get("env", ()), "--env"), env_files=opts.get("env_files", ()),
        values=config.parse_assignments(opts.get("values", ()), "--set"), selection=selection)


def stop_if_interrupted(run: "RunResult", doc: str) -> None:
    """Say what the run had to stop; an interrupted ``update`` writes nothing (exit 130)."""
    if run.stopped_processes:
        click.echo(f"runbook: stopped {len(run.stopped_processes)} process(es) the run left running: "
                   + "; ".join(run.stopped_processes), err=True)
    if run.interrupted:
        click.echo(f"runbook: interrupted: {doc} left unchanged", err=True)
        sys.exit(EXIT_INTERRUPTED)
