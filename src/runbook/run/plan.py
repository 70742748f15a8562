"""Which steps a run executes, in which order: selection, setup, teardown, dependencies."""

from __future__ import annotations

from typing import Final

from runbook.config import Selection
from runbook.errors import SelectionError
from runbook.model import Document, Step


class Plan:
    """The ordered steps of a run. Steps not in the plan are not reported at all. A slotted
    class, not a dataclass: nothing compares or replaces one (a dataclass costs ~0.7 ms of
    every start-up to create)."""

    __slots__ = ("setup", "main", "teardown", "blocking")

    def __init__(self, setup: tuple[Step, ...], main: tuple[Step, ...], teardown: tuple[Step, ...],
                 blocking: frozenset[str]) -> None:
        self.setup: Final = setup
        """``setup`` steps: run first."""
        self.main: Final = main
        """Selected steps (and their dependencies) in document order."""
        self.teardown: Final = teardown
        """``teardown`` steps: always run last."""
        self.blocking: Final = blocking
        """Ids of blocking phases (directive or front matter)."""

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.setup + self.main + self.teardown


def _phase_ids(doc: Document) -> list[str]:
    return [p.id for p in doc.phases]


def _check_known(doc: Document, sel: Selection) -> None:
    phases = _phase_ids(doc)
    for ph in sel.phases:
        if ph not in phases and ph.upper() not in phases:
            raise SelectionError(f"unknown phase {ph!r}", where=doc.path,
                                 hint=f"phases in this document: {', '.join(phases) or '(none)'}")
    named = [sid for sid in (*sel.steps, sel.from_step, sel.until_step) if sid is not None]
    ids = [s.id for s in doc.steps] if named else []  # no step named (most runs): no list of ids
    for sid in named:
        if sid not in ids:
            raise SelectionError(f"unknown step {sid!r}", where=doc.path,
                                 hint=f"step ids in this document: {', '.join(ids) or '(none)'}")


def _wanted_phases(doc: Document, sel: Selection) -> set[str]:
    """The selected phase ids as the document spells them (``--phase b`` finds phase ``B``)."""
    ids = _phase_ids(doc)
    return {p.upper() if p.upper() in ids else p for p in sel.phases}


def _in_range(body: list[Step], sel: Selection) -> set[str]:
    """Ids of the body steps from ``--from`` to ``--until`` (inclusive; the whole body by default)."""
    index = {s.id: i for i, s in enumerate(body)}
    lo = index.get(sel.from_step, 0) if sel.from_step else 0
    hi = index.get(sel.until_step, len(body) - 1) if sel.until_step else len(body) - 1
    return {s.id for s in body[lo:hi + 1]}


def _chosen(doc: Document, sel: Selection, body: list[Step]) -> set[str]:
    """Ids of the body steps the selection names: phase, step and range filters all hold."""
    phases = _wanted_phases(doc, sel)
    in_range = _in_range(body, sel)
    return {s.id for s in body
            if (not sel.phases or s.phase in phases)
            and (not sel.steps or s.id in sel.steps)
            and s.id in in_range}


def _blocking_before(doc: Document, body: list[Step], chosen: set[str], blocking: frozenset[str]) -> set[str]:
    """Ids of the steps of blocking phases before the first chosen step's phase (dependencies)."""
    if not chosen:
        return set()
    order = _phase_ids(doc)
    first = min(order.index(s.phase) for s in body if s.id in chosen)
    return {s.id for s in body if s.phase in blocking and order.index(s.phase) < first}


def _by_role(doc: Document) -> tuple[tuple[Step, ...], list[Step], tuple[Step, ...]]:
    """The document's steps split into setup, body and teardown, each in document order."""
    setup: list[Step] = []
    body: list[Step] = []
    teardown: list[Step] = []
    for s in doc.steps:  # one pass, one role each; a step without attributes (most) is a body step
        role = s.role if s.attrs else "step"
        (setup if role == "setup" else teardown if role == "teardown" else body).append(s)
    return tuple(setup), body, tuple(teardown)


def build_plan(doc: Document, sel: Selection, extra_blocking: tuple[str, ...] = ()) -> Plan:
    """Resolve a selection into the steps to run; unknown ids raise SelectionError."""
    _check_known(doc, sel)
    blocking = frozenset(p.id for p in doc.phases if p.blocking) | frozenset(extra_blocking)
    setup, body, teardown = _by_role(doc)
    if not sel.narrowed:
        return Plan(setup, tuple(body), teardown, blocking)
    chosen = _chosen(doc, sel, body)
    if sel.no_deps:
        phases = _wanted_phases(doc, sel)
        setup = tuple(s for s in setup if s.id in sel.steps or s.phase in phases)
    else:
        chosen |= _blocking_before(doc, body, chosen, blocking)
    return Plan(setup, tuple(s for s in body if s.id in chosen), teardown, blocking)
