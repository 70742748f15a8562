"""Steps whose commands do not return: background them, skip them, or skip what runs inside.

A step whose command runs until stopped (see :mod:`runbook.parse.longrun`) becomes a background
step: a later step may talk to it (the prose sends the reader to another terminal, "In a new
terminal…"), and if none does it is stopped at the end of the run, instead of holding the run
for the whole timeout; `runbook check` reports it (RB801) so the author can say `background`. A command that opens another shell (``kubectl exec -it … -- sh``, ``ssh host``)
skips its step, and what follows it is meant for that shell: the later steps whose prose says
so ("inside the container", "in your shell") and a bare ``exit`` (which would end runbook's own
shell) are skipped with "runs inside <context>". An author's ``background``, ``interactive``,
``timeout=``, ``skip`` or ``norun`` is left alone.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from runbook.lazyre import lazy
from runbook.model import Phase, Step
from runbook.parse.longrun import LongRun, long_running

_OTHER_TERMINAL = lazy(
    r"\b(?:new|another|second|separate|other|different|2nd)\s+(?:terminal|shell|tab|window|console|session)",
    re.IGNORECASE)
_INSIDE = lazy(
    r"\b(?:inside|within|in|from|into)\s+(?:the|this|that|your)\s+(?:\w+\s+)?"
    r"(?:container|pod|shell|toolbox|node|machine|vm|guest|session|debug\s+pod|host)\b", re.IGNORECASE)
_HEADING = lazy(r"^#{1,6}\s+\S")
_FENCE_LINE = lazy(r"^\s*(?:```|~~~)")
_EXIT = lazy(r"exit(?:\s+\d+)?|logout")
_AUTHOR_KEYS = frozenset({"background", "interactive", "timeout", "skip", "norun"})


def step_long_run(step: Step) -> tuple[int, LongRun] | None:
    """The first command of ``step`` that does not return (its 0-based line), if any."""
    for c in step.commands:
        found = long_running(c.text)
        if found is not None:
            return c.line + _line_of(c.text), found
    return None


def _line_of(text: str) -> int:
    """Offset of the first line of ``text`` that holds the command that does not return."""
    lines = text.split("\n")
    for k in range(len(lines)):
        if long_running("\n".join(lines[:k + 1])) is not None:
            return k
    return 0


def _decided_by_author(step: Step) -> bool:
    return bool(step.skip_reason or (step.attrs and not _AUTHOR_KEYS.isdisjoint(step.attrs)) or step.dialog
                or step.options.timeout_s is not None)


def _prose(lines: Sequence[str], start: int, end: int) -> str:
    return " ".join(ln.strip() for ln in lines[max(0, start):max(0, end)])


def with_long_running(phases: Sequence[Phase], lines: Sequence[str]) -> tuple[Phase, ...]:
    """``phases`` with commands that do not return backgrounded or skipped (see module doc)."""
    steps = [s for p in phases for s in p.steps]
    decided: dict[str, Step] = {}
    inside: str | None = None
    for i, s in enumerate(steps):
        heading = _last_heading(lines, steps[i - 1].end if i else 0, s.span.start) if inside else None
        if heading is not None and not _INSIDE.search(_last_paragraph(lines, heading + 1, s.span.start)):
            inside = None  # a heading: the reader is back in their own shell (the next section)
        # The prose before a step matters only inside another context (the common case is not).
        before = _prose(lines, steps[i - 1].end if i else 0, s.span.start) if inside is not None else ""
        new, inside = _decide(s, before, inside)
        if new is not s:
            decided[s.id] = new  # ids are unique (parse/ids.py renames a duplicate)
    if not decided:
        return tuple(phases)
    return tuple(replace(p, steps=tuple(decided.get(s.id, s) for s in p.steps)) for p in phases)


def _last_paragraph(lines: Sequence[str], start: int, end: int) -> str:
    """The paragraph right before line ``end`` (not before ``start``): "Inside the container, run:"."""
    k = end
    while k > start and not lines[k - 1].strip():
        k -= 1
    top = k
    while top > start and lines[top - 1].strip():
        top -= 1
    return _prose(lines, top, k)


def _last_heading(lines: Sequence[str], start: int, end: int) -> int | None:
    """The line of the last Markdown heading (``## Mitigation``) between two steps, if any
    (a ``#`` comment inside a fence is none)."""
    fenced, found = False, None
    for k in range(max(0, start), max(0, end)):
        if _FENCE_LINE.match(lines[k]):
            fenced = not fenced
        elif not fenced and _HEADING.match(lines[k]):
            found = k
    return found


def _decide(s: Step, before: str, inside: str | None) -> tuple[Step, str | None]:
    """The step as it will run, and the context the reader is in after it (``before``: the
    prose before it, needed only when ``inside`` another context)."""
    author = _decided_by_author(s)
    if inside is not None and not author:
        if _only_exit(s):
            return replace(s, skip_reason=f"runs inside {inside}: `exit` here would end runbook's own shell"), None
        if _INSIDE.search(before):
            return replace(s, skip_reason=f"runs inside {inside}: the document typed it there"), inside
    if inside is None and not author and _only_exit(s):
        return s, None
    found = None if author else step_long_run(s)
    if found is None:
        return s, None if inside is None or _OTHER_TERMINAL.search(before) else inside
    _, why = found
    if why.context is not None:
        rest = " (and the lines after it run inside it)" if len(s.commands) > 1 or "\n" in s.source else ""
        return replace(s, skip_reason=f"runs inside {why.context}: {why.why}{rest}"), why.context
    # Run it in the background either way: a later step may talk to it ("In a new
    # terminal…"), and otherwise it is stopped at the end of the run instead of holding the
    # run for the whole timeout. `runbook check` says so (RB801).
    return replace(s, attrs={**s.attrs, "background": "auto"},
                   options=replace(s.options, background=True)), inside


def _only_exit(s: Step) -> bool:
    found = False
    for c in s.commands:  # every command that is not blank is an `exit`, and there is one
        text = c.text.strip()
        if text:
            if not text.startswith(("exit", "logout")) or _EXIT.fullmatch(text) is None:
                return False
            found = True
    return found
