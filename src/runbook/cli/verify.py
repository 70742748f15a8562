"""The ``verify`` command: check an evidence bundle against its manifest."""

from __future__ import annotations

import sys

import click

from runbook.errors import EXIT_FAIL, EXIT_OK


@click.command(short_help="Check an evidence bundle against its manifest.")
@click.argument("bundle", type=click.Path(exists=True, file_okay=False))
def verify(bundle: str) -> None:
    """Check that every file of BUNDLE (written by `execute --bundle`) is as its manifest says.

    \b
    Exit status:
      0    every file matches MANIFEST.sha256
      1    a file differs, is missing or is not listed (each one is named)
    """
    from runbook.report.manifest import verify as check

    problems = check(bundle)
    for p in problems:
        click.echo(f"runbook: verify: {p}", err=True)
    if not problems:
        click.echo(f"runbook: {bundle}: every file matches the manifest")
    sys.exit(EXIT_FAIL if problems else EXIT_OK)
