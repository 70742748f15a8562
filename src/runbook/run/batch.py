"""Runs of plain steps sent to bash in one go, so bash and Python stop waiting for each other.

A mixin of ``PexpectSession``. The runner says which plain steps come next
(``queue``); on the first one's ``run`` the session writes one step file per step
(``step-1.sh`` ...) and ONE batch file whose lines are exactly the per-step lines
typed today (``bash_step_line``; a pure step is a line of the batch file itself, with
no step file: ``run.batch_build``), and types one line that sources the batch file.
Nothing else is queued on the terminal, so a step that reads ``/dev/tty`` eats
nothing of the protocol: it waits, times out and is stopped as when unbatched.

bash reads the batch file whole when it starts it and parses one line at a time,
each right before it runs: every line is parsed after the previous step's end-of-step
line made the shell neutral (aliases off), as a typed line is. Every line but the
first starts with a guard (``batch_guard``): it runs only while the token file exists
and the previous step reported the options the session predicted when it built this
line's preludes (``BashState.predicted_tail``); otherwise it prints its "not run"
marker and the batch file returns, so no later line runs either, and the session
sends those steps again one by one with the right preludes. The ERR trap of a batched
step counts the batch file as the top level (``err_trap(depth=1)``), so ``set -e``
stops the step and never the batch.

The session reads step k's sentinel and returns while bash already runs step k+1;
what followed the sentinel is kept for the next read. Each step's timeout starts at
the previous step's sentinel. Before a timed-out or interrupted step is stopped the
token is deleted: if the step's sentinel then turns up it ended in time (its result
stands), else bash is still in it and will run no later line. A shell that dies
mid-batch ends the batch; the steps not reached are sent to the fresh shell as usual.
The batch file's first line empties the file (bash has read it whole by then), so
no step can read a later line's nonce from it.
A ``run`` of anything else while a batch is under way (a query of secret values)
first ends the batch: the token is deleted and the lines bash already started are
read to their end and kept for their own ``run`` (``_ran``).
"""

from __future__ import annotations

import copy
import os
import shlex
import time
from typing import Any, Callable, Final, Sequence

from runbook.model import Execution, Output
from runbook.run import procs
from runbook.run.batch_build import SETS, BatchItem, Line, Prepared, build
from runbook.run.capture import OutputCapture
from runbook.run.shell_state import BashState
from runbook.run.shellvars import Ask
from runbook.run.step_end import StepEnd

#: At most this many steps, and about this many bytes of step code, in one batch.
MAX_LINES = 192
MAX_BYTES = 256 * 1024
#: When this many steps of a batch are left to judge, the next batch's step files are written.
PREPARE_AT = 64
#: Code that runs on its own: ``trap`` (watched from then on), terminal modes (``stty``).
ALONE = ("trap", "stty")
_RACE_WAIT = 0.05
#: How long, at most, Python lets bash run ahead after waiting for two lines in a row (``/bin/true``
#: ~0.8 ms a step): twice the last wait, never after one under ``_SLOW_WAIT`` (bash was as fast).
_CATCH_UP = 0.002
_SLOW_WAIT = 0.0001
_OFF = ("0", "off", "no", "false")


def enabled() -> bool:
    """Batching is on unless ``RUNBOOK_BATCH`` is ``0`` (or off/no/false)."""
    return os.environ.get("RUNBOOK_BATCH", "1").strip().lower() not in _OFF


class _Ran:
    __slots__ = ("item", "execution", "answer")

    def __init__(self, item: BatchItem, execution: Execution, answer: str | None) -> None:
        self.item: Final = item
        self.execution: Final = execution
        self.answer: Final = answer


class Batch(StepEnd):
    """What ``PexpectSession`` does with runs of plain steps."""

    config: Any
    _dir: str | None
    _zsh: bool
    _pending: tuple[BatchItem, ...] = ()
    _lines: tuple[Line, ...] = ()
    """Lines of the batch under way whose step the runner has not asked for yet."""
    _ran: tuple[_Ran, ...] = ()
    _token: str | None = None
    _next: Prepared | None = None
    """The next batch, its step files written while the batch under way runs."""
    _end: Prepared | None = None
    """The batch under way (its predicted end state)."""
    _set = 0
    _on: bool | None = None
    _no_inline = False
    """An inline line's check failed: every later batch sources its steps from files."""
    _waited = 0.0
    """How long the last line read was waited for (0: some of it was read ahead, or it was the
    batch's first line, which waits for bash to start the batch, not for a slow step)."""
    _t_prev = 0.0
    _since_prev = 0
    batched = 0
    """How many steps ran as lines of a batch."""
    inlined = 0
    """How many of them were lines of the batch file itself (pure steps, no step file)."""
    prepared = 0
    """How many batches had their step files written while the one before ran."""
    caught_up = 0
    """How many times Python let bash run ahead before reading (``_CATCH_UP``)."""
    cut = 0
    """Batches ended before their last line or dropped unsent: their steps are queued again."""
    read_ahead = 0
    """How many inline lines' ends were already read when their step was asked for (``_inline_ended``)."""

    def _write(self, path: str, data: bytes, checked: bool = False) -> None:
        raise NotImplementedError

    def can_batch(self) -> bool:
        """A local bash, its traps not watched, no ``set -x`` (a batched step traces as ``+++``)."""
        b, self._on = self._bash, enabled() if self._on is None else self._on  # the switch: read once
        return (self._on and b is not None and self.kind == "bash" and not self._remote and not b.watching
                and b.steady and "xtrace" not in b.opts and self._child is not None and not self._dead)

    def can_queue(self) -> bool:
        """Whether ``queue`` would take steps now (no batch under way)."""
        return not self._lines and not self._ran and self.can_batch()

    def can_prepare(self) -> bool:
        """Whether ``queue`` would prepare the next batch now (one runs, none is prepared)."""
        return (bool(self._lines) and not self._ran and self._next is None and self._end is not None
                and self.can_batch())

    def queue(self, items: Sequence[BatchItem]) -> int:
        """The plain steps the runner runs next, in order; sent as one batch on the first
        one's ``run`` (while a batch runs: the next one, ``_prepare_next``). Returns how many
        were taken (0: none, each runs on its own)."""
        if self.can_prepare():
            return self._prepare_next(items)
        if not self.can_queue():
            return 0
        kept = _fit(items)
        self._pending = kept if len(kept) >= 2 else ()
        return len(self._pending)

    def _batched(self, code: str, timeout: float, errexit: bool, plain: bool, needles: Sequence[str],
                 on_output: Callable[[str], None] | None, output_cap: int | None,
                 ask: Ask | None) -> Execution | None:
        """The step's result if it is (or now starts) a line of a batch; ``None``: send it as usual."""
        if self._ran:
            return self._deliver(code, errexit, plain, on_output, ask)
        if not self._lines and not self._start_next(code, errexit, plain):
            pending, self._pending = self._pending, ()
            if not (plain and pending and _is(pending[0], code, errexit)):
                return None
            self._drain()
            if self._dead:
                return None
            self._send(pending)
        line = self._lines[0]
        if not (plain and _is(line.item, code, errexit)):
            self._flush()
            return None
        self._lines = self._lines[1:]
        ex = self._run_line(line, timeout, needles, output_cap, on_output, ask)
        if ex is None and self._interrupted:  # Ctrl-C before it started: do not start it now
            return Execution(OutputCapture(64).finish(), None, 0.0, False, False,
                             "interrupted before the step started")
        return ex

    def _deliver(self, code: str, errexit: bool, plain: bool, on_output: Callable[[str], None] | None,
                 ask: Ask | None) -> Execution | None:
        """A step that ran while the batch was ended (``_flush``), if it is this one."""
        ran = self._ran[0]
        if not (plain and _is(ran.item, code, errexit)):
            return None
        self._ran = self._ran[1:]
        self.answer = ran.answer if _same(ask, ran.item.ask) else None
        if on_output is not None and ran.execution.output.text:
            on_output(ran.execution.output.text)
        return ran.execution

    def collect(self, code: str, errexit: bool) -> Execution | None:
        """After Ctrl-C: the result of this queued step if bash already ran it (the one it
        is in is stopped); ``None`` if it did not start."""
        if self._ran:
            return self._deliver(code, errexit, True, None, self._ran[0].item.ask)
        if not self._lines or not _is(self._lines[0].item, code, errexit):
            return None
        line, self._lines = self._lines[0], self._lines[1:]
        self._interrupted = self._running = True
        try:
            self.answer = self._answer = None
            it = line.item
            return self._run_line(line, it.timeout, it.needles, it.output_cap, None, it.ask)
        finally:
            self._interrupted = self._running = False

    # -- the batch ----------------------------------------------------------------
    def _send(self, items: Sequence[BatchItem]) -> None:
        """Write the step files and the batch file, type the one line that sources it."""
        b = self._bash
        assert b is not None
        self._type(self._build(items, copy.copy(b), None, self._set))

    def _build(self, items: Sequence[BatchItem], sim: BashState, expected: str | None, which: int) -> Prepared:
        assert self._dir is not None
        return build(items, sim, expected, which, self._dir, self._write, self._asking, not self._no_inline)

    def _type(self, batch: Prepared) -> None:
        """Write the batch file (its nonces are on disk only from now until its first line
        runs), make the token, type the line that sources it."""
        folder, child = self._dir, self._child
        assert folder is not None and child is not None
        token = os.path.join(folder, "batch.tok")
        path = os.path.join(folder, f"batch{SETS[batch.which]}.sh")
        text = list(batch.text)
        # bash has read the whole file when its first line runs: that line empties it, so the
        # later lines' nonces are in bash's memory only, as a typed line's are.
        text[0] = f"\\builtin : >| {shlex.quote(path)} 2>/dev/null; " + text[0]
        self._write(path, "".join(text).encode("utf-8", "surrogateescape"))  # makes a removed folder again
        os.close(os.open(token, os.O_WRONLY | os.O_CREAT, 0o600))
        self._token = token
        self._lines = batch.lines
        self._set = batch.which
        self._end = batch
        self._t_prev, self._since_prev, self._waited = time.monotonic(), procs.now_ticks(), -1.0
        # stdin at /dev/null for the whole batch (an inline line has no redirection of its own)
        child.send(f"\\builtin . {shlex.quote(path)} </dev/null\n".encode("utf-8", "surrogateescape"))

    def _prepare_next(self, items: Sequence[BatchItem]) -> int:
        """While a batch runs: the next one's step files, in the other file set, built on the
        state the running one's last line is predicted to leave (its first line checks it)."""
        end = self._end
        assert end is not None
        kept = _fit(items)
        if len(kept) < 2:
            return 0
        self._next = self._build(kept, copy.copy(end.sim), end.expected, 1 - end.which)
        self.prepared += 1
        return len(kept)

    def _start_next(self, code: str, errexit: bool, plain: bool) -> bool:
        """The batch prepared while the last one ran, typed now if it starts with this step,
        the last batch ran to its end and its step files are still there."""
        nxt = self._next
        if nxt is None or not (plain and _is(nxt.items[0], code, errexit)):
            self._drop_next()
            return False
        self._next = None
        self._drain()
        if self._dead:
            return False
        if all(os.path.isfile(p) for p in nxt.paths):
            self._type(nxt)
        else:  # a step removed runbook's folder or files: write the batch again
            self._send(nxt.items)
        return True

    def _run_line(self, line: Line, timeout: float, needles: Sequence[str], output_cap: int | None,
                  on_output: Callable[[str], None] | None, ask: Ask | None) -> Execution | None:
        """Read one line's step to its end; ``None`` if its guard said "not run"."""
        b = self._bash
        assert b is not None
        b.sent(line.item.code)
        b.file_prelude(line.item.errexit, depth=1)  # the state the line was built with
        t0, since = self._t_prev, self._since_prev
        cap = output_cap or self.config.output_cap
        ended = None if line.tail is None or needles else self._inline_ended(line.nonce, line.mark, cap)
        if ended is not None:  # its end was read ahead: no capture, no read
            return self._line_ran(line, ended, t0, ask, on_output)
        capture = OutputCapture(cap, needles, fold_crlf=self._fold)
        status, rc = self._read_line(line, t0 + timeout, capture, on_output)
        if status == "done" and self._hit == 1:
            self._no_inline = self._no_inline or rc == 1  # bash did not confirm a pure run: files from now on
            self._end_batch(early=True)
            return None
        if status == "done" and line.tail is not None:
            self._tail = line.tail.split(" ")
        if status != "done" or not self._lines:
            self._end_batch(early=status != "done")
        else:
            self._t_prev, self._since_prev = time.monotonic(), procs.now_ticks()
        self.batched += 1
        self.inlined += line.tail is not None
        folded = ask if _same(ask, line.item.ask) else None
        if folded is None:
            self._answer = None
        return self._finish_step(status, rc, t0, timeout, line.nonce, capture, since, line.item.errexit, folded)

    def _read_line(self, line: Line, deadline: float, capture: OutputCapture,
                   on_output: Callable[[str], None] | None) -> tuple[str, int | None]:
        """Read a line's output to its sentinel or its "not run" marker (``_hit`` says which);
        on a timeout or Ctrl-C no later line may start, and a sentinel arriving at once counts."""
        marks = [line.nonce, line.mark]
        caught_up = self._left_at >= len(self._left)
        if caught_up and self._waited >= _SLOW_WAIT and not self._interrupted:
            # bash is slower than Python (the last line too had to be waited for): let it run a
            # few steps before waking up again, one read then takes several (a wake-up costs
            # more than the step's judging)
            time.sleep(min(_CATCH_UP, 2 * self._waited, max(0.0, deadline - time.monotonic())))
            self.caught_up += 1
        first, t_wait = self._waited < 0, time.monotonic()
        status, rc = self._read(marks, deadline, capture, None, on_output, watch=True, ends=2)
        self._waited = time.monotonic() - t_wait if caught_up and not first else 0.0
        if status in ("timeout", "interrupt"):
            self._cancel()  # no later line may start, then see whether this one just ended
            late, rc = self._read(marks, time.monotonic() + _RACE_WAIT, capture, ends=2)
            if late in ("done", "eof"):
                status = late
            else:
                self._late = (self._lines[0].mark,) if self._lines else ()
        return status, rc

    def _line_ran(self, line: Line, ended: tuple[Output, int], t0: float, ask: Ask | None,
                  on_output: Callable[[str], None] | None) -> Execution:
        """``_run_line`` of an inline line whose end was already read (``_inline_ended``)."""
        output, rc = ended
        if on_output is not None and output.text:
            on_output(output.text)
        assert line.tail is not None
        self._tail = line.tail.split(" ")
        if self._lines:
            self._t_prev, self._since_prev = time.monotonic(), procs.now_ticks()
        else:
            self._end_batch(early=False)
        self.batched += 1
        self.inlined += 1
        self.read_ahead += 1
        folded = ask if _same(ask, line.item.ask) else None
        if folded is None:
            self._answer = None
        return self._finish_step("done", rc, t0, 0.0, line.nonce, output, 0, line.item.errexit, folded,
                                 tty=not (line.inert and self._lines))

    def _flush(self) -> None:
        """End the batch before anything else runs: no line starts any more; the steps bash
        already started are read to their end and kept for their own ``run``."""
        self._cancel()
        ran: list[_Ran] = []
        while self._lines:
            line, self._lines = self._lines[0], self._lines[1:]
            it = line.item
            ex = self._run_line(line, it.timeout, it.needles, it.output_cap, None, it.ask)
            if ex is None:
                break
            ran.append(_Ran(it, ex, self.answer))
            if ex.timed_out or ex.shell_died:
                break
        self._end_batch()
        self._ran = tuple(ran)
        self.answer = self._answer = None

    def _cancel(self) -> None:
        if self._token is not None:
            try:
                os.unlink(self._token)
            except OSError:
                pass
            self._token = None

    def _end_batch(self, early: bool = True) -> None:
        """The batch under way ended: at its last line (``early`` False: the prepared next
        batch may start), or before it (a guard, a timeout, a dead shell, a flush: it may not)."""
        self._cancel()
        self.cut += early and bool(self._lines)
        self._asked.difference_update(line.nonce for line in self._lines)
        self._lines = ()
        self._end = None
        if early:
            self._drop_next()

    def _drop_next(self) -> None:
        """Forget the prepared batch: it is never typed (its nonces are expected no more)."""
        if self._next is not None:
            self.cut += 1
            self._asked.difference_update(line.nonce for line in self._next.lines)
            self._next = None


def _fit(items: Sequence[BatchItem]) -> tuple[BatchItem, ...]:
    """The items that go in one batch: at most ``MAX_LINES`` and about ``MAX_BYTES``, up to
    the first that must run on its own."""
    kept: list[BatchItem] = []
    size = 0
    for it in items[:MAX_LINES]:
        size += len(it.code) + 1024
        if any(w in it.code for w in ALONE) or (kept and size > MAX_BYTES):
            break
        kept.append(it)
    return tuple(kept)


def _is(item: BatchItem, code: str, errexit: bool) -> bool:
    return item.code == code and item.errexit == errexit


def _same(ask: Ask | None, folded: Ask | None) -> bool:
    return ask is not None and folded is not None and ask.script == folded.script
