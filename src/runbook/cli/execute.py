"""The ``execute`` command: run a document, judge it, write the results."""

from __future__ import annotations

import sys
from typing import Any

import click

from runbook.cli.common import (
    dialect_option,
    fail,
    load,
    no_steps,
    run_stoppable,
    say_kept,
    selection_of,
    selection_options,
    session_options,
    settings_for_run,
    warn,
)
from runbook.cli.many import one_or_many, say_written
from runbook.cli.confirm import confirm_options, person_in_the_loop, with_pause
from runbook.cli.trial import Trial, trial_options
from runbook.errors import EXIT_FAIL, EXIT_OK, RunbookError


@click.command(short_help="Run documents, judge each step, write the results.")
@click.argument("docs", nargs=-1, type=click.Path())
@click.option("-o", "--output", "out", metavar="PATH", help="Where to write the annotated document ('-' for stdout); default DOC.annotated.md beside DOC.")
@click.option("--in-place", is_flag=True, help="Annotate the document itself.")
@click.option("--no-annotate", is_flag=True, help="Do not write an annotated document.")
@click.option("--json", "json_path", metavar="PATH", help="Write the results as JSON (one file for all documents).")
@click.option("--junit", "junit_path", metavar="PATH", help="Write JUnit XML (a testsuite per document and phase).")
@click.option("--html", "html_path", metavar="PATH",
              help="Write a self-contained HTML report (several documents: an index linking one per document).")
@click.option("--summary", "summary_path", metavar="PATH", help="Append a Markdown summary (also $GITHUB_STEP_SUMMARY).")
@session_options
@dialect_option
@click.option("--strict", is_flag=True, help="Drift (documented output differs) fails the step.")
@click.option("-x", "--fail-fast", is_flag=True, help="Stop after the first failing step (teardown still runs).")
@click.option("-v", "--verbose", is_flag=True, help="Show every step's output, live as it runs.")
@click.option("-q", "--quiet", is_flag=True, help="Show only failures and the summary (not where files were written).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour: auto = on a terminal, unless NO_COLOR is set (FORCE_COLOR forces it).")
@click.option("--no-color", is_flag=True, help="The same as --color never.")
@selection_options
@trial_options
@confirm_options
def execute(docs: tuple[str, ...], **opts: Any) -> None:
    """Run each document's steps in one shell, judge them, write the results.

    DOCS are Markdown files or folders (every *.md in them but *.annotated.md, as the
    configured include/exclude allow; none: the configured paths). The annotated document
    goes beside each one as DOC.annotated.md unless -o, --in-place or --no-annotate.
    Several documents: one shell each, in order, a summary per document and in total,
    one combined --json/--junit/--html, and the worst exit status.

    \b
    Exit status:
      0    no step failed, errored, is manual or blocked (skips and drift allowed)
      1    at least one step failed, errored, is manual or blocked
      2    bad usage or input (the message names path:line); nothing ran
      5    no step to run: no document has one, or the selection matches none
      130  interrupted (Ctrl-C, SIGTERM, SIGHUP)
    """
    from runbook.outputs import Outputs, run_status, write_outputs
    from runbook.report.terminal import TerminalReporter, make_console
    from runbook.run.plan import build_plan

    doc = one_or_many(docs, opts)
    outputs = Outputs(doc, out=opts["out"], in_place=opts["in_place"], no_annotate=opts["no_annotate"],
                      json=opts["json_path"], junit=opts["junit_path"], html=opts["html_path"],
                      summary=opts["summary_path"])
    try:
        outputs.check()
        trial = Trial.from_opts(doc, opts, outputs)
        src, original, document = load(doc, opts)
        settings = settings_for_run(document, opts, selection=trial.selection(selection_of(opts)))
        planned = build_plan(document, settings.selection, settings.blocking).steps
        trial.prepare(document, original, settings, opts["from_step"])
        targets = trial.matrix(document)
        person = person_in_the_loop(opts, document)
    except RunbookError as err:
        fail(err)
        return
    if not planned:
        no_steps(document)
    console = make_console(sys.stderr if opts["out"] == "-" else sys.stdout, no_color=opts["no_color"],
                           color=opts["color"])
    reporter = TerminalReporter(console, quiet=opts["quiet"], verbose=opts["verbose"])
    warn(document)
    if targets:
        from runbook.cli.matrix import execute_matrix
        execute_matrix(document, settings, targets, trial.jobs, outputs, opts)
    runner = trial.runner(document, settings, observers=[*with_pause(person, reporter.pause), reporter,
                                                         *trial.observers()])
    reporter.follow(runner.masker, settings.secrets)
    try:
        run = run_stoppable(runner)
        kept = write_outputs(run, src, original, document, outputs, runner.masker,
                             then=lambda: trial.after(run, runner, original, document))
    except RunbookError as err:
        fail(err)
        return
    say_kept(doc, kept, "results")
    say_written(outputs, kept, reports=True, quiet=opts["quiet"])
    status = run_status(run)
    sys.exit(EXIT_FAIL if kept and status == EXIT_OK else status)
