"""The two interfaces the runner talks through: the shell Session and run Observers.

``Session`` is what the runner needs from a shell (``PexpectSession`` is the real
one; tests/fake_session.py is a fast stand-in checked against the same contract).
``Observer`` is what a reporter implements to follow a run; every hook has a no-op
default, so a class that subclasses ``Observer`` overrides only the hooks it needs.
``Observers`` fans one call out to many observers, in order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Protocol, Sequence

from runbook.model import Document, Execution, RunResult, Step, StepResult

if TYPE_CHECKING:
    from runbook.run.plan import Plan
    from runbook.run.session import ShellConfig
    from runbook.run.shellvars import Ask


class Session(Protocol):
    """One persistent shell for a whole document, as the runner uses it."""

    restarts: int
    """How many times a dead shell was replaced by a fresh one."""
    answer: str | None
    """The answer to the last ``run``'s ``ask`` (``None``: the shell cannot fold it into the step)."""

    def start(self) -> None:
        """Start the shell; raise ``SessionError`` when it cannot answer."""

    def run(self, code: str, *, timeout: float, errexit: bool = True, needles: Sequence[str] = (),
            interactive: bool = False, dialog: Sequence[tuple[str, str]] = (),
            on_output: Callable[[str], None] | None = None, output_cap: int | None = None,
            ask: Ask | None = None, typed: bool = False) -> Execution:
        """Run ``code`` as one step: its output, exit status, timeout or death of the shell;
        ``ask`` is a script to run right after it, whose output goes to ``answer``; ``typed``:
        run it as typed at the shell's prompt (``StepOptions.typed``; the runner passes it
        only when it is set, so a session without it still runs every other step)."""

    def run_background(self, code: str, log_path: str) -> int:
        """Start ``code`` detached with its output in ``log_path``; return its pid."""

    def interrupt(self) -> None:
        """Stop the running step soon (safe from a signal handler)."""

    def close(self) -> None:
        """Stop every process the session started, then the shell. Idempotent."""


SessionFactory = Callable[["ShellConfig"], Session]
"""Makes the session of a run from its shell configuration (``PexpectSession`` by default)."""


class Observer(Protocol):
    """Hooks that follow a run, called in order by the runner. Subclass and override any."""

    def run_started(self, doc: Document, plan: Plan) -> None:
        """Before the first step: the document and the steps that will run."""
        return None

    def step_started(self, step: Step, attempt: int) -> None:
        """A step (or one more attempt of it) starts."""
        return None

    def step_output(self, step: Step, chunk: str) -> None:
        """A piece of the running step's output, as it arrives (not yet masked)."""
        return None

    def step_finished(self, step: Step, result: StepResult) -> None:
        """A step's final result (also for steps skipped or blocked without running)."""
        return None

    def notice(self, message: str) -> None:
        """Something the user should know that belongs to no step."""
        return None

    def before_step(self, step: Step) -> str:
        """Before a step runs: ``run``, ``skip`` or ``quit`` (a person at ``--step-by-step``)."""
        return "run"

    def review(self, step: Step, result: StepResult) -> StepResult:
        """A step's judged result, before it is final: return it with a person's verdict
        recorded (``--confirm``), or unchanged."""
        return result

    def run_finished(self, run: RunResult) -> None:
        """After teardown: the whole run's result."""
        return None


class Observers(Observer):
    """Calls each hook on every observer in turn."""

    def __init__(self, observers: Sequence[Observer] = ()) -> None:
        self.observers = list(observers)

    def run_started(self, doc: Document, plan: Plan) -> None:
        for o in self.observers:
            o.run_started(doc, plan)

    def step_started(self, step: Step, attempt: int) -> None:
        for o in self.observers:
            o.step_started(step, attempt)

    def step_output(self, step: Step, chunk: str) -> None:
        for o in self.observers:
            o.step_output(step, chunk)

    def step_finished(self, step: Step, result: StepResult) -> None:
        for o in self.observers:
            o.step_finished(step, result)

    def notice(self, message: str) -> None:
        for o in self.observers:
            o.notice(message)

    def before_step(self, step: Step) -> str:
        # An observer written before these hooks (no Observer base) simply lacks them.
        for o in self.observers:
            answer = getattr(o, "before_step", _run)(step)
            if answer != "run":
                return str(answer)
        return "run"

    def review(self, step: Step, result: StepResult) -> StepResult:
        for o in self.observers:
            result = getattr(o, "review", _as_it_is)(step, result)
        return result

    def run_finished(self, run: RunResult) -> None:
        for o in self.observers:
            o.run_finished(run)


def _run(step: Step) -> str:
    """``before_step`` of an observer without one: the step runs."""
    return "run"


def _as_it_is(step: Step, result: StepResult) -> StepResult:
    """``review`` of an observer without one: the result stands."""
    return result
