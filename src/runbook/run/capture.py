"""Collect a step's output stream into a memory-bounded ``model.Output``.

Pure (no pexpect, no I/O): the session feeds raw bytes as they arrive from the
pty and gets back the decoded text of each chunk for live views. A step may print
gigabytes, so nothing here keeps more than ``cap`` characters: the first half and
the last half of the stream, with a marker line for what was dropped in between.
Byte, line and needle counts always describe the whole stream.

The session turns output processing off on its local pty (``-opost``: 10x the
throughput, and the program's bytes arrive as written). A remote terminal (ssh,
docker) still turns every ``\\n`` into ``\\r\\n`` (``onlcr``): with
``fold_crlf`` that is undone here, so a program that itself writes ``\\r\\n``
keeps its ``\\r``.
Invalid UTF-8 never raises: it is kept internally as surrogate escapes (one
character per byte, so byte counts stay exact) and shown as ``\\x80`` escapes.
"""

from __future__ import annotations

import codecs
from typing import Sequence

from runbook.judge.normalise import strip_ansi
from runbook.model import Output

#: Longest tail of a chunk held back because it may be the start of an escape sequence.
_ESC_HOLD = 64


def visible(text: str) -> str:
    """Internal surrogate-escaped text -> printable text (bad bytes as ``\\xNN``)."""
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _nbytes(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogateescape"))


class _NeedleCounter:
    """Counts needles in the ANSI-stripped, CRLF-folded stream across chunk boundaries."""

    def __init__(self, needles: Sequence[str]) -> None:
        self.counts = {n: 0 for n in needles if n}
        self._carry = {n: "" for n in self.counts}
        self._held = ""

    def feed(self, text: str, final: bool = False) -> None:
        if not self.counts:
            return
        text = self._held + text
        self._held = ""
        if not final:
            # An escape sequence or a CRLF cut in two by the chunk boundary would
            # otherwise be stripped/folded wrongly: keep the tail for the next chunk.
            esc = text.rfind("\x1b", max(0, len(text) - _ESC_HOLD))
            cut = esc if esc >= 0 else len(text)
            if cut == len(text) and text.endswith("\r"):
                cut -= 1
            text, self._held = text[:cut], text[cut:]
        if not text:
            return
        norm = strip_ansi(text).replace("\r\n", "\n")
        for needle, carry in self._carry.items():
            window = carry + norm
            self.counts[needle] += window.count(needle)
            keep = len(window) - (len(needle) - 1)
            last = window.rfind(needle)
            if last >= 0:
                keep = max(keep, last + len(needle))
            self._carry[needle] = window[keep:]


class OutputCapture:
    """Accumulates one step's output; ``feed`` chunks of bytes, then ``finish``."""

    __slots__ = ("cap", "_head_cap", "_tail_cap", "_decoder", "fold_crlf", "_cr_pending", "_head", "_head_len",
                 "_tail", "_tail_len", "_dropped_bytes", "total_bytes", "_newlines", "_last_byte", "_needles",
                 "_done")

    def __init__(self, cap: int = 1_000_000, needles: Sequence[str] = (), fold_crlf: bool = False) -> None:
        self.cap = max(2, cap)
        self._head_cap = self.cap // 2
        self._tail_cap = self.cap - self._head_cap
        self._decoder: codecs.IncrementalDecoder | None = None
        """Made at the first byte that is not ASCII (until then nothing can be held back)."""
        self.fold_crlf = fold_crlf
        self._cr_pending = False
        self._head: list[str] = []
        self._head_len = 0
        self._tail: list[str] = []
        self._tail_len = 0
        self._dropped_bytes = 0
        self.total_bytes = 0
        self._newlines = 0
        self._last_byte = b""
        self._needles = _NeedleCounter(needles) if needles else None
        self._done: Output | None = None

    def feed(self, data: bytes) -> str:
        """Take raw pty bytes; return their decoded text (surrogate-escaped)."""
        if not self.fold_crlf:
            return self._take(data, final=False)
        if self._cr_pending:
            data = b"\r" + data
            self._cr_pending = False
        if data.endswith(b"\r"):
            data = data[:-1]
            self._cr_pending = True
        if b"\r\n" in data:
            data = data.replace(b"\r\n", b"\n")
        return self._take(data, final=False)

    def _take(self, data: bytes, final: bool) -> str:
        if data:
            self.total_bytes += len(data)
            self._newlines += data.count(b"\n")
            self._last_byte = data[-1:]
        if self._decoder is None and data.isascii():
            text = data.decode("ascii")  # what the decoder gives, without one per step
        else:
            if self._decoder is None:
                self._decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
            text = self._decoder.decode(data, final=final)
        if self._needles is not None:
            self._needles.feed(text, final=final)
        if text:
            self._keep(text)
        return text

    def _keep(self, text: str) -> None:
        if self._head_len < self._head_cap:
            room = self._head_cap - self._head_len
            part = text[:room]
            self._head.append(part)
            self._head_len += len(part)
            text = text[room:]
        if not text:
            return
        self._tail.append(text)
        self._tail_len += len(text)
        if self._tail_len > 2 * self._tail_cap:
            self._trim_tail()

    def _trim_tail(self) -> None:
        joined = "".join(self._tail)
        excess = len(joined) - self._tail_cap
        if excess > 0:
            self._dropped_bytes += _nbytes(joined[:excess])
            joined = joined[excess:]
        self._tail = [joined]
        self._tail_len = len(joined)

    def last_line(self, limit: int = 200) -> str:
        """The unterminated last line so far (a prompt waiting for input); ``""`` if none or too long."""
        parts: list[str] = []
        size = 0
        for part in reversed(self._head + self._tail):
            parts.append(part)
            size += len(part)
            if size > limit:
                break
        recent = "".join(reversed(parts))[-(limit + 1):]
        line = recent.rsplit("\n", 1)[-1]
        if "\n" not in recent and len(recent) > limit:
            return ""
        return visible(line)

    def finish(self) -> Output:
        """Flush the decoder and return the ``Output`` (idempotent)."""
        if self._done is not None:
            return self._done
        tail = b"\r" if self._cr_pending else b""
        self._cr_pending = False
        if tail or self._decoder is not None or self._needles is not None:  # else nothing is held back
            self._take(tail, final=True)
        if self._tail:
            self._trim_tail()
        head = visible(self._head[0] if len(self._head) == 1 else "".join(self._head))
        rest = visible("".join(self._tail)) if self._tail else ""
        if self._dropped_bytes:
            sep = "" if head.endswith("\n") else "\n"
            text = f"{head}{sep}[... {self._dropped_bytes} bytes dropped ...]\n{rest}"
        else:
            text = head + rest
        lines = self._newlines + (1 if self.total_bytes and self._last_byte != b"\n" else 0)
        self._done = Output(text=text, total_bytes=self.total_bytes, lines=lines,
                            dropped_bytes=self._dropped_bytes,
                            counts={} if self._needles is None else dict(self._needles.counts))
        return self._done


def decoded(data: bytes, cap: int, fold_crlf: bool) -> str:
    """``data`` as the text a step's output would show (same decoding and cap)."""
    if data.isascii() and len(data) <= cap and not (fold_crlf and b"\r" in data):
        return data.decode("ascii")  # what the capture gives such bytes, without building one
    capture = OutputCapture(cap, fold_crlf=fold_crlf)
    capture.feed(data)
    return capture.finish().text
