"""The start of a session's shell: what it is, hermetic, runbook's functions defined.

A mixin of :class:`runbook.run.session.PexpectSession` (its state lives there). The shell is
asked what it is (bash, zsh, another POSIX shell; whether runbook's files are visible to it,
i.e. local), made hermetic (no prompts, history expansion, job notices or line editing) and,
in bash, given runbook's two functions and asked for its builtins and keywords. For the bash
runbook starts itself (no ``shell:``) what the probe will say is known: the three lines go in
one write and their answers are read in order, two round trips fewer at every start (should
it answer otherwise, the usual sequence follows and sets it up as what it said).
"""

from __future__ import annotations

import os
import termios
import time
from typing import Any, NoReturn

from runbook.errors import SessionError
from runbook.run import tokens
from runbook.run.capture import OutputCapture
from runbook.run.reader import Reader
from runbook.run.shell_lines import _print, bash_functions, probe_line, setup_line
from runbook.run.shell_state import BashState, clear_traps_file

_Ahead = tuple[str, str, BashState, str]
"""Lines sent with the probe: (their text, the setup's nonce, the state whose functions they
define, the functions' nonce)."""


class Handshake(Reader):
    """Starts the conversation with a freshly spawned shell."""

    config: Any
    kind: str
    _zsh: bool
    _dir: str | None
    _tty: list[Any] | None
    _bash: BashState | None

    def _handshake(self) -> None:
        assert self._child is not None and self._dir is not None
        deadline = time.monotonic() + self.config.start_timeout
        nonce = tokens.token_hex(8)
        probe = os.path.join(self._dir, f"probe-{nonce}")
        open(probe, "w").close()
        ahead = self._bash_ahead() if self.config.command is None else None
        self._child.send((probe_line(nonce, probe) + (ahead[0] if ahead else "")).encode())
        seen = OutputCapture(4000)
        status, code = self._read([nonce], deadline, seen)
        os.unlink(probe)
        if status != "done" or code is None:
            self._fail_start(status, seen)
        kind = code & 3
        self.kind, self._zsh, self._remote = ("bash" if kind == 0 else "posix"), kind == 1, bool(code & 4)
        if ahead is not None and self._answered_ahead(ahead, deadline, seen, as_told=code == 0):
            return
        nonce = tokens.token_hex(8)
        line = setup_line(nonce, bash=self.kind == "bash", zsh=self._zsh, remote=self._remote,
                          env=self.config.env)
        self._child.send(line.encode())
        status, code = self._read([nonce], deadline, seen)
        if status != "done":
            self._fail_start(status, seen)
        self._terminal()
        self._bash = None
        if self.kind == "bash":
            state = self._new_bash_state(remote=self._remote)
            nonce = tokens.token_hex(8)
            self._child.send(_functions_line(state, nonce).encode())
            self._learn_builtins(state, nonce, deadline)

    def _bash_ahead(self) -> _Ahead:
        """The setup and functions lines of a local bash, to send with the probe."""
        setup, names = tokens.token_hex(8), tokens.token_hex(8)
        state = self._new_bash_state(remote=False)
        text = setup_line(setup, bash=True, zsh=False, remote=False, env=self.config.env) + \
            _functions_line(state, names)
        return text, setup, state, names

    def _answered_ahead(self, ahead: _Ahead, deadline: float, seen: OutputCapture, as_told: bool) -> bool:
        """Read the answers to the lines sent ahead; True when the shell is what they were
        for (a local bash), else False, once both answers are read: the usual sequence follows."""
        _, setup, state, names = ahead
        status, _ = self._read([setup], deadline, seen)
        if status != "done":
            self._fail_start(status, seen)
        if not as_told:
            status, _ = self._read([names], deadline, OutputCapture(64_000))
            if status != "done":
                self._fail_start(status, seen)
            return False
        self._terminal()
        self._learn_builtins(state, names, deadline)
        return True

    def _terminal(self) -> None:
        """Output processing off on a local shell's terminal; whether its output needs folding."""
        assert self._child is not None
        fd = self._child.child_fd
        attrs = termios.tcgetattr(fd)
        if not self._remote:
            attrs[1] &= ~termios.OPOST
            termios.tcsetattr(fd, termios.TCSANOW, attrs)
            attrs = termios.tcgetattr(fd)
        self._tty = attrs
        self._fold = bool(attrs[1] & termios.OPOST) or self._remote

    def _new_bash_state(self, remote: bool) -> BashState:
        assert self._dir is not None
        traps = None if remote else os.path.join(self._dir, "traps")
        clear_traps_file(traps)
        return BashState(tokens.token_hex(6), traps)

    def _learn_builtins(self, state: BashState, nonce: str, deadline: float) -> None:
        """Read bash's builtins and keywords (``run.pure``): the answer to the functions line."""
        names = OutputCapture(64_000)
        status, _ = self._read([nonce], deadline, names)
        if status != "done":
            self._fail_start(status, names)
        state.builtins = frozenset(names.finish().text.split())
        self._bash = state

    def _fail_start(self, status: str, seen: OutputCapture) -> NoReturn:
        tail = seen.finish().text.strip()[-300:]
        what = "exited at start" if status == "eof" else \
            f"did not answer within {self.config.start_timeout:g} s"
        raise SessionError(
            f"the shell `{self.config.command or 'bash'}` {what}" + (f"; it printed: {tail}" if tail else ""),
            hint="the shell must read commands from its terminal (for ssh use `ssh -tt host bash`)")


def _functions_line(state: BashState, nonce: str) -> str:
    """runbook's bash functions defined, then bash's builtins and keywords listed (``run.pure``)."""
    return f"{bash_functions(state.sid)}; \\builtin compgen -b -k; {_print(nonce, '0')}\n"
