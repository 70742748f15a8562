"""Reading the pty: output to the capture until the step's sentinel (a mixin of the session).

The reader looks for ``\\n__RB_<nonce>:`` and holds back only a possible partial
sentinel at the end of a chunk, so a prompt without a newline reaches the dialog at
once. The rest of the sentinel line is the status and, in bash, the shell's options
(``shell_state``). Sentinels of other (earlier, interrupted) nonces are dropped.
"""

from __future__ import annotations

import os
import select
import time
from typing import Any, Callable, Sequence

from runbook.run import procs
from runbook.run.capture import OutputCapture, decoded
from runbook.run.shell_lines import Dialog, answer_end, partial_sentinel, sentinel
from runbook.run.shellvars import Ask


_POLL = 0.1
_ANSWER_WAIT = 10.0


class NoOutput(Exception):
    """Nothing came from the pty within the wait."""


class ShellClosed(Exception):
    """Every process on the pty's other side has gone."""


class Reader:
    """Output of the shell, read directly from the pty (no pexpect ``isalive()`` per read)."""

    _child: Any
    _remote: bool
    _dead: bool
    _unreported_death: bool
    _interrupted: bool
    _tail: list[str]
    _fold: bool
    _asked: set[str]
    """Nonces of sent lines whose sentinel is followed by an answer (``shell_lines.bash_post``)."""
    _answer: bytes | None = None
    """The answer after the awaited sentinel (``None``: none came)."""
    answer: str | None = None
    """The answer to the last ``run``'s ``ask``, decoded (``None``: not asked, or no answer)."""
    _left = b""
    """What followed the last awaited sentinel (in a batch: the next step's first output), from
    ``_left_at`` on: the buffer of a long read is kept whole, never copied once a step."""
    _left_at = 0
    _hit = 0
    """Which of the ending nonces the last ``done`` read found (see ``ends``)."""

    def _asking(self, nonce: str, ask: Ask | None) -> str:
        """The script to fold into the line of ``nonce`` (its answer is then expected)."""
        if ask is None:
            return ""
        self._asked.add(nonce)
        return ask.script

    def _answered(self, ask: Ask | None) -> str | None:
        """The answer of the last read, as the text a step's output would show."""
        if ask is None or self._answer is None:
            return None
        return decoded(self._answer, ask.room, self._fold)

    def _read(self, nonces: Sequence[str], deadline: float, capture: OutputCapture | None,
              dialog: Dialog | None = None, on_output: Callable[[str], None] | None = None,
              watch: bool = False, until_idle: int | None = None, ends: int = 1) -> tuple[str, int | None]:
        """Feed output to ``capture`` until a sentinel of ``nonces[0]`` (``done``), ``eof``,
        ``timeout`` or ``interrupt``; a sentinel of another nonce ends nothing and is dropped.
        With ``ends``, a sentinel of any of the first ``ends`` nonces is ``done`` (which one:
        ``_hit``). What follows the sentinel is kept for the next read (``_left``).

        With ``until_idle`` (boot ticks), also stop (``idle``) once no descendant of a
        local shell started since then is alive and no output is pending."""
        assert self._child is not None
        marks = list(map(sentinel, nonces))
        hold = max(map(len, marks)) + 1
        pending = b""
        chunk, start, self._left, self._left_at = self._left, self._left_at, b"", 0
        while True:
            if start >= len(chunk):
                got = self._wait_chunk(deadline, watch, until_idle)
                if isinstance(got, str):
                    self._feed(capture, pending, dialog, on_output)
                    return got, None
                if not got:
                    continue
                chunk, start = got, 0
            if pending:
                buf, start = pending + chunk[start:], 0
            else:
                buf = chunk
            chunk = b""
            hit, hit_at = _first_sentinel(buf, marks, start)
            if hit < 0:
                buf = buf[start:] if start else buf
                cut = partial_sentinel(buf, marks, hold)
                self._feed(capture, buf[:cut], dialog, on_output)
                pending, start = buf[cut:], 0
                continue
            # The sentinel's own leading newline may have reached us as CRLF.
            self._feed(capture, buf[start:hit_at - 1 if hit_at > start and buf[hit_at - 1] == 13 else hit_at],
                       dialog, on_output)
            # What follows is kept as (buffer, offset): a long read is never copied once a step.
            value, buf, at = self._finish_line(buf, hit_at + len(marks[hit]), deadline)
            if nonces[hit] in self._asked:  # its answer follows: never step output
                self._asked.discard(nonces[hit])
                answer, buf, at = self._take_answer(buf, at, nonces[hit], deadline)
                if hit == 0:
                    self._answer = answer
            if hit < ends:
                self._hit, self._left, self._left_at = hit, buf, at
                return "done", value
            # A stale sentinel: what follows it may already hold the awaited one.
            pending, chunk, start = b"", buf, at

    def _take_answer(self, buf: bytes, at: int, nonce: str, deadline: float) -> tuple[bytes | None, bytes, int]:
        """(the answer that follows a sentinel at ``buf[at:]``, and what follows it as a buffer
        and an offset); see ``_wait_answer``."""
        end = answer_end(nonce)
        i = buf.find(end, at)
        if i >= 0 and (j := buf.find(b"\n", i + len(end))) >= 0:  # usually all there already
            return buf[at:i], buf, j + 1
        answer, rest = self._wait_answer(buf[at:], end, deadline)
        return answer, rest, 0

    def _wait_answer(self, rest: bytes, end: bytes, deadline: float) -> tuple[bytes | None, bytes]:
        """(the answer at the start of ``rest``, ended by ``end``, what follows it); ``None`` if it
        did not end before ``deadline`` (at least 10 s from now: bash prints it right after the
        sentinel). The answer's end is a line: its newline is waited for too (a read may end
        between the two, and a newline left behind would start the next step's output)."""
        deadline = max(deadline, time.monotonic() + _ANSWER_WAIT)
        buf, start = bytearray(rest), 0
        while (i := buf.find(end, start)) < 0 or buf.find(b"\n", i + len(end)) < 0:
            start = max(0, len(buf) - len(end)) if i < 0 else start
            if time.monotonic() >= deadline:
                return (None, b"") if i < 0 else (bytes(buf[:i]), bytes(buf[i + len(end):]).lstrip(b"\r"))
            try:
                buf += _read_chunk(self._child, 65536, _POLL)
            except NoOutput:
                continue
            except ShellClosed:
                self._dead = True
                return (None, b"") if i < 0 else (bytes(buf[:i]), b"")
        return bytes(buf[:i]), bytes(buf[buf.find(b"\n", i + len(end)) + 1:])

    def _wait_chunk(self, deadline: float, watch: bool, until_idle: int | None) -> bytes | str:
        """The next chunk of output (``b""``: none yet, ask again), or why reading ends:
        ``interrupt``, ``timeout``, ``idle`` or ``eof``."""
        if watch and self._interrupted:
            return "interrupt"
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "timeout"
        try:
            return _read_chunk(self._child, 65536, min(remaining, _POLL))
        except NoOutput:
            if until_idle is not None and not self._remote and \
                    not procs.descendants(self._child.pid, until_idle):
                return "idle"
            return b""
        except ShellClosed:
            self._dead = True
            return "eof"

    def _finish_line(self, buf: bytes, at: int, deadline: float) -> tuple[int | None, bytes, int]:
        """Read the rest of a sentinel line, from ``buf[at:]``; return its number and what
        follows it (the buffer, more read if the line was not whole, and an offset)."""
        assert self._child is not None
        while (j := buf.find(b"\n", at)) < 0 and time.monotonic() < deadline:
            try:
                buf += _read_chunk(self._child, 256, _POLL)
            except NoOutput:
                continue
            except ShellClosed:
                self._dead = True
                break
        line, after = (buf[at:j], j + 1) if j >= 0 else (buf[at:], len(buf))
        head, *self._tail = line.decode("utf-8", "replace").split() or [""]
        try:
            return int(head), buf, after
        except ValueError:
            return None, buf, after

    def _feed(self, capture: OutputCapture | None, data: bytes, dialog: Dialog | None,
              on_output: Callable[[str], None] | None) -> None:
        if capture is None or not data:
            return
        text = capture.feed(data)
        if on_output is not None and text:
            on_output(text)
        if dialog is not None and text:
            for reply in dialog.answer(text):
                if self._child is not None:
                    self._child.send((reply + "\n").encode())

    def _drain(self) -> None:
        """Drop output printed between steps (late background output)."""
        assert self._child is not None
        self._left, self._left_at = b"", 0
        while True:
            try:
                _read_chunk(self._child, 65536, 0)
            except NoOutput:
                return
            except ShellClosed:
                self._dead = self._unreported_death = True
                return


def _read_chunk(child: Any, size: int, timeout: float) -> bytes:
    """Read what the pty has, waiting at most ``timeout``: pexpect's read_nonblocking
    without its per-call ``isalive()`` (a waitpid each time, the main per-step cost).

    Raises ``NoOutput`` when nothing came and ``ShellClosed`` when the shell side closed."""
    fd = child.child_fd
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        raise NoOutput("no output")
    try:
        data = os.read(fd, size)
    except OSError:  # EIO: every process on the pty's other side has gone
        raise ShellClosed("shell closed the terminal") from None
    if not data:
        raise ShellClosed("shell closed the terminal")
    return data


def _first_sentinel(buf: bytes, marks: Sequence[bytes], start: int = 0) -> tuple[int, int]:
    """(index of the mark found first in ``buf[start:]``, its offset in ``buf``); (-1, -1) when
    none is there."""
    hit = hit_at = -1
    for k, mark in enumerate(marks):
        # Once one is found, another counts only before it: no need to scan the rest of a long read.
        i = buf.find(mark, start) if hit < 0 else buf.find(mark, start, hit_at + len(mark) - 1)
        if i >= 0:
            hit, hit_at = k, i
    return hit, hit_at
