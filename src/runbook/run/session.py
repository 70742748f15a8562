"""Drive one persistent shell on a pty: run a step, capture its output, survive its hazards.

The only pexpect importer. Each step is written to a file in a private folder and
run with ONE input line that sources it (stdin at /dev/null) and then prints a
sentinel ``__RB_<nonce>:<status>`` on its own line; the nonce is fresh per step,
so no output can fake the end of a step. cwd, variables and functions persist
because every step runs in the same shell, as when a person pastes them.

In bash the line is built so the document cannot steer it (``shell_lines``): after
each step a post line, parsed before the step ran (so without the step's aliases),
makes the shell neutral and reports its options; ``shell_state`` puts the user's
options and traps back before the next step. The sentinel goes to ``/dev/tty``, so a
step that redirects or closes its stdout for good is still seen to end at once.

Job control (``set +m``) is off: with it on, bash prints ``[1]+ Done`` notices in
the middle of later steps' output. Timeouts and shell deaths: ``recovery``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import termios
import time
from typing import Any, Callable, Final, Mapping, Sequence

import pexpect
import ptyprocess

from runbook.errors import SessionError
from runbook.model import Execution
from runbook.run import procs, ptyspawn, tokens
from runbook.run.batch import Batch
from runbook.run.capture import OutputCapture
from runbook.run.handshake import Handshake
from runbook.run.shell_state import BashState
from runbook.run.shellvars import Ask
from runbook.run.tempdirs import make_folder
from runbook.run.shell_lines import (
    Dialog, background_line, bash_post, bash_step_line, step_line,
)

HERMETIC = ("bash", "--noprofile", "--norc", "--noediting")
#: Defaults a document's ``env`` may override (pagers off, plain terminal).
QUIET_ENV = {
    "TERM": "dumb", "PAGER": "cat", "GIT_PAGER": "cat", "SYSTEMD_PAGER": "cat", "MANPAGER": "cat",
    "LESS": "-FRXd",
}
#: What the protocol itself relies on: never overridden.
PROTOCOL_ENV = {"PS1": "", "PS2": "", "PS4": "+ ", "PROMPT_COMMAND": "", "HISTFILE": "/dev/null"}


class ShellConfig:
    """How to start the document's shell (a plain slotted class: nothing compares or replaces one)."""

    __slots__ = ("command", "cwd", "env", "output_cap", "start_timeout", "run_env", "folder_prefix")

    def __init__(self, command: str | None = None, cwd: str = ".", env: Mapping[str, str] | None = None,
                 output_cap: int = 1_000_000, start_timeout: float = 10.0, run_env: Mapping[str, str] | None = None,
                 folder_prefix: str = "runbook-session-") -> None:
        self.command: Final = command  # None: hermetic bash; else a command line run on the pty (zsh -f, ssh -tt h)
        self.cwd: Final = cwd  # the starting working directory of a local shell
        self.env: Final[Mapping[str, str]] = {} if env is None else env  # on top of os.environ
        self.output_cap: Final = output_cap  # characters of output kept per step (head half + tail half)
        self.start_timeout: Final = start_timeout
        self.run_env: Final[Mapping[str, str]] = {} if run_env is None else run_env
        """The run's marker (``RUNBOOK_RUN``): set last, so a document's ``env`` cannot change it."""
        self.folder_prefix: Final = folder_prefix
        """Name prefix of the session's temp folder (the run's watchdog finds it by name)."""


def _raw_output() -> None:
    """In the child before exec: output processing off (``-opost``), so the terminal
    state bash saves at start, and restores after a job dies of a signal, has it."""
    procs.default_signals()
    attrs = termios.tcgetattr(0)
    attrs[1] &= ~termios.OPOST
    termios.tcsetattr(0, termios.TCSANOW, attrs)


class _Spawn(pexpect.spawn):
    """pexpect's spawn, its shell started without forking runbook where it can be
    (``run/ptyspawn.py``); ``raw``: output processing off, as ``_raw_output`` does in a fork."""

    def __init__(self, *args: Any, raw: bool, **kwargs: Any) -> None:
        self._raw = raw
        super().__init__(*args, **kwargs)

    def _spawnpty(self, args: list[str], **kwargs: Any) -> ptyprocess.PtyProcess:
        started = ptyspawn.spawn(args, kwargs.get("env"), kwargs.get("cwd"), kwargs.get("dimensions", (24, 80)),
                                 kwargs.get("echo", True), self._raw)
        if started is None:
            return super()._spawnpty(args, **kwargs)
        proc = ptyprocess.PtyProcess(*started)
        proc.argv, proc.env, proc.launch_dir = args, kwargs.get("env"), kwargs.get("cwd")
        return proc


class PexpectSession(Handshake, Batch):
    """One shell for a whole document; not thread-safe except for ``interrupt``."""

    def __init__(self, config: ShellConfig) -> None:
        self.config = config
        self.restarts = 0
        self.kind = "bash"
        self._zsh = False
        self._remote = False
        self._fold = False
        self._child: pexpect.spawn | None = None
        self._dead = False
        self._dir: str | None = None
        self._tty: list[Any] | None = None
        self._bg: list[int] = []
        self._fds: dict[str, int] = {}
        self._sids: list[int] = []
        self._started = False
        self._closed = False
        self._running = False
        # A plain bool, not threading.Event: interrupt() may run in a signal handler
        # while this thread holds the Event's lock, which would deadlock.
        self._interrupted = False
        self._bash: BashState | None = None
        self._tail: list[str] = []
        self._asked: set[str] = set()
        self._unreported_death = False

    # -- lifecycle -----------------------------------------------------------
    def start(self) -> None:
        """Spawn the shell and check it answers; raises ``SessionError`` if it cannot."""
        if self._dir is None:
            self._dir = make_folder(self.config.folder_prefix, _fast_tmp())
        elif not os.path.isdir(self._dir):  # a step removed it
            os.makedirs(self._dir, mode=0o700, exist_ok=True)
        argv = list(HERMETIC) if self.config.command is None else shlex.split(self.config.command)
        if not argv:
            raise SessionError("empty shell command", hint="set `shell:` to a command such as `bash`")
        if not os.path.isdir(self.config.cwd):
            raise SessionError(f"working directory {self.config.cwd!r} does not exist",
                               hint="fix `cwd:` in the front matter (it is relative to the document)")
        env = {**os.environ, **QUIET_ENV, **self.config.env, **PROTOCOL_ENV, **self.config.run_env}
        try:
            child = _Spawn(argv[0], argv[1:], encoding=None, echo=False, env=env,
                           cwd=self.config.cwd, dimensions=(50, 500), timeout=None,
                           preexec_fn=procs.default_signals if self.config.command else _raw_output,
                           raw=self.config.command is None)
        except (pexpect.ExceptionPexpect, OSError) as exc:
            raise SessionError(f"cannot start the shell `{shlex.join(argv)}`: {exc}",
                               hint="check that the command exists and is on PATH") from None
        child.delaybeforesend = None
        child.delayafterread = None
        child.delayafterclose = 0.0
        child.delayafterterminate = 0.005
        child.ptyproc.delayafterclose = 0.0  # ptyprocess sleeps 0.1 s on close by default
        child.ptyproc.delayafterterminate = 0.005
        self._child, self._dead, self._unreported_death = child, False, False
        self._sids.append(child.pid)
        try:
            self._handshake()
        except SessionError:
            self._kill_shell()
            raise
        self._started = True

    def close(self) -> None:
        """Stop every background process group and leftover process, then the shell. Idempotent."""
        if self._closed:
            return
        self._closed = True
        try:
            shells = set(self._sids)
            procs.stop(procs.session_members(self._sids, exclude=shells), pgids=self._bg)
            self._kill_shell()
            leftovers = procs.session_members(self._sids)
            if leftovers:
                procs.stop(leftovers, grace=0.5)
        except Exception:  # noqa: BLE001 - close runs from atexit/signal paths: never raise
            pass
        for fd in self._fds.values():
            try:
                os.close(fd)
            except OSError:
                pass
        self._fds.clear()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)

    def _kill_shell(self) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        try:
            if child.isalive():  # hang it up and wait for it: ptyprocess would sleep 5 ms a signal
                os.kill(child.pid, signal.SIGHUP)
                procs.wait_exit(child.pid, 0.05)
            child.close(force=True)
        except Exception:  # noqa: BLE001 - best effort: the process may already be gone
            try:
                os.kill(child.pid, signal.SIGKILL)
            except OSError:
                pass

    def _ensure_shell(self) -> None:
        """Start a fresh shell when the last one died (counted in ``restarts``)."""
        if self._closed:
            raise SessionError("the session is closed")
        if self._child is not None and not self._dead:
            return
        self._kill_shell()
        if self._started:
            self.restarts += 1
        self.start()

    # -- running -------------------------------------------------------------
    def interrupt(self) -> None:
        """Stop the running step soon (safe from a signal handler or another thread)."""
        if self._running or self._lines:
            self._interrupted = True
            if self._lines:
                self._next = None  # the next batch is not typed
                self._cancel()  # at once: bash starts no further line of the batch

    def run(self, code: str, *, timeout: float, errexit: bool = True, needles: Sequence[str] = (),
            interactive: bool = False, dialog: Sequence[tuple[str, str]] = (),
            on_output: Callable[[str], None] | None = None, output_cap: int | None = None,
            ask: Ask | None = None, typed: bool = False) -> Execution:
        """Run ``code`` as one step in the persistent shell and report what happened.

        ``output_cap`` overrides the configured cap for this step (a step whose
        expected output is larger must keep all of it to be compared); ``ask``: see ``Session``;
        ``typed``: bash runs it as typed at its prompt (``StepOptions.typed``), never batched."""
        self._ensure_shell()
        assert self._child is not None and self._dir is not None
        self.answer = self._answer = None
        self._interrupted = self._interrupted and bool(self._lines)  # Ctrl-C while bash runs ahead
        self._running = True
        try:
            queued = self._batched(code, timeout, errexit, not (interactive or dialog or typed), needles, on_output,
                                   output_cap, ask)
            if queued is not None:
                return queued
            self._drain()
            if self._dead and self._unreported_death:
                return self._death_between_steps()
            t0 = time.monotonic()
            since = procs.now_ticks()
            nonce = tokens.token_hex(8)
            capture = OutputCapture(output_cap or self.config.output_cap, needles, fold_crlf=self._fold)
            path = os.path.join(self._dir, "step.sh")
            self._child.send(self._prepare(code, path, nonce, errexit=errexit, interactive=interactive, ask=ask,
                                           typed=typed))
            talk = Dialog(dialog) if interactive and dialog else None
            status, rc = self._read([nonce], t0 + timeout, capture, talk, on_output, watch=True)
            return self._finish_step(status, rc, t0, timeout, nonce, capture, since, errexit, ask)
        finally:
            self._running = False
            self._interrupted = False

    def run_background(self, code: str, log_path: str) -> int:
        """Start ``code`` detached (own process group, stdin /dev/null, output to ``log_path``)."""
        self._ensure_shell()
        assert self._child is not None and self._dir is not None
        self._drain()
        if self._dead and self._unreported_death:
            self._unreported_death = False
            raise SessionError("the shell exited after the previous step, before this one started",
                               hint="a step set `TMOUT`, ran `exit` or killed its shell; a fresh shell "
                                    "starts with the next step, without the cwd, variables and functions")
        nonce = tokens.token_hex(8)
        path = os.path.join(self._dir, f"bg-{len(self._bg) + 1}.sh")
        self._child.send(self._prepare(code, path, nonce, background=log_path))
        status, pid = self._read([nonce], time.monotonic() + 10, OutputCapture(4000))
        if status == "done" and self._bash is not None:
            self._bash.learn(self._tail, traps=False)
        if status != "done" or not pid:
            if status == "eof":
                self._dead = True
            raise SessionError("could not start the background step",
                               hint="check the step's command; the shell did not report a process id")
        self._bg.append(pid)
        return pid

    def _prepare(self, code: str, path: str, nonce: str, *, errexit: bool = False,
                 interactive: bool = False, background: str | None = None, ask: Ask | None = None,
                 typed: bool = False) -> bytes:
        if not code.endswith("\n"):
            code += "\n"
        state, pure = self._bash, None
        if state is not None and background is None:
            state.sent(code)
            pure, code = state.pure(code), state.file_prelude(errexit) + code + state.trailer(typed)
        body = None
        if self._remote:
            body, path = code, f'"${{__rb_f}}{os.path.basename(path)}"'
        else:
            self._write(path, code.encode("utf-8", "surrogateescape"))
            path = shlex.quote(path)
        if state is not None:
            if background is not None:
                line = (f"{state.line_prelude()}\\builtin set -m; ( \\builtin . {path} ) </dev/null "
                        f">>{shlex.quote(background)} 2>&1 & "
                        + "\\builtin set +m; \\builtin disown; " + bash_post(nonce, state.sid, value="$!") + "\n")
            else:
                line = bash_step_line(nonce, state.sid, path, prelude=state.line_prelude(echo=not typed),
                                      stdin_null=not interactive, traps=state.traps_path,
                                      mode=state.post_mode(), ask=self._asking(nonce, ask), typed=typed,
                                      pure=pure)
        elif background is not None:
            line = background_line(nonce, path, shlex.quote(background), disown=self._zsh)
        else:
            line = step_line(nonce, path, stdin_null=not interactive, remote=self._remote,
                             dot="command ." if self.kind == "posix" and not self._zsh else ".")
        if body is not None:
            end = f"__RB_EOF_{tokens.token_hex(8)}"
            line = f"cat >{path} <<'{end}'\n{body}{end}\n" + line
        return line.encode("utf-8", "surrogateescape")

    def _write(self, path: str, data: bytes, checked: bool = False) -> None:
        """Write a step file. The file is rewritten in place (pwrite + ftruncate to a
        non-zero size), not reopened with O_TRUNC: on ext4 a truncate-to-zero of a
        file with data forces block allocation and costs ~0.6 ms per step. ``checked``:
        the folder was just seen to exist (a batch writes all its files at once, before
        any of its steps runs)."""
        assert self._dir is not None
        if not checked and not os.path.isdir(self._dir):  # a step removed runbook's folder: make it again
            for old in self._fds.values():
                os.close(old)
            self._fds.clear()
            os.makedirs(self._dir, mode=0o700, exist_ok=True)
        fd = self._fds.get(path)
        if fd is None:
            fd = self._fds[path] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.pwrite(fd, data, 0)
        os.ftruncate(fd, len(data))

def _fast_tmp() -> str | None:
    """A memory-backed folder for step files when there is one (rewriting a step file on a
    disk-backed /tmp costs ~0.25 ms a step); ``None`` means the usual temporary folder."""
    for d in (os.environ.get("XDG_RUNTIME_DIR"), "/dev/shm"):
        if d and os.path.isdir(d) and os.access(d, os.W_OK | os.X_OK):
            return d
    return None
