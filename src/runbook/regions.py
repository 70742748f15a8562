"""Find the annotation regions of a document's lines (shared by strip and the parser).

A region is whole lines from ``<prefix><!-- runbook:begin KIND ... lines=N -->``
to ``<prefix><!-- runbook:end -->``. ``lines=N`` is trusted when the N-th line
is an end marker, else the first end marker closes the region (the annotator
makes sure no content line inside a region can spell one).

Marker lines that are the author's own content are not regions: a fenced block
that shows what an annotated document looks like (``docs/format.md`` does). No
Markdown library is used, so only the clear case is recognised (see
:func:`_example_end`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

BEGIN_RE = re.compile(
    r"^(?P<prefix>[ \t>]*)<!-- runbook:begin (?P<kind>[a-z]+)(?P<args>(?: [^ \r\n]+)*?) -->[ \t]*$"
)
END_RE = re.compile(r"^[ \t>]*<!-- runbook:end -->[ \t]*$")



@dataclass(frozen=True)
class Region:
    """Lines ``[start, stop)`` of one annotation region."""

    start: int
    stop: int
    eofnl: bool
    """The annotator added a newline to the document's last line to make room."""


_FENCE_RE = re.compile(r"(?P<lead>(?:[ \t>]|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))*)(?P<run>`{3,}|~{3,})(?P<info>[^\r\n]*)$")


def find_regions(lines: Sequence[str]) -> list[Region]:
    """Every annotation region of ``lines`` (lines keep their terminators)."""
    regions: list[Region] = []
    index = 0
    while index < len(lines):
        end = _example_end(lines, index) or _html_end(lines, index)
        if end is not None:
            index = end
            continue
        region = _region_at(lines, index)
        if region is None:
            index += 1
            continue
        regions.append(region)
        index = region.stop
    return regions


def _example_end(lines: Sequence[str], index: int) -> int | None:
    """Line after the fenced block opening at ``index``, or None.

    Only a clear case counts: an opening fence, content lines that all carry
    its lead (indentation and quote markers), then a closing fence with exactly
    that lead. Marker lines in between are the author's (an example); a
    well-formed region in between does not close the fence (it holds fences of
    its own). A fence never closed that way is left alone, its lines read as
    usual: a real region taken for content would stack up on every run.
    """
    opening = _FENCE_RE.match(lines[index].rstrip("\r\n"))
    if opening is None or (opening.group("run")[0] == "`" and "`" in opening.group("info")):
        return None
    lead, run = _as_spaces(opening.group("lead")), opening.group("run")
    j = index + 1
    while j < len(lines):
        line = lines[j].rstrip("\r\n")
        closing = _FENCE_RE.match(line)
        if (closing and _same_lead(_as_spaces(closing.group("lead")), lead) and closing.group("run")[0] == run[0]
                and len(closing.group("run")) >= len(run) and not closing.group("info").strip()):
            return j + 1
        if not _in_container(line, lead):
            return None
        region = _region_at(lines, j)
        if region is not None:
            j = region.stop
            continue
        j += 1
    return None


_LIST_LEAD = r"(?:[ \t>]|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))*"
_HTML_PRE_RE = re.compile(_LIST_LEAD + r"<(?:script|pre|style|textarea)(?:[ \t>]|$)", re.I)
_HTML_PRE_END = re.compile(r"</(?:script|pre|style|textarea)>", re.I)
_HTML_BLOCK_RE = re.compile(
    _LIST_LEAD
    + r"</?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd"
    r"|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]"
    r"|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup"
    r"|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul)"
    r"(?:[ \t>]|/>|$)",
    re.I,
)


def _html_end(lines: Sequence[str], index: int) -> int | None:
    """Line after a raw HTML block opening at ``index`` (CommonMark types 1 and 6), or None.

    Its lines are HTML, not fences, so a fence-like line inside one must not
    pair with a later fence. It ends at a blank line (type 6) or its end tag
    (type 1), and in any case before a region marker.
    """
    line = lines[index].rstrip("\r\n")
    pre = _HTML_PRE_RE.match(line)
    if pre is None and _HTML_BLOCK_RE.match(line) is None:
        return None
    if pre is not None and _HTML_PRE_END.search(line):
        return index + 1
    first = re.match(r"[ \t>]*", line)
    depth = first.group(0).count(">") if first else 0
    for j in range(index + 1, len(lines)):
        body = lines[j].rstrip("\r\n")
        head = re.match(r"[ \t>]*", body)
        marks = head.group(0) if head else ""
        if _region_at(lines, j) is not None or marks.count(">") < depth:
            return j
        if pre is not None and _HTML_PRE_END.search(body):
            return j + 1
        if pre is None and len(marks) == len(body):
            return j
    return len(lines)


def _same_lead(a: str, b: str) -> bool:
    return a == b or (a.count(">") == b.count(">") and columns(a) == columns(b))


def _in_container(line: str, lead: str) -> bool:
    """Whether ``line`` can still belong to a fence opened after ``lead``.

    Same quote depth (or a blank line), and indented at least as far as the
    container: the fence itself may sit up to 3 columns deeper than that.
    """
    depth = lead.count(">")
    marks = re.match(r"[ \t>]*", line)
    head = marks.group(0) if marks else ""
    if head.count(">") < depth:
        return False
    if len(head) == len(line):
        return True
    return _text_column(line, depth) >= _text_column(lead + "x", depth) - 3


def _text_column(line: str, depth: int) -> int:
    """Column of the first character after ``depth`` quote markers and blanks."""
    seen = 0
    for i, ch in enumerate(line):
        if ch == ">" and seen < depth:
            seen += 1
        elif ch not in " \t":
            return columns(line[:i])
    return columns(line)


def _as_spaces(lead: str) -> str:
    """A lead with list markers as spaces: how the item's next lines are indented."""
    return re.sub(r"[^ \t>]", " ", lead)


def _region_at(lines: Sequence[str], index: int) -> Region | None:
    m = BEGIN_RE.match(lines[index].rstrip("\r\n"))
    if m is None:
        return None
    args = m.group("args").split()
    count = next((int(a[6:]) for a in args if re.fullmatch(r"lines=\d{1,9}", a)), 0)
    if count >= 2 and index + count <= len(lines) and END_RE.match(lines[index + count - 1].rstrip("\r\n")):
        return Region(index, index + count, "eofnl" in args)
    for j in range(index + 1, len(lines)):
        if END_RE.match(lines[j].rstrip("\r\n")):
            return Region(index, j + 1, "eofnl" in args)
    return None


def columns(text: str) -> int:
    """Width of ``text`` with tab stops every 4 columns (CommonMark's rule)."""
    col = 0
    for ch in text:
        col = col + 4 - col % 4 if ch == "\t" else col + 1
    return col
