"""Background steps (``background: true``): start detached, wait for ``ready``, show the log.

A mixin of the Runner: the step's code starts in its own process group with its output
in a log file of the run's log folder; with a ``ready`` command the runner polls it
until it succeeds, the service dies or the step's timeout passes. At the end of the run
each background step shows the tail of its log (masked) as its output.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from pathlib import Path
from typing import Callable

from runbook.config import Settings
from runbook.model import Check, Document, Output, Status, Step, StepResult, TroubleMatch
from runbook.run.mask import Masker
from runbook.run.protocol import Observers, Session

LOG_TAIL = 20000
"""Bytes of a background step's log shown as its output."""


class BackgroundSteps:
    """Starting and watching the run's background steps (state lives on the Runner)."""

    doc: Document
    settings: Settings
    observers: Observers
    masker: Masker
    _session: Session | None
    _clock: Callable[[], float]
    _wake: threading.Event
    _step_interrupted: bool
    _logdir: str
    _bg_logs: dict[str, str]
    _bg_pids: list[int]

    def _run_command(self, cmd: str) -> int | None:  # provided by the Runner
        raise NotImplementedError

    def _run_background(self, step: Step, code: str) -> StepResult:
        assert self._session is not None
        self.observers.step_started(step, 1)
        log = str(Path(self._logdir) / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', step.id)}.log")
        t0 = self._clock()
        pid = self._session.run_background(code, log)
        self._bg_pids.append(pid)
        self._bg_logs[step.id] = log
        ready = step.options.ready
        notes = (f"started in the background (pid {pid}); its log is this step's output",)
        if not ready:
            return StepResult(step.id, Status.PASS, phase=step.phase, title=step.title, line=step.line,
                              exit_code=0, duration_s=round(self._clock() - t0, 4), attempts=1, notes=notes)
        timeout = step.options.timeout_s or self.settings.timeout
        code_ready, attempts, exited = self._wait_ready(step, ready, pid, t0, timeout)
        ok = code_ready == 0
        why = "" if ok else (f"the background process exited before it was ready ({ready})" if exited
                             else f"service not ready after {timeout:g} s ({ready})")
        output = self._log_output(log)
        trouble: tuple[TroubleMatch, ...] = ()
        if not ok:
            from runbook.judge.trouble import match_troubleshooting  # a failed service only
            trouble = match_troubleshooting(self.doc.troubleshooting, output.text, why)
        return StepResult(
            step.id, Status.PASS if ok else Status.FAIL, phase=step.phase, title=step.title, line=step.line,
            exit_code=0 if ok else code_ready, duration_s=round(self._clock() - t0, 4), attempts=attempts,
            output=output, checks=(Check(f"ready: {ready}", ok, "" if ok else why),), reason=why,
            troubleshooting=trouble, notes=notes)

    def _wait_ready(self, step: Step, ready: str, pid: int, t0: float,
                    timeout: float) -> tuple[int | None, int, bool]:
        """Poll ``ready`` until it succeeds, the service exits, the time is up or Ctrl-C:
        (last status of ``ready``, attempts, whether the service exited)."""
        delay = 0.5 if step.options.delay_s is None else step.options.delay_s
        attempts = 0
        while True:
            attempts += 1
            code_ready = self._run_command(ready)
            if code_ready == 0 or self._step_interrupted or self._clock() - t0 + delay > timeout:
                return code_ready, attempts, False
            if self._run_command(f"kill -0 {pid} 2>/dev/null") != 0:
                return code_ready, attempts, True  # the service died: waiting longer cannot help
            if self._wake.wait(delay):
                return code_ready, attempts, False

    def _log_output(self, log: str) -> Output:
        """The tail of a background step's log, masked (empty when it is not readable here)."""
        try:
            data = Path(log).read_bytes()
        except OSError:
            return Output("")
        text = self.masker(data[-LOG_TAIL:].decode("utf-8", "backslashreplace"))
        return Output(text, len(data), data.count(b"\n"), max(0, len(data) - LOG_TAIL))

    def _attach_background_logs(self, results: dict[str, StepResult]) -> None:
        """Show each background step's log (tail) as its output."""
        for sid, log in self._bg_logs.items():
            r = results.get(sid)
            if r is not None:
                results[sid] = dataclasses.replace(r, output=self._log_output(log))
