"""Document structure: Markdown blocks in reading order -> phases and steps (spec §2).

:mod:`runbook.parse` turns markdown-it tokens into :class:`~runbook.blocks.Block`
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
from bisect import bisect_left
from dataclasses import dataclass, field, replace
from typing import Sequence

from runbook.errors import ParseError, where
from runbook.model import Command, Criterion, Expected, MatchMode, Phase, Span, Step
from runbook.parse.attrs import check_attrs, match_mode, parse_directive, parse_info
from runbook.parse.blocks import Block, heading_id, phase_id, slugify
from runbook.parse.commands import (
    ADJACENT_LANGS,
    DIALOG_LANGS,
    OTHER_PLATFORM,
    OUTPUT_LANGS,
    SHELL_LANGS,
    block_commands,
    is_step,
    parse_dialog,
    skip_reason,
    transcript_shaped,
)
from runbook.parse.grammar import parse_criterion
from runbook.parse.labels import (
    Label,
    criterion_label,
    expected_label,
    fragment_criterion,
    inline_criterion,
    inline_expected,
    plain,
    strip_lead,
)
from runbook.parse.placeholders import find_placeholders

_HEADING_LABEL_WORDS = 6
"""A heading this short that is an expected-output label does not end the search."""

@dataclass
class _Draft:
    index: int
    block: Block
    lang: str
    attrs: dict[str, str]
    heading: int | None
    phase: str
    transcript: bool
    commands: list[Command]
    skip_reason: str | None
    end: int
    criteria: list[tuple[Criterion, int]] = field(default_factory=list)
    dialog: tuple[tuple[str, str], ...] = ()
    id: str = ""

    def wants_expected(self) -> bool:
        return bool(self.commands) and self.commands[-1].expected is None


@dataclass
class _PhaseDraft:
    id: str
    title: str
    line: int
    blocking: bool = False
    steps: list[_Draft] = field(default_factory=list)
    defaults: dict[str, str] = field(default_factory=dict)
    """Attributes of the directive below the phase heading, given to each of its steps."""


class _Builder:
    """One pass over the blocks, then attachment of criteria, ids and phases."""

    def __init__(self, blocks: Sequence[Block], lines: Sequence[str], path: str, title: str,
                 title_line: int | None, blocking: Sequence[str]) -> None:
        self.blocks = list(blocks)
        self.lines = lines
        self.path = path
        self.title = title
        self.title_line = title_line
        self.blocking = {str(b) for b in blocking}
        self.warnings: list[str] = []
        self.drafts: list[_Draft] = []
        self.loose: list[tuple[int, Criterion, int]] = []
        self.consumed: set[int] = set()
        self.directive_of: dict[int, dict[str, str]] = {}
        self.defaults: dict[str, str] = {}
        self.phases: dict[str, _PhaseDraft] = {}
        self.heading_of: list[int | None] = []
        self.slugs: dict[int, str] = {}
        self.section_ends: dict[int, int] = {}
        self.first_heading = 0
        self.has_phases = any(b.kind == "heading" and phase_id(b.text) for b in self.blocks)

    # -- helpers -------------------------------------------------------------
    def _where(self, line: int) -> str:
        return where(self.path, line)

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

    def _blank_between(self, a: int, b: int) -> bool:
        return all(not self.lines[k].strip().strip(">").strip() for k in range(a, min(b, len(self.lines))))

    def _slugs(self) -> None:
        seen: dict[str, int] = {}
        for i, b in enumerate(self.blocks):
            if b.kind != "heading":
                continue
            base = slugify(b.text)
            slug, n = base, seen.get(base, 0)
            while slug in seen:
                n += 1
                slug = f"{base}-{n}"
            seen[base] = n
            seen.setdefault(slug, 0)
            self.slugs[i] = slug

    def _phase(self, pid: str, title: str, line: int) -> _PhaseDraft:
        if pid not in self.phases:
            self.phases[pid] = _PhaseDraft(pid, title, line, blocking=pid in self.blocking)
        return self.phases[pid]

    # -- the pass ------------------------------------------------------------
    def run(self) -> None:
        self._slugs()
        heading: int | None = None
        current: _PhaseDraft | None = None
        level = 0
        closer: int | None = None
        pending: _Draft | None = None
        for i, b in enumerate(self.blocks):
            if b.kind == "heading":
                heading = i
            self.heading_of.append(heading)
            if b.kind == "heading":
                pid = phase_id(b.text)
                if pid is not None:
                    if pid in self.phases:
                        first = self.phases[pid]
                        raise ParseError(
                            f"duplicate phase {pid!r}: also opened at line {first.line + 1}",
                            where=self._where(b.start), hint="give each phase its own letter or number")
                    current, level, closer = self._phase(pid, b.text, b.start), b.level, None
                    self._phase_directive(i, current)
                    self.defaults = current.defaults
                    pending = None
                else:
                    if current is not None and level and b.level <= level:
                        current, closer = None, i
                        self.defaults = {}
                    label = expected_label(b.raw)
                    if label is None or not label.strong or len(b.text.split()) > _HEADING_LABEL_WORDS:
                        pending = None
                self._criterion(i, b)
            elif b.kind == "para":
                if self._in_consumed_list(i):
                    continue
                if self._criterion(i, b):
                    continue
                if pending is not None:
                    self._expected_prose(i, b, pending)
            elif b.kind == "fence":
                draft = self._fence(i, b, pending, heading)
                if draft is None:
                    continue
                if current is None and closer is not None:
                    cb = self.blocks[closer]
                    pid = slugify(cb.text) or "after"
                    while pid in self.phases:
                        pid += "-1"
                    current, level, closer = self._phase(pid, cb.text, cb.start), 0, None
                draft.phase = self._phase_for(draft, current)
                title = "Setup" if draft.phase == "setup" else self.title
                self._phase(draft.phase, title, self._implicit_line(draft)).steps.append(draft)
                self.drafts.append(draft)
                pending = draft
        self._attach_criteria()

    def _implicit_line(self, draft: _Draft) -> int:
        if not self.has_phases and self.title_line is not None:
            return self.title_line
        return draft.block.start

    def _phase_for(self, draft: _Draft, current: _PhaseDraft | None) -> str:
        if current is not None:
            return current.id
        if self.has_phases and "setup" in draft.attrs:
            return "setup"
        return "0"

    def _phase_directive(self, i: int, phase: _PhaseDraft) -> None:
        if i + 1 >= len(self.blocks) or self.blocks[i + 1].kind != "html":
            return
        attrs = parse_directive(self.blocks[i + 1].raw)
        if attrs is None:
            return
        if attrs.pop("blocking", None) is not None:
            phase.blocking = True
        self.warnings += check_attrs(attrs, self._where(self.blocks[i + 1].start))
        phase.defaults = {k: v for k, v in attrs.items() if k != "id"}
        self.directive_of[i + 1] = {}

    def _criterion(self, i: int, b: Block) -> bool:
        found = criterion_label(b.raw)
        if found is None:
            return False
        negated, body = found
        nxt = self._next_list(i)
        if nxt is not None and (not body or body.endswith(":")):
            self.consumed.add(i + 1)
            for raw, start, end in nxt.items:
                crit = parse_criterion(re.sub(r"[ \t]*\r?\n[ \t]*", " ", raw).strip(), start, negated)
                self.loose.append((i, crit, end))
            return True
        if not body:
            self.warnings.append(f"{self._where(b.start)}: criteria label {b.text!r} is not followed by "
                                 "a list or a clause: ignored")
            return True
        crit = parse_criterion(body, b.start, negated)
        self.loose.append((i, replace(crit, text=strip_lead(plain(b.raw, backticks=True))), b.end))
        return True

    def _expected_prose(self, i: int, b: Block, pending: _Draft) -> None:
        value = inline_expected(b.raw)
        if value is not None:
            pending.criteria.append((inline_criterion(b.raw, value, b.start), b.end))
            return
        nxt = self._next_list(i)
        if nxt is not None and expected_label(b.raw) is not None:
            self.consumed.add(i + 1)
            for raw, start, end in nxt.items:
                pending.criteria.append((fragment_criterion(raw, start), end))

    # -- fences --------------------------------------------------------------
    def _fence(self, i: int, b: Block, pending: _Draft | None, heading: int | None) -> _Draft | None:
        lang, attrs = parse_info(b.info)
        prev = i - 1
        directive: dict[str, str] = {}
        directive_line = -1
        if prev >= 0 and self.blocks[prev].kind == "html":
            found = self.directive_of.get(prev, parse_directive(self.blocks[prev].raw))
            if found is not None:
                directive, directive_line = found, self.blocks[prev].start
                prev -= 1
        label: Label | None = None
        if prev >= 0 and self.blocks[prev].kind in ("para", "heading", "html"):
            label = expected_label(self.blocks[prev].raw)
        merged = {**self.defaults, **directive, **attrs}
        content = b.raw[:-1] if b.raw.endswith("\n") else b.raw
        lines = content.split("\n")
        shaped = transcript_shaped(lang, lines, merged)
        is_output = lang in OUTPUT_LANGS or "expected" in merged
        if lang in DIALOG_LANGS:
            self._dialog(b, lines, pending)
            return None
        if pending is not None and pending.wants_expected():
            origin = None
            if is_output:
                origin = "block"
            elif label is not None and not shaped and (label.strong or lang not in SHELL_LANGS):
                origin = "label"
            elif (lang in ADJACENT_LANGS and not shaped
                  and self._blank_between(pending.block.end, b.start)):
                origin = "adjacent"
            if origin is not None:
                self._attach_expected(pending, b, content, merged, label, origin)
                return None
        if is_output:
            self.warnings.append(f"{self._where(b.start)}: expected-output block has no step before it "
                                 "waiting for output: ignored")
            return None
        if "norun" in merged or not is_step(lang, shaped) or not content.strip():
            return None
        if directive:
            self.warnings += check_attrs(directive, self._where(directive_line))
        self.warnings += check_attrs(attrs, self._where(b.start))
        shaped = shaped and lang not in OTHER_PLATFORM
        commands, checks = block_commands(lines, b.start + 1, shaped, merged,
                                          match_mode(merged) or MatchMode.LINES,
                                          bool(label and label.illustrative))
        return _Draft(index=i, block=b, lang=lang, attrs=merged, heading=heading, phase="",
                      transcript=shaped, commands=commands, skip_reason=skip_reason(lang, merged),
                      end=b.end, criteria=[(c, b.end) for c in checks])

    def _dialog(self, b: Block, lines: list[str], pending: _Draft | None) -> None:
        pairs = parse_dialog(lines, b.start + 1, self.path)
        if pending is None or pending.dialog:
            self.warnings.append(f"{self._where(b.start)}: dialog block has no interactive step "
                                 "right before it: ignored")
            return
        if "interactive" not in pending.attrs:
            self.warnings.append(f"{self._where(b.start)}: dialog block follows a step that is not "
                                 "marked interactive: its replies are never sent")
        pending.dialog = pairs
        pending.end = max(pending.end, b.end)

    def _attach_expected(self, d: _Draft, b: Block, content: str, attrs: dict[str, str],
                         label: Label | None, origin: str) -> None:
        if "match" in attrs:
            self.warnings += check_attrs({"match": attrs["match"]}, self._where(b.start))
        mode = match_mode(attrs) or match_mode(d.attrs) or MatchMode.LINES
        span = Span(b.start + 1, b.end - 1 if b.closed else b.end)
        exp = Expected(text=content, span=span, mode=mode,
                       illustrative=bool(label and label.illustrative), origin=origin)
        d.commands[-1] = replace(d.commands[-1], expected=exp)
        d.end = max(d.end, b.end)

    # -- criteria ------------------------------------------------------------
    def _section_end(self, h: int) -> int:
        return self.section_ends[h]

    def _section_ends(self) -> dict[int, int]:
        """Each heading's section end (the next heading of its level or higher), in one pass."""
        ends: dict[int, int] = {}
        open_headings: list[int] = []
        for k, b in enumerate(self.blocks):
            if b.kind != "heading":
                continue
            while open_headings and self.blocks[open_headings[-1]].level >= b.level:
                ends[open_headings.pop()] = k
            open_headings.append(k)
        for h in open_headings:
            ends[h] = len(self.blocks)
        return ends

    def _owner(self, c: int, starts: Sequence[int]) -> _Draft | None:
        # ``starts``: the drafts' block indexes, ascending (drafts are made in block order).
        h = self.heading_of[c]
        if h is not None:
            lo, hi = h, self._section_end(h)
        else:
            lo, hi = 0, self.first_heading
        first = bisect_left(starts, lo)
        if bisect_left(starts, hi) - first == 1:
            return self.drafts[first]
        before = bisect_left(starts, c)
        if not before:
            return None
        d = self.drafts[before - 1]
        hd = d.heading
        if hd is None:
            # No heading from the step's block to the criterion (the block itself is a fence).
            ok = h is None or h < d.index
        else:
            ok = c < self._section_end(hd)
        return d if ok else None

    def _attach_criteria(self) -> None:
        self.section_ends = self._section_ends()
        self.first_heading = min(self.section_ends, default=len(self.blocks))
        starts = [d.index for d in self.drafts]
        for c, crit, end in self.loose:
            d = self._owner(c, starts)
            if d is None:
                self.warnings.append(f"{self._where(crit.line)}: criterion {crit.text!r} belongs to no "
                                     "step: put it in the section of the step it checks")
                continue
            d.criteria.append((crit, end))

    # -- ids and results -----------------------------------------------------
    def _assign_ids(self) -> None:
        groups: dict[int, list[_Draft]] = {}
        for d in self.drafts:
            if "id" in d.attrs:
                d.id = d.attrs["id"]
            elif d.heading is not None and heading_id(self.blocks[d.heading].text):
                groups.setdefault(d.heading, []).append(d)
        for h, members in groups.items():
            token = heading_id(self.blocks[h].text) or ""
            for n, d in enumerate(members, 1):
                d.id = token if len(members) == 1 else f"{token}.{n}"
        for phase in self.phases.values():
            for n, d in enumerate(phase.steps, 1):
                if not d.id:
                    d.id = f"{phase.id}-{n}"
        seen: dict[str, _Draft] = {}
        for d in self.drafts:
            if d.id in seen:
                first = seen[d.id]
                raise ParseError(
                    f"duplicate step id {d.id!r}: the step at line {first.block.start + 1} has it too",
                    where=self._where(d.block.start),
                    hint="give one of the blocks its own id, e.g. ```bash id=B2b")
            seen[d.id] = d

    def _step(self, d: _Draft) -> Step:
        h = d.heading
        title = self.blocks[h].text if h is not None else self.title
        anchor = self.slugs.get(h, "") if h is not None else ""
        first = self.lines[d.block.start] if d.block.start < len(self.lines) else ""
        prefix = re.match(r"[ \t>]*", first)
        criteria = sorted(d.criteria, key=lambda ce: ce[0].line)
        end = max([d.end] + [e for _, e in criteria])
        while end > d.block.end and not self.lines[end - 1].strip().strip(">").strip():
            end -= 1  # a list item's map takes the blank line after it
        names: dict[str, None] = {}
        for cmd in d.commands:
            for name in find_placeholders(cmd.text):
                names.setdefault(name, None)
        return Step(
            id=d.id, phase=d.phase, title=title, anchor=anchor, lang=d.lang,
            span=Span(d.block.start, d.block.end), end=end,
            prefix=prefix.group(0) if prefix else "", commands=tuple(d.commands),
            transcript=d.transcript, criteria=tuple(c for c, _ in criteria), attrs=dict(d.attrs),
            skip_reason=d.skip_reason, placeholders=tuple(names), dialog=d.dialog)

    def result(self) -> tuple[tuple[Phase, ...], tuple[str, ...]]:
        self._assign_ids()
        for pid in self.blocking - set(self.phases):
            self.warnings.append(f"{self._where(0)}: front matter 'blocking' names phase {pid!r}, "
                                 "which the document does not have")
        phases = tuple(
            Phase(id=p.id, title=p.title, line=p.line, blocking=p.blocking,
                  steps=tuple(self._step(d) for d in p.steps))
            for p in self.phases.values())
        return phases, tuple(self.warnings)


def build(blocks: Sequence[Block], lines: Sequence[str], path: str, title: str,
          title_line: int | None, blocking: Sequence[str] = ()) -> tuple[tuple[Phase, ...], tuple[str, ...]]:
    """Phases (with their steps) and warnings for a document's blocks."""
    builder = _Builder(blocks, lines, path, title, title_line, blocking)
    builder.run()
    return builder.result()
