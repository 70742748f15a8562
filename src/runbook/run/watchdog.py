"""``python -m runbook.run.watchdog MARKER ROOT...``: clean up after a runbook that was killed.

Started by :class:`runbook.run.reaper.RunGuard` with a pipe from runbook on stdin. It blocks
reading it. ``done`` means runbook ended and cleaned up itself: exit at once. End of file
without ``done`` (runbook died: SIGKILL, a crash), or runbook no longer being its parent,
means nobody else will clean up: stop every process carrying MARKER (SIGTERM, a short grace,
SIGKILL) and remove the run's temp folders (``runbook-*-MARKER-*``) under each ROOT.

It runs in its own session so a terminal's Ctrl-C or hang-up does not reach it (and it
ignores SIGINT, SIGHUP and SIGTERM: only the pipe tells it when to go), and it
imports nothing heavy until it has work to do (its start costs runbook a fork and exec).
"""

from __future__ import annotations

import os
import select
import signal
import sys

_DONE = b"done\n"
_GRACE = 1.0


def wait_for_parent(fd: int = 0) -> bool:
    """Block until runbook says ``done`` (True) or goes away (False)."""
    parent = os.getppid()
    seen = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if not ready:
            if os.getppid() != parent:
                return False
            continue
        try:
            data = os.read(fd, 256)
        except OSError:
            return False
        if not data:
            return _DONE in seen
        seen = (seen + data)[-64:]
        if _DONE in seen:
            return True


def clean_up(marker: str, roots: list[str]) -> None:
    from runbook.run import procs, reaper

    procs.reap_marked(marker, grace=_GRACE)
    reaper.remove_run_folders(marker, roots)
    # A process killed last may have been writing into a folder: one more pass.
    procs.reap_marked(marker, grace=_GRACE)
    reaper.remove_run_folders(marker, roots)


def main(argv: list[str]) -> int:
    if not argv or not argv[0].isalnum():
        return 2
    # A cancelled job may signal every process; runbook handles those signals itself, and
    # the watchdog cannot outlive it (its pipe closes), so it ignores them and stays on duty.
    for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_IGN)
    if wait_for_parent():
        os._exit(0)  # runbook waits for this exit: skip the interpreter's teardown
    clean_up(argv[0], argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
