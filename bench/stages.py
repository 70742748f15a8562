"""CPU time of each stage outside the shell, in-process, on a generated N-step document.

Usage: python bench/stages.py [N ...]   (default 10000 50000)

Run it with the Python of the tree to measure (``PYTHONPATH=OLD/src python
bench/stages.py`` measures an older checkout with the same script). CPU time
(``time.process_time``) of this process is much less disturbed by neighbours on
a loaded machine than wall time; the shell's own work is not included (see
run.py for end-to-end wall times). The document is the echo workload of run.py;
the run result is made from the model classes (every step passed, with the two
checks and the phase a real run of it has), so each stage does the work it does
after a real run.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workloads as wl  # noqa: E402


def cpu(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def stages(n: int) -> dict[str, float]:
    from runbook.lint.check import check_document
    from runbook.model import Check, Output, PhaseResult, RunResult, Status, StepResult
    from runbook.parse.markdown import parse_document
    from runbook.report.html import to_html_bytes
    from runbook.report.json import to_json
    from runbook.report.junit import to_junit
    from runbook.report.state_file import write_states
    from runbook.write.annotate import annotate, strip

    text = wl.runbook_doc(wl.Workload("stages", "", wl.echo_steps(n)))
    out: dict[str, float] = {}
    box: dict[str, object] = {}
    out["parse"] = cpu(lambda: box.update(doc=parse_document(text, "stages.md")))
    doc = box["doc"]
    checks = (Check("exit code is 0", True), Check("output matches expected", True))  # as a real run's
    steps = tuple(StepResult(step_id=s.id, status=Status.PASS, phase=s.phase, title=s.title, line=s.line,
                             exit_code=0, duration_s=0.001, attempts=1, checks=checks,
                             output=Output(f"step-{k}\n", total_bytes=8, lines=1))
                  for k, s in enumerate(doc.steps, 1))  # type: ignore[attr-defined]
    phases = tuple(PhaseResult(p.id, p.title, p.blocking, Status.PASS) for p in doc.phases)  # type: ignore[attr-defined]
    run = RunResult(document="stages.md", runbook_version="0", started_at="2026-01-01T00:00:00Z",
                    duration_s=1.0, host="h", phases=phases, steps=steps)
    out["check"] = cpu(lambda: check_document(text, "stages.md"))
    out["annotate"] = cpu(lambda: box.update(annotated=annotate(text, doc, run)))  # type: ignore[arg-type]
    annotated = str(box["annotated"])
    out["strip (annotated)"] = cpu(lambda: strip(annotated))
    out["parse (annotated)"] = cpu(lambda: parse_document(annotated, "stages.md"))
    out["json"] = cpu(lambda: to_json(run))
    out["junit"] = cpu(lambda: to_junit(run))
    out["html"] = cpu(lambda: to_html_bytes(run, text, doc))  # type: ignore[arg-type]  # what execute writes
    with tempfile.TemporaryDirectory() as tmp:  # --resume's state file, written after every run
        out["state file"] = cpu(lambda: write_states([f"{tmp}/s.json"], run, text, doc, {}, {}))  # type: ignore[arg-type]
    return out


def main(argv: list[str]) -> int:
    sizes = [int(a) for a in argv] or [10_000, 50_000]
    import runbook

    print(f"runbook from {Path(runbook.__file__).parent}")
    print("| stage | " + " | ".join(f"{n:,} steps" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    results = [stages(n) for n in sizes]
    for name in results[0]:
        print(f"| {name} | " + " | ".join(f"{r[name]:.2f} s ({r[name] / n * 1e6:.0f} µs/step)"
                                          for r, n in zip(results, sizes)) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
