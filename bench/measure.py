"""Run one command under a hard timeout; return its wall time, CPU time, exit status and peak RSS.

CPU time is user + system time of the tool and every descendant it waited for (its
shell and the commands the shell ran): what the tool's tree cost the machine, which a
neighbour's load disturbs much less than it disturbs wall time.

Peak RSS is ``ru_maxrss`` (KiB): the largest resident set of the process or of
any descendant it waited for -- the biggest single process of the tool's tree,
not the sum of the tree.  Linux carries a process's RSS high-water mark across
``execve``, so a tool forked straight from this (large) Python process would
report at least this process's RSS.  The tool is therefore started by GNU
``time -f %M``, a small C program that forks it and reports its rusage; without
GNU time the fallback is ``os.wait4`` on the direct child, and the result says so.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

GNU_TIME = "/usr/bin/time"


@dataclass(frozen=True)
class Measurement:
    """What one run of a tool cost and how it ended."""

    wall_s: float
    rss_kib: int
    exit_code: int | None  # None when killed by the harness timeout
    timed_out: bool
    tail: str  # last lines of the tool's combined stdout/stderr
    rss_source: str = "gnu-time"  # or "wait4" (upper bound: includes the harness's RSS)
    cpu_s: float = 0.0  # user + system of the tool's tree (the processes it waited for)

    @property
    def ok(self) -> bool:
        return not self.timed_out and self.exit_code == 0


def _descendants(root: int) -> list[int]:
    """Pids below ``root`` (from /proc), so a pty child in its own session is reached too."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for kid in children.get(todo.pop(), []):
            found.append(kid)
            todo.append(kid)
    return found


def _kill_tree(pid: int, spare_root: bool) -> None:
    """SIGKILL everything below pid (and pid unless spared: GNU time must live to report)."""
    for p in [*([] if spare_root else [pid]), *_descendants(pid)]:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _tail(fh: IO[bytes], limit: int = 2000) -> str:
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    fh.seek(max(0, size - limit))
    return fh.read().decode("utf-8", "replace")


def run(cmd: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None) -> Measurement:
    """Run ``cmd`` in its own session; its stdin is a pipe kept open and never written to.

    An open, silent stdin stands for a terminal nobody types into: a tool that
    lets a step read its stdin blocks there, as it would for a user.
    """
    gnu_time = os.access(GNU_TIME, os.X_OK)
    with tempfile.TemporaryFile() as out, tempfile.NamedTemporaryFile("r") as rss_file:
        if gnu_time:
            cmd = [GNU_TIME, "-q", "-f", "%M %U %S", "-o", rss_file.name, *cmd]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True, env=env)
        lock = threading.Lock()
        state = {"done": False, "killed": False}

        def on_timeout() -> None:
            with lock:
                if not state["done"]:
                    state["killed"] = True
                    _kill_tree(proc.pid, spare_root=gnu_time)

        timer = threading.Timer(timeout, on_timeout)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        with lock:
            state["done"] = True
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        assert proc.stdin is not None
        proc.stdin.close()
        try:  # leftovers of the tool's process group (never anyone else's)
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        killed = state["killed"]
        rss, source = int(usage.ru_maxrss), "wait4"
        cpu = usage.ru_utime + usage.ru_stime  # GNU time's own few ms included
        if gnu_time:
            words = rss_file.read().split()
            if len(words) >= 3 and words[-3].isdigit():
                rss, source, cpu = int(words[-3]), "gnu-time", float(words[-2]) + float(words[-1])
        return Measurement(wall, rss, None if killed else proc.returncode, killed, _tail(out), source, cpu)
