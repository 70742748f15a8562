"""The end of a step: from what was read to its ``Execution`` (a mixin of the session).

``_finish_step`` is the one way a step's result is made once reading it ended. An inline
line of a batch (``shell_lines.inline_line``) whose end is already in the buffer read
ahead (bash runs far ahead of Python in a run of cheap steps) takes a shorter way
(``_inline_ended``): its output, status and empty answer are cut out of the buffer at
once, and its ``Output`` is the one the capture would make of those bytes, built
directly when the capture would only copy them (ASCII, no needle to count, no CRLF to
fold, well within the cap). Anything else, or any doubt, goes the usual way.
"""

from __future__ import annotations

import re
import time

from runbook.lazyre import lazy
from runbook.model import Execution, Output
from runbook.run.capture import OutputCapture
from runbook.run.recovery import Recovery
from runbook.run.shell_lines import answer_end, sentinel
from runbook.run.shellvars import Ask

#: How interactive bash reports an unbound variable (no file or line, unlike a script).
_UNBOUND = lazy(r"^[^\n:]*bash: [^\n:]+: unbound variable\r?$", re.M)


class StepEnd(Recovery):
    """What ``PexpectSession`` does once a step's sentinel (or its end of any kind) was read."""

    def _finish_step(self, status: str, rc: int | None, t0: float, timeout: float, nonce: str,
                     capture: OutputCapture | Output, since: int, errexit: bool, ask: Ask | None,
                     tty: bool = True) -> Execution:
        """The step's result once reading it ended with ``status`` (``capture``: what was read,
        or its ``Output`` already made; ``tty``: the step may have changed the terminal's modes)."""
        if status == "done" and self._bash is not None:
            self._bash.learn(self._tail)
            self.answer = self._answered(ask)
        if isinstance(capture, Output):
            note, died, output = "", False, capture
        else:
            note, rc, died = self._step_end(status, rc, timeout, nonce, capture, since)
            output = capture.finish()
        if self._bash is not None:
            output = self._bash.unechoed(output)
        if tty and not died:
            self._fix_tty()
        if rc == 0 and self._unbound_stopped(errexit, output.text):
            # bash reports the unbound variable and goes on with the next line of the
            # sourced file, without the ERR trap; `bash -eu` would have stopped there.
            rc, note = 1, "an unbound variable (set -u) stopped a line of this step; the status is 1, " \
                          "as under bash -eu"
        return Execution(output, rc, round(time.monotonic() - t0, 6), status == "timeout", died, note)

    def _unbound_stopped(self, errexit: bool, text: str) -> bool:
        """Whether bash, under ``set -u`` and errexit, reported an unbound variable."""
        b = self._bash
        return b is not None and (errexit or b.user_errexit) and "nounset" in b.opts \
            and _UNBOUND.search(text) is not None

    def _inline_ended(self, nonce: str, mark: str, cap: int) -> tuple[Output, int] | None:
        """The output and status of an inline line whose end is already read (``_left``), with
        its answer taken and the buffer moved past it; ``None``: read it the usual way (nothing
        is taken then, nor while a step is stopped or CRLF is folded). ``mark``: the line's
        "not run" marker, which must not come first."""
        if self._interrupted or self._fold:
            return None
        asked = nonce in self._asked
        cut = _cut_inline(self._left, self._left_at, nonce, mark, asked)
        if cut is None:
            return None
        data, rc, answer, after = cut
        if not data.isascii() or 2 * len(data) > cap:
            return None
        if asked:
            self._asked.discard(nonce)
            self._answer = answer
        self._left_at, self._hit, self._tail = after, 0, []
        lines = data.count(b"\n")
        return Output(data.decode("ascii"), len(data), lines + 1 if data and data[-1] != 10 else lines), rc


def _cut_inline(buf: bytes, at: int, nonce: str, mark: str, asked: bool) -> tuple[bytes, int, bytes, int] | None:
    """(output, status, answer, offset after them) of the line of ``nonce`` if its end is all in
    ``buf[at:]`` and its "not run" ``mark`` is not before it; else ``None``."""
    end = sentinel(nonce)
    i = buf.find(end, at)
    if i < 0 or buf.find(sentinel(mark), at, i + len(end) - 1) >= 0:
        return None
    j = buf.find(b"\n", i + len(end))
    answer, after = _answer_at(buf, j + 1, nonce) if asked and j >= 0 else (b"", j + 1)
    if after <= 0:
        return None
    try:
        rc = int(buf[i + len(end):j])
    except ValueError:
        return None
    return buf[at:i - 1] if i > at and buf[i - 1] == 13 else buf[at:i], rc, answer, after


def _answer_at(buf: bytes, at: int, nonce: str) -> tuple[bytes, int]:
    """(the answer at ``buf[at:]`` of the line of ``nonce``, the offset after its end's line);
    the offset is -1 if that end is not all there."""
    close = answer_end(nonce)
    k = buf.find(close, at)
    n = buf.find(b"\n", k + len(close)) if k >= 0 else -1
    return buf[at:k], -1 if n < 0 else n + 1
