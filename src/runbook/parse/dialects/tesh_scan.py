"""tesh's own reading of a Markdown file, line by line (tesh 0.3.2 ``extract.py``), ported.

tesh does not parse Markdown: any line whose stripped text starts with ```` ``` ```` opens a
block that ends at the next line starting with as many backticks, so it also sees the
```` ``` ```` examples its README wraps in ``~~~`` fences, and never sees a ``~~~`` fence. Reading
the lines the same way is what makes runbook run exactly the blocks tesh runs.

* A block's lines lose as many leading characters as its first line has whitespace.
* Only blocks with ``tesh-session="ID"`` (and ``tesh-platform`` equal to this platform, when
  given) count; blocks of one session are joined in document order.
* ``tesh-fixture="NAME"``: the block's lines, joined by newlines (each keeps its own), are
  the file NAME; ``tesh-ps1`` / ``-exitcodes`` / ``-setup`` / ``-timeout`` / ``-long-running``
  add to (or replace in) the session what an earlier block gave.
* A session's commands (``extract_blocks``): a line matching ``$`` alone, ``$ `` or the
  ``tesh-ps1`` prompt and a space starts one; ``> `` lines are appended to it (a trailing
  ``\\`` dropped, no separator); blank lines are skipped; other lines are its output. A
  command that is empty is dropped unless it is the session's last.

What tesh refuses before running anything (a never closed block, two prompts in one
session, an exit code or timeout that is not a number) is returned as :attr:`Scan.refused`.
"""

from __future__ import annotations

import platform
import re
from dataclasses import dataclass, field
from typing import Sequence

_DIRECTIVE = re.compile(r'tesh-([a-z0-9-]+)="([^"]+)"')
_TRUE = frozenset({"y", "yes", "t", "true", "on", "1"})
_FALSE = frozenset({"n", "no", "f", "false", "off", "0"})


@dataclass
class Fence:
    """One block as tesh sees it (0-based lines; ``end`` is the line after its closing fence)."""

    start: int
    end: int
    directives: dict[str, str]
    lines: list[str]
    """Content lines, cut as tesh cuts them, each with its newline."""
    closed: bool = True


@dataclass
class Session:
    """One tesh session: its blocks' lines (with their source line) and directives."""

    id: str
    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)
    ps1: str | None = None
    exitcodes: list[int] = field(default_factory=list)
    fixtures: list[tuple[str, str]] = field(default_factory=list)
    setup: str | None = None
    timeout: int = 30
    long_running: bool = False
    ends: dict[int, int] = field(default_factory=dict)
    """Source line of each content line -> the line after its block (where results go)."""


@dataclass
class Cmd:
    """One of tesh's blocks of a session: a command and its expected output lines."""

    line: int
    text: str
    prompt: str = "$ "
    output: list[str] = field(default_factory=list)


@dataclass
class Scan:
    sessions: list[Session]
    refused: tuple[int, str] | None = None
    """(0-based line, why) when tesh stops before running anything."""


def fences(lines: Sequence[str]) -> list[Fence]:
    """Every block tesh's extractor sees, in order (``lines`` keep their newlines)."""
    out: list[Fence] = []
    k, n = 0, len(lines)
    while k < n:
        opening = lines[k].lstrip()
        if not opening.startswith("```"):
            k += 1
            continue
        ticks = len(opening) - len(opening.lstrip("`"))
        start, cut = k, 0
        body: list[str] = []
        k += 1
        while k < n and lines[k].lstrip()[:ticks] != "`" * ticks:
            if not body:
                cut = len(lines[k]) - len(lines[k].lstrip())
            body.append(lines[k][cut:])
            k += 1
        out.append(Fence(start, min(k + 1, n), dict(_DIRECTIVE.findall(opening)), body, closed=k < n))
        k += 1
    return out


def _bool(text: str) -> bool:
    if text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    raise ValueError(f"invalid truth value {text!r}")


def _merge(s: Session, f: Fence, d: dict[str, str]) -> None:
    """Add block ``f`` to session ``s`` as tesh does (ValueError: tesh would stop)."""
    s.lines += [(f.start + 1 + j, line) for j, line in enumerate(f.lines)]
    s.ends.update({f.start + 1 + j: f.end for j in range(len(f.lines))})
    if d.get("ps1"):
        if s.ps1 is not None and s.ps1 != d["ps1"]:
            raise ValueError(f"two different prompts in session {s.id!r}: {d['ps1']} and {s.ps1} "
                             "(tesh: \"You can't have two different prompts in the same session yet\")")
        s.ps1 = d["ps1"]
    s.exitcodes += [int(x) for x in d.get("exitcodes", "").split()]
    s.setup = d.get("setup") or s.setup
    s.timeout = int(d["timeout"]) if d.get("timeout") else s.timeout
    s.long_running = _bool(d["long-running"]) if d.get("long-running") else s.long_running


def scan(lines: Sequence[str]) -> Scan:
    """The sessions of a document, in order of first appearance, read as tesh reads them."""
    found: dict[str, Session] = {}
    here = platform.system().lower()
    for f in fences(lines):
        if not f.closed:
            return Scan([], (f.start, "a block opened here is never closed "
                                      "(tesh: \"Hit end-of-file prematurely\")"))
        d = f.directives
        if "session" not in d or d.get("platform", here) != here:
            continue
        s = found.setdefault(d["session"], Session(d["session"], f.start))
        if d.get("fixture"):
            s.fixtures.append((d["fixture"], "\n".join(f.lines)))
            continue
        try:
            _merge(s, f, d)
        except ValueError as e:
            return Scan([], (f.start, str(e)))
    return Scan(list(found.values()))


def prompt_regex(s: Session) -> str:
    return r"(^\$$|\$ |%s )" % re.escape(s.ps1) if s.ps1 else r"(^\$$|\$ )"


def commands(s: Session) -> list[Cmd]:
    """A session's blocks (``extract_blocks``): its commands and their expected lines."""
    prompt = re.compile(prompt_regex(s))
    blocks: list[Cmd] = []
    current = Cmd(s.line, "")
    for n, line in s.lines:
        if m := prompt.match(line):
            if current.text:
                blocks.append(current)
            current = Cmd(n, re.sub("^" + prompt_regex(s), "", line).strip().rstrip("\\"), m.group(0))
        elif m := re.match("^> (.*)$", line):
            current.text += m.group(1).rstrip("\\")
        elif line.strip():
            current.output.append(line.rstrip("\n"))
    blocks.append(current)
    return blocks
