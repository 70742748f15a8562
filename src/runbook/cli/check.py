"""The ``check`` command: lint documents without running them."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Sequence

import click

from runbook.cli.common import STDIN_NAME, declared_of, dialect_option, fail
from runbook.cli.many import documents_of, project_of
from runbook.errors import EXIT_FAIL, EXIT_OK, EXIT_USAGE, RunbookError

if TYPE_CHECKING:
    from runbook.lint.codes import Finding
    from runbook.parse.dialects import Declared


@click.command(short_help="Lint documents without running them.")
@click.argument("docs", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("--select", "selected", multiple=True, metavar="CODES",
              help="Report only these codes or prefixes (e.g. RB1,RB401; repeatable).")
@click.option("--ignore", "ignored", multiple=True, metavar="CODES",
              help="Do not report these codes or prefixes (repeatable).")
@dialect_option
def check(docs: Sequence[str], fmt: str, selected: Sequence[str], ignored: Sequence[str], dialect: str | None) -> None:
    """Lint DOCS without running anything: incomplete steps, unchecked criteria, hazards...

    DOCS: files, folders (their *.md), or - for standard input; none: the configured paths.
    One line per finding, `path:line:col: CODE message; hint: ...`, then a summary.
    Exit 0 clean, 1 findings, 2 unreadable or unparsable input. Codes: docs/check.md.
    """
    from runbook.lint.check import parse_codes, summary_line, to_json
    from runbook.parse.pause import collector_paused

    project = project_of()
    paths = documents_of(docs, project, stdin=True)
    try:
        chosen = parse_codes(selected or project.select, "--select")
        dropped = parse_codes(ignored or project.ignore, "--ignore")
        dialects: dict[str, tuple[str, str]] = {}
        declared, default = declared_of({"dialect": dialect, "project": project})
        with collector_paused():  # the whole check, not each document's parse alone (parse/pause.py)
            findings, errors = _findings(paths, chosen, dropped, dialects, declared, default)
    except RunbookError as err:
        fail(err)
    if fmt == "json":
        click.echo(to_json(findings, errors, len(paths), dialects), nl=False)
    else:
        for path, (name, source) in dialects.items():
            said = "detected" if source == "detected" else f"declared: {source}"
            rules = "runbook's own rules" if name == "runbook" else f"{name}'s rules"
            click.echo(f"{path}: dialect: {name} ({said}; read with {rules}, docs/dialects.md)")
        for f in findings:
            click.echo(f.format())
        for _, message in errors:
            click.echo(f"runbook: error: {message}", err=True)
        click.echo(summary_line(len(findings), len({f.path for f in findings}), len(errors)))
    sys.exit(EXIT_USAGE if errors else EXIT_FAIL if findings else EXIT_OK)


def _findings(paths: Sequence[str], chosen: Sequence[str], dropped: Sequence[str],
              dialects: dict[str, tuple[str, str]], declared: Declared | None,
              default: Declared | None) -> tuple[list[Finding], list[tuple[str, str]]]:
    """The selected findings of the files and of standard input (``-``), and the unreadable files."""
    from runbook.lint.check import check_document, check_paths, select
    from runbook.source import Source

    findings, errors = check_paths([p for p in paths if p != "-"], chosen, dropped, dialects, declared, default)
    if "-" in paths:
        text = Source.from_bytes(sys.stdin.buffer.read(), STDIN_NAME).text
        findings += select(check_document(text, STDIN_NAME, declared, default), chosen, dropped)
    return findings, errors
