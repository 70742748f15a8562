"""``runbook migrate DOC --from ie``: an Innovation Engine scenario in runbook's own format.

The document keeps its words and blocks; only what runbook reads differently changes
(:mod:`runbook.parse.dialects.ie` has the rules):

* each block Innovation Engine runs becomes a ```` ```bash ```` block (runbook's default
  ``errexit`` stops at the first failing command, as ``set -e`` does); one with an expected
  output gets ``PASS if: exit code is 0 and output matches `RE``` after it, its code wrapped
  in ``{ … } 2>/dev/null`` (Innovation Engine compares standard output only): RE is the
  comment's own regex, or for ``expected_similarity=1`` the expected text exactly
  (Jaro-Winkler 1 is equality); ``expected_similarity=0`` checks the exit status only;
* the ``variables`` comment becomes front matter ``env``, and ``fail_fast: true`` is set
  (the first failure ends a scenario);
* every other block runbook would run gets ``norun``.

Refused, with the line: a similarity threshold between 0 and 1 (runbook's format has no
similarity criterion yet; such a scenario runs as it is, read as ``ie``). Not kept: each
block gets a fresh bash in Innovation Engine, so an unexported variable or function of
one block is not seen by the next; in runbook's one shell it is.
"""

from __future__ import annotations

import json
import re

from runbook.errors import RunbookError
from runbook.parse.blocks import Block
from runbook.parse.dialects.ie import EXECUTABLE, _pending, _runs, stops_reading, variables
from runbook.write.migrate_tesh import _neutralised


def _criterion(pending: tuple[float | None, str | None], b: Block, path: str) -> str | None:
    score, regex = pending
    if regex is not None:
        rx = f"(?-m:{regex})"
    elif score == 0:
        return None
    elif score is not None and score >= 1:
        rx = r"(?s)\A" + re.escape(b.raw.rstrip("\n")) + r"\n?\Z"
    else:
        raise RunbookError(f"{path}:{b.start + 1}: expected_similarity={score:g} has no equivalent in runbook's format yet",
                           hint="the scenario runs as it is (`runbook execute`, read as Innovation Engine does)")
    return f"PASS if: exit code is 0 and output matches `{rx.replace('`', chr(92) + 'x60')}`"


def _plan(blocks: list[Block], path: str) -> tuple[dict[int, Block], dict[int, str], set[int], set[int]]:
    """(run blocks by start line, PASS-if line to write after the run block starting there,
    lines to leave out: the ``variables`` comment, and a comment that ends the reading; and
    the line of that comment)."""
    runs: dict[int, Block] = {}
    after: dict[int, str] = {}
    drop = {n for b in blocks if b.kind == "html" and "```variables" in b.raw for n in range(b.start, b.end)}
    pending, last, stop = None, None, set()
    for b in blocks:
        pending = _pending(b) or pending
        if stops_reading(_pending(b)):
            drop |= set(range(b.start, b.end))
            stop.add(b.start)
            break
        if b.kind != "fence":
            continue
        lang = b.info.strip().split(None, 1)[0] if b.info.strip() else ""
        if _runs(lang, pending):
            runs[b.start], last = b, b.start
        elif pending is not None and last is not None:
            crit = _criterion(pending, b, path)
            if crit:
                after[last] = crit
            pending = None
    return runs, after, drop, stop


def from_ie(text: str, path: str) -> str:
    """The runbook document equivalent to the Innovation Engine scenario ``text``."""
    from runbook.parse.markdown import parse_and_scan

    blocks = list(parse_and_scan(text, path)[1].blocks)
    runs, after, skip, stop = _plan(blocks, path)
    if not runs:
        raise RunbookError(f"{path} has no block Innovation Engine runs ({', '.join(EXECUTABLE)})",
                           hint="nothing to migrate")
    lines = text.split("\n")
    out = ["---", "runbook:", "  fail_fast: true"]
    env = variables(blocks)
    if env:
        out.append("  env: " + json.dumps(env))
    out += ["---"]
    ours: set[int] = set()
    n = 0
    while n < len(lines):
        b = runs.get(n)
        if n in skip:
            if n in stop:
                out.append("(Innovation Engine stops reading the scenario here: Go cannot compile the regular "
                           "expression of its `expected_similarity` comment.)")
            n += 1
            continue
        if b is None:
            out.append(lines[n])
            n += 1
            continue
        fence = re.match(r"^(\s*)(`{3,}|~{3,})", lines[n])
        lead, ticks = (fence.group(1), fence.group(2)) if fence else ("", "```")
        ours.add(len(out))
        body = lines[n + 1:b.end - 1]
        out += [f"{lead}{ticks}bash"] + (["{"] + body + ["} 2>/dev/null"] if n in after else body) + [lines[b.end - 1]]
        if n in after:
            out += ["", after[n]]
        n = b.end
    return _neutralised("\n".join(out), ours, path)
