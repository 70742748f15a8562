"""Find the annotation regions of a document's lines (shared by strip and the parser).

A region is whole lines from ``<prefix><!-- runbook:begin KIND ... lines=N -->``
to ``<prefix><!-- runbook:end -->``. ``lines=N`` is trusted when the N-th line
is an end marker, else the first end marker closes the region (the annotator
makes sure no content line inside a region can spell one).

Marker lines that are the author's own content are not regions: a fenced block
that shows what an annotated document looks like (``docs/format.md`` does). No
Markdown library is used, so only the clear case is recognised (see
:func:`_example_end`); raw HTML blocks are stepped over so that a fence-like
line inside one is not taken for a fence. Known gap: a tab right after a ``>``
inside a quoted list item (tab stops across container markers) can mislead the
scanner.
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
    """Line after the fenced block opening at ``index``, or None to read it as usual.

    A fence is skipped whole when its closing fence is found (same quote depth,
    same column), so that its content is never read as markers or fences.
    Marker lines inside it are the author's (an example) only for a fence at the
    top level or in block quotes; a fence indented into a list item that holds
    a well-formed region is read as usual instead (a scanner cannot always see
    where a list item ends, and a real region taken for content would stack up
    on every run). A well-formed region never closes a fence (it holds fences
    of its own).
    """
    if "```" not in lines[index] and "~~~" not in lines[index]:
        return None  # not a fence line (the common case, tested without a pattern)
    opening = _FENCE_RE.match(lines[index].rstrip("\r\n"))
    if opening is None or (opening.group("run")[0] == "`" and "`" in opening.group("info")):
        return None
    lead, run = opening.group("lead"), opening.group("run")
    number = _NUMBER_RE.search(lead) if lead else None
    if number and int(number.group(1)) != 1 and index and not _starts_fresh(lines[index - 1]):
        return None  # "2)" cannot interrupt a paragraph: this line continues it
    examples = bool(_QUOTE_LEAD_RE.fullmatch(lead))
    depth, column = lead.count(">"), columns(_NOT_BLANK_RE.sub(" ", lead))
    j = index + 1
    while j < len(lines):
        line = lines[j].rstrip("\r\n")
        closing = _FENCE_RE.match(line) if "```" in line or "~~~" in line else None
        if (closing and closing.group("lead").count(">") == depth
                and columns(_NOT_BLANK_RE.sub(" ", closing.group("lead"))) == column
                and closing.group("run")[0] == run[0] and len(closing.group("run")) >= len(run)
                and not closing.group("info").strip()):
            return j + 1
        if depth:
            marks = _MARKS_RE.match(line)
            if (marks.group(0) if marks else "").count(">") < depth:
                return None  # the quote ended, and the fence with it
        region = _region_at(lines, j)
        if region is not None:
            if not examples:
                return None
            j = region.stop
            continue
        j += 1
    return None


_NUMBER_RE = re.compile(r"(\d+)[.)]")
_NOT_BLANK_RE = re.compile(r"[^ \t>]")
_MARKS_RE = re.compile(r"[ \t>]*")
_QUOTE_LEAD_RE = re.compile(r"(?: {0,3}> ?)* {0,3}")
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
    if "<" not in line:
        return None  # every HTML block start has a tag
    pre = _HTML_PRE_RE.match(line)
    if pre is None and _HTML_BLOCK_RE.match(line) is None and not _html_tag_line(lines, index):
        return None
    if pre is not None and _HTML_PRE_END.search(line):
        return index + 1
    first = re.match(_LIST_LEAD, line)
    lead = first.group(0) if first else ""
    depth = lead.count(">")
    # An indented block is (most likely) in a list item, and ends with the item:
    # at a line indented less.
    column = columns(re.sub(r"[^ \t>]", " ", lead))
    for j in range(index + 1, len(lines)):
        body = lines[j].rstrip("\r\n")
        head = re.match(r"[ \t>]*", body)
        marks = head.group(0) if head else ""
        if _region_at(lines, j) is not None or marks.count(">") < depth:
            return j
        if len(marks) < len(body) and columns(marks) < column and column > columns(marks.rstrip(" \t") + " "):
            return j
        if pre is not None and _HTML_PRE_END.search(body):
            return j + 1
        if pre is None and len(marks) == len(body):
            return j
    return len(lines)


_TAG_LINE_RE = re.compile(
    _LIST_LEAD + r"(?:<[A-Za-z][A-Za-z0-9-]*(?:[ \t]+[^<>]*)?/?>|</[A-Za-z][A-Za-z0-9-]*[ \t]*>)[ \t]*$"
)


def _html_tag_line(lines: Sequence[str], index: int) -> bool:
    """A type 7 HTML block start: a lone tag, not continuing a paragraph (roughly)."""
    line = lines[index].rstrip("\r\n")
    if not _TAG_LINE_RE.match(line):
        return False
    lead = re.match(_LIST_LEAD, line)
    opened = lead.group(0) if lead else ""
    previous = lines[index - 1] if index else ""
    if re.search(r"[-+*\d]", opened) or opened.count(">") > previous[: len(previous) - len(previous.lstrip(" \t>"))].count(">"):
        return True  # first line of a new list item or block quote
    return _starts_fresh(previous)


def _starts_fresh(previous: str) -> bool:
    """Whether a block may start after ``previous`` even if it cannot interrupt a paragraph.

    True after a blank line, a heading, an HTML comment (a region marker
    included) or a fence line: only paragraph text is continued.
    """
    before = re.sub("^" + _LIST_LEAD, "", previous).strip()
    return not before or before.startswith("#") or before.endswith("-->") or bool(
        re.fullmatch(r"(`{3,}|~{3,})[^`]*", before)
    )


def _region_at(lines: Sequence[str], index: int) -> Region | None:
    if "<!-- runbook:begin " not in lines[index]:
        return None
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
