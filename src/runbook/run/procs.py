"""Find and stop the processes a shell session left behind (Linux ``/proc``, psutil).

The session needs two questions answered that the shell itself cannot answer
once a step misbehaves: which processes did this step start (to SIGKILL them
after a timeout without killing the shell) and which processes still belong to
the shell's session at the end of the run (to leave nothing behind). Where
``/proc`` is missing every query returns nothing and callers fall back to
restarting the shell / signalling only what they remember.

The run marker is the net that does not depend on process trees or sessions:
every shell runbook starts carries ``RUNBOOK_RUN`` in its environment, so does
everything it spawns (``setsid``, ``nohup``, double forks, ``disown`` included),
and :func:`reap_marked` stops whatever still carries it. The only psutil user; psutil is
imported only once a marked process is found (``/proc`` is scanned first: most runs leave
none, and the import is ~12 ms of every start-up).
"""

from __future__ import annotations

import os
import select
import signal
import time
from typing import TYPE_CHECKING, Iterable, NamedTuple

from runbook.run import tokens

if TYPE_CHECKING:
    import psutil

MARKER_VAR = "RUNBOOK_RUN"
"""Environment variable that marks every process of a run (comma-separated: nested runs)."""

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class ProcInfo(NamedTuple):
    """The fields of ``/proc/<pid>/stat`` the session needs (a tuple: a scan of ``/proc``
    makes one per process, and the end of every run scans it)."""

    pid: int
    state: str
    ppid: int
    pgid: int
    sid: int
    start_ticks: int
    """Start time in clock ticks since boot."""


def _read_stat(pid: int) -> ProcInfo | None:
    try:
        fd = os.open(f"/proc/{pid}/stat", os.O_RDONLY)
    except OSError:
        return None
    try:
        raw = os.read(fd, 4096)
    except OSError:
        return None
    finally:
        os.close(fd)
    # The command name may contain spaces and parentheses: split after the last ')', and only
    # as far as the start time (the end of every run scans every process).
    fields = raw[raw.rfind(b")") + 2:].split(None, 20)
    try:
        return ProcInfo(pid, fields[0].decode("ascii", "replace"), int(fields[1]), int(fields[2]), int(fields[3]),
                        int(fields[19]))
    except (IndexError, ValueError):
        return None


def _pids() -> list[int]:
    """The processes ``/proc`` lists (empty where it is unavailable)."""
    try:
        return [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []


def _live(pid: int) -> ProcInfo | None:
    """The process's ``stat``, ``None`` if it is gone or a zombie."""
    info = _read_stat(pid)
    return info if info is not None and info.state not in ("Z", "X") else None


def snapshot() -> list[ProcInfo]:
    """Every live process (zombies excluded); empty where ``/proc`` is unavailable."""
    return [info for pid in _pids() if (info := _live(pid)) is not None]


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


def wait_exit(pid: int, timeout: float) -> bool:
    """Wait up to ``timeout`` s for ``pid`` to exit, without reaping it (a pidfd, else polling
    ``alive``); True if it is gone."""
    try:
        fd = os.pidfd_open(pid)
    except OSError:  # no pidfd (an old kernel), or no such process
        deadline = time.monotonic() + timeout
        while alive(pid):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.001)
        return True
    try:
        return bool(select.select([fd], [], [], timeout)[0])
    finally:
        os.close(fd)


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
    """Live processes whose session id is one of ``sids`` (the shells' sessions).

    Each process's session is asked with ``getsid`` (one system call); only a member's
    ``/proc/<pid>/stat`` is read, to leave zombies out. Reading every process's ``stat``
    (the kernel formats its 52 fields, runbook parses them) was ~1 ms of each of the two
    calls at the end of every run. Where ``getsid`` is refused (a security module), the
    ``stat`` says the session; empty where ``/proc`` is unavailable, as :func:`snapshot`."""
    wanted = set(sids)
    skip = set(exclude)
    out = []
    for pid in _pids():
        if pid in skip:
            continue
        try:
            if os.getsid(pid) not in wanted:
                continue
        except ProcessLookupError:  # gone since the listing
            continue
        except OSError:  # refused: the stat below says
            pass
        info = _live(pid)
        if info is not None and info.sid in wanted:
            out.append(pid)
    return out


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


# -- the run marker ----------------------------------------------------------
def default_signals() -> None:
    """In a shell's child before exec: SIGPIPE and SIGXFSZ back to their default (Python
    ignores them, and a shell cannot undo an ignored signal it inherits: ``yes | head -1``
    would say "Broken pipe", where cram and prysk, which restore them, say nothing)."""
    for sig in (signal.SIGPIPE, signal.SIGXFSZ):
        signal.signal(sig, signal.SIG_DFL)


def new_marker() -> str:
    """A fresh, unguessable marker for one run."""
    return tokens.token_hex(8)


def marker_value(marker: str, inherited: str | None) -> str:
    """The shells' ``RUNBOOK_RUN``: markers of surrounding runs (runbook run by runbook) stay in it,
    so an outer run still finds what an inner run's shells start."""
    kept = [m for m in (inherited or "").split(",") if m and m != marker]
    return ",".join([*kept, marker])


def marked(marker: str, among: list[int] | None = None) -> list[psutil.Process]:
    """Live processes (this one excluded) whose environment carries ``marker``.

    Processes of other users (their environment is unreadable) and zombies are skipped.
    ``/proc`` is read first (or ``among``, pids it gave); psutil checks each candidate
    (and is imported) only if any."""
    pids = _marked_pids(marker) if among is None else among
    if pids == []:
        return []
    import psutil

    me = os.getpid()
    found = []
    for proc in psutil.process_iter() if pids is None else _processes(pids):
        if proc.pid == me:
            continue
        try:
            value = proc.environ().get(MARKER_VAR, "")
        except (psutil.Error, OSError):
            continue
        if marker in value.split(","):
            found.append(proc)
    return found


def _processes(pids: Iterable[int]) -> list[psutil.Process]:
    import psutil

    out = []
    for pid in pids:
        try:
            out.append(psutil.Process(pid))
        except (psutil.Error, OSError):  # it has gone since /proc was read
            continue
    return out


def _marked_pids(marker: str) -> list[int] | None:
    """The pids whose ``/proc/<pid>/environ`` holds ``marker`` in ``MARKER_VAR`` (``None``:
    no ``/proc``). A zombie's environment reads empty, another user's not at all: skipped."""
    try:
        names = os.listdir("/proc")
    except OSError:
        return None
    me, needle, key = os.getpid(), marker.encode(), (MARKER_VAR + "=").encode()
    out = []
    for name in names:
        if not name.isdigit() or int(name) == me:
            continue
        data = _environ(name)
        if needle in data and any(v.startswith(key) and needle in v[len(key):].split(b",")
                                  for v in data.split(b"\0")):
            out.append(int(name))
    return out


def _environ(pid: str) -> bytes:
    """``/proc/<pid>/environ`` (empty when unreadable: gone, a zombie, another user's), read
    with plain system calls: the end of every run reads every process's twice."""
    try:
        fd = os.open(f"/proc/{pid}/environ", os.O_RDONLY)
    except OSError:
        return b""
    try:
        data = os.read(fd, 65536)
        while data and len(data) % 65536 == 0:
            more = os.read(fd, 65536)
            if not more:
                break
            data += more
        return data
    except OSError:
        return b""
    finally:
        os.close(fd)


def describe(proc: psutil.Process) -> str:
    """``pid 123 (sleep 300)``: how a stopped process is named to the user."""
    import psutil

    try:
        cmd = " ".join(proc.cmdline()) or proc.name()
    except (psutil.Error, OSError):
        cmd = "?"
    return f"pid {proc.pid} ({cmd[:80] + '…' if len(cmd) > 80 else cmd})"


def strays(marker: str, parent: int, skip_pids: Iterable[int] = (), skip_groups: Iterable[int] = ()) -> list[str]:
    """:func:`describe` of the marked processes except ``parent``'s children (the shells),
    ``skip_pids`` and members of the process groups ``skip_groups``."""
    pids, groups = set(skip_pids), set(skip_groups)
    among = _marked_pids(marker)
    if among is not None:  # the shells and the services are told apart in /proc first
        among = [pid for pid in among if pid not in pids and not _child_or_member(pid, parent, groups)]
    found = marked(marker, among)
    if not found:
        return []
    import psutil

    out = []
    for proc in found:
        try:
            if proc.pid in pids or proc.ppid() == parent or os.getpgid(proc.pid) in groups:
                continue
        except (psutil.Error, OSError):
            continue
        out.append(describe(proc))
    return out


def _child_or_member(pid: int, parent: int, groups: set[int]) -> bool:
    """Whether ``pid`` is a child of ``parent`` or in one of ``groups`` (or has gone)."""
    info = _read_stat(pid)
    return info is None or info.ppid == parent or info.pgid in groups


def _gone(proc: psutil.Process) -> bool:
    import psutil

    try:
        return not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE
    except (psutil.Error, OSError):
        return True


def _wait(procs: list[psutil.Process], timeout: float) -> list[psutil.Process]:
    """Wait until every process is gone (zombies count as gone) or ``timeout``; return the living."""
    deadline = time.monotonic() + timeout
    alive_ = [p for p in procs if not _gone(p)]
    while alive_ and time.monotonic() < deadline:
        time.sleep(0.02)
        alive_ = [p for p in alive_ if not _gone(p)]
    return alive_


def _send(procs: Iterable[psutil.Process], sig: int) -> None:
    import psutil

    for proc in procs:
        try:
            proc.send_signal(sig)  # psutil checks the pid was not reused
            if sig == signal.SIGTERM:
                proc.send_signal(signal.SIGCONT)  # a stopped process cannot act on SIGTERM
        except (psutil.Error, OSError):
            pass


def reap_marked(marker: str, grace: float = 2.0, skip: Iterable[int] = (), rounds: int = 6) -> list[str]:
    """Stop every process carrying ``marker``: SIGTERM, ``grace`` seconds, SIGKILL; rescan and
    repeat (a dying process may start another) until none is found or ``rounds`` are spent.

    ``skip`` pids are left alone. Returns :func:`describe` of each process that was signalled."""
    skipped = set(skip)
    stopped: dict[int, str] = {}
    for attempt in range(rounds):
        found = [p for p in marked(marker) if p.pid not in skipped]
        if not found:
            break
        for proc in found:
            stopped.setdefault(proc.pid, describe(proc))
        if attempt == 0:
            _send(found, signal.SIGTERM)
            found = _wait(found, grace)
        _send(found, signal.SIGKILL)
        _wait(found, 1.0)
    return list(stopped.values())
