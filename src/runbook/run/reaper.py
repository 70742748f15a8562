"""One run's promise that nothing outlives it: the marker, the watchdog, the final sweep.

The runner makes one :class:`RunGuard` per run. Every shell gets ``RUNBOOK_RUN`` in its
environment (:meth:`RunGuard.shell_env`) and every temp folder of the run has the marker in
its name (:meth:`RunGuard.folder_prefix`). At the end of the run (normal end, an exception,
or SIGTERM/SIGINT/SIGHUP turned into an interrupt by the CLI) :meth:`RunGuard.finish` stops
whatever still carries the marker. If runbook itself is killed (SIGKILL), the watchdog
process (:mod:`runbook.run.watchdog`) sees its pipe close without ``done`` and does the
same, then removes the run's temp folders.
"""

from __future__ import annotations

import os
import signal
from typing import Iterable, Mapping

from runbook.run import procs, watchdog
from runbook.run.tempdirs import temp_root

#: What the watchdog reads for "runbook ended cleanly, exit without doing anything".
DONE = b"done\n"


def temp_roots() -> list[str]:
    """Where runbook's temp folders can be: the memory-backed folders the session prefers
    (``$XDG_RUNTIME_DIR``, ``/dev/shm``) and the usual temporary folder."""
    roots = [os.environ.get("XDG_RUNTIME_DIR") or "", "/dev/shm", temp_root()]
    seen: list[str] = []
    for r in roots:
        if r and os.path.isdir(r) and r not in seen:
            seen.append(r)
    return seen


class RunGuard:
    """The marker of one run, its watchdog and its end-of-run sweep."""

    def __init__(self, marker: str | None = None, grace: float = 2.0) -> None:
        self.marker = marker or procs.new_marker()
        self.grace = grace
        self._watchdog: tuple[int, int] | None = None
        """The forked watchdog's pid and the write end of its pipe."""
        self._finished = False

    @property
    def watchdog_pid(self) -> int | None:
        """The running watchdog's pid (None before ``start`` and after ``finish``)."""
        return self._watchdog[0] if self._watchdog is not None else None

    def shell_env(self) -> Mapping[str, str]:
        """The variable every shell of the run carries (and so everything it starts)."""
        return {procs.MARKER_VAR: procs.marker_value(self.marker, os.environ.get(procs.MARKER_VAR))}

    def folder_prefix(self, what: str) -> str:
        """``tempfile.mkdtemp`` prefix for a temp folder the watchdog must remove."""
        return f"runbook-{what}-{self.marker}-"

    def start(self) -> None:
        """Start the watchdog (before any shell or temp folder exists). Never raises: without a
        watchdog only the SIGKILL case is uncovered; the normal sweep still runs."""
        if self._watchdog is not None:
            return
        # The interpreter the watchdog starts to clean up imports this very runbook.
        here = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(procs.__file__))))
        path = os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH", "")) if p)
        try:
            self._watchdog = watchdog.start(self.marker, temp_roots(), {**os.environ, "PYTHONPATH": path})
        except OSError:
            self._watchdog = None

    def survey(self, skip_pids: Iterable[int] = (), skip_groups: Iterable[int] = ()) -> list[str]:
        """The marked processes still running, except ``skip_pids`` and members of the process
        groups ``skip_groups`` (what the run expects to stop: its shells, its background services)."""
        return procs.strays(self.marker, parent=os.getpid(), skip_pids=skip_pids, skip_groups=skip_groups)

    def finish(self) -> list[str]:
        """Stop everything still carrying the marker, then let the watchdog go. Idempotent;
        returns the processes that had to be stopped."""
        if self._finished:
            return []
        self._finished = True
        try:
            return procs.reap_marked(self.marker, grace=self.grace)
        finally:
            self._release_watchdog()

    def _release_watchdog(self) -> None:
        dog, self._watchdog = self._watchdog, None
        if dog is None:
            return
        pid, pipe = dog
        try:
            os.write(pipe, DONE)
        except OSError:
            pass
        finally:
            os.close(pipe)
        _wait_child(pid, 5.0)



def _wait_child(pid: int, timeout: float) -> None:
    """Reap the child ``pid``; SIGKILL it first if it has not exited within ``timeout`` s."""
    try:
        if not procs.wait_exit(pid, timeout):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:  # already reaped
        pass
