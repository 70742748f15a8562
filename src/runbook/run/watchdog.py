"""The watchdog: clean up after a runbook that was killed.

:class:`runbook.run.reaper.RunGuard` starts it with :func:`start`: a small bash program
(:data:`SCRIPT`), spawned without forking runbook (``posix_spawn``), in its own session, that
reads a pipe from runbook on stdin. A fork of runbook cost ~1 ms, and the fork held every page
of runbook until the run ended, so each page runbook wrote during the run was copied (~3 ms of
a one-step run); a fresh interpreter costs ~10 ms. ``done`` means runbook ended and cleaned up
itself: exit at once. End of file without ``done`` (runbook died: SIGKILL, a crash), or runbook
no longer running (checked every second: a fork of runbook that did not exec may hold the
pipe open), means nobody else will clean up: the program becomes ``python -m
runbook.run.watchdog --now MARKER ROOT...``, a fresh interpreter that stops every process
carrying MARKER (SIGTERM, a short grace, SIGKILL) and removes the run's temp folders
(``runbook-*-MARKER-*``) under each ROOT. ``python -m runbook.run.watchdog MARKER ROOT...``
is the same watchdog as a program, with the pipe on its stdin. Without bash (or ``/proc``,
to close what the spawn would inherit) the watchdog is a fork of runbook (:func:`fork`) that
runs only system calls until it must clean up.

It runs in its own session so a terminal's Ctrl-C or hang-up does not reach it (and it
ignores SIGINT, SIGHUP and SIGTERM: only the pipe tells it when to go), and it
imports nothing heavy until it has work to do.
"""

from __future__ import annotations

import gc
import os
import select
import shutil
import signal
import sys
import warnings
from typing import Any, Iterable, Mapping, NoReturn

_DONE = b"done\n"
_GRACE = 1.0

SCRIPT = (
    "trap '' INT HUP TERM PIPE; cd / || exit; p=$1; shift\n"
    "while :; do\n"
    "  if IFS= read -r -t 1 line; then [ \"$line\" = done ] && exit 0\n"
    "  elif [ $? -gt 128 ]; then kill -0 \"$p\" 2>/dev/null || break\n"  # no word yet: runbook still there?
    "  else [ \"$line\" = done ] && exit 0; break\n"  # end of file: runbook has gone
    "  fi\n"
    "done\n"
    "exec \"$@\"\n")
"""The spawned watchdog (bash ``-c``; arguments: runbook's pid, then the cleaning command)."""
_UNSAFE = ("BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS")
"""What would make bash read or do more than :data:`SCRIPT` (and exported functions)."""


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


def run_folders(marker: str, roots: Iterable[str]) -> list[str]:
    """Folders of the run marked ``marker`` (``runbook-<what>-<marker>-*``) under ``roots``."""
    import glob  # only to clean up: not imported by every run

    found: list[str] = []
    for root in roots:
        found += glob.glob(os.path.join(glob.escape(root), f"runbook-*-{marker}-*"))
    return [f for f in found if os.path.isdir(f) and not os.path.islink(f)]


def remove_run_folders(marker: str, roots: Iterable[str]) -> None:
    for folder in run_folders(marker, roots):
        shutil.rmtree(folder, ignore_errors=True)


def clean_up(marker: str, roots: list[str]) -> None:
    from runbook.run import procs

    procs.reap_marked(marker, grace=_GRACE)
    remove_run_folders(marker, roots)
    # A process killed last may have been writing into a folder: one more pass.
    procs.reap_marked(marker, grace=_GRACE)
    remove_run_folders(marker, roots)


def _ignore_signals() -> None:
    # A cancelled job may signal every process; runbook handles those signals itself, and
    # the watchdog cannot outlive it (its pipe closes), so it ignores them and stays on duty.
    for sig in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_IGN)


def start(marker: str, roots: list[str], env: Mapping[str, str]) -> tuple[int, int]:
    """Start the watchdog of the run ``marker``, in its own session; returns its pid and the
    write end of its pipe (write ``done`` and close it at the end, then wait for the pid).
    ``env``: the environment of the interpreter it starts if it must clean up. Spawned
    (:data:`SCRIPT`) where bash and ``/proc`` are, else forked. Raises ``OSError`` if it cannot."""
    bash = shutil.which("bash")
    try:
        inherited = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:
        bash = None
    if bash is None:
        return fork(marker, roots, env)
    argv = [bash, "--noprofile", "--norc", "-c", SCRIPT, "runbook-watchdog", str(os.getpid()),
            sys.executable, "-m", "runbook.run.watchdog", "--now", marker, *roots]
    read_end, write_end = os.pipe()
    if read_end <= 2:  # runbook's own standard descriptors are closed: a fork copes with that
        os.close(read_end)
        os.close(write_end)
        return fork(marker, roots, env)
    actions: list[tuple[Any, ...]] = [(os.POSIX_SPAWN_CLOSE, fd) for fd in inherited if fd > 2 and _inheritable(fd)]
    actions += [(os.POSIX_SPAWN_DUP2, read_end, 0), (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_RDWR, 0),
                (os.POSIX_SPAWN_DUP2, 1, 2)]
    clean = {k: v for k, v in env.items() if k not in _UNSAFE and not k.startswith("BASH_FUNC_")}
    try:
        pid = os.posix_spawn(bash, argv, clean, file_actions=actions, setsid=True)
    except BaseException:
        os.close(write_end)
        raise
    finally:
        os.close(read_end)
    return pid, write_end


def _inheritable(fd: int) -> bool:
    try:
        return os.get_inheritable(fd)
    except OSError:  # the listing's own descriptor, closed since
        return False


def fork(marker: str, roots: list[str], env: Mapping[str, str]) -> tuple[int, int]:
    """Start the watchdog of the run ``marker`` as a fork of this process, in its own
    session; returns its pid and the write end of its pipe (write ``done`` and close it at
    the end, then wait for the pid). ``env``: the environment of the interpreter it starts
    if it must clean up. Raises ``OSError`` if it cannot fork."""
    argv = [sys.executable, "-m", "runbook.run.watchdog", "--now", marker, *roots]
    read_end, write_end = os.pipe()
    try:
        with warnings.catch_warnings():  # Python 3.12 warns of a fork with threads: see _child
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        raise
    if pid == 0:
        _child(read_end, argv, dict(env), marker, roots)
    os.close(read_end)
    return pid, write_end


def _child(read_end: int, argv: list[str], env: dict[str, str], marker: str, roots: list[str]) -> NoReturn:
    """The forked watchdog: never returns into runbook's code, never runs its finalisers."""
    try:
        gc.disable()
        os.setsid()
        _ignore_signals()
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(read_end, 0)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        os.chdir("/")
        if wait_for_parent():
            os._exit(0)
        try:
            os.execve(argv[0], argv, env)
        except OSError:
            clean_up(marker, roots)
    finally:
        os._exit(0)


def main(argv: list[str]) -> int:
    now = bool(argv) and argv[0] == "--now"
    argv = argv[1:] if now else argv
    if not argv or not argv[0].isalnum():
        return 2
    _ignore_signals()
    if not now and wait_for_parent():
        os._exit(0)  # runbook waits for this exit: skip the interpreter's teardown
    clean_up(argv[0], argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
