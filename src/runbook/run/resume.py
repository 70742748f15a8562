"""``--resume``: what an earlier run of the same document leaves to a new one.

The *state file* (``NAME.runbook-state.json`` beside the run's outputs, mode 0600) holds
the earlier run's results, a fingerprint of every step, and the session state recorded
after each step (:class:`runbook.run.state.StepState`: cwd and exported variables,
never a secret value). :func:`resume_plan` compares it with the document as it is now:

- body steps that passed before the start, and did not change, are *kept*: their
  results are reported again with the note ``from the run at TIME``;
- the start is the first body step that did not pass, changed or is new (or the step
  ``--from`` names); setup, background and teardown steps always run again;
- a kept step after which a secret variable first appeared is *re-run* (its value was
  never recorded, re-running is how it is re-derived);
- before a step runs right after one that was kept, the state recorded after the kept
  one is put back (:meth:`ResumePlan.state_before`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

from runbook.model import Document, RunResult, Status, Step, StepResult
from runbook.run.state import StepState

STATE_VERSION = 1
FROM_NOTE = "from the run at "


def state_path(output: str) -> str:
    """Where a run keeps its state beside one of its outputs: ``doc.annotated.md`` ->
    ``doc.annotated.runbook-state.json``, ``results.json`` -> ``results.runbook-state.json``."""
    p = Path(output)
    stem = p.name[:-len(p.suffix)] if p.suffix in (".md", ".json", ".markdown") else p.name
    return str(p.with_name(f"{stem}.runbook-state.json"))


def fingerprint(step: Step) -> str:
    """What makes a step the same step: its code, attributes, criteria and expected output."""
    parts = [step.lang, step.source, repr(sorted(step.attrs.items())),
             *(c.text for c in step.criteria), *((c.expected.text if c.expected else "") for c in step.commands)]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def document_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True)
class Earlier:
    """What the state file says about the earlier run."""

    run: RunResult
    doc_hash: str
    fingerprints: Mapping[str, str]
    states: Mapping[str, StepState]
    origins: Mapping[str, str]
    """Step id -> ``started_at`` of the run that really ran it (a kept result keeps its origin)."""


@dataclass(frozen=True)
class ResumePlan:
    """How a resumed run reuses the earlier one (see the module docstring)."""

    earlier: Earlier
    kept: Mapping[str, StepResult]
    """Step id -> the earlier result, shown again (with its note) instead of running."""
    start: str | None
    """The first body step that runs again (``None``: every body step is kept)."""
    changed: tuple[str, ...] = ()
    """Steps whose code, attributes or criteria changed since (or are new): re-run."""
    rerun: tuple[str, ...] = ()
    """Kept steps that run again anyway to re-derive a secret."""
    order: tuple[str, ...] = field(default_factory=tuple)
    """Setup and body step ids in run order (to find the step before another)."""
    unrebuilt: tuple[str, ...] = ()
    """Secret variables the session held at the start that no step of the document sets
    any more: they cannot be rebuilt (their values were never recorded)."""

    def state_before(self, step_id: str, ran: set[str]) -> StepState | None:
        """The state to put back before ``step_id`` runs: recorded after the step just before
        it, when that one did not run in this session (``ran``)."""
        if step_id not in self.order:
            return None
        i = self.order.index(step_id)
        if i == 0 or self.order[i - 1] in ran:
            return None
        for prev in reversed(self.order[:i]):
            if prev in ran:
                return None
            if prev in self.earlier.states:
                return self.earlier.states[prev]
        return None

    def notes(self) -> list[str]:
        """What the resumed run tells the user before it starts."""
        out = [f"resuming the run at {self.earlier.run.started_at}: {len(self.kept)} passed step(s) kept"
               + (f", running from step {self.start}" if self.start else ", nothing left to run")]
        if self.changed:
            out.append("changed since that run, run again: " + ", ".join(self.changed))
        if self.rerun:
            out.append("run again to re-derive secret variables (never recorded): " + ", ".join(self.rerun))
        if self.unrebuilt:
            out.append("cannot be rebuilt (set by a step no longer in the document; values are never "
                       "recorded): " + ", ".join(self.unrebuilt))
        return out


def resume_plan(earlier: Earlier, document: Document, doc_text: str, setup: Sequence[Step],
                body: Sequence[Step], from_step: str | None = None) -> ResumePlan:
    """Which of ``body`` (the full plan's body, in order) are kept, and where the run starts."""
    same_doc = earlier.doc_hash == document_hash(doc_text)
    changed = tuple(s.id for s in (*setup, *body)
                    if not same_doc and earlier.fingerprints.get(s.id) != fingerprint(s))
    start = from_step
    if start is None:
        start = next((s.id for s in body if s.id in changed or _status(earlier.run, s.id) is not Status.PASS), None)
    before = list(body[:[s.id for s in body].index(start)]) if start else list(body)
    kept: dict[str, StepResult] = {}
    for s in before:
        r = earlier.run.result_for(s.id)
        if r is None or s.id in changed or s.role == "background":
            continue
        kept[s.id] = _kept(r, earlier.origins.get(s.id, earlier.run.started_at), from_step)
    order = [s.id for s in (*setup, *body)]
    then = [r.step_id for r in earlier.run.steps]
    rerun, gone = _secret_setters(then, earlier.states, kept, set(order))
    for sid in rerun:
        kept.pop(sid, None)
    before_start = then[:then.index(start)] if start in then else then
    held = next((earlier.states[sid] for sid in reversed(before_start) if sid in earlier.states), None)
    lost = tuple(sorted(set(held.secret_names) & gone)) if held else ()
    return ResumePlan(earlier, kept, start, changed, tuple(rerun), tuple(order), lost)


def _status(run: RunResult, step_id: str) -> Status | None:
    r = run.result_for(step_id)
    return None if r is None else r.status


def _kept(r: StepResult, at: str, from_step: str | None) -> StepResult:
    """The earlier result as the new run reports it: a pass with its origin, anything else
    (only before ``--from``) as a skip saying what it was."""
    notes = tuple(n for n in r.notes if not n.startswith(FROM_NOTE)) + (FROM_NOTE + at,)
    if r.status is Status.PASS:
        return dataclasses.replace(r, notes=notes)
    return dataclasses.replace(r, status=Status.SKIP, notes=notes,
                               reason=f"not run again (--from {from_step}); it was {r.status.value} then")


def _secret_setters(earlier_order: Sequence[str], states: Mapping[str, StepState],
                    kept: Mapping[str, StepResult], now: set[str]) -> tuple[list[str], set[str]]:
    """Kept steps after which a secret variable first appeared in the earlier run's recorded
    state, and the secret names that first appeared after a step no longer in the document."""
    seen: set[str] = set()
    gone: set[str] = set()
    out: list[str] = []
    for sid in earlier_order:
        st = states.get(sid)
        if st is None:
            continue
        new = set(st.secret_names) - seen
        seen |= new
        if new and sid in kept:
            out.append(sid)
        elif new and sid not in now:
            gone |= new
    return out, gone
