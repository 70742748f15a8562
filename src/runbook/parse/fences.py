"""How one fence is read: a step, the expected output of the step before, a dialog, or
nothing (spec §2). The fence half of :class:`runbook.parse.structure._Builder`'s pass.

:meth:`Fences._fence` merges the fence's attributes with a directive's and the phase's,
checks them (dropping each invalid value, reported) and decides; :meth:`Fences._bare` is
the same decision for a fence with no attribute, no directive and no phase defaults (most
fences): nothing to merge, check or drop, so it takes the tests in the same order without
them (tests/test_parse_bare_fence.py holds it to the full path).
"""

from __future__ import annotations

from typing import Mapping, Sequence

from runbook.errors import Diagnostic
from runbook.model import Command, Expected, MatchMode, Span
from runbook.parse.attrs import attr_problems, match_mode, parse_directive, read_info
from runbook.parse.blocks import Block
from runbook.parse.commands import (
    DIALOG_LANGS,
    OTHER_PLATFORM,
    OUTPUT_LANGS,
    block_commands,
    is_step,
    parse_dialog,
    skip_reason,
    transcript_shaped,
)
from runbook.parse.drafts import DIRECTIVE_LINE, FENCE_LINE, Cursor, Draft, Report, with_expected
from runbook.parse.labels import Label
from runbook.parse.outputs import label_before, output_origin
from runbook.parse.transcript import PROMPT_CHARS
from runbook.parse.volatile import is_volatile

_HINT_DIALOG = "put the expect block right after a step marked interactive"


def _first_error(problems: Sequence[tuple[str, Diagnostic]]) -> tuple[str, Diagnostic] | None:
    return next((p for p in problems if p[1].error), None)



class Fences:
    """The fence methods of the structure pass (its blocks, lines, report and directives)."""

    blocks: list[Block]
    lines: Sequence[str]
    report: Report
    directive_of: dict[int, dict[str, str]]
    ahead = -1
    """The index of an output block :meth:`_bare` has given to the step before it (-1: none)."""

    def _blank_between(self, a: int, b: int) -> bool:
        return all(not self.lines[k].strip().strip(">").strip() for k in range(a, min(b, len(self.lines))))

    def _warn_attrs(self, attrs: Mapping[str, str], line0: int) -> None:
        for _, diag in attr_problems(attrs, line0 + 1, self.report.col(line0)) if attrs else []:
            self.report.add(diag)

    def _directive_before(self, i: int) -> tuple[dict[str, str], int, int]:
        """(directive attributes, its line or -1, index of the block before both)."""
        prev = i - 1
        if prev >= 0 and self.blocks[prev].kind == "html":
            found = self.directive_of.get(prev, parse_directive(self.blocks[prev].raw))
            if found is not None:
                return found, self.blocks[prev].start, prev - 1
        return {}, -1, prev

    def _fence(self, i: int, b: Block, cur: Cursor) -> Draft | None:
        if i == self.ahead:
            return None  # the output block the step before has taken already (see _bare)
        lang, attrs = read_info(b.info)  # the cached value: copied only for _full, which uses it
        directive, directive_line, prev = self._directive_before(i)
        label, lang = label_before(self.blocks, prev, lang, b)
        if not attrs and not directive and not cur.defaults:
            return self._bare(i, b, lang, label, cur)
        return self._full(i, b, cur, lang, dict(attrs), directive, directive_line, label)

    def _full(self, i: int, b: Block, cur: Cursor, lang: str, attrs: dict[str, str], directive: dict[str, str],
              directive_line: int, label: Label | None) -> Draft | None:
        """The fence read with its attributes merged, checked and (each invalid one) dropped."""
        while True:
            merged = {**cur.defaults, **directive, **attrs}
            content = b.raw[:-1] if b.raw.endswith("\n") else b.raw
            lines = [] if lang in OUTPUT_LANGS else content.split("\n")  # output: never read as lines
            shaped = transcript_shaped(lang, lines, merged)
            handled = self._not_a_step(b, lang, attrs, merged, content, lines, shaped, label, cur.pending)
            if handled is None:
                attrs = {k: v for k, v in attrs.items() if k != "match"}
                continue
            if handled:
                return None
            fixed = self._drop_first_invalid(directive, directive_line, attrs, b.start) if directive or attrs else None
            if fixed is None:
                break
            directive, attrs = fixed
        return self._draft(i, b, lang, attrs, directive, directive_line, merged, lines, shaped, label,
                           cur.heading)

    def _bare(self, i: int, b: Block, lang: str, label: Label | None, cur: Cursor) -> Draft | None:
        """:meth:`_fence` of a fence with no attribute, no directive and no phase defaults:
        nothing to merge, check or drop, so each test runs once, in the same order."""
        raw = b.raw
        content = raw[:-1] if raw.endswith("\n") else raw
        pending = cur.pending
        if lang in OUTPUT_LANGS:
            self._bare_output(b, content, label, pending)
            return None
        lines = content.split("\n")
        shaped = bool(PROMPT_CHARS.intersection(content)) and transcript_shaped(lang, lines, {})  # else no prompt
        if lang in DIALOG_LANGS:
            self._dialog(b, lines, pending)
            return None
        if pending is not None and pending.wants_expected():
            origin = output_origin(b, lang, False, shaped, label, self._blank_between(pending.block.end, b.start))
            if origin is not None:
                self._attach_bare(pending, b, content, label, origin)
                return None
        if not is_step(lang, shaped) or not content.strip():
            return None
        shaped = shaped and lang not in OTHER_PLATFORM
        if not shaped and "#" not in content:  # one command, no comment check (block_commands' answer)
            return self._plain_step(i, b, lang, content, cur.heading)
        commands, checks = block_commands(lines, b.start + 1, shaped, {}, MatchMode.LINES,
                                          bool(label and label.illustrative))
        return Draft(i, b, lang, {}, cur.heading, "", shaped, commands, skip_reason(lang, {}), b.end, None,
                     [(c, b.end) for c in checks] if checks else [])  # by position (field order pinned by a test)

    def _plain_step(self, i: int, b: Block, lang: str, content: str, heading: int | None) -> Draft:
        """A step of one command; an output block right after it is taken at once (what
        :meth:`_bare_output` would give it when its turn came), and skipped when it comes."""
        out = self._output_ahead(i)
        if out is None:
            return Draft(i, b, lang, {}, heading, "", False, [Command(content, b.start + 1)], skip_reason(lang, {}),
                         b.end, None, [])
        self.ahead = i + 1
        command = Command(content, b.start + 1, self._bare_expected(out[0], out[1], None, "block", {}))
        return Draft(i, b, lang, {}, heading, "", False, [command], skip_reason(lang, {}), max(b.end, out[0].end),
                     None, [])

    def _output_ahead(self, i: int) -> tuple[Block, str] | None:
        """The next block and its content when it is an ``output``/``expected`` fence without
        attributes: right after a fence, it has no label, no directive and no other language."""
        if i + 1 >= len(self.blocks):
            return None
        nb = self.blocks[i + 1]
        if nb.kind != "fence":
            return None
        lang, own = read_info(nb.info)  # only read: the cached value itself
        if own or lang not in OUTPUT_LANGS:
            return None
        return nb, nb.raw[:-1] if nb.raw.endswith("\n") else nb.raw

    def _bare_output(self, b: Block, content: str, label: Label | None, pending: Draft | None) -> None:
        if pending is not None and pending.wants_expected():
            self._attach_bare(pending, b, content, label)
        else:
            self.report.warn("RB701", b.start, "expected-output block has no step before it "
                             "waiting for output: ignored")

    def _attach_bare(self, d: Draft, b: Block, content: str, label: Label | None, origin: str = "block") -> None:
        """:meth:`_attach_expected` of a block without ``match=`` (so nothing to refuse)."""
        d.commands[-1] = with_expected(d.commands[-1], self._bare_expected(b, content, label, origin, d.attrs))
        if b.end > d.end:
            d.end = b.end

    @staticmethod
    def _bare_expected(b: Block, content: str, label: Label | None, origin: str, attrs: Mapping[str, str]) -> Expected:
        """Block ``b`` as the expected output of a step with ``attrs`` (the block has none of its own)."""
        mode = match_mode(attrs) or MatchMode.LINES if attrs else MatchMode.LINES
        span = Span(b.start + 1, b.end - 1 if b.closed else b.end)  # Expected by position (order pinned by a test)
        return Expected(content, span, mode, bool(label and label.illustrative), is_volatile(content), origin)

    def _drop_first_invalid(self, directive: dict[str, str], directive_line: int, attrs: dict[str, str],
                            line0: int) -> tuple[dict[str, str], dict[str, str]] | None:
        """Report the first invalid value (directive first) and drop it; None when all are valid."""
        bad = _first_error(attr_problems(directive, directive_line + 1, self.report.col(directive_line))) \
            if directive else None
        if bad is not None:
            self.report.add(bad[1], self.report.plain_line(directive_line, DIRECTIVE_LINE))
            return {k: v for k, v in directive.items() if k != bad[0]}, attrs
        bad = _first_error(attr_problems(attrs, line0 + 1, self.report.col(line0))) if attrs else None
        if bad is not None:
            self.report.add(bad[1], self.report.plain_line(line0, FENCE_LINE))
            return directive, {k: v for k, v in attrs.items() if k != bad[0]}
        return None

    def _not_a_step(self, b: Block, lang: str, own: dict[str, str], merged: dict[str, str], content: str,
                    lines: list[str], shaped: bool, label: Label | None, pending: Draft | None) -> bool | None:
        """Whether the fence is a dialog, expected output or an unrun block (each handled here);
        None when it is expected output with an invalid ``match=`` of its own (reported)."""
        is_output = lang in OUTPUT_LANGS or "expected" in merged
        if lang in DIALOG_LANGS:
            self._dialog(b, lines, pending)
            return True
        if pending is not None and pending.wants_expected():
            origin = output_origin(b, lang, is_output, shaped, label,  # an output block needs no blank test
                                   is_output or self._blank_between(pending.block.end, b.start))
            if origin is not None:
                return True if self._attach_expected(pending, b, content, own, merged, label, origin) else None
        if is_output:
            self.report.warn("RB701", b.start, "expected-output block has no step before it "
                             "waiting for output: ignored")
            return True
        return "norun" in merged or not is_step(lang, shaped) or not content.strip()

    def _draft(self, i: int, b: Block, lang: str, attrs: dict[str, str], directive: dict[str, str],
               directive_line: int, merged: dict[str, str], lines: list[str], shaped: bool,
               label: Label | None, heading: int | None) -> Draft:
        if directive:
            self._warn_attrs(directive, directive_line)
        self._warn_attrs(attrs, b.start)
        shaped = shaped and lang not in OTHER_PLATFORM
        commands, checks = block_commands(lines, b.start + 1, shaped, merged,
                                          match_mode(merged) or MatchMode.LINES,
                                          bool(label and label.illustrative))
        return Draft(index=i, block=b, lang=lang, attrs=merged, heading=heading, phase="",
                     transcript=shaped, commands=commands, skip_reason=skip_reason(lang, merged),
                     end=b.end, own_id=attrs.get("id"), criteria=[(c, b.end) for c in checks])

    def _dialog(self, b: Block, lines: list[str], pending: Draft | None) -> None:
        pairs = parse_dialog(lines, b.start + 1, self.report.path)
        if pending is None or pending.dialog:
            self.report.warn("RB312", b.start, "dialog block has no interactive step "
                             "right before it: ignored", _HINT_DIALOG)
            return
        if "interactive" not in pending.attrs:
            self.report.warn("RB312", b.start, "dialog block follows a step that is not "
                             "marked interactive: its replies are never sent", _HINT_DIALOG)
        pending.dialog = pairs
        pending.end = max(pending.end, b.end)

    def _attach_expected(self, d: Draft, b: Block, content: str, own: dict[str, str],
                         attrs: dict[str, str], label: Label | None, origin: str) -> bool:
        """Make ``b`` the expected output of ``d``; False (nothing attached) on a bad ``match=``."""
        bad = _first_error(attr_problems({"match": attrs["match"]}, b.start + 1, self.report.col(b.start))) \
            if "match" in attrs else None
        if bad is not None:
            self.report.add(bad[1], "match" in own and self.report.plain_line(b.start, FENCE_LINE))
            return False
        mode = match_mode(attrs) or match_mode(d.attrs) or MatchMode.LINES
        span = Span(b.start + 1, b.end - 1 if b.closed else b.end)
        exp = Expected(content, span, mode, bool(label and label.illustrative), is_volatile(content), origin)
        d.commands[-1] = with_expected(d.commands[-1], exp)
        d.end = max(d.end, b.end)
        return True
