"""What the judge and the reports see of a command: its output cleaned and masked, its
documented expected output masked the same way, and the room its output may take.

Both sides are compared masked (spec §3), so a documented secret never leaks in a diff;
output is cleaned once, here, before judging (ANSI removed, CR/CRLF folded).
"""

from __future__ import annotations

import dataclasses

from runbook.judge.normalise import fold_carriage_returns, strip_ansi
from runbook.judge.verdict import CommandRun
from runbook.model import Command, Execution, MatchMode, Output
from runbook.run.mask import MASK, Masker

MAX_CAP = 128_000_000
"""Largest per-step output kept in memory to compare with a documented expected output."""


def masked_expected(cmd: Command, masker: Masker) -> Command:
    """The command with its expected output masked (unchanged when nothing is secret)."""
    if cmd.expected is None or not masker:
        return cmd
    return Command(cmd.text, cmd.line, dataclasses.replace(cmd.expected, text=masker(cmd.expected.text)))


def output_cap_for(cmd: Command, output_cap: int) -> int | None:
    """Room to keep a whole output when the author documented it whole (up to MAX_CAP);
    None: the configured ``output_cap`` will do."""
    if cmd.expected is None or cmd.expected.mode in (MatchMode.IGNORE, MatchMode.CONTAINS):
        return None
    text = cmd.expected.text
    if 8 * len(text) + 65536 <= output_cap:  # at most 4 bytes a character: the cap will do
        return None
    need = 2 * (len(text) if text.isascii() else len(text.encode("utf-8", "surrogateescape"))) + 65536
    return min(need, MAX_CAP) if need > output_cap else None


def as_judged(run: CommandRun, masker: Masker) -> CommandRun:
    """A command's run as the judge and the reports see it (``run`` itself when nothing changes)."""
    cmd, ex = masked_expected(run.command, masker), reported(run.execution, masker)
    return run if cmd is run.command and ex is run.execution else CommandRun(cmd, ex)


def reported(ex: Execution, masker: Masker) -> Execution:
    """Output as reports show it: ANSI removed, CR/CRLF folded, secrets masked."""
    o = ex.output
    text = masker(fold_carriage_returns(strip_ansi(o.text)))
    if text is o.text and (not ex.note or not masker):  # nothing to clean or mask: as it is
        return ex
    counts = o.counts
    if text != o.text and masker:
        # Checks must see what the reports show: whole-stream counts were taken before
        # masking, so they only stand in for text that was cut off.
        counts = {k: v for k, v in o.counts.items() if MASK not in k} if o.truncated else {}
    return Execution(Output(text, o.total_bytes, o.lines, o.dropped_bytes, counts),
                     ex.exit_code, ex.duration_s, ex.timed_out, ex.shell_died, masker(ex.note))
