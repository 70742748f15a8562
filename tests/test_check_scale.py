"""`runbook check` grows linearly with the document: one parse, however many recoverable errors.

It used to re-parse the whole document once per recoverable error (an invalid attribute
value, a duplicate id), and to search every step for each criterion's owner: a 2,300-line
document took 12 s and a 6,900-line one gave up. Absolute numbers: bench/README.md.
"""

from __future__ import annotations

import time

from runbook.lint.check import check_document


def _document(steps: int) -> str:
    """``steps`` steps with output and criteria, phases, and a bad attribute every 20 steps."""
    parts = ["# Big\n\n"]
    for i in range(steps):
        if i % 50 == 0:
            parts.append(f"## Phase {i // 50}\n\n")
        parts.append(f"### S{i}. step {i}\n\n```bash timeout=5\necho step-{i}\n```\n\n"
                     f"Expected output:\n\n```\nstep-{i}\n```\n\nPASS if exit code is 0\n\n")
        if i % 20 == 0:
            parts.append("```bash tiemout=3 retry=x\necho bad\n```\n\n")
    return "".join(parts)


def _cpu_seconds(text: str) -> tuple[float, int]:
    t0 = time.process_time()
    found = check_document(text, "big.md")
    return time.process_time() - t0, sum(f.code == "RB305" for f in found)


def test_check_time_grows_linearly_with_recoverable_errors() -> None:
    small, large = _document(300), _document(3000)
    _cpu_seconds(small)  # warm the imports and regex caches
    t_small, bad_small = _cpu_seconds(small)
    t_large, bad_large = _cpu_seconds(large)
    assert (bad_small, bad_large) == (15, 150)  # every bad value found, none hidden
    # linear is ~10x; one re-parse per error (or a scan per criterion) is ~100x
    assert t_large / max(t_small, 1e-3) < 20, (t_small, t_large)
