"""The ``strip`` command: remove runbook's annotations."""

from __future__ import annotations

import click

from runbook.cli.common import fail
from runbook.errors import RunbookError


@click.command()
@click.argument("doc", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out", metavar="PATH", help="Write here ('-' for stdout, the default).")
@click.option("--in-place", is_flag=True, help="Strip the document itself.")
def strip(doc: str, out: str | None, in_place: bool) -> None:
    """Remove runbook's annotations from DOC, restoring the original byte for byte."""
    from runbook.outputs import strip_document

    try:
        strip_document(doc, out, in_place)
    except RunbookError as err:
        fail(err)
