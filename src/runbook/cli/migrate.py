"""The ``migrate`` command: rewrite a document written for another tool in runbook's format."""

from __future__ import annotations

import click

from runbook.cli.common import fail
from runbook.errors import RunbookError

DIALECT_CHOICES = ("tesh", "byexample", "ie", "scrut", "cram")


@click.command()
@click.argument("doc", type=click.Path(dir_okay=False))
@click.option("--from", "--dialect", "source", type=click.Choice(DIALECT_CHOICES), required=True,
              help="The tool DOC was written for (docs/dialects.md); DOC is read in its dialect, as "
                   "`execute --dialect` reads it.")
@click.option("-o", "--output", "out", metavar="PATH",
              help="Where to write the result ('-' for stdout; default: foo.t -> foo.md, foo.md -> foo.runbook.md).")
def migrate(doc: str, source: str, out: str | None) -> None:
    """Rewrite DOC in runbook's own format, same verdicts.

    Written today: --from cram (prysk .t files), tesh, ie, scrut, byexample; docs/dialects.md.
    """
    import os

    from runbook.source import Source, atomic_write
    from runbook.write.migrate import migrate as rewrite

    try:
        text = rewrite(Source.read(doc).text, doc, source)
        stem, ext = os.path.splitext(doc)
        target = out or stem + (".runbook.md" if ext == ".md" else ".md")
        if target == "-":
            click.echo(text, nl=False)
            return
        if os.path.abspath(target) == os.path.abspath(doc):
            raise RunbookError(f"{target} is the document itself", hint="give another path with -o")
        atomic_write(target, text.encode("utf-8"))
    except RunbookError as err:
        fail(err)
        return
    click.echo(f"runbook: wrote {target}", err=True)
