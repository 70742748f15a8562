"""What a step's verdict stops: the rest of the run (``--fail-fast``, a step's own ``fail_fast``,
an error of an ``error_stops`` step, a non-zero exit of an ``exit_stops`` one, the
``run_budget_s`` spent) or the whole document (``skip_document_exit``).

The step options come from the dialects (scrut: a case's ``fail_fast``, a timeout ends the
document, exit 80 skips it; docs/dialects.md); ``--fail-fast`` is runbook's own.
"""

from __future__ import annotations

import dataclasses

from runbook.model import Status, Step, StepResult

_FAILED = (Status.FAIL, Status.ERROR)


def stop_after(step: Step, r: StepResult, fail_fast: bool, results: dict[str, StepResult],
               keep: set[str]) -> tuple[str | None, str | None]:
    """(why the steps after ``step`` are not run, a notice for the person) -- ``(None, None)``
    when the run goes on. A document skip also turns the verdicts so far (but ``keep``'s,
    the setup steps that ran) into skips, in ``results``."""
    o = step.options
    if r.exit_code is not None and r.exit_code == o.skip_document_exit:
        why = f"skipped: step {step.id} exited {r.exit_code}, which skips the whole document"
        for sid, got in list(results.items()):
            if got.status is not Status.SKIP and sid not in keep:
                results[sid] = dataclasses.replace(got, status=Status.SKIP, reason=why)
        return why, f"document skipped: step {step.id} exited {r.exit_code}"
    # Summed only under a budget: a sum over every result after every step is quadratic
    # (~2.5 s of CPU at 10,000 steps, ~60 s at 50,000), and a budget is a dialect's (scrut) option.
    budget = o.run_budget_s
    spent = 0.0 if budget is None else sum(got.duration_s for sid, got in results.items() if sid not in keep)
    if budget is not None and spent > budget:
        results[step.id] = dataclasses.replace(r, status=Status.ERROR, reason=(
            f"timed out: the steps took {spent:.1f} s together, over the document's {budget:g} s"))
        return f"not reached (the document's time ran out at {step.id})", None
    return _stopped_by(step, r, fail_fast), None


def _stopped_by(step: Step, r: StepResult, fail_fast: bool) -> str | None:
    o = step.options
    if r.status in _FAILED and (fail_fast or o.fail_fast or (o.error_stops and r.status is Status.ERROR)):
        return f"not reached (--fail-fast after {step.id})"
    if o.exit_stops and (r.status is Status.ERROR or r.exit_code not in (None, 0)):
        return f"not reached (step {step.id} failed to run, which ends the run)"
    return None
