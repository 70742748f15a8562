"""The verdict vocabulary: the six statuses, their emoji and the orders reports use.

Split from ``runbook.model``, which re-exports every name here, so both imports work.
A base module: it imports nothing of runbook.
"""

from __future__ import annotations

import enum


class Status(str, enum.Enum):
    """Verdict of one step. Distinct all the way to JSON, JUnit and exit status."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    SKIP = "skip"
    BLOCKED = "blocked"
    MANUAL = "manual"

    def __str__(self) -> str:
        return self.value


#: The status emoji of spec §6, shared by every reporter.
EMOJI = {Status.PASS: "✅", Status.FAIL: "❌", Status.ERROR: "⚠️", Status.SKIP: "⏭️",
         Status.BLOCKED: "⛔", Status.MANUAL: "✋"}

#: Every status in the order reports list them (totals tables, summary lines, JSON keys).
STATUSES: tuple[Status, ...] = tuple(Status)

#: The statuses' names in that order (``pass``, ``fail``, ...).
STATUS_KEYS: tuple[str, ...] = tuple(s.value for s in STATUSES)

#: Worst first: the order failing steps are listed for attention.
WORST_FIRST = (Status.FAIL, Status.ERROR, Status.BLOCKED, Status.MANUAL, Status.SKIP, Status.PASS)

#: Statuses that make ``runbook execute`` exit 1.
FAILING = frozenset({Status.FAIL, Status.ERROR, Status.MANUAL, Status.BLOCKED})
