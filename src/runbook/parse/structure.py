"""Document structure: Markdown blocks in reading order -> phases and steps (spec §2).

:mod:`runbook.parse.markdown` turns markdown-it tokens into :class:`~runbook.parse.blocks.Block`
records; this module (no Markdown library) decides what they mean:

* **Steps** -- fences tagged ``bash``/``sh``/``shell``/``zsh``/``console``/
  ``shell-session``/``terminal``, and untagged fences that are ``$`` transcripts.
  ``norun`` blocks are not steps; ``skip`` blocks are steps reported ``skip``;
  ``powershell``/``pwsh``/``cmd``/``bat``/``ps1`` blocks are steps skipped on Linux.
* **Expected output** for the step before, searched from its block to the next
  step or heading (a short heading that is itself an "Expected output" label does
  not end the search): an ``output``/``expected`` block; a block right after a
  label (a ``$`` transcript is never output: it is a step of its own, and a shell
  block needs a label that starts like one, e.g. "Expected output:"); a
  ``text``/``output``/untagged block with only blank lines between. It goes to the
  step's last command. A bullet list right after a label, or an inline value
  (``**Expected output**: x``), becomes ``output contains`` criteria.
* **Criteria** -- "PASS if ..." paragraphs, headings and list items, or a list right
  after a "PASS criteria:" label (one Criterion per item). A criterion belongs to
  the only step of its heading's section, else to the nearest step before it whose
  section still contains it; otherwise it is reported as a warning.
* **Ids** -- ``id=``, else the heading's leading token (``A1.``, ``Step 3:``), with
  ``.1``, ``.2`` when several blocks share that heading, else ``<phase>-<n>``.
* **Phases** -- ``Phase X`` headings, until the next heading of the same or a
  higher level. Steps before the first phase go to ``setup`` (when marked
  ``setup``) or ``0``; steps after a phase section has closed go to an implicit
  phase named by the slug of the heading that closed it. Without phase headings
  there is one phase ``0`` titled like the document.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from runbook.model import Criterion, Phase
from runbook.parse.attrs import attr_problems, parse_directive
from runbook.parse.blocks import Block, phase_id
from runbook.parse.drafts import DIRECTIVE_LINE, Cursor, Draft, PhaseDraft, Phases, Report, rename_phase, to_step
from runbook.parse.fences import Fences
from runbook.parse.grammar import parse_criterion
from runbook.parse.ids import assign_ids
from runbook.parse.labels import (
    criterion_label,
    expected_label,
    fragment_criterion,
    inline_criterion,
    inline_expected,
    plain,
    strip_lead,
)
from runbook.parse.sections import Sections, heading_slugs

_HEADING_LABEL_WORDS = 6
"""A heading this short that is an expected-output label does not end the search."""

_HINT_LABEL = "write the clause after the label ('PASS if: exit code is 0') or put a list right below it"
_HINT_ORPHAN = "move it into the section of the step it checks, below that step"
_HINT_BLOCKING = "fix the phase id in front matter blocking: or add that phase"
class _Builder(Fences):
    """One pass over the blocks, then attachment of criteria, ids and phases."""

    def __init__(self, blocks: Sequence[Block], lines: Sequence[str], report: Report, title: str,
                 title_line: int | None, blocking: Sequence[str]) -> None:
        self.blocks = list(blocks)
        self.lines = lines
        self.report = report
        self.title = title
        self.title_line = title_line
        self.phases = Phases(self.blocks, blocking)
        self.drafts: list[Draft] = []
        self.loose: list[tuple[int, Criterion, int]] = []
        self.recap: set[int] = set()
        """Labels whose list follows a lead-in ("You're done if:"): a recap no step need own."""
        self.consumed: set[int] = set()
        self.directive_of: dict[int, dict[str, str]] = {}

    # -- helpers -------------------------------------------------------------
    def _in_consumed_list(self, i: int) -> bool:
        o = self.blocks[i].owner
        while o != -1:
            if o in self.consumed:
                return True
            o = self.blocks[o].owner
        return False

    def _next_list(self, i: int) -> Block | None:
        if i + 1 < len(self.blocks) and self.blocks[i + 1].kind == "list":
            return self.blocks[i + 1]
        return None

    def _list_after_lead(self, i: int) -> int:
        """Index of the list after label ``i``, past one lead-in sentence ending in ':' ("... if:")."""
        lead = self.blocks[i + 1] if i + 1 < len(self.blocks) else None
        if lead is not None and lead.kind == "para" and plain(lead.raw).rstrip().endswith(":") \
                and self._next_list(i + 1) is not None:
            return i + 2
        return i + 1

    def _checked(self, attrs: dict[str, str], line0: int, pattern: re.Pattern[str]) -> dict[str, str]:
        """``attrs`` without its invalid values, each reported (the checker's recovery)."""
        clean = dict(attrs)
        problems = attr_problems(clean, line0 + 1, self.report.col(line0))
        for key, diag in problems:
            if diag.error:
                self.report.add(diag, self.report.plain_line(line0, pattern))
                clean.pop(key)
        return clean

    # -- the pass ------------------------------------------------------------
    def run(self) -> None:
        cur = Cursor()
        for i in range(len(self.blocks)):
            b = self.blocks[i]
            if b.kind == "heading":
                cur.heading = i
                self._heading(i, b, cur)
            elif b.kind == "para":
                if self._in_consumed_list(i) or self._criterion(i, b):
                    continue
                if cur.pending is not None:
                    self._expected_prose(i, b, cur.pending)
            elif b.kind == "fence":
                self._step_block(i, b, cur)
        self._attach_criteria()

    def _heading(self, i: int, b: Block, cur: Cursor) -> None:
        pid = phase_id(b.text)
        if pid is not None and pid in self.phases.by_id:
            first = self.phases.by_id[pid]
            self.report.error("RB308", b.start, f"duplicate phase {pid!r}: also opened at line {first.line + 1}",
                              "give each phase its own letter or number")
            b = self.blocks[i] = rename_phase(b)
            pid = None
        if pid is not None:
            cur.open_phase(self.phases.get(pid, b.text, b.start), b.level)
            self._phase_directive(i, cur.phase)
            cur.defaults = cur.phase.defaults if cur.phase else {}
            cur.pending = None
        else:
            if cur.phase is not None and cur.level and b.level <= cur.level:
                cur.phase, cur.closer = None, i
                cur.defaults = {}
            label = expected_label(b.raw)
            if label is None or not label.strong or len(b.text.split()) > _HEADING_LABEL_WORDS:
                cur.pending = None
        self._criterion(i, b)

    def _step_block(self, i: int, b: Block, cur: Cursor) -> None:
        draft = self._fence(i, b, cur)
        if draft is None:
            return
        if cur.phase is None and cur.closer is not None:
            cb = self.blocks[cur.closer]
            cur.open_phase(self.phases.get(self.phases.implicit_id(cb.text), cb.text, cb.start), 0)
        draft.phase = self._phase_for(draft, cur.phase)
        phase = self.phases.by_id.get(draft.phase)
        if phase is None:  # the first step of its phase
            title = "Setup" if draft.phase == "setup" else self.title
            phase = self.phases.get(draft.phase, title, self._implicit_line(draft))
        phase.steps.append(draft)
        self.drafts.append(draft)
        cur.pending = draft

    def _implicit_line(self, draft: Draft) -> int:
        if not self.phases.has_headings and self.title_line is not None:
            return self.title_line
        return draft.block.start

    def _phase_for(self, draft: Draft, current: PhaseDraft | None) -> str:
        if current is not None:
            return current.id
        if self.phases.has_headings and "setup" in draft.attrs:
            return "setup"
        return "0"

    def _phase_directive(self, i: int, phase: PhaseDraft | None) -> None:
        if phase is None or i + 1 >= len(self.blocks) or self.blocks[i + 1].kind != "html":
            return
        line0 = self.blocks[i + 1].start
        attrs = parse_directive(self.blocks[i + 1].raw)
        if attrs is None:
            return
        if attrs.pop("blocking", None) is not None:
            phase.blocking = True
        attrs = self._checked(attrs, line0, DIRECTIVE_LINE)
        self._warn_attrs(attrs, line0)
        phase.defaults = {k: v for k, v in attrs.items() if k != "id"}
        self.directive_of[i + 1] = {}

    def _criterion(self, i: int, b: Block) -> bool:
        found = criterion_label(b.raw)
        if found is None:
            return False
        negated, body = found
        at = self._list_after_lead(i) if not body else i + 1
        nxt = self._next_list(at - 1)
        if nxt is not None and (not body or body.endswith(":")):
            self.consumed.add(at)
            if at == i + 2:
                self.recap.add(i)
            for raw, start, end in nxt.items:
                crit = parse_criterion(re.sub(r"[ \t]*\r?\n[ \t]*", " ", raw).strip(), start, negated)
                self.loose.append((i, crit, end))
            return True
        if not body:
            self.report.warn("RB202", b.start, f"criteria label {b.text!r} is not followed by "
                             "a list or a clause: ignored", _HINT_LABEL)
            return True
        crit = parse_criterion(body, b.start, negated)
        self.loose.append((i, replace(crit, text=strip_lead(plain(b.raw, backticks=True))), b.end))
        return True

    def _expected_prose(self, i: int, b: Block, pending: Draft) -> None:
        value = inline_expected(b.raw)
        if value is not None:
            pending.criteria.append((inline_criterion(b.raw, value, b.start), b.end))
            return
        nxt = self._next_list(i)
        if nxt is not None and expected_label(b.raw) is not None:
            self.consumed.add(i + 1)
            for raw, start, end in nxt.items:
                pending.criteria.append((fragment_criterion(raw, start), end))

    # -- criteria ------------------------------------------------------------
    def _attach_criteria(self) -> None:
        if not self.loose:
            return  # no criterion outside a step's own (most documents): no sections to find
        sections = Sections(self.blocks)  # kinds and levels, which the pass never changes
        starts = [d.index for d in self.drafts]
        for c, crit, end in self.loose:
            d = sections.owner(c, self.drafts, starts)
            if d is None and c in self.recap:
                continue  # a closing checklist of the whole document, not a check of one step
            if d is None:
                self.report.warn("RB203", crit.line, f"criterion {crit.text!r} belongs to no "
                                 "step: put it in the section of the step it checks", _HINT_ORPHAN)
                continue
            d.criteria.append((crit, end))

    # -- results -------------------------------------------------------------
    def result(self) -> tuple[Phase, ...]:
        assign_ids(self.drafts, self.blocks, list(self.phases.by_id.values()), self.report)
        for pid in self.phases.blocking - set(self.phases.by_id):
            self.report.warn("RB311", 0, f"front matter 'blocking' names phase {pid!r}, "
                             "which the document does not have", _HINT_BLOCKING)
        slugs = heading_slugs(self.blocks)
        blocks, lines, title = self.blocks, self.lines, self.title
        return tuple(
            Phase(id=p.id, title=p.title, line=p.line, blocking=p.blocking,
                  steps=tuple([to_step(d, blocks, lines, title, slugs) for d in p.steps]))
            for p in self.phases.by_id.values())


def build(blocks: Sequence[Block], lines: Sequence[str], report: Report, title: str,
          title_line: int | None, blocking: Sequence[str] = ()) -> tuple[Phase, ...]:
    """Phases (with their steps) of a document's blocks; diagnostics go to ``report``."""
    builder = _Builder(blocks, lines, report, title, title_line, blocking)
    builder.run()
    return builder.result()
