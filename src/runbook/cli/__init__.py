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
        found, cmd, rest = super().resolve_command(ctx, args)
        return found, cmd, (long_flags(cmd, rest) if cmd is not None else rest)


def long_flags(cmd: click.Command, args: list[str]) -> list[str]:
    """``args`` with each short flag of ``cmd`` given alone (``-q``) spelled by its long name
    (``--quiet``): click tries a short option as a long one first, and the miss builds a "did
    you mean" list (importing difflib, ~0.8 ms). Only as far as every word is understood: a
    flag, an option and its value, a plain argument; from ``--``, a cluster (``-qo``), an
    unknown option or one whose value is optional (``--resume``) on, ``args`` are as given."""
    flags, valued = _option_words(cmd)
    out, i = list(args), 0
    while i < len(out):
        word = out[i]
        if word in flags:
            out[i] = flags[word]
        elif word in valued:
            i += valued[word]
        elif word.startswith("-") and word != "-" and not (word.startswith("--") and word.split("=", 1)[0] in valued):
            break  # "--", a cluster, an unknown option, an optional value: click reads the rest as given
        i += 1
    return out


def _option_words(cmd: click.Command) -> tuple[dict[str, str], dict[str, int]]:
    """``cmd``'s flag words, each with its long spelling, and the words of its options that
    always take a value, each with how many."""
    flags: dict[str, str] = {}
    valued: dict[str, int] = {}
    for p in cmd.params:
        if not isinstance(p, click.Option):
            continue
        if p.is_flag or p.count:
            for names in (p.opts, p.secondary_opts):
                spelled = next((n for n in names if n.startswith("--")), None)
                flags.update({n: spelled or n for n in names})
        elif not getattr(p, "_flag_needs_value", True):  # a value always follows
            valued.update({n: p.nargs for n in (*p.opts, *p.secondary_opts)})
    return flags, valued


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
