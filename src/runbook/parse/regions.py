"""Find the annotation regions of a document's lines (shared by strip and the parser).

A region is whole lines from ``<prefix><!-- runbook:begin KIND ... lines=N sum=H -->``
to ``<prefix><!-- runbook:end -->``. A region is removed only when it provably
is runbook's (:func:`check_region`): its N-th line is the end marker, no other
marker lies inside, every line carries the begin marker's prefix and ``sum=H``
(a hash of its body, see :func:`body_sum`) still matches. Anything else is a
damaged annotation (an end marker deleted or edited, a begin without end,
nested or reordered markers, text typed inside): :func:`find_regions` raises
:class:`ParseError` at its line instead of guessing, so that no author line is
ever taken for runbook's. Regions written before ``sum=`` existed are checked
on their structure alone.

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
from bisect import bisect_left
from collections.abc import Sequence

from runbook.errors import ParseError
from runbook.lazyre import lazy
from runbook.record import record

BEGIN_RE = lazy(r"^(?P<prefix>[ \t>]*)<!-- runbook:begin (?P<kind>[a-z]+)(?P<args>(?: [^ \r\n]+)*?) -->[ \t]*$")
END_RE = lazy(r"^[ \t>]*<!-- runbook:end -->[ \t]*$")
SUM_SIZE = 12
_HINT = ("runbook removes only regions it can prove it wrote; restore the region as it was, "
         "or move your own text out of it and delete the region from its begin marker to its "
         "end marker by hand, then run again")


@record(slots=False)
class Region:
    """Lines ``[start, stop)`` of one annotation region."""

    start: int
    stop: int
    eofnl: bool
    """The annotator added a newline to the document's last line to make room."""
    summed: bool = False
    """Its begin marker has ``sum=`` (proved by content, not by structure alone)."""


_FENCE_RE = lazy(r"(?P<lead>(?:[ \t>]|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))*)(?P<run>`{3,}|~{3,})(?P<info>[^\r\n]*)$")


def find_regions(lines: Sequence[str], path: str = "<string>", strict: bool = True) -> list[Region]:
    """Every annotation region of ``lines`` (lines keep their terminators).

    A damaged annotation raises :class:`ParseError` at ``path:line`` with a hint;
    with ``strict=False`` it is left in place as content instead (for the linter,
    which must not raise).
    """
    regions: list[Region] = []
    # Lines where a fence, an HTML block or a marker may start: the scan goes from one to the next.
    marks = [k for k, line in enumerate(lines) if "<" in line or "```" in line or "~~~" in line]
    at = 0
    while at < len(marks):
        index = marks[at]
        # A begin marker's line opens no fence and no HTML block (it starts with its prefix and `<!`).
        begin = _begin_match(lines[index])
        end = None if begin else _example_end(lines, index, marks, at) or _html_end(lines, index)
        if end is None:
            region = _region_or_damage(lines, index, begin, path, strict)
            if region is None:
                at += 1
                continue
            regions.append(region)
            end = region.stop
        at = bisect_left(marks, end, at + 1)
    return regions


def _region_or_damage(lines: Sequence[str], index: int, begin: re.Match[str] | None, path: str,
                      strict: bool) -> Region | None:
    """The region at line ``index`` (None: none); a damaged one raises when ``strict``."""
    region = check_region(lines, index, begin) if begin else None
    if (region is None and strict and "<!-- runbook:end -->" in lines[index]
            and END_RE.match(lines[index].rstrip("\r\n"))):
        region = "an end marker without its begin marker (was the begin line deleted?)"
    if isinstance(region, str):
        if strict:
            raise ParseError(f"damaged runbook annotation: {region}", where=f"{path}:{index + 1}", hint=_HINT)
        return None
    return region


def _example_end(lines: Sequence[str], index: int, marks: Sequence[int] = (), at: int = 0) -> int | None:
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
    opening = _fence_match(lines[index].rstrip("\r\n"))
    if opening is None or (opening.group("run")[0] == "`" and "`" in opening.group("info")):
        return None
    lead, run = opening.group("lead", "run")
    if not lead and marks:  # the common fence: at the left margin, outside any quote or list
        return _example_end_at_marks(lines, marks, at, 0, run, True)
    number = _NUMBER_RE.search(lead)
    if number and int(number.group(1)) != 1 and index and not _starts_fresh(lines[index - 1]):
        return None  # "2)" cannot interrupt a paragraph: this line continues it
    examples, depth, column = _lead_shape(lead)
    if not depth and marks:  # only a line in ``marks`` can close the fence or hold a marker
        return _example_end_at_marks(lines, marks, at, column, run, examples)
    return _example_end_by_line(lines, index, depth, column, run, examples)


def _example_end_by_line(lines: Sequence[str], index: int, depth: int, column: int, run: str,
                         examples: bool) -> int | None:
    """:func:`_example_end`'s scan of every line after the fence opening at ``index``."""
    j = index + 1
    while j < len(lines):
        line = lines[j].rstrip("\r\n")
        if _closes(_fence_match(line), depth, column, run):
            return j + 1
        if depth and _quote_depth(line) < depth:
            return None  # the quote ended, and the fence with it
        region = _region_at(lines, j)
        if region is not None:
            if not examples and region.summed:
                return None  # only a region with sum= is proof enough to end the fence
            j = region.stop
            continue
        j += 1
    return None


def _example_end_at_marks(lines: Sequence[str], marks: Sequence[int], at: int, column: int, run: str,
                          examples: bool) -> int | None:
    """:func:`_example_end`'s scan outside quotes, over ``marks`` (``marks[at]``: the fence's line)."""
    k = at + 1
    while k < len(marks):
        j = marks[k]
        if _closes_at(lines[j], column, run):
            return j + 1
        region = _region_at(lines, j)
        if region is not None:
            if not examples and region.summed:
                return None
            k = bisect_left(marks, region.stop, k)
            continue
        k += 1
    return None


def _closes_at(line: str, column: int, run: str) -> bool:
    """:func:`_closes` outside quotes; at the left margin a closing fence is the run, then blanks."""
    if column or not line.startswith(run):
        return bool(column) and _closes(_fence_match(line.rstrip("\r\n")), 0, column, run)
    return not line.rstrip("\r\n").lstrip(run[0]).strip()


def _lead_shape(lead: str) -> tuple[bool, int, int]:
    """(markers inside are examples, quote depth, column) of a fence's lead (most fences have none)."""
    if not lead:
        return True, 0, 0
    return bool(_QUOTE_LEAD_RE.fullmatch(lead)), lead.count(">"), columns(_NOT_BLANK_RE.sub(" ", lead))


_NUMBER_RE = lazy(r"(\d+)[.)]")
_NOT_BLANK_RE = lazy(r"[^ \t>]")
_MARKS_RE = lazy(r"[ \t>]*")


def _fence_match(line: str) -> re.Match[str] | None:
    """``_FENCE_RE`` on a line; most lines hold no fence run, which a substring test sees."""
    return _FENCE_RE.match(line) if "```" in line or "~~~" in line else None


def _quote_depth(line: str) -> int:
    marks = _MARKS_RE.match(line)
    return (marks.group(0) if marks else "").count(">")


def _closes(closing: re.Match[str] | None, depth: int, column: int, run: str) -> bool:
    """Whether a fence line closes the fence opened with ``run`` at that quote depth and column."""
    if closing is None:
        return False
    lead = closing.group("lead")
    return bool(lead.count(">") == depth
                and (columns(_NOT_BLANK_RE.sub(" ", lead)) if lead else 0) == column
                and closing.group("run")[0] == run[0] and len(closing.group("run")) >= len(run)
                and not closing.group("info").strip())


_QUOTE_LEAD_RE = lazy(r"(?: {0,3}> ?)* {0,3}")
_LIST_LEAD = r"(?:[ \t>]|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t]))*"
_HTML_PRE_RE = lazy(_LIST_LEAD + r"<(?:script|pre|style|textarea)(?:[ \t>]|$)", re.I)
_HTML_PRE_END = lazy(r"</(?:script|pre|style|textarea)>", re.I)
_HTML_BLOCK_RE = lazy(
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
        end = _html_line_ends(lines, j, depth, column, pre is not None)
        if end is not None:
            return end
    return len(lines)


def _html_line_ends(lines: Sequence[str], j: int, depth: int, column: int, pre: bool) -> int | None:
    """Where an HTML block ends if line ``j`` ends it (``j`` or ``j + 1``), else None."""
    body = lines[j].rstrip("\r\n")
    head = re.match(r"[ \t>]*", body)
    marks = head.group(0) if head else ""
    if _region_at(lines, j) is not None or marks.count(">") < depth:
        return j
    if len(marks) < len(body) and columns(marks) < column and column > columns(marks.rstrip(" \t") + " "):
        return j
    if pre and _HTML_PRE_END.search(body):
        return j + 1
    if not pre and len(marks) == len(body):
        return j
    return None


_TAG_LINE_RE = lazy(
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


_LINES_ARG = lazy(r"lines=\d{1,9}")
_SUM_ARG = lazy(rf"sum=[0-9a-f]{{{SUM_SIZE}}}")


def _begin_match(line: str) -> re.Match[str] | None:
    if "<!-- runbook:begin " not in line:
        return None  # tested without a pattern: most lines are no marker
    return BEGIN_RE.match(line.rstrip("\r\n"))


def _region_at(lines: Sequence[str], index: int) -> Region | None:
    region = check_region(lines, index)
    return region if isinstance(region, Region) else None


def check_region(lines: Sequence[str], index: int, begin: re.Match[str] | None = None) -> Region | str | None:
    """The region whose begin marker is line ``index``; a reason when it is damaged.

    None when the line is no begin marker. Without ``lines=N`` (and only with
    ``sum=``) the first end marker closes the region; the sum then proves it.
    ``begin``: ``BEGIN_RE``'s match of the line, when the caller has it.
    """
    m = begin or _begin_match(lines[index])
    if m is None:
        return None
    prefix, args_text = m.group("prefix", "args")
    args = args_text.split()
    count, digest = _count_and_sum(args)
    stop = _region_stop(lines, index, count, digest)
    if isinstance(stop, str):
        return stop
    for inner in range(index + 1, stop - 1):
        if _is_marker(lines[inner]):
            return f"another marker inside it, at line {inner + 1} (nested, reordered or damaged markers)"
    if not prefix and digest is None:  # every line has the empty prefix, and no sum to prove
        return Region(index, stop, "eofnl" in args, False)
    body = _body(lines[index + 1 : stop - 1], prefix)
    if body is None or not lines[stop - 1].startswith(prefix.rstrip()):
        return "a line inside it has lost the region's prefix (moved or edited by hand)"
    if digest is not None and body_sum(body) != digest:
        return "its content no longer matches its sum= (edited by hand, or text typed inside it)"
    return Region(index, stop, "eofnl" in args, digest is not None)


def _count_and_sum(args: Sequence[str]) -> tuple[int | None, str | None]:
    """The first ``lines=N`` and the first ``sum=H`` of a begin marker's arguments."""
    count: int | None = None
    digest: str | None = None
    for a in args:
        if count is None and a[:6] == "lines=" and _LINES_ARG.fullmatch(a):
            count = int(a[6:])
        elif digest is None and a[:4] == "sum=" and _SUM_ARG.fullmatch(a):
            digest = a[4:]
    return count, digest


def _region_stop(lines: Sequence[str], index: int, count: int | None, digest: str | None) -> int | str:
    """Line after the end marker of the region beginning at ``index``, or why there is none."""
    if count is None and digest is None:
        return "a begin marker with neither lines=N nor sum= (runbook always writes them)"
    if count is not None and count < 2:
        return f"lines={count} cannot hold a begin and an end marker"
    if count is None:
        stop = next((j + 1 for j in range(index + 1, len(lines)) if _is_marker(lines[j])), len(lines) + 1)
    else:
        stop = index + count
    if stop > len(lines) or not END_RE.match(lines[stop - 1].rstrip("\r\n")):
        return (f"its lines={count} does not end at an end marker" if count is not None
                else "a begin marker without its end marker")
    return stop


def _is_marker(line: str) -> bool:
    if "<!-- runbook:" not in line:
        return False
    body = line.rstrip("\r\n")
    return bool(BEGIN_RE.match(body) or END_RE.match(body))


def _body(lines: Sequence[str], prefix: str) -> list[str] | None:
    """The region's body lines without prefix and terminator, or None if one lacks the prefix."""
    if not prefix:
        return [line.rstrip("\r\n") for line in lines]
    out: list[str] = []
    bare = prefix.rstrip()
    for line in lines:
        text = line.rstrip("\r\n")
        if text.startswith(prefix):
            out.append(text[len(prefix):])
        elif text.rstrip(" \t") == bare:
            out.append("")
        else:
            return None
    return out


def body_sum(body: Sequence[str]) -> str:
    """``sum=`` of a region: a hash of its body lines (prefix and trailing blanks ignored)."""
    import hashlib  # here: it loads OpenSSL, which a run that writes no result never needs
    joined = "\n".join(line.rstrip(" \t") for line in body)
    return hashlib.sha256(joined.encode("utf-8", "surrogateescape")).hexdigest()[:SUM_SIZE]


def columns(text: str) -> int:
    """Width of ``text`` with tab stops every 4 columns (CommonMark's rule)."""
    col = 0
    for ch in text:
        col = col + 4 - col % 4 if ch == "\t" else col + 1
    return col
