"""Command line: argv -> library calls -> files and an exit status. One module per command;
heavy modules (markdown-it, pexpect, rich, even ``signal``) are imported inside the commands
that use them, so ``runbook --version`` stays fast; what a run writes is in
:mod:`runbook.outputs`."""

from __future__ import annotations

from typing import Sequence

import click

from runbook import __version__
from runbook.cli.check import check
from runbook.cli.common import printable_streams
from runbook.cli.execute import execute
from runbook.cli.listing import list_cmd
from runbook.cli.migrate import migrate
from runbook.cli.report import report
from runbook.cli.strip import strip
from runbook.cli.update import update
from runbook.cli.verify import verify
from runbook.errors import EXIT_OK, EXIT_USAGE


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="runbook", message="%(prog)s %(version)s")
def cli() -> None:
    """Make Markdown playbooks executable: run every shell step, judge it, write the verdicts back."""
    printable_streams()


for _command in (execute, list_cmd, strip, report, check, update, verify, migrate):
    cli.add_command(_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point; returns the exit status."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="runbook", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_USAGE)
    return EXIT_OK
