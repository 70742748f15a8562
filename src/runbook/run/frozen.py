"""Python's cycle collector during a run: what was made before it is frozen (``gc.freeze``).

A run makes a few objects a step that live until it ends (results, outputs); each collection
they trigger would walk the document too, and a 50,000-step document is millions of objects.
Frozen, the document is out of the collector's sight (it is never garbage); reference
counting frees everything as usual. The CLI froze its start-up already when the run started
(``collector.run_starts``): then nothing is let go at the end, as there; otherwise (the
Python API, the pytest plugin) what the run froze is let go when it ends, so an API user
running many documents in one process keeps no cycle of an earlier one.
"""

from __future__ import annotations

import gc


def freeze_for_run() -> bool:
    """Freeze everything alive now; whether ``end_of_run`` should let it go (nothing was frozen)."""
    thaw = gc.get_freeze_count() == 0
    gc.freeze()
    return thaw


def end_of_run(thaw: bool) -> None:
    """The run ended: let go of what ``freeze_for_run`` froze, if it said so."""
    if thaw:
        gc.unfreeze()
