"""The text of one batch (``run.batch``): a line per step, the step files written.

A step that ``BashState.inline`` accepts is a line of the batch file itself
(``shell_lines.inline_line``): a pure step needs neither a step file nor the preludes
and the post that put the shell's state back, which are most of what runbook costs bash
a step. The first inline line of a run of them checks that nothing of the shell can make
the run's commands differ from outside commands and inert builtins (no trap, alias or
function of their names); every other step is sourced from its step file
(``shell_lines.bash_step_line``).
"""

from __future__ import annotations

import os
from typing import Callable, Final, NamedTuple, Sequence

from runbook.run import tokens
from runbook.run.pure import INERT
from runbook.run.shell_lines import bash_step_line, batch_guard, inline_check, inline_line, quote
from runbook.run.shell_state import BashState
from runbook.run.shellvars import Ask

#: The two sets of file names of batches (one runs while the next one's step files are written).
SETS = ("", "-b")


class BatchItem(NamedTuple):
    """A plain step the runner runs next: one command, no dialog, no retry (made per step:
    a tuple, ~5 times cheaper to make than a frozen dataclass)."""

    code: str
    errexit: bool
    timeout: float
    ask: Ask | None = None
    output_cap: int | None = None
    needles: tuple[str, ...] = ()


class Line(NamedTuple):
    """A line of a batch: its step, the nonce of its sentinel, and of its marker."""

    item: BatchItem
    nonce: str
    mark: str
    """The nonce of the line's "not run" marker (with the number 1: an inline line's check failed)."""
    tail: str | None = None
    """The options an inline line (``shell_lines.inline_line``) reports; ``None``: a step file's line."""
    inert: bool = False
    """An inline line of ``echo``/``true``/``false``/``:`` only: it cannot touch the terminal's modes."""


class Prepared:
    """A batch with its step files written: the batch file's text (written when typed) and
    the state its last line is predicted to leave (``sim``, the options ``expected``)."""

    __slots__ = ("text", "lines", "paths", "which", "sim", "expected")

    def __init__(
        self,
        text: list[str],
        lines: tuple[Line, ...],
        paths: tuple[str, ...],
        which: int,
        sim: BashState,
        expected: str,
    ) -> None:
        self.text: Final = text
        self.lines: Final = lines
        self.paths: Final = paths
        self.which: Final = which
        self.sim: Final = sim
        self.expected: Final = expected

    @property
    def items(self) -> tuple[BatchItem, ...]:
        return tuple(line.item for line in self.lines)


Write = Callable[[str, bytes, bool], None]
Asking = Callable[[str, "Ask | None"], str]


def build(items: Sequence[BatchItem], sim: BashState, expected: str | None, which: int, folder: str,
          write: Write, asking: Asking, inline: bool) -> Prepared:
    """Write a batch's step files (file set ``which``) and make its text. ``sim``: the state
    its preludes assume; ``expected``: the options the line before must report (``None``:
    known); ``inline``: pure steps may be lines of the batch file (no check of one failed)."""
    token = os.path.join(folder, "batch.tok")
    text: list[str] = []
    lines: list[Line] = []
    paths: list[str] = []
    run = _Run(sim.sid)
    drawn = tokens.nonces(2 * len(items))  # one read of the system's source for the batch
    for i, it in enumerate(items):
        nonce, mark = drawn[2 * i], drawn[2 * i + 1]
        if expected is not None:
            text.append(batch_guard(sim.sid, token, expected, mark, after_inline=run.first is not None))
        sim.sent(it.code)
        ask = asking(nonce, it.ask)
        pure = sim.pure(it.code)
        line = sim.inline(it.code, it.errexit, pure) if inline else None
        prelude = sim.file_prelude(it.errexit, depth=1)
        tail = sim.predicted_tail(it.errexit)
        if line is not None and pure is not None:
            run.add(len(text), mark, *pure)
            last = i == len(items) - 1  # the next batch's first guard reads its options
            text.append(inline_line(nonce, sim.sid, line, tail if last else None, answer=bool(ask)))
        else:
            run.end(text)
            body = it.code if it.code.endswith("\n") else it.code + "\n"
            path = os.path.join(folder, f"step-{SETS[which]}{i + 1}.sh")
            paths.append(path)  # the folder is checked (made again) by the first write
            write(path, (prelude + body).encode("utf-8", "surrogateescape"), len(paths) > 1)
            text.append(bash_step_line(nonce, sim.sid, quote(path), prelude=sim.line_prelude(echo=True),
                                       stdin_null=True, traps=sim.traps_path, mode=sim.post_mode(),
                                       ask=ask, pure=pure))
        sim.learn(tail.split(" "), traps=False)
        expected = tail
        lines.append(Line(it, nonce, mark) if line is None or pure is None
                     else Line(it, nonce, mark, tail, INERT.issuperset(pure[1])))
    run.end(text)
    assert expected is not None
    return Prepared(text, tuple(lines), tuple(paths), which, sim, expected)


class _Run:
    """The run of inline lines under way: where its first line is, and every command name in it."""

    def __init__(self, sid: str) -> None:
        self.sid = sid
        self.first: tuple[int, str, str] | None = None
        self.names: list[str] = []

    def add(self, index: int, mark: str, scratch: str, names: Sequence[str]) -> None:
        if self.first is None:
            self.first = (index, mark, scratch)
        for name in names:
            if name not in self.names:
                self.names.append(name)

    def end(self, text: list[str]) -> None:
        """Put the run's check before its first line; no run is under way any more."""
        if self.first is not None:
            index, mark, scratch = self.first
            text[index] = inline_check(self.sid, mark, scratch, self.names) + text[index]
        self.first, self.names = None, []
