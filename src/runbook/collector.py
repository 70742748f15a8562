"""Python's cycle collector while runbook starts: nearly idle, then the start-up frozen.

Importing runbook, click, markdown-it and pexpect makes ~100,000 objects that live until the
process ends (modules, classes, functions) and no garbage cycles. With the default first
threshold (700 allocations) the collector ran ~45 times while they were made, each pass
walking the young objects again (~8 ms of CPU in a one-step run), and the full pass at
interpreter exit walked them all once more. The console script (:mod:`runbook.console`)
raises the first threshold while runbook starts (:func:`starting`); when a run starts
(:func:`run_starts`, called by the CLI before the first step) the start-up's objects are
frozen out of the collector's sight (``gc.freeze``: they are never garbage) and the
thresholds are as before, so a long run collects its cycles as always. Reference counting
frees everything as usual throughout; a command that runs no step keeps collecting too,
every 100,000 allocations. Measured in bench/README.md (issue 13, branch start4).

A base module: it imports nothing of runbook.
"""

from __future__ import annotations

import gc

START_UP_THRESHOLD = 100_000
"""The collector's first threshold while runbook starts (the default is 700)."""

_before: tuple[int, int, int] | None = None
_start_frozen = False
"""Whether :func:`run_starts` froze the start-up (then the permanent generation is not empty:
:func:`freeze_alive` need not count it, which walks every frozen object, ~2-4 ms after a start-up)."""


def starting() -> None:
    """The collector (nearly) idle until :func:`run_starts`."""
    global _before
    if _before is None:
        _before = gc.get_threshold()
        gc.set_threshold(START_UP_THRESHOLD, *_before[1:])


def run_starts() -> None:
    """Start-up is over: freeze what it made, the collector's thresholds as before
    :func:`starting` (nothing to do when it was not called: the Python API, tests)."""
    global _before, _start_frozen
    if _before is not None:
        gc.freeze()
        _start_frozen = True
        gc.set_threshold(*_before)
        _before = None


def freeze_alive() -> bool:
    """Leave what is alive now out of the collector's passes (``gc.freeze``): a big document
    read, it is never garbage, and each collection would walk it again. Returns whether this
    call froze it (:func:`thaw`); when something froze objects already (:func:`run_starts`, a
    caller), nothing is frozen here, and an earlier freeze is never undone by ours."""
    mine = not _start_frozen and gc.get_freeze_count() == 0  # the count walks the frozen objects
    if mine:
        gc.freeze()
    return mine


def thaw(mine: bool) -> None:
    """Give back what :func:`freeze_alive` froze, if it said so (an API user running many
    documents in one process keeps no cycle of an earlier one)."""
    if mine:
        gc.unfreeze()
