"""Pause Python's cycle collector around a pass that builds many objects and no garbage cycles.

The collector's full passes walk every live object, and their number grows with the
objects allocated: parsing, checking or annotating a 50,000-step document allocates
millions, so the passes cost ~20 µs a step (a sixth of the parse; measured in
bench/README.md). Reference counting still frees everything as usual; only cycles wait
until the collector runs again, which it does as soon as the pass ends.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

from runbook.collector import freeze_alive, thaw


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off for the ``with`` body (nested uses: the outermost turns it back on)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


T = TypeVar("T")


@contextmanager
def built_then_frozen(build: Callable[[], T]) -> Iterator[T]:
    """``build()`` with the collector paused; what exists then is left out of the collector's
    passes (``gc.freeze``) for the ``with`` body, and given back at its end (``gc.unfreeze``).

    For a command that reads a big document and then only renders it (``runbook list``): the
    first pass after the pause would otherwise walk every object of the parse (~0.1 s at
    50,000 steps), to free nothing, while garbage cycles the rendering makes are still
    collected (the memory stays what it was). An earlier freeze is left as it is
    (``collector.freeze_alive``)."""
    with collector_paused():
        value = build()
        mine = freeze_alive()  # before the collector is on again: its next pass would walk it all
    try:
        yield value
    finally:
        thaw(mine)
