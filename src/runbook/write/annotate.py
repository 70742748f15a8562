"""Splice run results into a document's Markdown and take them out again, byte for byte.

Pure text surgery on the line numbers the parser recorded (``Step.end``,
``Step.prefix``, ``Document.title_end``); no Markdown parsing here. Every
inserted region is whole lines::

    <prefix><!-- runbook:begin result A1 lines=7 -->
    <prefix>...body (see result_block)...
    <prefix><!-- runbook:end -->

``lines=N`` counts the region's lines, markers included, and ``sum=H`` is a
hash of its body: :func:`strip` removes a region only when both still hold, and
refuses a damaged one (``ParseError`` at its line) rather than guess where it
ends, so no author line is ever removed with it. ``eofnl`` records
that the document's last line had no newline and one was added to make room.
Inserted lines use the newline of the neighbouring original lines. A step
whose fence is never closed gets no result (it would land inside the fence).
Finding regions again, author examples of markers included, is in :mod:`regions`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache, partial
from typing import Callable, Iterator

from runbook.lazyre import lazy
from runbook.model import Document, RunResult, Step
from runbook.parse.regions import Region, body_sum, columns, find_regions
from runbook.source import split_lines
from runbook.write.result_block import result_body, summary_body

BEGIN = "<!-- runbook:begin"
END = "<!-- runbook:end -->"

Body = Callable[[], list[str]]
"""A region's body lines, made when the region is written."""

_DIRECTIVE_RE = lazy(r"^ {0,3}<!--\s*runbook\s*:(?!\s*(?:begin|end)\b).*-->\s*$", re.I)
_ID_UNSAFE = lazy(r"[^\w.:/+#-]")


def annotate(text: str, doc: Document, run: RunResult, path: str = "<string>") -> str:
    """``text`` with a summary after the first heading and a result under each step.

    ``text`` is the document as parsed into ``doc`` (BOM removed). Annotations it
    may still hold are replaced: ``doc``'s line numbers then refer to ``text`` as
    given, which is what parsing an annotated document yields (the parser blanks
    annotation regions in place). Steps without a result in ``run`` get none.
    """
    return "".join(annotated_pieces(text, doc, run, path))


def annotated_pieces(text: str, doc: Document, run: RunResult, path: str = "<string>") -> Iterator[str]:
    """:func:`annotate`'s text in pieces, each made as it is asked for: encoded one by one
    (``execute``), a 50,000-step document never exists as one string, which an emoji
    makes 4 bytes a character."""
    lines = split_lines(text)
    position: Sequence[int] = _identity(len(lines))
    regions = find_regions(lines, path) if BEGIN in text or END in text else []  # scanned once
    if regions:
        position = _position_map(len(lines), regions)
        lines = split_lines(_remove(lines, regions))

    inserts: dict[int, list[tuple[str, Body, str]]] = {}
    prefix = _heading_prefix(lines, doc.title_line, position) if doc.title_line is not None else ""
    at = _summary_position(lines, position[min(doc.title_end, len(position) - 1)], doc, prefix)
    summary = summary_body(doc, run)
    inserts.setdefault(at, []).append(("summary", lambda: summary, prefix))
    for step in doc.steps:
        res = run.result_for(step.id)
        if res is None or _ends_in_open_fence(lines, step, position):
            continue
        at = position[min(step.end, len(position) - 1)]
        kind = "result " + (_ID_UNSAFE.sub("_", step.id) or "_")
        inserts.setdefault(at, []).append((kind, partial(result_body, res), _result_prefix(lines, step, position)))
    return _splice(lines, inserts)


def strip(text: str, path: str = "<string>") -> str:
    """``text`` without any annotation region: the original document, byte for byte.

    Raises :class:`~runbook.errors.ParseError` at ``path:line`` for a damaged region.
    """
    if BEGIN not in text and END not in text:
        return text
    lines = split_lines(text)
    regions = find_regions(lines, path)
    return _remove(lines, regions) if regions else text


def has_annotations(text: str, path: str = "<string>") -> bool:
    """True when ``text`` holds at least one annotation region (a damaged one raises)."""
    if BEGIN not in text and END not in text:
        return False
    return bool(find_regions(split_lines(text), path))


# --- inserting -----------------------------------------------------------------


def _splice(lines: list[str], inserts: dict[int, list[tuple[str, Body, str]]]) -> Iterator[str]:
    """The lines with each region inserted, piece by piece: the lines between two regions
    as one piece, a region's body made only here, as one piece. The last piece is held
    back: the end-of-file region adds a newline to the line before it (``eofnl``)."""
    held: str | None = None
    fallback = _first_newline(lines)
    size, pos = len(lines), 0
    for index in sorted(inserts):
        if index > pos:
            if held is not None:
                yield held
            held, pos = "".join(lines[pos:index]), index
        for n, (kind, make, prefix) in enumerate(inserts[index]):
            flags = ""
            if n == 0 and index == size and held is not None and not _terminator(held):
                flags = " eofnl"
                held += fallback
            newline = _newline_near(lines, index, fallback)
            body = make()
            region = [f"{BEGIN} {kind} lines={len(body) + 2} sum={body_sum(body)}{flags} -->", *body, END]
            if held is not None:
                yield held
            held = (newline.join(region) + newline if not prefix else
                    "".join((prefix + line if line else prefix.rstrip()) + newline for line in region))
    if pos < size:
        if held is not None:
            yield held
        held = "".join(lines[pos:])
    if held is not None:
        yield held


_FENCE_RUN = lazy(r"`{3,}|~{3,}")
_NOT_LEAD = lazy(r"[^ \t>]")
_LEAD = lazy(r"[ \t>]*")
_INDENT = lazy(r"[ \t]*")


@lru_cache(maxsize=64)
def _closing(run: str) -> re.Pattern[str]:
    """A line closing a fence opened with ``run`` (groups: quote lead, indentation)."""
    return re.compile(rf"([ \t>]*?)( *){re.escape(run[0])}{{{len(run)},}}[ \t]*")


def _ends_in_open_fence(lines: Sequence[str], step: Step, position: Sequence[int]) -> bool:
    """True when the step's last element is a fence never closed: its result would land inside.

    An unclosed fence runs to the end of its container: a region written there
    would render as code, so such a step gets no result region. The last
    element is the command block or an expected-output block after it.
    """
    last = len(position) - 1
    end, opener, fence_end = _last_fence(step, position, last)
    if end > fence_end or opener >= len(lines):
        return False
    for c in step.criteria:
        if position[c.line if c.line < last else last] > opener:
            return False
    opening = _FENCE_RUN.search(lines[opener])
    if opening is None or end - 1 <= opener:
        return opening is not None
    return not _closes(lines[opener], opening, lines[end - 1].rstrip("\r\n"))


def _last_fence(step: Step, position: Sequence[int], last: int) -> tuple[int, int, int]:
    """The step's end, and the opening line and end of its last fence (the command block's,
    or an expected block's after it), as lines of the stripped text."""
    end, opener, fence_end = (position[n if n < last else last] for n in (step.end, step.span.start, step.span.end))
    for command in step.commands:
        span = command.expected.span if command.expected else None
        if span is not None and span.start > step.span.end - 1:
            at = position[span.start - 1 if span.start - 1 < last else last]
            if at > opener:  # an expected block's text follows its opening fence; a closed one has one more line
                opener, fence_end = at, position[span.end if span.end < last else last] + 1
    return end, opener, fence_end


def _closes(opener: str, opening: re.Match[str], line: str) -> bool:
    """Whether ``line`` (no terminator) closes the fence ``opening`` found in ``opener``."""
    run = opening.group(0)
    if opening.start() == 0 and line == run:
        return True  # the usual case: the same run at the margin (what the checks below find)
    closing = _closing(run).fullmatch(line)
    if closing is None:
        return False
    # A closing fence sits in the same container: as many quote markers as the
    # opening line, and indented like it, give or take 3 columns.
    lead = closing.group(1) + closing.group(2)
    opening_lead = _NOT_LEAD.sub(" ", opener[: opening.start()])
    if lead.count(">") != opening_lead.count(">"):
        return False
    return abs(columns(lead) - columns(opening_lead)) <= 3


def _terminator(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def _first_newline(lines: Sequence[str]) -> str:
    for line in lines:
        if _terminator(line):
            return _terminator(line)
    return "\n"


def _newline_near(lines: Sequence[str], index: int, fallback: str) -> str:
    before = lines[index - 1] if 0 < index <= len(lines) else ""
    if before[-1:] == "\n" and before[-2:-1] != "\r":
        return "\n"  # the usual case: what the loop below finds (a line holds one terminator)
    for near in (index - 1, index):
        if 0 <= near < len(lines) and _terminator(lines[near]):
            return _terminator(lines[near])
    return fallback


def _summary_position(lines: Sequence[str], at: int, doc: Document, prefix: str) -> int:
    """Where the summary goes: after the first heading and the directives under it.

    Without a heading it goes at the top, but after YAML front matter, which
    must stay the document's first line.
    """
    if doc.title_line is None:
        return _front_matter_end(lines)
    index, last_directive = at, None
    while index < len(lines):
        line = lines[index].rstrip("\r\n")
        if line.startswith(prefix) and _DIRECTIVE_RE.match(line[len(prefix) :]):
            last_directive = index
        elif line.strip(" \t>"):
            break
        index += 1
    return at if last_directive is None else last_directive + 1


def _front_matter_end(lines: Sequence[str]) -> int:
    if not lines or lines[0].rstrip("\r\n") != "---":
        return 0
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n") in ("---", "..."):
            return index + 1
    return 0


_CONTAINER = lazy(r"[ \t]*>[ ]?|[ \t]*(?:[-+*]|\d{1,9}[.)])(?:[ \t]+|(?=[\r\n]|$))")


def _heading_prefix(lines: Sequence[str], title_line: int, position: Sequence[int]) -> str:
    """Container prefix of the first heading."""
    at = position[min(title_line, len(position) - 1)]
    return _line_prefix(lines[at]) if at < len(lines) else ""


def _result_prefix(lines: Sequence[str], step: Step, position: Sequence[int]) -> str:
    """The container of the step's last element: usually the block's own prefix.

    A criterion may sit outside the block's container (a list after a quoted
    block): then its result goes in the criterion's container, read from the
    first line of that element (a first line is never a lazy continuation).
    """
    starts = [c.line for c in step.criteria]
    # An expected block's text starts right after its opening fence line.
    starts += [c.expected.span.start - 1 for c in step.commands if c.expected and c.expected.span]
    starts = [s for s in starts if step.span.end <= s < step.end]
    if not starts:
        return step.prefix
    at = position[min(max(starts), len(position) - 1)]
    if at >= len(lines):
        return step.prefix
    line = lines[at].rstrip("\r\n")
    if not step.prefix and line[:1] not in (" ", "\t", ">"):
        return ""  # at the margin, as the step: what the checks below find
    lead = _LEAD.match(line)
    indent = lead.group(0) if lead else ""
    slack = 1 if ">" in step.prefix else 0  # the space after ">" is optional
    if indent.count(">") == step.prefix.count(">") and columns(indent) >= columns(step.prefix) - slack:
        return step.prefix
    return _line_prefix(lines[at])


def _line_prefix(line: str) -> str:
    """Container prefix read from a line: ``>`` kept, list markers as spaces, indentation."""
    prefix, pos = "", 0
    while (m := _CONTAINER.match(line, pos)) and m.end() > pos:
        token = m.group(0)
        prefix += token if ">" in token else "".join(c if c == "\t" else " " for c in token)
        pos = m.end()
    indent = _INDENT.match(line[pos:])
    return prefix + (indent.group(0) if indent else "")


# --- finding and removing ------------------------------------------------------


def _remove(lines: Sequence[str], regions: Sequence[Region]) -> str:
    inside = _inside(len(lines), regions)
    out: list[str] = []
    pos = 0
    for region in regions:
        out.extend(lines[pos : region.start])
        pos = region.stop
        # Only a region that still ends the document may take the added newline back.
        if region.eofnl and out and all(inside[region.stop :]):
            out[-1] = out[-1].rstrip("\r\n")
    out.extend(lines[pos:])
    return "".join(out)


def _inside(size: int, regions: Sequence[Region]) -> list[bool]:
    inside = [False] * size
    for region in regions:
        inside[region.start : region.stop] = [True] * (region.stop - region.start)
    return inside


def _identity(size: int) -> Sequence[int]:
    """Every line boundary where it is (a range: no list of 300,000 ints for a big document)."""
    return range(size + 1)


def _position_map(size: int, regions: Sequence[Region]) -> list[int]:
    """For each line boundary of the annotated text, the same boundary once stripped."""
    inside = _inside(size, regions)
    mapping, kept = [], 0
    for index in range(size + 1):
        mapping.append(kept)
        if index < size and not inside[index]:
            kept += 1
    return mapping
