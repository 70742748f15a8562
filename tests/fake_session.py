"""A fast stand-in for PexpectSession that obeys the same protocol (runbook.run.protocol.Session).

Each step's code runs in its own ``bash -c`` subprocess (no pty, stderr merged into stdout,
stdin at /dev/null, its own process group): exit statuses, outputs, timeouts and the
output capture (runbook.run.capture.OutputCapture) are real. What it does not model:
state carried from step to step (cwd, variables, functions) and a shell that dies, so
tests on it keep state in files. ``script`` maps a step's exact code to canned results
``(exit_code, output)``, used in turn (the last one repeats); an exit code of ``None``
is a timeout. ``calls`` records every piece of code the runner asked to run.
tests/test_session_contract.py runs this fake and the real session through the same cases.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from typing import IO, Callable, Mapping, Sequence

from runbook.errors import SessionError
from runbook.model import Execution
from runbook.run.capture import OutputCapture
from runbook.run.session import ShellConfig

BASH = ("bash", "--noprofile", "--norc")
_POLL = 0.02


class FakeSession:
    """One ``bash -c`` per step; background steps are detached process groups stopped at close."""

    def __init__(self, config: ShellConfig,
                 script: Mapping[str, Sequence[tuple[int | None, str]]] | None = None) -> None:
        self.config = config
        self.restarts = 0
        self.answer: str | None = None  # never folds a query into a step: the runner asks
        self.calls: list[str] = []
        self._script = {code: list(results) for code, results in (script or {}).items()}
        self._bg: list[subprocess.Popen[bytes]] = []
        self._steps: list[subprocess.Popen[bytes]] = []
        self._running: subprocess.Popen[bytes] | None = None
        self._interrupted = False
        self._started = self._closed = False

    @classmethod
    def scripted(cls, script: Mapping[str, Sequence[tuple[int | None, str]]]) -> Callable[[ShellConfig], FakeSession]:
        """A session factory whose sessions answer ``script``'s codes with canned results."""
        return lambda config: cls(config, script)

    @property
    def closed(self) -> bool:
        return self._closed

    def start(self) -> None:
        if not os.path.isdir(self.config.cwd):
            raise SessionError(f"working directory {self.config.cwd!r} does not exist")
        self._started = True

    def interrupt(self) -> None:
        if self._running is not None:
            self._interrupted = True

    def run(self, code: str, *, timeout: float, errexit: bool = True, needles: Sequence[str] = (),
            interactive: bool = False, dialog: Sequence[tuple[str, str]] = (),
            on_output: Callable[[str], None] | None = None, output_cap: int | None = None,
            ask: object = None) -> Execution:
        if not self._started or self._closed:
            raise SessionError("the session is not running")
        self.calls.append(code)
        capture = OutputCapture(output_cap or self.config.output_cap, needles)
        if code in self._script:
            return self._canned(code, capture, timeout, on_output)
        t0 = time.monotonic()
        fd, log = tempfile.mkstemp(prefix="fake-session-")
        os.close(fd)
        # The step appends through its own descriptor (O_APPEND) and we read through another:
        # sharing one file offset would let our seeks move where the step writes.
        with open(log, "ab") as sink, open(log, "rb") as out:
            os.unlink(log)
            proc = subprocess.Popen([*BASH, "-c", ("set -e\n" if errexit else "") + code],
                                    stdin=subprocess.DEVNULL, stdout=sink, stderr=subprocess.STDOUT,
                                    cwd=self.config.cwd, env={**os.environ, **self.config.env},
                                    start_new_session=True)
            self._running, self._interrupted = proc, False
            self._steps.append(proc)
            try:
                status = self._wait(proc, t0 + timeout, _Tail(out, capture, on_output))
            finally:
                self._running = None
        note = {"timeout": f"timed out after {timeout:.3g} s", "interrupt": "interrupted"}.get(status, "")
        rc = proc.returncode if status == "done" else None
        return Execution(capture.finish(), rc, round(time.monotonic() - t0, 6), status == "timeout", False, note)

    def _wait(self, proc: subprocess.Popen[bytes], deadline: float, tail: _Tail) -> str:
        """``done``, ``timeout`` or ``interrupt``; a stopped step's process group is killed.

        Output is read from a file, not a pipe: a job the step left running in the
        background may keep writing without holding the step open."""
        while proc.poll() is None:
            tail.read()
            if self._interrupted or time.monotonic() >= deadline:
                _kill_group(proc)
                tail.read()
                return "interrupt" if self._interrupted else "timeout"
            time.sleep(_POLL)
        tail.read()
        return "done"

    def _canned(self, code: str, capture: OutputCapture, timeout: float,
                on_output: Callable[[str], None] | None) -> Execution:
        results = self._script[code]
        rc, out = results.pop(0) if len(results) > 1 else results[0]
        text = capture.feed(out.encode("utf-8", "surrogateescape"))
        if on_output is not None and text:
            on_output(text)
        note = f"timed out after {timeout:.3g} s" if rc is None else ""
        return Execution(capture.finish(), rc, 0.0, rc is None, False, note)

    def run_background(self, code: str, log_path: str) -> int:
        if not self._started or self._closed:
            raise SessionError("the session is not running")
        self.calls.append(code)
        with open(log_path, "ab") as log:
            proc = subprocess.Popen([*BASH, "-c", code], stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, cwd=self.config.cwd,
                                    env={**os.environ, **self.config.env}, start_new_session=True)
        self._bg.append(proc)
        return proc.pid

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for proc in self._bg + self._steps:  # jobs steps left running die with the session
            _kill_group(proc)


class _Tail:
    """Feeds what a step wrote to its output file since the last read into the capture."""

    def __init__(self, out: IO[bytes], capture: OutputCapture, on_output: Callable[[str], None] | None) -> None:
        self.out, self.capture, self.on_output, self.pos = out, capture, on_output, 0

    def read(self) -> None:
        self.out.seek(self.pos)
        data = self.out.read()
        self.pos += len(data)
        text = self.capture.feed(data) if data else ""
        if self.on_output is not None and text:
            self.on_output(text)


def _kill_group(proc: subprocess.Popen[bytes], grace: float = 0.5) -> None:
    """SIGTERM to the process group, SIGKILL after ``grace``; reaps the leader."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            continue
        try:  # the leader is gone; its group may still have members
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        return
