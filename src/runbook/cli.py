"""Command line: argv -> library calls -> files and an exit status (spec §8).

Heavy modules (markdown-it, pexpect, rich), and even ``signal`` and ``pathlib``, are
imported inside the commands that use them so ``runbook --version`` stays fast.
"""

from __future__ import annotations

import codecs
import os
import sys
from typing import TYPE_CHECKING, Any, Sequence

import click

from runbook import __version__
from runbook.errors import RunbookError

if TYPE_CHECKING:
    from runbook.config import Selection, Settings
    from runbook.model import Document, RunResult
    from runbook.run.runner import Runner
    from runbook.source import Source

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_NO_STEPS, EXIT_INTERRUPTED = 0, 1, 2, 5, 130


def _fail(err: RunbookError) -> None:
    click.echo(f"runbook: error: {err}", err=True)
    sys.exit(EXIT_USAGE)


def load(path: str) -> tuple["Source", str, "Document"]:
    """Read a document, drop earlier annotations, parse it (errors raise)."""
    from runbook.parse.markdown import parse_document
    from runbook.source import Source
    from runbook.write.annotate import strip

    src = Source.read(path)
    original = strip(src.text, path)
    return src, original, parse_document(original, path)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="runbook", message="%(prog)s %(version)s")
def cli() -> None:
    """Make Markdown playbooks executable: run every shell step, judge it, write the verdicts back."""
    _printable_streams()


def _printable(err: UnicodeError) -> tuple[str, int]:
    """Encoding error handler: an undecodable byte (a lone surrogate) is shown as ``\\xNN``."""
    if not isinstance(err, UnicodeEncodeError):
        raise err
    bad = err.object[err.start:err.end]
    return "".join(f"\\x{ord(c) - 0xDC00:02x}" if 0xDC80 <= ord(c) <= 0xDCFF else f"\\u{ord(c):04x}"
                   for c in bad), err.end


PRINTABLE = "runbook-printable"
"""Encoding error handler for everything the CLI prints or appends: never raises on text
holding bytes that were not UTF-8 (documents, output)."""
codecs.register_error(PRINTABLE, _printable)


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


@cli.command()
@click.argument("doc", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", metavar="PATH", help="Where to write the annotated document ('-' for stdout).")
@click.option("--in-place", is_flag=True, help="Annotate the document itself.")
@click.option("--no-annotate", is_flag=True, help="Do not write an annotated document.")
@click.option("--json", "json_path", metavar="PATH", help="Write machine-readable results (spec §8).")
@click.option("--junit", "junit_path", metavar="PATH", help="Write JUnit XML.")
@click.option("--html", "html_path", metavar="PATH", help="Write a self-contained HTML report.")
@click.option("--summary", "summary_path", metavar="PATH", help="Append a Markdown summary (also $GITHUB_STEP_SUMMARY).")
@click.option("--timeout", type=float, metavar="S", help="Default per-step timeout in seconds (default 60).")
@click.option("--shell", metavar="CMD", help="Run the session through this command (e.g. 'ssh -tt host bash').")
@click.option("--env", "env", multiple=True, metavar="K=V", help="Set a variable for the session (repeatable).")
@click.option("--env-file", "env_files", multiple=True, metavar="PATH", help="Read variables from a dotenv file.")
@click.option("--set", "values", multiple=True, metavar="NAME=VALUE", help="Fill a placeholder (repeatable).")
@click.option("--strict", is_flag=True, help="Drift (documented output differs) fails the step.")
@click.option("-x", "--fail-fast", is_flag=True, help="Stop after the first failing step (teardown still runs).")
@click.option("-v", "--verbose", is_flag=True, help="Show every step's output.")
@click.option("-q", "--quiet", is_flag=True, help="Show only failures and the summary.")
@click.option("--no-color", is_flag=True, help="Plain output without colour.")
@_selection_options
def execute(doc: str, out: str | None, in_place: bool, no_annotate: bool, json_path: str | None,
            junit_path: str | None, html_path: str | None, summary_path: str | None,
            timeout: float | None, shell: str | None, env: Sequence[str], env_files: Sequence[str],
            values: Sequence[str], strict: bool, fail_fast: bool, verbose: bool, quiet: bool,
            no_color: bool, phases: Sequence[str], steps: Sequence[str], from_step: str | None,
            until_step: str | None, no_deps: bool) -> None:
    """Run DOC's steps in one shell, judge them, write the results.

    \b
    Exit status:
      0    no step failed, errored, is manual or blocked (skips and drift allowed)
      1    at least one step failed, errored, is manual or blocked
      2    bad usage or input (the message names path:line); nothing ran
      5    no step to run: DOC has none, or the selection matches none
      130  interrupted (Ctrl-C, SIGTERM, SIGHUP)
    """
    from runbook import config
    from runbook.report.terminal import TerminalReporter, make_console
    from runbook.run.plan import build_plan
    from runbook.run.runner import Runner
    from runbook.source import check_outputs

    try:
        if in_place and out:
            raise RunbookError("--in-place and -o are exclusive", hint="pick one destination")
        src, original, document = load(doc)
        settings = _settings(document, timeout=timeout, shell=shell, env=env, env_files=env_files,
                             values=values, strict=strict, fail_fast=fail_fast,
                             selection=config.Selection(tuple(phases), tuple(steps), from_step,
                                                        until_step, no_deps))
        planned = build_plan(document, settings.selection, settings.blocking).steps
        annotated = None if no_annotate or out == "-" else (doc if in_place else out or _annotated_path(doc))
        check_outputs([("-o", annotated)])
        check_outputs([("--json", json_path), ("--junit", junit_path), ("--html", html_path)],
                      [("--summary", summary_path), ("$GITHUB_STEP_SUMMARY", os.environ.get("GITHUB_STEP_SUMMARY"))],
                      protect=[doc])
    except RunbookError as err:
        _fail(err)
        return
    if not planned:
        _no_steps(document)
    to_stdout = out == "-"
    console = make_console(sys.stderr if to_stdout else sys.stdout, no_color=no_color)
    for w in document.warnings:
        click.echo(f"runbook: warning: {w}", err=True)
    runner = Runner(document, settings, observers=[TerminalReporter(console, quiet=quiet, verbose=verbose)])
    try:
        run = _run_stoppable(runner)
    except RunbookError as err:
        _fail(err)
        return
    status = exit_status(run)
    try:
        kept = _write_outputs(run, src, original, document, out=out, in_place=in_place, no_annotate=no_annotate,
                              json_path=json_path, junit_path=junit_path, html_path=html_path,
                              summary_path=summary_path, masker=runner.masker)
    except RunbookError as err:
        _fail(err)
    sys.exit(EXIT_FAIL if kept and status == EXIT_OK else status)


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


def _settings(document: "Document", *, timeout: float | None, shell: str | None, env: Sequence[str],
              env_files: Sequence[str], values: Sequence[str], selection: "Selection",
              strict: bool = False, fail_fast: bool = False) -> "Settings":
    """Front matter, then the command line's options, validated into one Settings."""
    from runbook import config

    return config.settings_for(
        document.front_matter, document.path, document.front_matter_lines, shell=shell, timeout=timeout,
        strict=strict, fail_fast=fail_fast, env=config.parse_assignments(env, "--env"), env_files=env_files,
        values=config.parse_assignments(values, "--set"), selection=selection)


def exit_status(run: "RunResult") -> int:
    """Spec §8: 130 interrupted, 1 when any step failed/errored/is manual/blocked, else 0."""
    from runbook.model import FAILING

    if run.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAIL if any(r.status in FAILING for r in run.steps) else EXIT_OK


def write_document(src: "Source", target: str, data: bytes, what: str) -> bool:
    """Write ``data`` to ``target``; say so when the document changed meanwhile (True: kept)."""
    from runbook.source import write_beside_if_changed

    other = write_beside_if_changed(src, target, data, f"runbook-{what}")
    if other is not None:
        click.echo(f"runbook: {src.path} changed while runbook was running: your version is kept "
                   f"untouched; the {what} are in {other} (merge them, or run again)", err=True)
    return other is not None


def _write_outputs(run: "RunResult", src: "Source", original: str, document: "Document", *, out: str | None,
                   in_place: bool, no_annotate: bool, json_path: str | None, junit_path: str | None,
                   html_path: str | None, summary_path: str | None, masker: Any) -> bool:
    """Write every output; True when the document changed meanwhile and was kept."""
    from runbook.source import atomic_write, encode
    from runbook.write.annotate import annotate

    kept = False
    if not no_annotate:
        text = annotate(original, document, run)
        data = src.encode(text)
        if out == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            kept = write_document(src, src.path if in_place else out or _annotated_path(src.path), data, "results")
    if json_path:
        from runbook.report.json import to_json
        atomic_write(json_path, encode(to_json(run)))
    if junit_path:
        from runbook.report.junit import to_junit
        atomic_write(junit_path, encode(to_junit(run)))
    if html_path:
        from runbook.report.html import to_html
        atomic_write(html_path, encode(to_html(run, masker(original), document)))
    summary_targets = [p for p in (summary_path, os.environ.get("GITHUB_STEP_SUMMARY")) if p]
    if summary_targets:
        from runbook.report.summary import to_markdown_summary
        md = to_markdown_summary(run)
        for p in summary_targets:
            try:
                with open(p, "a", encoding="utf-8", errors=PRINTABLE) as fh:
                    fh.write(md)
            except OSError as exc:
                raise RunbookError(f"cannot append the summary: {exc.strerror}", where=p) from None
    return kept


def _annotated_path(path: str) -> str:
    """``doc.md`` -> ``doc.annotated.md``; an annotated document is refreshed where it is."""
    from pathlib import Path

    p = Path(path)
    if p.name.endswith(".annotated.md"):
        return str(p)
    return str(p.with_name(p.stem + ".annotated.md"))


@cli.command("list")
@click.argument("doc", type=click.Path(dir_okay=False))
@_selection_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: every step with its lines, commands, expected output and criteria (docs/format.md).")
def list_cmd(doc: str, phases: Sequence[str], steps: Sequence[str], from_step: str | None,
             until_step: str | None, no_deps: bool, fmt: str) -> None:
    """Show the phases and steps of DOC as runbook understands them (and what a selection runs)."""
    from runbook import config
    from runbook.judge.criteria import clause_summary
    from runbook.run.plan import build_plan

    try:
        _, _, document = load(doc)
        settings = config.from_front_matter(document.front_matter, doc, document.front_matter_lines)
        plan = build_plan(document, config.Selection(tuple(phases), tuple(steps), from_step, until_step,
                                                      no_deps), settings.blocking)
    except RunbookError as err:
        _fail(err)
        return
    planned = {s.id for s in plan.steps}
    if fmt == "json":
        from runbook.report.listing import to_listing_json
        click.echo(to_listing_json(document, planned, plan.blocking), nl=False)
        return
    for w in document.warnings:
        click.echo(f"warning: {w}", err=True)
    for phase in document.phases:
        flag = " [blocking]" if phase.id in plan.blocking else ""
        click.echo(f"phase {phase.id}: {phase.title}{flag}")
        for s in phase.steps:
            mark = "*" if s.id in planned else " "
            role = f" [{s.role}]" if s.role != "step" else ""
            extra = f" (skip: {s.skip_reason})" if s.skip_reason else ""
            click.echo(f" {mark} {s.id:10} line {s.line:<5} {s.lang or '-':8} {s.title}{role}{extra}")
            for c in s.commands:
                first = c.text.splitlines()[0] if c.text else ""
                click.echo(f"       $ {first}" + (" …" if "\n" in c.text else ""))
                if c.expected is not None:
                    e = c.expected
                    tag = f"expected ({e.origin}, {e.mode.value}{', illustrative' if e.illustrative else ''})"
                    click.echo(f"         {tag}: {len(e.text.splitlines())} line(s)")
            for crit in s.criteria:
                label = "FAIL if" if crit.negated else "PASS if"
                for cl in crit.clauses:
                    click.echo(f"         {label}: {clause_summary(cl)}")
            if s.placeholders:
                click.echo(f"         needs input: {', '.join(s.placeholders)}")
    if plan.teardown or plan.setup:
        click.echo(f"setup: {', '.join(s.id for s in plan.setup) or '-'}; "
                   f"teardown: {', '.join(s.id for s in plan.teardown) or '-'}")
    click.echo(f"{len(planned)} of {len(document.steps)} steps would run")


@cli.command()
@click.argument("doc", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", metavar="PATH", help="Write here ('-' for stdout, the default).")
@click.option("--in-place", is_flag=True, help="Strip the document itself.")
def strip(doc: str, out: str | None, in_place: bool) -> None:
    """Remove runbook's annotations from DOC, restoring the original byte for byte."""
    from runbook.source import Source, atomic_write, check_outputs
    from runbook.write.annotate import strip as strip_text

    try:
        if in_place and out:
            raise RunbookError("--in-place and -o are exclusive", hint="pick one destination")
        check_outputs([("-o", out)])
        src = Source.read(doc)
        data = src.encode(strip_text(src.text, doc))
        if in_place:
            atomic_write(doc, data, expect=src.encode())
        elif out and out != "-":
            atomic_write(out, data, mode_from=doc)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
    except RunbookError as err:
        _fail(err)


@cli.command()
@click.argument("results", type=click.Path(dir_okay=False))
@click.option("--html", "html_path", metavar="PATH", help="Write a self-contained HTML report.")
@click.option("--junit", "junit_path", metavar="PATH", help="Write JUnit XML.")
@click.option("--summary", "summary_path", metavar="PATH", help="Append a Markdown summary.")
def report(results: str, html_path: str | None, junit_path: str | None, summary_path: str | None) -> None:
    """Re-render the reports of an earlier run from its RESULTS.json."""
    import json
    from pathlib import Path

    from runbook.report.json import from_dict
    from runbook.source import atomic_write, check_outputs, encode

    try:
        check_outputs([("--html", html_path), ("--junit", junit_path)], [("--summary", summary_path)],
                      protect=[results])
        try:
            data = json.loads(Path(results).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RunbookError(f"cannot read results: {exc}", where=results,
                               hint="pass the file written by `runbook execute --json`") from None
        run = from_dict(data)
        if html_path:
            from runbook.report.html import to_html
            doc_text = document = None
            try:
                _, doc_text, document = load(run.document)
            except RunbookError:
                pass
            atomic_write(html_path, encode(to_html(run, doc_text, document)))
        if junit_path:
            from runbook.report.junit import to_junit
            atomic_write(junit_path, encode(to_junit(run)))
        if summary_path:
            from runbook.report.summary import to_markdown_summary
            try:
                with open(summary_path, "a", encoding="utf-8", errors=PRINTABLE) as fh:
                    fh.write(to_markdown_summary(run))
            except OSError as exc:
                raise RunbookError(f"cannot append the summary: {exc.strerror}", where=summary_path) from None
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
    from runbook.lint.check import (
        check_document,
        parse_codes,
        select,
        summary_line,
        to_json,
    )
    from runbook.source import Source

    try:
        sel = parse_codes(selected, "--select")
        ign = parse_codes(ignored, "--ignore")
    except RunbookError as err:
        _fail(err)
        return
    findings = []
    errors: list[tuple[str, str]] = []
    for doc in docs:
        try:
            src = Source.read(doc)
            findings += select(check_document(src.text, doc), sel, ign)
        except RunbookError as err:
            errors.append((doc, str(err)))
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
@click.option("--timeout", type=float, metavar="S", help="Default per-step timeout in seconds (default 60).")
@click.option("--shell", metavar="CMD", help="Run the session through this command.")
@click.option("--env", "env", multiple=True, metavar="K=V", help="Set a variable for the session (repeatable).")
@click.option("--env-file", "env_files", multiple=True, metavar="PATH", help="Read variables from a dotenv file.")
@click.option("--set", "values", multiple=True, metavar="NAME=VALUE", help="Fill a placeholder (repeatable).")
def update(doc: str, out: str | None, in_place: bool, steps: Sequence[str], check_only: bool,
           interactive: bool, timeout: float | None, shell: str | None, env: Sequence[str],
           env_files: Sequence[str], values: Sequence[str]) -> None:
    """Run DOC and write the actual output into its expected-output blocks.

    Lines that still match (`...`, `(re)`, `(glob)`, literal) stay as written; only
    stale lines are replaced. Writes DOC in place unless -o is given.
    """
    from runbook import config
    from runbook.run.runner import Runner
    from runbook.source import check_outputs
    from runbook.write.update import apply, plan_updates, step_diff

    if in_place and out:
        _fail(RunbookError("--in-place and -o are exclusive", hint="pick one destination"))
    try:
        src, original, document = load(doc)
        settings = _settings(document, timeout=timeout, shell=shell, env=env, env_files=env_files,
                             values=values, selection=config.Selection(steps=tuple(steps)))
        if not check_only:
            check_outputs([("-o" if out else "DOC", out or doc)])
        for w in document.warnings:
            click.echo(f"runbook: warning: {w}", err=True)
        run = _run_stoppable(Runner(document, settings))
    except RunbookError as err:
        _fail(err)
        return
    if run.stopped_processes:
        click.echo(f"runbook: stopped {len(run.stopped_processes)} process(es) the run left running: "
                   + "; ".join(run.stopped_processes), err=True)
    if run.interrupted:
        click.echo(f"runbook: interrupted: {doc} left unchanged", err=True)
        sys.exit(EXIT_INTERRUPTED)
    updates = plan_updates(original, document, run, set(steps) if steps else None)
    accepted = []
    for upd in updates:
        if upd.note:
            click.echo(f"{upd.step_id}: {upd.note}", err=True)
        if not upd.changed:
            continue
        if interactive and not check_only:
            click.echo(step_diff(original, upd, doc), nl=False)
            answer = click.prompt(f"accept the new output of {upd.step_id}? [y/n/q]",
                                  type=click.Choice(["y", "n", "q"]), show_choices=False, default="n")
            if answer == "q":
                break
            if answer == "n":
                continue
        accepted.append(upd)
        click.echo(f"{upd.step_id}: {'would update' if check_only else 'updated'}", err=True)
    new_text = apply(original, [e for u in accepted for e in u.edits])
    data = src.encode(new_text)
    if check_only:
        changed = data != src.encode()
        for upd in accepted:
            click.echo(step_diff(original, upd, doc), nl=False)
        click.echo(f"{doc}: {'would change' if changed else 'up to date'}", err=True)
        sys.exit(EXIT_FAIL if changed else EXIT_OK)
    kept = False
    try:
        if out == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            kept = write_document(src, out or doc, data, "update")
    except RunbookError as err:
        _fail(err)
    sys.exit(EXIT_FAIL if kept else EXIT_OK)


@cli.command()
@click.option("--path", "show_path", is_flag=True, help="Print where the installed schema file is instead of its text.")
def schema(show_path: bool) -> None:
    """Print the JSON schema of `execute --json` results (shipped inside the package)."""
    from importlib.resources import as_file, files

    res = files("runbook.report").joinpath("results.schema.json")
    if show_path:
        with as_file(res) as real:
            click.echo(str(real))
        return
    click.echo(res.read_text(encoding="utf-8"), nl=False)


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point; returns the exit status."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="runbook", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_USAGE)
    return EXIT_OK
