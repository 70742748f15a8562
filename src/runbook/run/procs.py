"""Find and stop the processes a shell session left behind (Linux ``/proc``).

The session needs two questions answered that the shell itself cannot answer
once a step misbehaves: which processes did this step start (to SIGKILL them
after a timeout without killing the shell) and which processes still belong to
the shell's session at the end of the run (to leave nothing behind). Where
``/proc`` is missing every query returns nothing and callers fall back to
restarting the shell / signalling only what they remember.
"""

from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass
from typing import Iterable

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class ProcInfo:
    """The fields of ``/proc/<pid>/stat`` the session needs."""

    pid: int
    state: str
    ppid: int
    pgid: int
    sid: int
    start_ticks: int
    """Start time in clock ticks since boot."""


def _read_stat(pid: int) -> ProcInfo | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            raw = fh.read().decode("ascii", "replace")
    except OSError:
        return None
    # The command name may contain spaces and parentheses: split after the last ')'.
    fields = raw[raw.rfind(")") + 2:].split()
    try:
        return ProcInfo(pid, fields[0], int(fields[1]), int(fields[2]), int(fields[3]), int(fields[19]))
    except (IndexError, ValueError):
        return None


def snapshot() -> list[ProcInfo]:
    """Every live process (zombies excluded); empty where ``/proc`` is unavailable."""
    try:
        names = os.listdir("/proc")
    except OSError:
        return []
    out = []
    for name in names:
        if name.isdigit():
            info = _read_stat(int(name))
            if info is not None and info.state not in ("Z", "X"):
                out.append(info)
    return out


def now_ticks() -> int:
    """Current time on the clock of ``ProcInfo.start_ticks`` (ticks since boot)."""
    return int(time.clock_gettime(time.CLOCK_BOOTTIME) * _TICKS)


def alive(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    info = _read_stat(pid)
    if info is not None:
        return info.state not in ("Z", "X")
    if os.path.isdir("/proc/self"):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def descendants(root: int, since_ticks: int | None = None) -> list[int]:
    """Live descendants of ``root``, optionally only those started at or after ``since_ticks``."""
    procs = snapshot()
    children: dict[int, list[ProcInfo]] = {}
    for p in procs:
        children.setdefault(p.ppid, []).append(p)
    found: list[int] = []
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            todo.append(child.pid)
            if since_ticks is None or child.start_ticks >= since_ticks:
                found.append(child.pid)
    return found


def session_members(sids: Iterable[int], exclude: Iterable[int] = ()) -> list[int]:
    """Live processes whose session id is one of ``sids`` (the shells' sessions)."""
    wanted = set(sids)
    skip = set(exclude)
    return [p.pid for p in snapshot() if p.sid in wanted and p.pid not in skip]


def _signal(pids: Iterable[int], pgids: Iterable[int], sig: int) -> None:
    for pgid in pgids:
        try:
            os.killpg(pgid, sig)
        except OSError:
            pass
    for pid in pids:
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def stop(pids: Iterable[int], pgids: Iterable[int] = (), grace: float = 2.0) -> list[int]:
    """SIGTERM ``pids`` and process groups ``pgids``; SIGKILL what is left after ``grace`` s.

    Returns the pids that needed SIGKILL.
    """
    pids = list(pids)
    pgids = list(pgids)
    _signal(pids, pgids, signal.SIGTERM)
    _signal([], pgids, signal.SIGCONT)
    deadline = time.monotonic() + grace
    watch = pids + pgids
    while time.monotonic() < deadline and any(alive(p) for p in watch):
        time.sleep(0.02)
    stubborn = [p for p in watch if alive(p)]
    _signal(pids, pgids, signal.SIGKILL)
    return stubborn
