"""What a step hands the next at run time: nothing, unless a dialect says otherwise
(byexample's clipboard, ``run/clipboard.py``; scrut's cases judged after they ran,
``run/scrut_cases.py``)."""

from __future__ import annotations

from runbook.judge.verdict import CommandRun
from runbook.model import Step, StepResult


class Carry:
    """Nothing flows from one step to the next (every dialect but byexample)."""

    def flows_into(self, step: Step) -> bool:
        """Whether the run may change ``step`` before it runs (then it is never sent ahead)."""
        return False

    def before(self, step: Step) -> tuple[Step, StepResult | None]:
        """The step to run (rewritten), or the result that stands for it (it does not run)."""
        return step, None

    def after(self, step: Step, result: StepResult) -> StepResult:
        """Learn from a step's result; the result as the run reports it."""
        return result

    def seen(self, step: Step, runs: list[CommandRun]) -> list[CommandRun]:
        """What the step printed as the dialect's tool sees it, before it is judged."""
        return runs
