"""``runbook update``: accept a run's actual output into a document's expected output, pure.

Given the document text (annotations already stripped), its parsed Document and a
RunResult whose steps carry each command's own output, :func:`plan_updates`
computes line edits per step; :func:`apply` splices them in. Only expected lines
that no longer match are replaced: a ``...`` line, a line with ``...``, a
`` (re)`` / `` (glob)`` line that still matches stays as the author wrote it
(:func:`runbook.matching.expected_lines_kept`), and every other line of the
document keeps its bytes (container prefix, trailing spaces, newline style).

Outputs in the RunResult are already masked by the runner, so secrets never
reach the document.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Collection, Iterable, Sequence

from runbook.judge.matching import expected_lines_kept, match_output
from runbook.judge.normalise import normalise_lines
from runbook.judge.verdict import expected_exit
from runbook.model import (
    Command,
    Document,
    Expected,
    MatchMode,
    RunResult,
    Status,
    Step,
    StepResult,
)
from runbook.source import split_lines, strip_newline

_PREFIX_RE = re.compile(r"[ \t>]*")
_FENCE_RE = re.compile(r"^([ \t>]*)(`{3,}|~{3,})")


@dataclass(frozen=True)
class Edit:
    """Replace source lines ``[start, end)`` (0-based) with ``lines`` (terminators included)."""

    start: int
    end: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class StepUpdate:
    """What updating one step changes, or why it was left alone."""

    step_id: str
    edits: tuple[Edit, ...] = ()
    note: str = ""
    """Why the step was not updated (``failed with exit code 1``...), empty otherwise."""

    @property
    def changed(self) -> bool:
        return bool(self.edits)


def plan_updates(text: str, doc: Document, run: RunResult,
                 only: Collection[str] | None = None) -> list[StepUpdate]:
    """One StepUpdate per step that ran (restricted to ``only`` step ids when given)."""
    lines = split_lines(text)
    updates: list[StepUpdate] = []
    for step in doc.steps:
        if only is not None and step.id not in only:
            continue
        res = run.result_for(step.id)
        if res is None:
            continue
        why = _not_updatable(step, res)
        if why:
            updates.append(StepUpdate(step.id, note=why))
            continue
        edits: list[Edit] = []
        notes: list[str] = []
        for k, cmd in enumerate(step.commands):
            if k >= len(res.command_outputs):
                break
            edits += _command_edits(lines, step, cmd, res.command_outputs[k], notes)
        updates.append(StepUpdate(step.id, tuple(edits), "; ".join(notes)))
    return updates


def _not_updatable(step: Step, res: StepResult) -> str:
    if res.status in (Status.SKIP, Status.BLOCKED):
        return f"not run ({res.reason or res.status.value})"
    if res.status is Status.ERROR:
        return f"not updated: {res.reason or 'the step could not be judged'}"
    if step.role == "background":
        return "not updated: background step"
    if res.exit_code != expected_exit(step):
        return f"not updated: exit code {res.exit_code}, expected {expected_exit(step)} (fix the step first)"
    return ""


def _newline(lines: Sequence[str], at: int) -> str:
    for k in (at, at - 1, 0):
        if 0 <= k < len(lines):
            body = strip_newline(lines[k])
            if len(body) < len(lines[k]):
                return lines[k][len(body):]
    return "\n"


def _new_lines(cmd: Command, actual: str) -> list[str] | None:
    """The expected lines after accepting ``actual`` (``None``: keep as written)."""
    exp = cmd.expected
    assert exp is not None
    if exp.mode is MatchMode.EXACT:
        new = normalise_lines(actual)
        return None if new == normalise_lines(exp.text) else new
    if match_output(exp.text, actual, exp.mode).ok:
        return None
    kept = expected_lines_kept(exp.text, actual)
    return kept.rstrip("\n").split("\n") if kept.strip("\n") else []


def _command_edits(lines: Sequence[str], step: Step, cmd: Command, actual: str, notes: list[str]) -> list[Edit]:
    exp = cmd.expected
    if exp is None:
        if step.transcript and normalise_lines(actual):
            return _insert_transcript_output(lines, step, cmd, actual, notes)
        return []
    if exp.span is None or not _editable(exp):
        return []
    new = _new_lines(cmd, actual)
    if new is None:
        return []
    transcript = exp.origin == "transcript"
    fence_line = step.span.start if transcript else exp.span.start - 1
    prefix = _PREFIX_RE.match(strip_newline(lines[fence_line]))
    pre = prefix.group(0) if prefix else ""
    old_src = [strip_newline(lines[k]) for k in range(exp.span.start, exp.span.end)]
    marker = "> " if transcript and _quoted(old_src, pre) else ""
    if transcript and _unsafe_in_transcript(new, step):
        notes.append(f"output of `{cmd.text.splitlines()[0][:40]}` has lines that read as prompts: not written")
        return []
    base, old = _old_lines(exp, old_src, pre)
    return _line_edits(lines, base, old, new, pre, marker) + _lengthen_fence(lines, fence_line, new)


def _line_edits(lines: Sequence[str], base: int, old: list[str], new: list[str], pre: str,
                marker: str) -> list[Edit]:
    """Edits turning the ``old`` lines (from source line ``base``) into ``new``, equal runs kept."""
    edits: list[Edit] = []
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        nl = _newline(lines, base + i1)
        edits.append(Edit(base + i1, base + i2, tuple(_join(pre, marker, s) + nl for s in new[j1:j2])))
    return edits


def _editable(exp: Expected) -> bool:
    """Whether ``update`` may rewrite this expected output (written as a block, compared)."""
    return not (exp.illustrative or exp.mode is MatchMode.IGNORE or exp.origin == "comment")


def _quoted(old_src: list[str], pre: str) -> bool:
    """Whether every non-blank line of a transcript's output starts with ``>``."""
    return bool(old_src) and all(s[len(pre):].startswith(">") for s in old_src if s[len(pre):].strip())


def _old_lines(exp: Expected, old_src: list[str], pre: str) -> tuple[int, list[str]]:
    """(first source line, the expected lines as compared) of an expected-output block."""
    assert exp.span is not None
    content = exp.text.split("\n")
    lead = 0
    while lead < len(content) and not content[lead].strip():
        lead += 1
    old = normalise_lines(exp.text)
    if lead + len(old) > exp.span.end - exp.span.start:
        return exp.span.start, [s[len(pre):] for s in old_src]
    return exp.span.start + lead, old


def _join(pre: str, marker: str, text: str) -> str:
    line = pre + marker + text
    return line.rstrip() if not text else line


def _unsafe_in_transcript(new: Sequence[str], step: Step) -> bool:
    prompts = ("$ ", "# ") if step.options.root else ("$ ",)
    return any(s.lstrip(" \t").startswith(prompts) or s.strip() == "$" for s in new)


def _insert_transcript_output(lines: Sequence[str], step: Step, cmd: Command, actual: str,
                              notes: list[str]) -> list[Edit]:
    new = normalise_lines(actual)
    if _unsafe_in_transcript(new, step):
        notes.append(f"output of `{cmd.text.splitlines()[0][:40]}` has lines that read as prompts: not written")
        return []
    at = cmd.line + len(cmd.text.split("\n"))
    last = step.span.end - 1
    prefix = _PREFIX_RE.match(strip_newline(lines[step.span.start]))
    pre = prefix.group(0) if prefix else ""
    if not step.options.root:
        while at < last and re.match(r"\s*#(?:\s|$)", strip_newline(lines[at])[len(pre):]):
            at += 1
    nl = _newline(lines, at)
    return [Edit(at, at, tuple(_join(pre, "", s) + nl for s in new))] + _lengthen_fence(lines, step.span.start, new)


def _lengthen_fence(lines: Sequence[str], fence_line: int, new: Sequence[str]) -> list[Edit]:
    """Make the block's fences longer than any fence-like run in the new lines."""
    m = _FENCE_RE.match(strip_newline(lines[fence_line]))
    if not m:
        return []
    char, size = m.group(2)[0], len(m.group(2))
    longest = max((len(s.strip()) for s in new if s.strip() and set(s.strip()) == {char}), default=0)
    if longest < size:
        return []
    fence = char * (longest + 1)
    head = lines[fence_line]
    edits = [Edit(fence_line, fence_line + 1, (head[:m.start(2)] + fence + head[m.end(2):],))]
    for k in range(fence_line + 1, len(lines)):
        body = strip_newline(lines[k])
        close = _FENCE_RE.match(body)
        if close and close.group(2)[0] == char and len(close.group(2)) >= size and not body[close.end():].strip():
            edits.append(Edit(k, k + 1, (lines[k][:close.start(2)] + fence + lines[k][close.end(2):],)))
            break
    return edits


def apply(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with ``edits`` spliced in (edits must not overlap)."""
    lines = split_lines(text)
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    out: list[str] = []
    pos = 0
    for e in ordered:
        if e.start < pos:
            continue  # overlapping edit: the first one wins
        out.extend(lines[pos:e.start])
        if e.lines and e.start > 0 and out and not out[-1].endswith(("\n", "\r")):
            out[-1] += "\n"
        out.extend(e.lines)
        pos = e.end
    out.extend(lines[pos:])
    return "".join(out)


def step_diff(text: str, update: StepUpdate, path: str = "document") -> str:
    """Unified diff of what ``update`` changes in ``text`` (for ``--interactive`` and ``--check``)."""
    before = split_lines(text)
    after = split_lines(apply(text, update.edits))
    return "".join(difflib.unified_diff([strip_newline(s) + "\n" for s in before],
                                        [strip_newline(s) + "\n" for s in after],
                                        f"a/{path}", f"b/{path}", n=2))
