"""Command line: argv -> library calls -> files and an exit status. One module per command;
heavy modules (markdown-it, pexpect, rich, even ``signal``) are imported inside the commands
that use them, so ``runbook --version`` stays fast; what a run writes is in
:mod:`runbook.outputs`."""

from __future__ import annotations

import importlib
from typing import Sequence

import click

from runbook import __version__
from runbook.cli.common import printable_streams
from runbook.errors import EXIT_OK, EXIT_USAGE

COMMANDS = {"check": "check", "execute": "execute", "list": "listing", "migrate": "migrate",
            "report": "report", "strip": "strip", "update": "update", "verify": "verify"}
"""Each command's module in ``runbook.cli`` (the click object there has the module's name,
``list_cmd`` for ``list``). A command line imports only its own command's module."""


def _command(name: str) -> click.Command:
    module = COMMANDS[name]
    found = getattr(importlib.import_module(f"runbook.cli.{module}"), "list_cmd" if module == "listing" else module)
    assert isinstance(found, click.Command)
    return found


class _Commands(click.Group):
    """The group whose commands are imported when asked for (``--help`` asks for them all)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return _command(cmd_name) if cmd_name in COMMANDS else None

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in COMMANDS:  # click's error names the close ones among those registered
            for name in COMMANDS:
                self.add_command(_command(name), name)
        return super().resolve_command(ctx, args)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="runbook", message="%(prog)s %(version)s")
def cli() -> None:
    """Make Markdown playbooks executable: run every shell step, judge it, write the verdicts back."""
    printable_streams()


def main(argv: Sequence[str] | None = None) -> int:
    """Console entry point; returns the exit status."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="runbook", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_USAGE)
    return EXIT_OK
