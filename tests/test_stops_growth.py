"""The bookkeeping after each step (``run.stops.stop_after``) costs the same at step 10 and at
step 50,000: it summed the durations of every result so far after each step, even when no
step has a ``run_budget_s`` to compare them with, which made the run quadratic (5,000 echo
steps: 12.5 million additions, about a second). N and 10*N steps in one process, CPU time
(neighbours on a loaded machine do not count), the ratio bounded (linear is 10)."""

from __future__ import annotations

import dataclasses
import gc
import time

from runbook.model import Status, StepResult
from runbook.parse.markdown import parse_document
from runbook.run.stops import stop_after

N = 400


def _document(n: int) -> str:
    blocks = [f"```bash\necho step-{i}\n```\n\n```output\nstep-{i}\n```\n" for i in range(n)]
    return "# Stops\n\n" + "\n".join(blocks)


def _after_every_step(text: str) -> tuple[float, dict[str, StepResult]]:
    steps = parse_document(text, "stops.md").steps
    results: dict[str, StepResult] = {}
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        for step in steps:
            r = StepResult(step.id, Status.PASS, duration_s=0.001, exit_code=0)
            results[step.id] = r
            assert stop_after(step, r, False, results, set()) == (None, None)
        return time.process_time() - start, results
    finally:
        gc.enable()


def test_the_bookkeeping_after_each_step_grows_linearly_with_the_run() -> None:
    _after_every_step(_document(N))  # warm-up
    small = min(_after_every_step(_document(N))[0] for _ in range(3))
    large, results = _after_every_step(_document(10 * N))
    assert len(results) == 10 * N
    ratio = large / max(small, 1e-3)
    assert ratio < 30, f"{N} steps: {small:.4f} s, {10 * N} steps: {large:.4f} s (ratio {ratio:.1f}, linear is 10)"


def test_a_run_budget_is_still_enforced_once_the_steps_together_exceed_it() -> None:
    steps = parse_document(_document(3), "stops.md").steps
    last = dataclasses.replace(steps[2], options=dataclasses.replace(steps[2].options, run_budget_s=1.0))
    results = {s.id: StepResult(s.id, Status.PASS, duration_s=0.6, exit_code=0) for s in steps}
    why, _ = stop_after(last, results[last.id], False, results, set())
    assert why is not None and "time ran out" in why
    assert results[last.id].status is Status.ERROR and "over the document's 1 s" in results[last.id].reason
