"""The ``strip`` command: remove runbook's annotations."""

from __future__ import annotations

from typing import Sequence

import click

from runbook.cli.common import fail
from runbook.cli.many import documents_of, project_of
from runbook.errors import RunbookError


@click.command(short_help="Remove runbook's annotations, byte for byte.")
@click.argument("docs", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("-o", "--output", "out", metavar="PATH", help="Write here ('-' for stdout, the default).")
@click.option("--in-place", is_flag=True, help="Strip each document itself (needed for several documents).")
def strip(docs: Sequence[str], out: str | None, in_place: bool) -> None:
    """Remove runbook's annotations from DOCS, restoring the originals byte for byte.

    DOCS: a file or - (standard input) to standard output or -o; files and folders with --in-place.
    """
    from runbook.outputs import strip_document, strip_stdin
    from runbook.project import many

    project = project_of()
    paths = documents_of(docs, project, stdin=True)
    try:
        if many(docs, project) and not in_place:
            raise RunbookError(f"{len(paths)} documents would be written to one destination",
                               hint="add --in-place to strip each document itself")
        for path in paths:
            if path == "-":
                strip_stdin(out, in_place)
            else:
                strip_document(path, out, in_place)
    except RunbookError as err:
        fail(err)
