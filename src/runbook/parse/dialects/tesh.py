"""tesh documents (``tesh-session="…"`` fences) read with tesh 0.3's rules.

What tesh does (``extract.py``, ``test.py``, ``__init__.py``), and so what this reader does:

* Only a fence with ``tesh-session="ID"`` (any language) is run; blocks of one session
  are joined in document order. Each session runs in a fresh temporary folder (``HOME``
  is that folder), sessions one after the other, and the first failure stops the run.
* A block's lines lose the indentation of its first line. A command is a line starting
  with ``$ `` (or the ``tesh-ps1`` prompt and a space); ``> `` lines continue it (joined
  into one line, a trailing ``\\`` removed); blank lines are ignored; any other line is
  output.
* The output must match as a whole, ``fnmatch``-style, where ``...`` is the only
  wildcard (``*``, ``?`` and ``[`` are literal) and trailing whitespace is ignored. A
  command without output lines must print nothing.
* Exit statuses are judged only under ``tesh-exitcodes="0 1 …"`` (one per command of the
  session, in order).
* ``tesh-fixture="NAME"``: the block is not run; its lines, joined with newlines, are
  written to NAME in the session's folder before the session starts.
  ``tesh-setup="FILE"``: FILE (beside the document) is copied in and sourced first.
  ``tesh-timeout="N"``: N seconds per command (default 30). ``tesh-platform="P"``: the
  block exists only on platform P (``linux``, ``darwin``).

Each command becomes one step (id ``SESSION-N``) in a phase per session. The one
difference: runbook runs every session in the same shell (in its own folder), so a
variable one session exports is seen by the next; ``tesh-long-running`` is not read.
"""

from __future__ import annotations

import os
import platform
import re
import shlex
from dataclasses import dataclass, field, replace
from typing import Sequence

from runbook.errors import ParseError, where
from runbook.model import Clause, ClauseKind, Command, Criterion, Document, Expected, Phase, Span, Step
from runbook.model import StepOptions
from runbook.parse.blocks import Block

_DIRECTIVE = re.compile(r'tesh-([a-z0-9-]+)="([^"]+)"')
_RUNBOOK_PATTERN = re.compile(r"\.\.\.| \((?:re|regex|glob|equal)\)$|…")


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
    timeout: float = 30.0
    end: dict[int, int] = field(default_factory=dict)
    """Source line of each command -> the line after its block (where results go)."""


def _block_lines(b: Block) -> list[str]:
    lines = b.raw.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    indent = len(lines[0]) - len(lines[0].lstrip()) if lines else 0
    return [line[indent:] for line in lines]  # as tesh does, whatever the cut characters are


def sessions(blocks: Sequence[Block]) -> list[Session]:
    """The sessions of a document, in order of first appearance."""
    found: dict[str, Session] = {}
    here = platform.system().lower()
    for b in blocks:
        if b.kind != "fence":
            continue
        d = dict(_DIRECTIVE.findall(b.info))
        if "session" not in d or d.get("platform", here) != here:
            continue
        s = found.setdefault(d["session"], Session(d["session"], b.start))
        lines = _block_lines(b)
        if "fixture" in d:
            s.fixtures.append((d["fixture"], "\n".join(line + "\n" for line in lines)))
            continue
        s.ps1 = d.get("ps1", s.ps1)
        s.exitcodes += [int(x) for x in d.get("exitcodes", "").split() if x.lstrip("-").isdigit()]
        s.setup = d.get("setup", s.setup)
        s.timeout = float(d["timeout"]) if d.get("timeout", "").isdigit() else s.timeout
        for k, line in enumerate(lines):
            s.lines.append((b.start + 1 + k, line))
            s.end[b.start + 1 + k] = b.end
    return list(found.values())


def expected_text(output: Sequence[str]) -> str:
    """tesh's expected lines in runbook's line patterns (``...`` any text, the rest literal)."""
    out: list[str] = []
    for line in output:
        line = line.rstrip()
        if line.strip() == "...":
            out.append("...")
        elif _RUNBOOK_PATTERN.search(line):
            out.append(".*".join(re.escape(p) for p in line.split("...")) + " (re)")
        else:
            out.append(line)
    return "\n".join(out)


@dataclass
class _Cmd:
    line: int
    text: str
    output: list[str] = field(default_factory=list)


def commands(s: Session) -> list[_Cmd]:
    """A session's commands and their expected output lines, tesh's way."""
    prompt = re.compile(r"(^\$$|\$ |%s )" % re.escape(s.ps1) if s.ps1 else r"(^\$$|\$ )")
    cmds: list[_Cmd] = []
    for n, line in s.lines:
        if prompt.match(line):
            cmds.append(_Cmd(n, re.sub("^" + prompt.pattern, "", line).strip().rstrip("\\")))
        elif (m := re.match("^> (.*)$", line)) and cmds:
            cmds[-1].text += m.group(1).rstrip("\\")
        elif line.strip() and cmds:
            cmds[-1].output.append(line)
    return [c for c in cmds if c.text]


def _criterion(c: _Cmd, exit_code: int | None) -> Criterion:
    clauses = [Clause("output matches expected", ClauseKind.EXPECTED) if c.output
               else Clause("output is empty", ClauseKind.EMPTY)]
    if exit_code is not None:
        clauses.append(Clause(f"exit code is {exit_code}", ClauseKind.EXIT, number=exit_code))
    return Criterion("tesh: " + " and ".join(cl.text for cl in clauses), c.line, False, tuple(clauses))


def _start(s: Session, folder: str) -> Step:
    """The session's fresh folder, its fixtures and its setup file, as tesh prepares them."""
    sid = shlex.quote(s.id)
    parts = [f'mkdir -p "$RUNBOOK_TESH_ROOT/"{sid} && cd "$RUNBOOK_TESH_ROOT/"{sid} && export HOME="$PWD"']
    parts += [f"printf '%s' {shlex.quote(body)} > {shlex.quote(name)}" for name, body in s.fixtures]
    if s.setup:
        src = shlex.quote(os.path.join(folder, s.setup))
        parts.append(f"cp {src} {shlex.quote(s.setup)} && source {shlex.quote(s.setup)}")
    return Step(id=f"{s.id}-start", phase=s.id, title=f"tesh session {s.id}: folder, fixtures, setup", anchor="",
                lang="tesh", span=Span(s.line, s.line), end=s.line, prefix="",
                commands=(Command(" && ".join(parts), s.line),), transcript=False, attrs={}, options=StepOptions())


def _session_steps(s: Session, folder: str, path: str) -> list[Step]:
    cmds = commands(s)
    steps = [_start(s, folder)]
    for k, c in enumerate(cmds):
        code = s.exitcodes[k] if s.exitcodes and k < len(s.exitcodes) else None
        expected = Expected(expected_text(c.output), Span(c.line + 1, c.line + 1 + len(c.output)),
                            origin="transcript") if c.output else None
        steps.append(Step(id=f"{s.id}-{k + 1}", phase=s.id, title=f"tesh session {s.id}", anchor="",
                          lang="console", span=Span(c.line, c.line + 1), end=s.end.get(c.line, c.line + 1),
                          prefix="", commands=(Command(c.text, c.line, expected),), transcript=True,
                          criteria=(_criterion(c, code),), attrs={},
                          options=StepOptions(errexit=False, timeout_s=s.timeout)))
    if s.exitcodes and len(s.exitcodes) != len(cmds):  # tesh refuses the session before running it
        raise ParseError(f"tesh session {s.id!r} has {len(cmds)} commands but tesh-exitcodes gives "
                         f"{len(s.exitcodes)} exit codes", where=where(path, s.line),
                         hint="tesh needs one exit code per command of the session, in order, or none")
    return steps


def _housekeeping() -> tuple[Step, Step]:
    make = 'RUNBOOK_TESH_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/runbook-tesh-XXXXXX") && export RUNBOOK_TESH_ROOT'
    setup = Step(id="tesh-tmp", phase="tesh", title="tesh: a temporary folder for the sessions", anchor="",
                 lang="tesh", span=Span(0, 0), end=0, prefix="", commands=(Command(make, 0),), transcript=False,
                 attrs={"setup": ""}, options=StepOptions())
    teardown = Step(id="tesh-cleanup", phase="tesh", title="tesh: remove the sessions' folders", anchor="",
                    lang="tesh", span=Span(0, 0), end=0, prefix="",
                    commands=(Command('cd / && rm -rf -- "$RUNBOOK_TESH_ROOT"', 0),), transcript=False,
                    attrs={"teardown": ""}, options=StepOptions())
    return setup, teardown


def read_tesh(doc: Document, blocks: Sequence[Block]) -> Document:
    """``doc`` with its steps replaced by tesh's sessions (a phase each, a step per command)."""
    folder = os.path.dirname(os.path.abspath(doc.path))
    phases = [Phase(s.id, f"tesh session {s.id}", s.line, False, tuple(_session_steps(s, folder, doc.path)))
              for s in sessions(blocks)]
    if phases:
        setup, teardown = _housekeeping()
        phases.insert(0, Phase("tesh", "tesh: temporary folders", 0, False, (setup, teardown)))
    front = dict(doc.front_matter, fail_fast=True)  # tesh stops at the first failure
    read = [d for d in doc.diagnostics if not d.message.startswith("unknown attribute 'tesh-")]
    return replace(doc, phases=tuple(phases), front_matter=front, diagnostics=tuple(read), dialect="tesh")
