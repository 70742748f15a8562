"""Start a session's shell on a new pty without forking runbook (``posix_spawn``).

pexpect's spawn (ptyprocess) forks runbook, a ~40 MB Python process, and the child runs
Python code (closing descriptors, the terminal's modes, ``preexec_fn``) before it execs the
shell while runbook waits: ~1.5 ms of runbook's CPU, as much again in the child, and several
ms of waiting on a busy machine. Here the terminal is made ready from runbook's side (window
size, echo off, output processing off for runbook's own bash: the terminal's modes belong to
the pty, not to a process) and the shell is spawned in a new session (``setsid``) that opens
the pty as its standard descriptors, which makes it the session's controlling terminal, as
``login_tty`` does for ptyprocess; SIGPIPE and SIGXFSZ are back to their default, as
``procs.default_signals`` does in the fork. The working directory, which a spawn cannot set,
is runbook's own for the moment of the spawn (only while runbook runs a single thread:
the directory is the process's).

Linux only (elsewhere opening a terminal does not make it the controlling one); ``None`` from
:func:`spawn` means "use pexpect's own spawn" (another platform, threads, no ``/proc``, a
failure), which behaves the same.
"""

from __future__ import annotations

import fcntl
import os
import signal
import struct
import sys
import termios
import threading
from typing import Mapping, Sequence


def spawn(argv: Sequence[str], env: Mapping[str, str] | None, cwd: str | None, dimensions: tuple[int, int],
          echo: bool, raw: bool) -> tuple[int, int] | None:
    """Start ``argv`` (its first item a path) on a new pty; its pid and the pty's master
    descriptor, or ``None`` where this cannot (the caller then forks as pexpect does)."""
    if not sys.platform.startswith("linux") or threading.active_count() != 1:
        return None
    try:
        inherited = [int(fd) for fd in os.listdir("/proc/self/fd")]
        here = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    master, slave = os.openpty()
    try:
        started = _spawn_on(slave, argv, env, cwd, dimensions, echo, raw, inherited, here)
    finally:
        os.close(slave)
        os.close(here)
    if started is None:
        os.close(master)
        return None
    return started, master


def _spawn_on(slave: int, argv: Sequence[str], env: Mapping[str, str] | None, cwd: str | None,
              dimensions: tuple[int, int], echo: bool, raw: bool, inherited: list[int], here: int) -> int | None:
    attrs = termios.tcgetattr(slave)
    if not echo:
        attrs[3] &= ~termios.ECHO
    if raw:
        attrs[1] &= ~termios.OPOST
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", dimensions[0], dimensions[1], 0, 0))
    actions: list[tuple[object, ...]] = [(os.POSIX_SPAWN_CLOSE, fd) for fd in inherited if fd > 2 and _inheritable(fd)]
    actions += [(os.POSIX_SPAWN_OPEN, 0, os.ttyname(slave), os.O_RDWR, 0), (os.POSIX_SPAWN_DUP2, 0, 1),
                (os.POSIX_SPAWN_DUP2, 0, 2)]
    try:
        try:
            if cwd is not None:
                os.chdir(cwd)
            return os.posix_spawn(argv[0], list(argv), os.environ if env is None else env, file_actions=actions,
                                  setsid=True, setsigdef=(signal.SIGPIPE, signal.SIGXFSZ))
        finally:  # whatever happened since the chdir, runbook's folder is its own again
            os.fchdir(here)
    except (OSError, NotImplementedError):  # pexpect's spawn says what went wrong, in its words
        return None


def _inheritable(fd: int) -> bool:
    try:
        return os.get_inheritable(fd)
    except OSError:  # the listing's own descriptor, closed since
        return False
