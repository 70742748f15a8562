"""One output written by a forked child while the parent writes the others.

After a big run its outputs are independent of each other, and the machine has a second
core: the HTML report (the longest of them) is written by a fork of runbook while
runbook itself writes the annotated document, the JSON results and the state file. The
child does nothing but that: it inherits the run's objects (nothing is sent to it), the
garbage collector stays as the parent left it, it never returns into runbook's code, and
it leaves with ``os._exit`` (no finaliser, no buffered standard stream flushed twice).

The promises hold as for a write in the parent: the child writes atomically (a
temporary file and a rename, removed when anything fails, a SIGINT or the parent's
SIGTERM included); an error in it is sent to the parent, which raises it as a
:class:`~runbook.errors.RunbookError` (exit status 2, as before); the parent always
waits for it (:meth:`Forked.finish`, :meth:`Forked.stop`), and a child whose parent was
killed is killed too (``PR_SET_PDEATHSIG``), so no process outlives the run. Nothing
secret goes anywhere new: the child writes the same file the parent would have.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from typing import Callable, NoReturn

from runbook.errors import RunbookError


class Forked:
    """A child writing one output; :meth:`finish` waits for it and raises its error."""

    __slots__ = ("pid", "fd", "what")

    def __init__(self, pid: int, fd: int, what: str) -> None:
        self.pid, self.fd, self.what = pid, fd, what

    def finish(self) -> None:
        """Wait for the child; raise the error it reported (RunbookError)."""
        chunks = []
        try:
            while True:
                chunk = os.read(self.fd, 1 << 16)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            os.close(self.fd)
            _, status = os.waitpid(self.pid, 0)
        if status == 0:
            return
        try:
            error = json.loads(b"".join(chunks))
            raise RunbookError(str(error["message"]), where=error.get("where"), hint=error.get("hint"))
        except (ValueError, KeyError, TypeError):
            raise RunbookError(f"cannot write the {self.what}: its writer ended with status {status}") from None

    def stop(self) -> None:
        """End the child at once (the parent failed or was interrupted): it removes its
        temporary file; waited for, its error dropped."""
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.finish()
        except RunbookError:
            pass


def start(job: Callable[[], None], what: str) -> Forked | None:
    """Run ``job`` in a forked child; ``None`` (the caller runs it itself) where a fork is
    not safe, no ``os.fork`` or other threads (one may hold a lock the child needs), or
    cannot help: one CPU to run on (the fork's copied pages would be all it adds)."""
    if not hasattr(os, "fork") or threading.active_count() > 1 or _cpus() < 2:
        return None
    parent = os.getpid()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected; tests check its effects
        os.close(read_end)
        _child(job, write_end, parent)
    os.close(write_end)
    return Forked(pid, read_end, what)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _child(job: Callable[[], None], fd: int, parent: int) -> NoReturn:
    status = 1
    try:
        _die_with(parent)
        signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C: the write is undone
        signal.signal(signal.SIGTERM, _stopped)
        signal.signal(signal.SIGHUP, _stopped)
        job()
        status = 0
    except BaseException as exc:  # everything is reported, nothing escapes the child
        _report(fd, exc)
    finally:
        os._exit(status)


class _Stopped(BaseException):
    """The parent ended the child (SIGTERM, SIGHUP)."""


def _stopped(signum: int, frame: object) -> None:
    raise _Stopped


def _die_with(parent: int) -> None:
    """Be killed when the parent dies (Linux; elsewhere the parent's wait is the guard)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError, ImportError):
        pass
    if os.getppid() != parent:  # died before the line above
        os._exit(1)


def _report(fd: int, exc: BaseException) -> None:
    if isinstance(exc, RunbookError):
        error = {"message": exc.message, "where": exc.where, "hint": exc.hint}
    elif isinstance(exc, (KeyboardInterrupt, _Stopped)):
        error = {"message": "interrupted while writing"}
    else:
        error = {"message": f"cannot write: {exc}"}
    try:
        os.write(fd, json.dumps(error).encode("utf-8", "surrogateescape"))
    except OSError:
        pass
