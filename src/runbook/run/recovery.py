"""Timeout recovery and shell death for the pty session (a mixin of ``PexpectSession``).

A timed-out or interrupted step is stopped by SIGINT to the terminal's foreground group,
then SIGKILL of the shell's descendants started during the step; a resync line (the
same neutralising post line a step ends with) is typed, and the shell is restarted
only if it still does not answer. A shell that ended between two steps is reported on
the next one, which does not run.
"""

from __future__ import annotations

import os
import shlex
import signal
import termios
import time
from typing import Any

from runbook.model import Execution
from runbook.run import procs, tokens
from runbook.run.capture import OutputCapture
from runbook.run.reader import Reader
from runbook.run.shell_lines import bash_post
from runbook.run.shell_state import BashState

_RESYNC_WAIT = 1.0
_GRACE = 0.5


class Recovery(Reader):
    """What ``PexpectSession`` does when a step runs too long or the shell goes away."""

    _bash: BashState | None
    _tty: list[Any] | None
    kind: str
    _late: tuple[str, ...] = ()
    """More nonces that may still print while a step is stopped (the "not run" marker of
    the next line of a batch): dropped like the stopped step's own sentinel."""

    def _kill_shell(self) -> None:
        raise NotImplementedError

    def _ensure_shell(self) -> None:
        raise NotImplementedError

    def _death_between_steps(self) -> Execution:
        """The shell ended while no step ran (``TMOUT``, a background ``kill``): say so on
        this step, which does not run; the next one starts a fresh shell."""
        self._unreported_death = False
        rc = self._exit_status()
        note = ("the shell exited after the previous step ended, before this step started"
                + (f" (status {rc})" if rc is not None else "")
                + "; this step did not run; a fresh shell is started for the next step, without the "
                  "cwd, variables and functions of earlier steps")
        return Execution(OutputCapture(64).finish(), None, 0.0, False, True, note)

    # -- recovery ------------------------------------------------------------
    def _stop(self, head: str, nonce: str, capture: OutputCapture, since: int) -> tuple[str, int | None, bool]:
        """Stop a running step; returns (note, exit status if the shell died, shell died).

        The step's processes get SIGINT, then SIGKILL if still alive after a grace
        period, BEFORE a resync line is typed: a program reading /dev/tty (less, sudo)
        would otherwise eat it."""
        assert self._child is not None
        notes = [head, "sent SIGINT to the step"]
        self._signal_step()
        stale = [nonce, *self._late]
        self._late = ()
        state, _ = self._read(stale, time.monotonic() + _GRACE, capture, until_idle=since)
        if state == "timeout":
            killed = procs.descendants(self._child.pid, since) if not self._remote else []
            for pid in killed:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            if killed:
                notes.append(f"killed {len(killed)} process(es) with SIGKILL")
        if state in ("timeout", "idle"):
            state = self._resync(stale, capture)
        if state == "eof":
            notes.append("the shell exited; a fresh shell is started for the next step, without the cwd, "
                         "variables and functions of earlier steps")
            return "; ".join(notes), self._exit_status(), True
        if state == "timeout":
            self._kill_shell()
            self._dead = True
            self._ensure_shell()
            notes.append("the shell did not answer and was restarted: cwd, variables and functions "
                         "of earlier steps are lost")
        return "; ".join(notes), None, False

    def _step_end(self, status: str, rc: int | None, timeout: float, nonce: str,
                  capture: OutputCapture, since: int) -> tuple[str, int | None, bool]:
        """(note, exit status, shell died) once reading ended with ``status``: a dead shell
        is reported, a timed-out or interrupted step is stopped."""
        if status == "eof":
            rc = self._exit_status()
            return ("the shell exited during the step" + (f" (status {rc})" if rc is not None else "")
                    + "; a fresh shell is started for the next step, without the cwd, variables and "
                    "functions of earlier steps"), rc, True
        if status not in ("timeout", "interrupt"):
            return "", rc, False
        head = f"timed out after {timeout:.3g} s" if status == "timeout" else "interrupted"
        prompt = capture.last_line()
        note, rc, died = self._stop(head, nonce, capture, since)
        if prompt.strip():
            note += f'; waiting at prompt "{prompt}"'
        return note, None if status == "timeout" or rc is None else rc, died

    def _signal_step(self) -> None:
        assert self._child is not None
        if self._remote:
            # Over ssh/docker the local pty is raw: ^C travels to the remote terminal.
            self._child.send(b"\x03")
            return
        try:
            os.killpg(os.tcgetpgrp(self._child.child_fd), signal.SIGINT)
        except OSError:
            try:
                os.killpg(self._child.pid, signal.SIGINT)
            except OSError:
                pass

    def _resync(self, stale: list[str], capture: OutputCapture) -> str:
        """Send a fresh sentinel line and wait for it: ``done``, ``timeout`` or ``eof``.

        Sentinels of the interrupted step and of earlier resync attempts (``stale``)
        may still arrive first; they are dropped. The new nonce is added to ``stale``."""
        assert self._child is not None
        nonce = tokens.token_hex(8)
        watch = [nonce, *stale]
        stale.append(nonce)
        state = self._bash
        if state is not None:
            line = bash_post(nonce, state.sid, value="0", traps=state.traps_path,
                             mode=state.post_mode(resync=True)) + "\n"
        else:
            line = f"printf '\\n__RB_%s:%d\\n' {nonce} 0\n"
        self._child.send(line.encode())
        deadline = time.monotonic() + _RESYNC_WAIT
        status, _ = self._read(watch, deadline, capture)
        if status == "done" and state is not None:
            state.learn(self._tail)
        return status

    def _exit_status(self) -> int | None:
        child = self._child
        if child is None:
            return None
        try:
            child.wait()
        except Exception:  # noqa: BLE001 - already reaped by pexpect
            pass
        if child.exitstatus is not None:
            return int(child.exitstatus)
        if child.signalstatus is not None:
            return 128 + int(child.signalstatus)
        return None

    def _fix_tty(self) -> None:
        """Undo terminal changes a step made (``stty echo`` would echo our next line)."""
        if self._child is None or self._tty is None or self._remote:
            return
        try:
            if termios.tcgetattr(self._child.child_fd) != self._tty:
                termios.tcsetattr(self._child.child_fd, termios.TCSANOW, self._tty)
        except termios.error:
            pass
