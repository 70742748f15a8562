"""The cycle collector during a run (issue 13): the document and everything made before the
run are frozen (``gc.freeze``), so the collections the run's own objects trigger do not walk
a big document again and again; they are let go when the run ends, so nothing stays frozen
(an API user running many documents in one process keeps no cycle of an earlier one); after
the CLI froze its start-up (``collector.run_starts``) nothing is let go (``collector.freeze_alive``)."""

from __future__ import annotations

import gc

from runbook.api import execute
from runbook.errors import SessionError
from runbook.run.protocol import Observer
from runbook.run.session import PexpectSession


class _Frozen(Observer):
    def __init__(self) -> None:
        self.during: list[int] = []

    def step_finished(self, step, result) -> None:  # type: ignore[no-untyped-def]
        self.during.append(gc.get_freeze_count())


def test_the_document_is_frozen_for_the_collector_during_the_run_and_let_go_after():
    before = gc.get_freeze_count()
    seen = _Frozen()
    text = "# t\n\n" + "".join(f"```bash\necho step-{i}\n```\n\n```output\nstep-{i}\n```\n\n" for i in range(20))
    result = execute(text, observers=[seen])
    assert [s.status.value for s in result.steps] == ["pass"] * 20
    assert len(seen.during) == 20 and min(seen.during) > (1000 if before == 0 else before)  # the document, ...
    assert gc.get_freeze_count() == before  # let go (0), or kept as the CLI's start-up froze it


class _NoShell(PexpectSession):
    def start(self) -> None:
        raise SessionError("no shell here", hint="a test")


def test_a_run_whose_shell_cannot_start_lets_go_of_what_it_froze():
    before = gc.get_freeze_count()
    try:
        result = execute("# t\n\n```bash\necho hi\n```\n", session_factory=_NoShell)
    except SessionError:
        result = None
    assert result is None or result.steps
    assert gc.get_freeze_count() == before
