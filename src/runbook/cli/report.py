"""The ``report`` command: re-render the reports of an earlier run."""

from __future__ import annotations

import click

from runbook.cli.common import fail, load
from runbook.errors import RunbookError


@click.command(short_help="Re-render the reports of an earlier run.")
@click.argument("results", type=click.Path(dir_okay=False))
@click.option("--html", "html_path", metavar="PATH", help="Write a self-contained HTML report.")
@click.option("--junit", "junit_path", metavar="PATH", help="Write JUnit XML.")
@click.option("--summary", "summary_path", metavar="PATH", help="Append a Markdown summary.")
def report(results: str, html_path: str | None, junit_path: str | None, summary_path: str | None) -> None:
    """Re-render the reports of an earlier run from its RESULTS.json (one document's, or the
    combined file of several: then --html writes an index and a report per document)."""
    from runbook.outputs import rerender

    try:
        if not (html_path or junit_path or summary_path):
            raise RunbookError("no report to write", hint="add --html PATH, --junit PATH or --summary PATH")
        rerender(results, html=html_path, junit=junit_path, summary=summary_path, load=load)
    except RunbookError as err:
        fail(err)
