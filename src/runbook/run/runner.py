"""Run a planned document in one session: phases, blocking, retries, background, teardown.

The runner never prints: it reports through observer hooks, and returns a RunResult.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import threading
import time
from datetime import datetime, timezone
from typing import Callable, Sequence

from runbook import __version__
from runbook.collector import freeze_alive, thaw
from runbook.config import SECRET_NAME_RE, Settings
from runbook.errors import SessionError
from runbook.judge.confirm import awaiting_person
from runbook.judge.criteria import needles, waits
from runbook.judge.verdict import CommandRun, judge, merged_output
from runbook.lazyre import lazy
from runbook.model import Command, Document, Execution, PhaseResult, RunResult, Status, Step, StepResult, TroubleMatch
from runbook.parse.placeholders import filled_commands
from runbook.run.ahead import Ahead
from runbook.run.background import BackgroundSteps
from runbook.run.clipboard import CarriedSteps
from runbook.run.evidence import as_judged, output_cap_for
from runbook.run.mask import Masker
from runbook.run.plan import Plan, build_plan
from runbook.run.protocol import Observer, Observers, Session, SessionFactory
from runbook.run import shellvars
from runbook.run.reaper import RunGuard
from runbook.run.session import PexpectSession
from runbook.run.shells import Shells
from runbook.run.stops import stop_after
from runbook.run.tempdirs import make_folder

_VAR_RE = lazy(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_FAILED = (Status.FAIL, Status.ERROR)


class Runner(BackgroundSteps, Shells, CarriedSteps, Ahead):
    """Executes a Document under Settings; one instance per run."""

    def __init__(self, doc: Document, settings: Settings, observers: Sequence[Observer] = (),
                 session_factory: SessionFactory = PexpectSession,
                 clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.doc = doc
        self.settings = settings
        self.observers = Observers(observers)
        self._factory = session_factory
        self._clock = clock
        self._now = now
        self._session: Session | None = None
        self._interrupts = 0
        self._step_interrupted = False
        self._wake = threading.Event()
        listed = {k: v for k, v in settings.values.items() if k in settings.secrets or SECRET_NAME_RE.search(k)}
        self.masker = Masker([*settings.secret_values().values(), *listed.values()])
        self._secret_vars = shellvars.Learner(SECRET_NAME_RE, settings.secrets)
        self._masked_at: dict[str, int] = {}
        self._logdir = ""
        self._bg_logs: dict[str, str] = {}
        self._bg_pids: list[int] = []
        self.guard = RunGuard()
        """The run's marker, watchdog and final sweep: nothing the run starts outlives it."""
        self._inputs = {**os.environ, **settings.env, **settings.values}
        """Where placeholders and dialog ``${VAR}`` replies take their values."""

    # -- control -------------------------------------------------------------
    def interrupt(self) -> None:
        """Ctrl-C: stop the running step; a second call also aborts teardown."""
        self._interrupts += 1
        self._step_interrupted = True
        self._wake.set()
        if self._session is not None:
            self._session.interrupt()

    @property
    def interrupted(self) -> bool:
        return self._interrupts > 0

    # -- the run -------------------------------------------------------------
    def run(self) -> RunResult:
        plan = build_plan(self.doc, self.settings.selection, self.settings.blocking)
        started_wall = self._now()
        t0 = self._clock()
        results: dict[str, StepResult] = {}
        self.observers.run_started(self.doc, plan)
        self.guard.start()
        mine = freeze_alive()  # the collector walks the run's own objects only (runbook/collector.py)
        try:
            self._logdir = make_folder(self.guard.folder_prefix("logs"))
            self._fresh_shell()
            self._preflight()
            unmet = next((c for c in self.settings.skip_unless if self._run_command(c) != 0), None)
            if unmet is not None:
                for step in plan.steps:
                    results[step.id] = self._not_run(step, Status.SKIP, f"skipped: `{unmet}` failed (skip_unless)")
                    self.observers.step_finished(step, results[step.id])
            else:
                self._run_body(plan, results)
                self._run_teardown(plan, results)
            self._attach_background_logs(results)
        finally:
            thaw(mine)
            stopped = self._clean_up()
        if stopped:
            self.observers.notice(f"stopped {len(stopped)} process(es) the run left running: "
                                  + "; ".join(stopped))
        ordered = tuple(self._remasked(results[s.id]) for s in plan.steps if s.id in results)
        run = RunResult(
            document=self.doc.path, runbook_version=__version__,
            started_at=started_wall.strftime("%Y-%m-%dT%H:%M:%SZ"),
            duration_s=round(self._clock() - t0, 3), host=os.uname().nodename,
            phases=self._phase_results(plan, results), steps=ordered, interrupted=self.interrupted,
            stopped_processes=stopped)
        self.observers.run_finished(run)
        return run

    def _remasked(self, r: StepResult) -> StepResult:
        """A result masked again if a secret was learned after it ran (step 1 printed a file
        that step 2 read into a secret variable): no artefact file shows it."""
        if self._masked_at.get(r.step_id, 0) == self.masker.generation:
            return r
        return self.masker.result(r)

    def _clean_up(self) -> tuple[str, ...]:
        """End of the run, whatever ended it: close the session (its process groups and
        sessions), then stop every process still carrying the run's marker (escapees of
        ``setsid``, double forks...). Returns the processes nobody asked to be stopped:
        those besides the shells and the background services."""
        strays: list[str] = []
        try:
            strays = self.guard.survey(skip_groups=self._bg_pids)
            if self._session is not None:
                self._session.close()
        finally:
            if self._logdir:
                shutil.rmtree(self._logdir, ignore_errors=True)
            # Last: the watchdog is let go only once nothing of the run is left.
            strays += [p for p in self.guard.finish() if p not in strays]
        return tuple(self.masker(p) for p in strays)

    def _preflight(self) -> None:
        """``requires:``: every command and variable must exist before anything runs."""
        if self.settings.requires:
            from runbook.run.requires import check_requires  # a document that declares some only
            assert self._session is not None
            check_requires(self._session, self.settings.requires, self.doc.path)

    def _run_body(self, plan: Plan, results: dict[str, StepResult]) -> None:
        blocked_phase: str | None = None
        blocked_why = ""
        stop_reason: str | None = None
        setup_ids = {s.id for s in plan.setup}
        for i, step in enumerate(body := plan.setup + plan.main):
            if self.interrupted:
                stop_reason = "not reached (run interrupted)"
            if stop_reason:
                results[step.id] = self._collected(step) or self._not_run(step, Status.SKIP, stop_reason)
            elif blocked_phase is not None and step.phase != blocked_phase:
                results[step.id] = self._not_run(step, Status.BLOCKED, blocked_why)
            else:
                self._queue_ahead(body, i)  # plain steps from here: sent to the shell in one go
                r = self._run_step(step)
                results[step.id] = r
                if r.status in _FAILED:
                    if blocked_phase is None and step.role == "setup":
                        blocked_phase, blocked_why = step.phase, f"blocked: setup step {step.id} failed"
                    elif blocked_phase is None and step.phase in plan.blocking:
                        blocked_phase = step.phase
                        blocked_why = f"blocked: blocking phase {step.phase} failed at step {step.id}"
                why, notice = stop_after(step, r, self.settings.fail_fast, results, setup_ids)
                stop_reason = stop_reason or why
                if notice:
                    self.observers.notice(notice)
            self.observers.step_finished(step, results[step.id])

    def _run_teardown(self, plan: Plan, results: dict[str, StepResult]) -> None:
        if not plan.teardown:
            return
        first_interrupts = self._interrupts
        self._wake.clear()
        for step in plan.teardown:
            if self._interrupts > first_interrupts:
                results[step.id] = self._not_run(step, Status.SKIP, "teardown aborted by a second Ctrl-C")
                self.observers.notice("teardown aborted by a second Ctrl-C: clean up by hand")
            else:
                results[step.id] = self._run_step(step)
            self.observers.step_finished(step, results[step.id])

    # -- one step ------------------------------------------------------------
    def _not_run(self, step: Step, status: Status, reason: str) -> StepResult:
        return StepResult(step.id, status, phase=step.phase, title=step.title, line=step.line,
                          reason=reason)

    def _missing_inputs(self, step: Step) -> list[str]:
        return [n for n in step.placeholders if n not in self._inputs] if step.placeholders else []

    def _run_step(self, step: Step) -> StepResult:
        self._step_interrupted = False
        if self._wake.is_set():
            self._wake.clear()
        step, ruled = self._carry.before(step)
        skipped = "" if ruled else self._skip_reason(step) or self._declined(step)
        if ruled or skipped:
            return ruled or self._not_run(step, Status.SKIP, skipped)
        if step.options.fresh_shell:
            self._fresh_shell()
        commands = filled_commands(step, self._inputs)
        if step.role == "background":
            return self._run_background(step, "\n".join(c.text for c in commands))
        result = self.observers.review(step, awaiting_person(step, self._attempts(step, commands)))
        self._masked_at[step.id] = self.masker.generation
        return self._carry.after(step, self.masker.result(result, outputs=False))

    def _declined(self, step: Step) -> str:
        """``--step-by-step``: a person may skip the step or quit the run (teardown still runs)."""
        answer = "run" if step.role == "teardown" else self.observers.before_step(step)
        if answer == "quit":
            self._interrupts += 1
            return "not run: the run was quit at the step-by-step prompt"
        return "skipped by a person at the step-by-step prompt" if answer == "skip" else ""

    def _skip_reason(self, step: Step) -> str:
        """Why the step is skipped before it runs (empty: it runs)."""
        if step.skip_reason:
            return step.skip_reason
        missing = self._missing_inputs(step)
        if missing:
            return "needs input: " + ", ".join(missing)
        if self._session is None:
            raise RuntimeError("session not started")
        unless = step.options.skip_unless
        if unless and self._run_command(unless) != 0:
            return f"skipped: `{unless}` failed (skip_unless)"
        return ""

    def _attempts(self, step: Step, commands: Sequence[Command]) -> StepResult:
        """Run and judge the step until it passes, its retries and ``within`` time are
        spent, or Ctrl-C; the last attempt's result."""
        timeout = step.options.timeout_s or self.settings.timeout
        retries = step.options.retry
        delay = 1.0 if step.options.delay_s is None else step.options.delay_s
        within, hold = waits(step.criteria)
        deadline = self._clock() + within if within else None
        wanted = needles(step.criteria)
        attempt = 0
        t0 = self._clock()
        while True:
            attempt += 1
            self.observers.step_started(step, attempt)
            runs = self._execute(step, commands, timeout, wanted)
            result = self._judge(step, runs, attempt, self._clock() - t0)
            if result.status is Status.PASS or self._step_interrupted:
                return self._hold(step, commands, result, (hold, delay, timeout, t0), wanted) if hold else result
            more_time = deadline is not None and self._clock() + delay < deadline
            if attempt > retries and not more_time:
                return result
            if self._wake.wait(delay):
                return result

    def _hold(self, step: Step, commands: Sequence[Command], result: StepResult,
              times: tuple[float, float, float, float], wanted: Sequence[str]) -> StepResult:
        """``... for N s``: after the first pass, re-run every ``delay`` s until N s have
        passed; every run must pass, and the first that does not is the step's result."""
        hold, delay, timeout, t0 = times
        since = self._clock()
        while result.status is Status.PASS and self._clock() - since < hold and not self._step_interrupted:
            if self._wake.wait(delay):
                break
            attempt = result.attempts + 1
            self.observers.step_started(step, attempt)
            runs = self._execute(step, commands, timeout, wanted)
            result = self._judge(step, runs, attempt, self._clock() - t0)
        return result

    def _execute(self, step: Step, commands: Sequence[Command], timeout: float,
                 wanted: Sequence[str]) -> list[CommandRun]:
        assert self._session is not None
        runs: list[CommandRun] = []
        errexit = step.options.errexit
        start = self._clock()

        def on_output(chunk: str) -> None:
            self.observers.step_output(step, chunk)

        ask = self._step_ask(step)
        # ``typed`` only when set (an API user's session may not take it); no ``**{}`` a step
        run = functools.partial(self._session.run, typed=True) if step.options.typed else self._session.run
        for cmd in commands:
            remaining = max(0.05, timeout - (self._clock() - start))
            ex = run(cmd.text, timeout=remaining, errexit=errexit, needles=wanted,
                     interactive=step.options.interactive, dialog=self._dialog(step),
                     on_output=on_output, output_cap=output_cap_for(cmd, self.settings.output_cap), ask=ask)
            runs.append(CommandRun(cmd, ex))
            if ex.timed_out or ex.shell_died or (errexit and ex.exit_code not in (0, None)) \
                    or self._step_interrupted:
                break
        if not (runs and runs[-1].execution.shell_died):  # a fresh shell holds nothing new
            self._learn_secrets()
        return [as_judged(r, self.masker) for r in runs]

    def _dialog(self, step: Step) -> tuple[tuple[str, str], ...]:
        """The ``expect`` replies with ``${VAR}`` / ``$VAR`` filled from the run's environment."""
        if not step.dialog:
            return ()

        def fill(m: re.Match[str]) -> str:
            return self._inputs.get(m.group(1) or m.group(2), m.group(0))

        return tuple((rx, _VAR_RE.sub(fill, reply)) for rx, reply in step.dialog)

    def _ask(self) -> shellvars.Ask:
        """What the step's own line asks the shell after it (bash): its secret variables."""
        return self._secret_vars.ask()

    def _learn_secrets(self) -> None:
        """Learn the values of the shell's secret variables, however a step set them (from
        the answer the step's own line brought back, else by asking)."""
        assert self._session is not None
        if self._session.answer == "":  # the shell listed no secret name and no value: nothing to learn
            return
        values = self._secret_vars.learn(self._query, self._session.answer)
        if values:
            self.masker.add(values)

    def _query(self, script: str, room: int) -> str:
        assert self._session is not None
        try:
            return self._session.run(script, timeout=10, errexit=False, output_cap=room).output.text
        except SessionError:  # the shell cannot be restarted: the next step reports it
            return ""

    def _run_command(self, cmd: str) -> int | None:
        assert self._session is not None
        ex = self._session.run(cmd, timeout=min(self.settings.timeout, 60), errexit=True)
        return None if ex.timed_out else ex.exit_code

    def _judge(self, step: Step, runs: list[CommandRun], attempts: int, duration: float) -> StepResult:
        runs = self._carry.seen(step, runs)
        output = merged_output(runs)
        last = runs[-1].execution if runs else None
        verdict = judge(step, runs, strict=self.settings.strict, run_command=self._run_command)
        status, reason = self._session_verdict(step, last) or (verdict.status, verdict.reason)
        notes: list[str] = []
        if last is not None and last.note:
            notes.append(last.note)
        if attempts > 1:
            notes.append(f"{attempts} attempts")
        trouble: tuple[TroubleMatch, ...] = ()
        if status in _FAILED and self.doc.troubleshooting:
            from runbook.judge.trouble import match_troubleshooting  # a document with a table only
            trouble = match_troubleshooting(self.doc.troubleshooting, output.text, reason)
        return StepResult(
            step.id, status, phase=step.phase, title=step.title, line=step.line, drift=verdict.drift,
            exit_code=last.exit_code if last else None, duration_s=round(duration, 4), attempts=attempts,
            output=output, checks=verdict.checks, diff=verdict.diff, reason=reason,
            troubleshooting=tuple(trouble), notes=tuple(notes),
            command_outputs=tuple([r.execution.output.text for r in runs]))

    def _session_verdict(self, step: Step, last: Execution | None) -> tuple[Status, str] | None:
        """What overrides the criteria: Ctrl-C, a timeout, or the shell dying in the step."""
        if self._step_interrupted:
            return Status.ERROR, "interrupted (Ctrl-C)"
        if last is None:
            return None
        if last.timed_out:
            return Status.ERROR, f"timed out after {_fmt_s(step.options.timeout_s or self.settings.timeout)}"
        if last.shell_died:
            if last.exit_code not in (None, 0):
                return Status.FAIL, f"the shell exited with status {last.exit_code} during the step"
            return Status.ERROR, "the shell exited during the step"
        return None

    def _phase_results(self, plan: Plan, results: dict[str, StepResult]) -> tuple[PhaseResult, ...]:
        out = []
        for p in self.doc.phases:
            statuses = [results[s.id].status for s in p.steps if s.id in results]
            if not statuses:
                continue
            out.append(PhaseResult(p.id, p.title, p.id in plan.blocking, phase_status(statuses)))
        return tuple(out)


def phase_status(statuses: Sequence[Status]) -> Status:
    """A phase's status: the worst of its steps (error > fail > blocked > manual > pass > skip)."""
    for st in (Status.ERROR, Status.FAIL, Status.BLOCKED, Status.MANUAL, Status.PASS):
        if st in statuses:
            return st
    return Status.SKIP


def _fmt_s(seconds: float) -> str:
    return f"{seconds:g} s"
