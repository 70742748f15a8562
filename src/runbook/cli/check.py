"""The ``check`` command: lint documents without running them."""

from __future__ import annotations

import sys
from typing import Sequence

import click

from runbook.cli.common import fail
from runbook.errors import EXIT_FAIL, EXIT_OK, EXIT_USAGE, RunbookError


@click.command()
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
    from runbook.lint.check import check_paths, parse_codes, summary_line, to_json

    try:
        dialects: dict[str, str] = {}
        findings, errors = check_paths(docs, parse_codes(selected, "--select"), parse_codes(ignored, "--ignore"),
                                       dialects)
    except RunbookError as err:
        fail(err)
        return
    if fmt == "json":
        click.echo(to_json(findings, errors, len(docs), dialects), nl=False)
    else:
        for path, dialect in dialects.items():
            click.echo(f"{path}: dialect: {dialect} (read with {dialect}'s rules, docs/dialects.md)")
        for f in findings:
            click.echo(f.format())
        for _, message in errors:
            click.echo(f"runbook: error: {message}", err=True)
        click.echo(summary_line(len(findings), len({f.path for f in findings}), len(errors)))
    sys.exit(EXIT_USAGE if errors else EXIT_FAIL if findings else EXIT_OK)
