"""The ``update`` command: write the actual output into the expected-output blocks."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Sequence

import click

from runbook.cli.common import (
    fail,
    load,
    run_stoppable,
    say_kept,
    session_options,
    settings_for_run,
    stop_if_interrupted,
    warn,
)
from runbook.cli.many import documents_of, project_of
from runbook.errors import EXIT_FAIL, EXIT_OK, RunbookError

if TYPE_CHECKING:
    from runbook.write.update import StepUpdate


@click.command(short_help="Write the actual output into expected-output blocks.")
@click.argument("docs", nargs=-1, type=click.Path())
@click.option("-o", "--output", "out", metavar="PATH",
              help="Write the updated document here ('-' for stdout) instead of in place.")
@click.option("--in-place", is_flag=True, help="Update DOC itself (the default).")
@click.option("--step", "steps", multiple=True, metavar="ID", help="Update only this step (repeatable).")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 if the document would change (CI, pre-commit).")
@click.option("-i", "--interactive", is_flag=True, help="Show each step's diff and ask before accepting it.")
@session_options
def update(docs: Sequence[str], **opts: Any) -> None:
    """Run each document and write the actual output into its expected-output blocks.

    Lines that still match (`...`, `(re)`, `(glob)`, literal) stay as written; only
    stale lines are replaced. Writes each document in place unless -o is given (one
    document only). DOCS: files or folders; none: the configured paths. Exit 1 when any
    document would change (--check) or was kept because it changed meanwhile.
    """
    from runbook.project import many

    project = project_of()
    paths = documents_of(docs, project)
    if opts["out"] and many(docs, project):
        fail(RunbookError(f"-o names one document, but {len(paths)} documents were given",
                          hint="leave -o out to update each document in place"))
    opts["project"] = project
    statuses = [_update_one(path, opts) for path in paths]
    sys.exit(max(statuses))


def _update_one(doc: str, opts: dict[str, Any]) -> int:
    """Update (or ``--check``) one document; its exit status."""
    from runbook import config
    from runbook.outputs import write_document
    from runbook.run.runner import Runner
    from runbook.source import check_outputs
    from runbook.write.update import apply, plan_updates

    out, steps, check_only = opts["out"], tuple(opts["steps"]), opts["check_only"]
    try:
        if opts["in_place"] and out:
            raise RunbookError("--in-place and -o are exclusive", hint="pick one destination")
        src, original, document = load(doc, opts)
        settings = settings_for_run(document, opts, selection=config.Selection(steps=steps))
        if not check_only:
            check_outputs([("-o" if out else "DOC", out or doc)])
        warn(document)
        run = run_stoppable(Runner(document, settings))
    except RunbookError as err:
        fail(err)
    stop_if_interrupted(run, doc)
    accepted = _accepted(plan_updates(original, document, run, set(steps) if steps else None), original, doc,
                         interactive=opts["interactive"] and not check_only, check_only=check_only)
    data = src.encode(apply(original, [e for u in accepted for e in u.edits]))
    if check_only:
        return _report_check(doc, original, accepted, changed=data != src.encode())
    try:
        kept = write_document(src, out or doc, data, "update")
    except RunbookError as err:
        fail(err)
    say_kept(doc, kept, "update")
    return EXIT_FAIL if kept else EXIT_OK


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


def _report_check(doc: str, original: str, accepted: Sequence["StepUpdate"], *, changed: bool) -> int:
    """``update --check``: show what would change; 1 if anything would."""
    from runbook.write.update import step_diff

    for upd in accepted:
        click.echo(step_diff(original, upd, doc), nl=False)
    click.echo(f"{doc}: {'would change' if changed else 'up to date'}", err=True)
    return EXIT_FAIL if changed else EXIT_OK
