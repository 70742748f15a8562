"""Fences whose closing fence is missing (RB104): prose after them would run as their content."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from runbook.errors import ParseError, where
from runbook.parse.blocks import Block
from runbook.parse.drafts import Report
from runbook.source import strip_newline

_FENCE_OPEN = re.compile(r"[ \t>]*(?:(?:[-+*]|\d{1,9}[.)])[ \t>]*)*(`{3,}|~{3,})")


@lru_cache(maxsize=64)
def _opener(mark: str) -> re.Pattern[str]:
    """A line that opens a fence of ``mark``'s character and at least its length, with an info string."""
    return re.compile(rf"^ {{0,3}}{re.escape(mark[0])}{{{len(mark)},}}[ \t]*[^\s`~]")


@lru_cache(maxsize=1024)
def _mark(line: str) -> str:
    """The fence run opening ``line`` (a document repeats its opening lines: ```` ```bash ````)."""
    fence = _FENCE_OPEN.match(strip_newline(line))
    return fence.group(1) if fence else "```"


def unclosed_fence(block: Block, lines: Sequence[str], path: str) -> ParseError | None:
    """The error for a fence whose closing fence is missing (None when it is fine).

    Such a fence runs to the end of the file (or of its list item or quote): the prose
    after it would be read, and run, as its content. When the next block's fences
    pair up with it instead, it ends early but holds that block's opening line
    (```` ```text ````, same character, at least as long): that is caught too, so
    neither prose runs as shell nor a later step vanishes into an output block.
    """
    if block.kind != "fence" or not block.raw.strip():
        return None
    mark = _mark(lines[block.start])
    if block.closed and mark[0] * len(mark) not in block.raw:
        return None  # no line inside can open a fence of this mark (the pattern needs the run)
    hint = (f"close it with a line holding {mark} (the same character, at least as many) at the "
            "block's indentation")
    if not block.closed:
        to = "the end of the file" if block.end >= len(lines) else "the end of its list item or quote"
        return ParseError(f"code block is never closed: everything from here to {to} would be read as "
                          "its content", where=where(path, block.start), hint=hint)
    opener = _opener(mark)
    for n, line in enumerate(block.raw.split("\n")):
        if opener.match(line) and (mark[0] == "~" or "`" not in line.lstrip("`")):
            return ParseError(f"code block is never closed: its line {block.start + n + 2} "
                              f"({line.strip()!r}) opens the next block, so the text between is read as "
                              "this block's content", where=where(path, block.start), hint=hint)
    return None


def report_unclosed(blocks: Sequence[Block], lines: Sequence[str], report: Report, path: str, *, ie: bool) -> None:
    """RB104, a fence never closed: an error for a run, a finding for ``runbook check``; a
    warning when the document is declared Innovation Engine's, which reads it as CommonMark does."""
    for b in blocks:
        if b.kind != "fence":
            continue  # (unclosed_fence's first test, without a call per block)
        err = unclosed_fence(b, lines, path)
        if err is not None and ie:
            report.warn("RB104", b.start, err.message.replace(" would be read as", " is read as")
                        + ", as Innovation Engine reads it (dialect ie declared)")
        elif err is not None:
            report.error("RB104", b.start, err.message, err.hint or "")
