"""Find the annotation regions of a document's lines (shared by strip and the parser).

A region is whole lines from ``<prefix><!-- runbook:begin KIND ... lines=N -->``
to ``<prefix><!-- runbook:end -->``. ``lines=N`` is trusted when the N-th line
is an end marker, else the first end marker closes the region (the annotator
makes sure no content line inside a region can spell one).

Marker lines that are the author's own content are not regions: inside a fenced
block (a document that shows what an annotated document looks like) or a raw
HTML block. A light line scanner follows those blocks, including their end when
their container (block quote depth, list item column) ends; no Markdown library
is needed for that.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

BEGIN_RE = re.compile(
    r"^(?P<prefix>[ \t>]*)<!-- runbook:begin (?P<kind>[a-z]+)(?P<args>(?: [^ \r\n]+)*?) -->[ \t]*$"
)
END_RE = re.compile(r"^[ \t>]*<!-- runbook:end -->[ \t]*$")

_LEAD = r"(?P<lead>(?:[ \t>]|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))*?)(?P<indent> {0,3})"
_FENCE_RE = re.compile(_LEAD + r"(?P<run>`{3,}|~{3,})(?P<info>[^\r\n]*)$")
_HTML1_RE = re.compile(_LEAD + r"<(?:script|pre|style|textarea)(?:[ \t>]|$)", re.I)
_HTML1_END = re.compile(r"</(?:script|pre|style|textarea)>", re.I)
_HTML2_RE = re.compile(_LEAD + r"<!--(?!.*-->)")
_HTML6_RE = re.compile(
    _LEAD
    + r"</?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd"
    r"|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]"
    r"|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup"
    r"|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul)"
    r"(?:[ \t>]|/>|$)",
    re.I,
)
_LEAD_RE = re.compile(r"[ \t>]*")


@dataclass(frozen=True)
class Region:
    """Lines ``[start, stop)`` of one annotation region."""

    start: int
    stop: int
    eofnl: bool
    """The annotator added a newline to the document's last line to make room."""


@dataclass(frozen=True)
class _Block:
    """An author's block whose lines are content: until ``ends`` or its container ends."""

    kind: str  # "fence", "html1", "html2", "html6"
    depth: int
    column: int
    char: str = ""
    size: int = 0


def find_regions(lines: Sequence[str]) -> list[Region]:
    """Every annotation region of ``lines`` (lines keep their terminators)."""
    regions: list[Region] = []
    items: list[int] = []  # content columns of the open list items
    index = 0
    while index < len(lines):
        line = lines[index].rstrip("\r\n")
        _track_items(items, line)
        block = _opens(line, items[-1] if items else 0)
        if block is not None:
            end = _block_end(lines, index + 1, block)
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


_ITEM_RE = re.compile(r"(?P<lead>[ \t>]*)(?P<marker>[-+*]|\d{1,9}[.)])(?P<space>[ \t]+)(?=\S)")


def _track_items(items: list[int], line: str) -> None:
    """Follow which list items ``line`` is in, by indentation (laziness ignored)."""
    m = _LEAD_RE.match(line)
    lead = m.group(0) if m else ""
    if len(lead) == len(line):
        return
    while items and columns(lead) < items[-1]:
        items.pop()
    pos, width = 0, ""
    while (item := _ITEM_RE.match(line, pos)) is not None:
        width += item.group("lead") + " " * len(item.group("marker"))
        space = columns(width + item.group("space")) - columns(width)
        # Five or more spaces: the item's content starts one space after the marker.
        width += item.group("space") if space <= 4 else " "
        items.append(columns(width))
        if space > 4:
            break
        pos = item.end()


def _block_end(lines: Sequence[str], index: int, block: _Block) -> int | None:
    """Line after the author's ``block``, or None when it is never closed.

    A block protects the marker lines inside it only when it visibly ends after
    them (closing fence, end tag, blank line). An unclosed one protects nothing:
    the scanner cannot always tell where its container ends, and a real region
    taken for content would stack up. Lines of a well-formed region inside the
    block never close it (a region holds fences of its own).
    """
    current: _Block | None = block
    while index < len(lines) and current is not None:
        region = _region_at(lines, index)
        if region is not None:
            index = region.stop
            continue
        inside, current = _continues(current, lines[index].rstrip("\r\n"))
        if not inside:
            return None if block.kind in ("fence", "html1", "html2") else index
        index += 1
    return None if current is not None else index


def _opens(line: str, item_column: int) -> _Block | None:
    for kind, pattern in (("fence", _FENCE_RE), ("html1", _HTML1_RE), ("html2", _HTML2_RE), ("html6", _HTML6_RE)):
        m = pattern.match(line)
        if m is None:
            continue
        if kind == "fence" and m.group("run")[0] == "`" and "`" in m.group("info"):
            continue  # not a fence: an inline code span
        if kind == "html1" and _HTML1_END.search(line):
            return None
        lead = m.group("lead")
        in_item = bool(re.search(r"[-+*\d]", lead))
        width = columns(re.sub(r"[^ \t>]", " ", lead) + m.group("indent"))
        column = width if in_item else min(item_column, width)
        run = m.group("run") if kind == "fence" else ""
        return _Block(kind, lead.count(">"), column, run[:1], len(run))
    return None


def _continues(block: _Block, line: str) -> tuple[bool, _Block | None]:
    """(is ``line`` part of ``block``, the block still open after it)."""
    m = _LEAD_RE.match(line)
    lead = m.group(0) if m else ""
    blank = len(lead) == len(line) and lead.count(">") >= block.depth
    in_container = blank or (lead.count(">") >= block.depth and columns(lead) >= block.column)
    if len(lead) == len(line) and not blank:
        in_container = False
    if not in_container:
        return False, None
    if block.kind == "html6":
        return (not blank), (None if blank else block)
    if block.kind == "html1":
        return True, (None if _HTML1_END.search(line) else block)
    if block.kind == "html2":
        return True, (None if "-->" in line else block)
    f = _FENCE_RE.match(line)
    closes = (
        f is not None and lead.count(">") == block.depth and f.group("run")[0] == block.char
        and len(f.group("run")) >= block.size and not f.group("info").strip()
    )
    return True, (None if closes else block)


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
