"""Which steps a run executes, in which order: selection, setup, teardown, dependencies."""

from __future__ import annotations

from dataclasses import dataclass

from runbook.config import Selection
from runbook.errors import SelectionError
from runbook.model import Document, Phase, Step


@dataclass(frozen=True)
class Plan:
    """The ordered steps of a run. Steps not in the plan are not reported at all."""

    setup: tuple[Step, ...]
    """``setup`` steps: run first."""
    main: tuple[Step, ...]
    """Selected steps (and their dependencies) in document order."""
    teardown: tuple[Step, ...]
    """``teardown`` steps: always run last."""
    blocking: frozenset[str]
    """Ids of blocking phases (directive or front matter)."""

    @property
    def steps(self) -> tuple[Step, ...]:
        return self.setup + self.main + self.teardown


def _phase_ids(doc: Document) -> list[str]:
    return [p.id for p in doc.phases]


def _check_known(doc: Document, sel: Selection) -> None:
    ids = [s.id for s in doc.steps]
    phases = _phase_ids(doc)
    for ph in sel.phases:
        if ph not in phases and ph.upper() not in phases:
            raise SelectionError(f"unknown phase {ph!r}", where=doc.path,
                                 hint=f"phases in this document: {', '.join(phases) or '(none)'}")
    for sid in (*sel.steps, sel.from_step, sel.until_step):
        if sid is not None and sid not in ids:
            raise SelectionError(f"unknown step {sid!r}", where=doc.path,
                                 hint=f"step ids in this document: {', '.join(ids) or '(none)'}")


def _phase_of(doc: Document, step: Step) -> Phase:
    return next(p for p in doc.phases if p.id == step.phase)


def build_plan(doc: Document, sel: Selection, extra_blocking: tuple[str, ...] = ()) -> Plan:
    """Resolve a selection into the steps to run; unknown ids raise SelectionError."""
    _check_known(doc, sel)
    blocking = frozenset(p.id for p in doc.phases if p.blocking) | frozenset(extra_blocking)
    ordered = [s for s in doc.steps]
    setup = tuple(s for s in ordered if s.role == "setup")
    teardown = tuple(s for s in ordered if s.role == "teardown")
    body = [s for s in ordered if s.role not in ("setup", "teardown")]
    if not sel.narrowed:
        return Plan(setup, tuple(body), teardown, blocking)

    wanted_phases = {p.upper() if p.upper() in _phase_ids(doc) else p for p in sel.phases}
    index = {s.id: i for i, s in enumerate(body)}
    lo = index.get(sel.from_step, 0) if sel.from_step else 0
    hi = index.get(sel.until_step, len(body) - 1) if sel.until_step else len(body) - 1

    def selected(i: int, s: Step) -> bool:
        if sel.phases and s.phase not in wanted_phases:
            return False
        if sel.steps and s.id not in sel.steps:
            return False
        return lo <= i <= hi

    chosen = {s.id for i, s in enumerate(body) if selected(i, s)}
    if not sel.no_deps and chosen:
        order = _phase_ids(doc)
        first = min(order.index(s.phase) for s in body if s.id in chosen)
        for s in body:
            if s.phase in blocking and order.index(s.phase) < first:
                chosen.add(s.id)
    main = tuple(s for s in body if s.id in chosen)
    if sel.no_deps:
        setup = tuple(s for s in setup if s.id in sel.steps or s.phase in wanted_phases)
    return Plan(setup, main, teardown, blocking)
