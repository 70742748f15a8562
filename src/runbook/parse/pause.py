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
from typing import Iterator


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
