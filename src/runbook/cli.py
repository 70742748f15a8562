"""Command line: argv -> library calls -> files and an exit status. Heavy modules
(markdown-it, pexpect, rich, even ``signal``) are imported inside the commands that use
them, so ``runbook --version`` stays fast; what a run writes is in :mod:`runbook.outputs`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Sequence

import click

from runbook import __version__
from runbook.errors import (
    EXIT_FAIL,
    EXIT_INTERRUPTED,
    EXIT_NO_STEPS,
    EXIT_OK,
    EXIT_USAGE,
    RunbookError,
)
from runbook.source import PRINTABLE

if TYPE_CHECKING:
    from runbook.config import Selection, Settings
    from runbook.model import Document, RunResult
    from runbook.run.runner import Runner
    from runbook.source import Source
    from runbook.write.update import StepUpdate



def _fail(err: RunbookError) -> None:
    click.echo(f"runbook: error: {err}", err=True)
    sys.exit(EXIT_USAGE)


def load(path: str) -> tuple["Source", str, "Document"]:
    from runbook.outputs import load_document

    return load_document(path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="runbook", message="%(prog)s %(version)s")
def cli() -> None:
    """Make Markdown playbooks executable: run every shell step, judge it, write the verdicts back."""
    _printable_streams()


def _printable_streams() -> None:
    """Text with bytes that were not UTF-8 (documents, output) must print, never raise."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") == "strict":
            try:
                reconfigure(errors=PRINTABLE)
            except (ValueError, OSError):
                pass


def _selection_options(f: Any) -> Any:
    for opt in reversed([
        click.option("--phase", "phases", multiple=True, metavar="ID", help="Run only this phase (repeatable)."),
        click.option("--step", "steps", multiple=True, metavar="ID", help="Run only this step (repeatable)."),
        click.option("--from", "from_step", metavar="ID", help="Start at this step."),
        click.option("--until", "until_step", metavar="ID", help="Stop after this step."),
        click.option("--no-deps", is_flag=True, help="Do not run setup steps and earlier blocking phases first."),
    ]):
        f = opt(f)
    return f


def _session_options(f: Any) -> Any:
    for opt in reversed([
        click.option("--timeout", type=float, metavar="S", help="Default per-step timeout in seconds (default 60)."),
        click.option("--shell", metavar="CMD", help="Run the session through this command (e.g. 'ssh -tt host bash')."),
        click.option("--env", "env", multiple=True, metavar="K=V", help="Set a variable for the session (repeatable)."),
        click.option("--env-file", "env_files", multiple=True, metavar="PATH", help="Read variables from a dotenv file."),
        click.option("--set", "values", multiple=True, metavar="NAME=VALUE", help="Fill a placeholder (repeatable)."),
    ]):
        f = opt(f)
    return f


@cli.command()
@click.argument("doc", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", metavar="PATH", help="Where to write the annotated document ('-' for stdout).")
@click.option("--in-place", is_flag=True, help="Annotate the document itself.")
@click.option("--no-annotate", is_flag=True, help="Do not write an annotated document.")
@click.option("--json", "json_path", metavar="PATH", help="Write machine-readable results (spec §8).")
@click.option("--junit", "junit_path", metavar="PATH", help="Write JUnit XML.")
@click.option("--html", "html_path", metavar="PATH", help="Write a self-contained HTML report.")
@click.option("--summary", "summary_path", metavar="PATH", help="Append a Markdown summary (also $GITHUB_STEP_SUMMARY).")
@_session_options
@click.option("--strict", is_flag=True, help="Drift (documented output differs) fails the step.")
@click.option("-x", "--fail-fast", is_flag=True, help="Stop after the first failing step (teardown still runs).")
@click.option("-v", "--verbose", is_flag=True, help="Show every step's output.")
@click.option("-q", "--quiet", is_flag=True, help="Show only failures and the summary.")
@click.option("--no-color", is_flag=True, help="Plain output without colour.")
@_selection_options
def execute(doc: str, **opts: Any) -> None:
    """Run DOC's steps in one shell, judge them, write the results.

    \b
    Exit status:
      0    no step failed, errored, is manual or blocked (skips and drift allowed)
      1    at least one step failed, errored, is manual or blocked
      2    bad usage or input (the message names path:line); nothing ran
      5    no step to run: DOC has none, or the selection matches none
      130  interrupted (Ctrl-C, SIGTERM, SIGHUP)
    """
    from runbook.outputs import Outputs, run_status, write_outputs
    from runbook.report.terminal import TerminalReporter, make_console
    from runbook.run.plan import build_plan
    from runbook.run.runner import Runner

    outputs = Outputs(doc, out=opts["out"], in_place=opts["in_place"], no_annotate=opts["no_annotate"],
                      json=opts["json_path"], junit=opts["junit_path"], html=opts["html_path"],
                      summary=opts["summary_path"])
    try:
        outputs.check()
        src, original, document = load(doc)
        settings = _settings(document, opts, selection=_selection(opts))
        planned = build_plan(document, settings.selection, settings.blocking).steps
    except RunbookError as err:
        _fail(err)
        return
    if not planned:
        _no_steps(document)
    console = make_console(sys.stderr if opts["out"] == "-" else sys.stdout, no_color=opts["no_color"])
    _warn(document)
    runner = Runner(document, settings,
                    observers=[TerminalReporter(console, quiet=opts["quiet"], verbose=opts["verbose"])])
    try:
        run = _run_stoppable(runner)
        kept = write_outputs(run, src, original, document, outputs, runner.masker)
    except RunbookError as err:
        _fail(err)
        return
    _say_kept(doc, kept, "results")
    status = run_status(run)
    sys.exit(EXIT_FAIL if kept and status == EXIT_OK else status)


def _selection(opts: dict[str, Any]) -> "Selection":
    from runbook.config import Selection

    return Selection(tuple(opts.get("phases", ())), tuple(opts.get("steps", ())), opts.get("from_step"),
                     opts.get("until_step"), bool(opts.get("no_deps")))


def _warn(document: "Document") -> None:
    for w in document.warnings:
        click.echo(f"runbook: warning: {w}", err=True)


def _say_kept(doc: str, kept: str | None, what: str) -> None:
    if kept is not None:
        click.echo(f"runbook: {doc} changed while runbook was running: your version is kept "
                   f"untouched; the {what} are in {kept} (merge them, or run again)", err=True)


def _run_stoppable(runner: "Runner") -> "RunResult":
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
    try:
        return runner.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _no_steps(document: "Document") -> None:
    """Exit 5 (pytest's "nothing collected"): a run with no step proves nothing, so it is no pass."""
    what = "the selection matches no step" if document.steps else "the document has no step to run"
    click.echo(f"runbook: no steps: {document.path}: {what}; nothing was run or written\n"
               "  hint: a step is a fenced block tagged bash, sh, shell, zsh, console, shell-session or "
               "terminal, or an untagged block of `$ ` commands; `runbook list` shows what runbook found",
               err=True)
    sys.exit(EXIT_NO_STEPS)


def _settings(document: "Document", opts: dict[str, Any], selection: "Selection") -> "Settings":
    """Front matter, then the command line's options, validated into one Settings."""
    from runbook import config

    return config.settings_for(
        document.front_matter, document.path, document.front_matter_lines, shell=opts.get("shell"),
        timeout=opts.get("timeout"), strict=bool(opts.get("strict")), fail_fast=bool(opts.get("fail_fast")),
        env=config.parse_assignments(opts.get("env", ()), "--env"), env_files=opts.get("env_files", ()),
        values=config.parse_assignments(opts.get("values", ()), "--set"), selection=selection)


@cli.command("list")
@click.argument("doc", type=click.Path(dir_okay=False))
@_selection_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: every step with its lines, commands, expected output and criteria (docs/format.md).")
def list_cmd(doc: str, fmt: str, **opts: Any) -> None:
    """Show the phases and steps of DOC as runbook understands them (and what a selection runs)."""
    from runbook import config
    from runbook.run.plan import build_plan

    try:
        _, _, document = load(doc)
        settings = config.from_front_matter(document.front_matter, doc, document.front_matter_lines)
        plan = build_plan(document, _selection(opts), settings.blocking)
    except RunbookError as err:
        _fail(err)
        return
    planned = {s.id for s in plan.steps}
    if fmt == "json":
        from runbook.report.listing import to_listing_json
        click.echo(to_listing_json(document, planned, plan.blocking), nl=False)
        return
    from runbook.report.listing import to_listing_text

    for w in document.warnings:
        click.echo(f"warning: {w}", err=True)
    click.echo(to_listing_text(document, plan), nl=False)


@cli.command()
@click.argument("doc", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", metavar="PATH", help="Write here ('-' for stdout, the default).")
@click.option("--in-place", is_flag=True, help="Strip the document itself.")
def strip(doc: str, out: str | None, in_place: bool) -> None:
    """Remove runbook's annotations from DOC, restoring the original byte for byte."""
    from runbook.outputs import strip_document

    try:
        strip_document(doc, out, in_place)
    except RunbookError as err:
        _fail(err)


@cli.command()
@click.argument("results", type=click.Path(dir_okay=False))
@click.option("--html", "html_path", metavar="PATH", help="Write a self-contained HTML report.")
@click.option("--junit", "junit_path", metavar="PATH", help="Write JUnit XML.")
@click.option("--summary", "summary_path", metavar="PATH", help="Append a Markdown summary.")
def report(results: str, html_path: str | None, junit_path: str | None, summary_path: str | None) -> None:
    """Re-render the reports of an earlier run from its RESULTS.json."""
    from runbook.outputs import rerender

    try:
        rerender(results, html=html_path, junit=junit_path, summary=summary_path, load=load)
    except RunbookError as err:
        _fail(err)


@cli.command()
@click.argument("docs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("--select", "selected", multiple=True, metavar="CODES",
              help="Report only these codes or prefixes (e.g. RB1,RB401; repeatable).")
@click.option("--ignore", "ignored", multiple=True, metavar="CODES",
              help="Do not report these codes or prefixes (repeatable).")
def check(docs: Sequence[str], fmt: str, selected: Sequence[str], ignored: Sequence[str]) -> None:
    """Lint DOCS without running anything: incomplete steps, unchecked criteria, hazards...

    One line per finding, `path:line:col: CODE message; hint: ...`, then a summary.
    Exit 0 clean, 1 findings, 2 unreadable or unparsable input. Codes: docs/check.md.
    """
    from runbook.lint.check import check_paths, parse_codes, summary_line, to_json

    try:
        findings, errors = check_paths(docs, parse_codes(selected, "--select"), parse_codes(ignored, "--ignore"))
    except RunbookError as err:
        _fail(err)
        return
    if fmt == "json":
        click.echo(to_json(findings, errors, len(docs)), nl=False)
    else:
        for f in findings:
            click.echo(f.format())
        for _, message in errors:
            click.echo(f"runbook: error: {message}", err=True)
        click.echo(summary_line(len(findings), len({f.path for f in findings}), len(errors)))
    sys.exit(EXIT_USAGE if errors else EXIT_FAIL if findings else EXIT_OK)


@cli.command()
@click.argument("doc", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", metavar="PATH",
              help="Write the updated document here ('-' for stdout) instead of in place.")
@click.option("--in-place", is_flag=True, help="Update DOC itself (the default).")
@click.option("--step", "steps", multiple=True, metavar="ID", help="Update only this step (repeatable).")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if the document would change (CI, pre-commit).")
@click.option("-i", "--interactive", is_flag=True, help="Show each step's diff and ask before accepting it.")
@_session_options
def update(doc: str, **opts: Any) -> None:
    """Run DOC and write the actual output into its expected-output blocks.

    Lines that still match (`...`, `(re)`, `(glob)`, literal) stay as written; only
    stale lines are replaced. Writes DOC in place unless -o is given.
    """
    from runbook import config
    from runbook.outputs import write_document
    from runbook.run.runner import Runner
    from runbook.source import check_outputs
    from runbook.write.update import apply, plan_updates

    out, steps, check_only = opts["out"], tuple(opts["steps"]), opts["check_only"]
    try:
        if opts["in_place"] and out:
            raise RunbookError("--in-place and -o are exclusive", hint="pick one destination")
        src, original, document = load(doc)
        settings = _settings(document, opts, selection=config.Selection(steps=steps))
        if not check_only:
            check_outputs([("-o" if out else "DOC", out or doc)])
        _warn(document)
        run = _run_stoppable(Runner(document, settings))
    except RunbookError as err:
        _fail(err)
        return
    _stop_if_interrupted(run, doc)
    accepted = _accepted(plan_updates(original, document, run, set(steps) if steps else None), original, doc,
                         interactive=opts["interactive"] and not check_only, check_only=check_only)
    data = src.encode(apply(original, [e for u in accepted for e in u.edits]))
    if check_only:
        _report_check(doc, original, accepted, changed=data != src.encode())
    try:
        kept = write_document(src, out or doc, data, "update")
    except RunbookError as err:
        _fail(err)
        return
    _say_kept(doc, kept, "update")
    sys.exit(EXIT_FAIL if kept else EXIT_OK)


def _stop_if_interrupted(run: "RunResult", doc: str) -> None:
    """Say what the run had to stop; an interrupted ``update`` writes nothing (exit 130)."""
    if run.stopped_processes:
        click.echo(f"runbook: stopped {len(run.stopped_processes)} process(es) the run left running: "
                   + "; ".join(run.stopped_processes), err=True)
    if run.interrupted:
        click.echo(f"runbook: interrupted: {doc} left unchanged", err=True)
        sys.exit(EXIT_INTERRUPTED)


def _accepted(updates: Sequence["StepUpdate"], original: str, doc: str, *, interactive: bool,
              check_only: bool) -> list["StepUpdate"]:
    """The updates to apply: every changed one, or those a person accepts (``-i``)."""
    from runbook.write.update import step_diff

    accepted = []
    for upd in updates:
        if upd.note:
            click.echo(f"{upd.step_id}: {upd.note}", err=True)
        if not upd.changed:
            continue
        if interactive:
            click.echo(step_diff(original, upd, doc), nl=False)
            answer = click.prompt(f"accept the new output of {upd.step_id}? [y/n/q]",
                                  type=click.Choice(["y", "n", "q"]), show_choices=False, default="n")
            if answer == "q":
                break
            if answer == "n":
                continue
        accepted.append(upd)
        click.echo(f"{upd.step_id}: {'would update' if check_only else 'updated'}", err=True)
    return accepted


def _report_check(doc: str, original: str, accepted: Sequence["StepUpdate"], *, changed: bool) -> None:
    """``update --check``: show what would change and exit 1 if anything would."""
    from runbook.write.update import step_diff

    for upd in accepted:
        click.echo(step_diff(original, upd, doc), nl=False)
    click.echo(f"{doc}: {'would change' if changed else 'up to date'}", err=True)
    sys.exit(EXIT_FAIL if changed else EXIT_OK)


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point; returns the exit status."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="runbook", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_USAGE)
    return EXIT_OK
