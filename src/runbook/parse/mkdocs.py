"""MkDocs Material containers: content tabs (``=== "Linux"``) and admonitions (``!!! note``,
``??? success "Expected output"``), whose bodies are indented four spaces.

CommonMark reads such a body as an indented code block, so the commands and outputs inside a
tab or an admonition would be invisible. The parser reads them as the author meant: each
body is taken four spaces to the left (same line count, so every line number stays), and
the marker line stays a paragraph, which makes ``!!! success "Expected output"`` a label for
the block inside it. Nested containers are opened one level per pass.

:func:`tab_alternatives` names the lines of every tab after the first of its group: they are
alternatives to the first tab (another OS, another tool), and a careful reader runs one.

This works on the parser's view of the text only; the author's bytes are never changed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from runbook.lazyre import lazy
from runbook.model import Phase
from runbook.source import split_lines, strip_newline

_MARKER = lazy(r'^(?P<ind> {0,3})(?P<kind>===|!!!|\?\?\?\+?)(?:\s+[\w-]+)?(?:\s+"[^"]*")?\s*$')
_TAB = lazy(r'^(?P<ind> {0,3})===\+?\s+"(?P<title>[^"]*)"\s*$')
_FENCE = lazy(r"^\s*(`{3,}|~{3,})")
_PASSES = 4


def _body_end(lines: list[str], i: int) -> int:
    """Index after the indented body of the marker at ``i`` (blank lines inside included)."""
    j, last = i + 1, i
    while j < len(lines):
        line = strip_newline(lines[j])
        if line.strip():
            if not line.startswith("    "):
                break
            last = j
        j += 1
    return last + 1


def _one_pass(lines: list[str]) -> bool:
    """Move the bodies of the outermost containers four spaces left; False when none moved."""
    changed = False
    for i, end in containers(lines):
        for k in range(i + 1, end):
            if lines[k].startswith("    "):
                lines[k] = lines[k][4:]
                changed = True
    return changed


def open_containers(text: str) -> str:
    """``text`` with the bodies of tabs and admonitions moved four spaces left (same lines)."""
    if "===" not in text and "!!!" not in text and "???" not in text:
        return text
    lines = split_lines(text)
    for _ in range(_PASSES):
        if not _one_pass(lines):
            break
    return "".join(lines)


def tab_alternatives(text: str) -> dict[int, tuple[str, str]]:
    """0-based line -> (its tab's title, the first tab's title), for the lines of every tab after
    the first of its group (``text`` as the author wrote it, bodies still indented)."""
    lines = split_lines(text)
    out: dict[int, tuple[str, str]] = {}
    first: str | None = None
    fence, i = "", 0
    while i < len(lines):
        line = strip_newline(lines[i])
        m, f = _TAB.match(line), _FENCE.match(line)
        if f and (not fence or f.group(1).startswith(fence)):
            fence = "" if fence else f.group(1)
        if fence or m is None:
            first = first if not line.strip() or fence else None  # anything else ends the group
            i += 1
            continue
        end = _body_end(lines, i)
        if first is None:
            first = m.group("title")
        else:
            out.update({k: (m.group("title"), first) for k in range(i, end)})
        i = end
    return out


def containers(lines: list[str]) -> list[tuple[int, int]]:
    """(marker line, index after the body) of every outermost tab or admonition."""
    out: list[tuple[int, int]] = []
    fence, i = "", 0
    while i < len(lines):
        line = strip_newline(lines[i])
        m = _FENCE.match(line)
        if m and (not fence or m.group(1).startswith(fence)):
            fence = "" if fence else m.group(1)
        elif not fence and _MARKER.match(line):
            end = _body_end(lines, i)
            out.append((i, end))
            i = end
            continue
        i += 1
    return out


def with_tab_alternatives(phases: Sequence[Phase], text: str) -> tuple[Phase, ...]:
    """``phases`` with the steps of every tab after the first of its group skipped, and each
    step's ``prefix`` read from ``text`` as written (results go where the author's block is)."""
    if "===" not in text and "!!!" not in text and "???" not in text:
        return tuple(phases)
    alts = tab_alternatives(text)
    lines = split_lines(text)
    boxes = containers(lines)
    out = []
    for p in phases:
        steps = []
        for s in p.steps:
            box = next(((a, b) for a, b in boxes if a < s.span.start < b), None)
            if box is not None:  # results go after the container, at its marker's indentation
                lead = re.match(r"[ \t>]*", lines[box[0]])
                s = replace(s, end=max(s.end, box[1]), prefix=lead.group(0) if lead else "")
            if s.span.start in alts and s.skip_reason is None:
                tab, first = alts[s.span.start]
                s = replace(s, skip_reason=f'alternative: tab "{tab}" (runbook runs the first tab, "{first}")')
            steps.append(s)
        out.append(replace(p, steps=tuple(steps)))
    return tuple(out)
