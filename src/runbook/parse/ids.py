"""Step ids: ``id=``, else the heading's leading token (``A1.``, ``Step 3:``) with ``.1``,
``.2`` when several blocks share that heading, else ``<phase>-<n>`` (spec §2).

A duplicate id is an error. When the checker asks to go on, the later step is renamed
``<fence id or 'step'>~dup<n>`` (``n`` counts the errors so far) and the ids are assigned
again, so one duplicate does not hide the rest of the document's findings.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from runbook.parse.blocks import Block, heading_id
from runbook.parse.drafts import FENCE_LINE, Draft, PhaseDraft, Report


def _assign(drafts: Sequence[Draft], blocks: Sequence[Block], phases: Iterable[PhaseDraft]) -> None:
    groups: dict[int, list[Draft]] = {}
    for d in drafts:
        d.id = ""
        if "id" in d.attrs:
            d.id = d.attrs["id"]
        elif d.heading is not None and heading_id(blocks[d.heading].text):
            groups.setdefault(d.heading, []).append(d)
    for h, members in groups.items():
        token = heading_id(blocks[h].text) or ""
        for n, d in enumerate(members, 1):
            d.id = token if len(members) == 1 else f"{token}.{n}"
    for phase in phases:
        for n, d in enumerate(phase.steps, 1):
            if not d.id:
                d.id = f"{phase.id}-{n}"


def _duplicate(drafts: Sequence[Draft]) -> tuple[Draft, Draft] | None:
    seen: dict[str, Draft] = {}
    for d in drafts:
        if d.id in seen:
            return seen[d.id], d
        seen[d.id] = d
    return None


def assign_ids(drafts: Sequence[Draft], blocks: Sequence[Block], phases: Sequence[PhaseDraft],
               report: Report) -> None:
    """Give every draft its id; report (and, unless strict, rename) duplicates."""
    while True:
        _assign(drafts, blocks, phases)
        dup = _duplicate(drafts)
        if dup is None:
            return
        first, d = dup
        report.error("RB306", d.block.start,
                     f"duplicate step id {d.id!r}: the step at line {first.block.start + 1} has it too",
                     "give one of the blocks its own id, e.g. ```bash id=B2b",
                     report.plain_line(d.block.start, FENCE_LINE))
        d.own_id = f"{d.own_id or 'step'}~dup{report.errors}"
        d.attrs["id"] = d.own_id
