"""The ``list`` command: what runbook reads in a document."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

import click

from runbook.cli.common import dialect_option, fail, load, selection_of, selection_options
from runbook.cli.many import documents_of, project_of
from runbook.errors import RunbookError

if TYPE_CHECKING:
    from runbook.model import Document
    from runbook.run.plan import Plan


@click.command("list", short_help="Show the phases and steps runbook reads.")
@click.argument("docs", nargs=-1, type=click.Path(allow_dash=True))
@selection_options
@dialect_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: every step with its lines, commands, expected output and criteria (docs/format.md).")
def list_cmd(docs: Sequence[str], fmt: str, **opts: Any) -> None:
    """Show the phases and steps of each document as runbook understands them (and what a
    selection would run). DOCS: files, folders, or - for standard input."""
    from runbook.project import many

    project = project_of()
    paths = documents_of(docs, project, stdin=True)
    several = many(docs, project)
    opts["project"] = project
    listings = [_listing(path, fmt, opts, header=several) for path in paths]
    if fmt == "json" and several:
        import json

        click.echo(json.dumps({"documents": [json.loads(t) for t in listings]}, indent=2, ensure_ascii=False))
    else:
        click.echo("".join(listings), nl=False)


def _listing(doc: str, fmt: str, opts: dict[str, Any], *, header: bool) -> str:
    from runbook.parse.pause import built_then_frozen

    with built_then_frozen(lambda: _read(doc, opts)) as (document, plan):  # no pass over the parse's objects
        planned = {s.id for s in plan.steps}
        if fmt == "json":
            from runbook.report.listing import to_listing_json
            return to_listing_json(document, planned, plan.blocking)
        from runbook.report.listing import to_listing_text

        for w in document.warnings:
            click.echo(f"warning: {w}", err=True)
        return (f"== {document.path} ==\n" if header else "") + to_listing_text(document, plan) + ("\n" if header else "")


def _read(doc: str, opts: dict[str, Any]) -> tuple[Document, Plan]:
    """The document and the plan of its selection (a bad document: the CLI's error exit)."""
    from runbook import config
    from runbook.run.plan import build_plan

    try:
        _, _, document = load(doc, opts)
        settings = config.from_front_matter(document.front_matter, document.path, document.front_matter_lines)
        return document, build_plan(document, selection_of(opts), settings.blocking)
    except RunbookError as err:
        fail(err)
