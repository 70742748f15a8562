"""The ``list`` command: what runbook reads in a document."""

from __future__ import annotations

from typing import Any

import click

from runbook.cli.common import fail, load, selection_of, selection_options
from runbook.errors import RunbookError


@click.command("list")
@click.argument("doc", type=click.Path(dir_okay=False))
@selection_options
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: every step with its lines, commands, expected output and criteria (docs/format.md).")
def list_cmd(doc: str, fmt: str, **opts: Any) -> None:
    """Show the phases and steps of DOC as runbook understands them (and what a selection runs)."""
    from runbook import config
    from runbook.run.plan import build_plan

    try:
        _, _, document = load(doc)
        settings = config.from_front_matter(document.front_matter, doc, document.front_matter_lines)
        plan = build_plan(document, selection_of(opts), settings.blocking)
    except RunbookError as err:
        fail(err)
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
