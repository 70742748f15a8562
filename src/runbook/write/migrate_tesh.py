"""``runbook migrate DOC --from tesh``: a tesh document rewritten in runbook's own format.

Every line outside the tesh blocks stays as written; each tesh block is replaced, in place,
by what runbook needs to reach tesh's verdict (:mod:`runbook.parse.dialects.tesh`):

* the first block of each session is preceded by a block that gives the session its own
  fresh folder (``HOME`` is it), writes its ``tesh-fixture`` files and sources its
  ``tesh-setup`` file, as tesh does;
* each command becomes a ```` ```bash errexit=false timeout=N ```` block followed by
  ``PASS if: output matches `RE``` (tesh's whole-output comparison: ``...`` any text, the
  rest literal, trailing whitespace ignored) and, under ``tesh-exitcodes``, ``exit code is N``;
* front matter ``fail_fast: true`` (tesh stops at the first failure); a setup block makes
  the sessions' folder and a teardown block removes it;
* any other block runbook would run (tesh runs none) gets ``norun``.

Not kept: sessions share runbook's one shell in the new document, so a variable or function
one session defines is seen by the next (tesh gives each its own bash); blocks for another
``tesh-platform`` than this one are left out. A document tesh itself refuses (an exit-code
count that does not match, two prompts in a session, a block never closed) is refused.
"""

from __future__ import annotations

import os
import re
import shlex

from runbook.errors import RunbookError
from runbook.parse.dialects.tesh import _code, output_regex
from runbook.parse.dialects.tesh_scan import Session, commands, fences, scan
from runbook.source import split_lines


def _fence(body: str, info: str) -> list[str]:
    ticks = "```"
    while ticks in body:
        ticks += "`"
    return [f"{ticks}{info}", *body.split("\n"), ticks, ""]


def _start(s: Session, folder: str) -> list[str]:
    sid = shlex.quote(s.id)
    parts = [f'mkdir -- "$TESH_ROOT"/{sid} && cd -- "$TESH_ROOT"/{sid} && export HOME="$PWD"']
    if s.setup:
        parts.append(f"cp -- {shlex.quote(os.path.join(folder, s.setup))} {shlex.quote(s.setup)}")
    parts += [f"printf '%s' {shlex.quote(body)} > {shlex.quote(name)}" for name, body in s.fixtures]
    if s.setup:
        parts.append(f"source {shlex.quote(s.setup)}")
    return [f"A fresh folder for tesh session `{s.id}`:", ""] + _fence(" &&\n  ".join(parts), "bash")


def _shown(fence: list[str]) -> list[str]:
    """A ``tesh-fixture`` block kept for the reader, without its tesh attributes."""
    name = re.search(r'tesh-fixture="([^"]*)"', fence[0])
    info = re.sub(r'\s*tesh-[a-z0-9-]+="[^"]*"', "", fence[0].rstrip("\n"))
    return ([f"The file `{name.group(1) if name else ''}` (a tesh fixture, written by the session's first block):", "",
             info + (" norun" if re.match(r"^\s*`{3,}\S", info) else " text norun")]
            + [x.rstrip("\n") for x in fence[1:]] + [""])


def _session_blocks(s: Session) -> dict[int, list[str]]:
    """Source line of each command -> the runbook blocks that replace it."""
    cmds = commands(s)
    if s.exitcodes and len(s.exitcodes) != len(cmds):
        raise RunbookError(f"tesh session {s.id!r} has {len(cmds)} commands but tesh-exitcodes gives "
                           f"{len(s.exitcodes)} exit codes: tesh itself fails this document",
                           hint="give one exit code per command of the session, or none")
    out: dict[int, list[str]] = {}
    for k, c in enumerate(cmds):
        want = s.exitcodes[k] if s.exitcodes else None
        last = k == len(cmds) - 1
        timeout = s.timeout + 30 if last and s.long_running else s.timeout
        attrs = f" errexit=false timeout={timeout}" + (f" exit={want}" if want else "")
        rx = output_regex(c.output).replace("`", "\\x60")
        crit = (f"exit code is {want} and " if want is not None else "") + f"output matches `{rx}`"
        out[c.line] = _fence(_code(c, s, last, want), "bash" + attrs) + [f"PASS if: {crit}", ""]
    return out


def _neutralised(text: str, ours: set[int], path: str) -> str:
    """``text`` with ``norun`` on every block runbook would run that is not one of ``ours``."""
    from runbook.parse.markdown import parse_document

    lines = text.split("\n")
    for step in parse_document(text, path).steps:
        if step.span.start not in ours:
            lines[step.span.start] += " norun" if re.match(r"^\s*(`{3,}|~{3,})\S", lines[step.span.start]) \
                else " text norun"
    return "\n".join(lines)


def from_tesh(text: str, path: str) -> str:
    """The runbook document equivalent to the tesh document ``text`` (at ``path``)."""
    lines = [x[:-2] + "\n" if x.endswith("\r\n") else x for x in split_lines(text)]
    found = scan(lines)
    if found.refused:
        line, why = found.refused
        raise RunbookError(f"{path}:{line + 1}: {why}: tesh itself fails this document", hint="fix it for tesh first")
    if not found.sessions:
        raise RunbookError(f"{path} has no tesh session (a block with tesh-session=\"ID\"): nothing to migrate",
                           hint="tesh runs nothing in it, and neither would runbook")
    folder = os.path.dirname(os.path.abspath(path))
    at: dict[int, list[str]] = {}  # 0-based source line of a tesh block -> what replaces the block
    for s in found.sessions:
        first = True
        for f in fences(lines):
            if f.directives.get("session") != s.id or not any(f.start < n < f.end for n, _ in s.lines) and \
                    "fixture" not in f.directives:
                continue
            body = [b for n, b in sorted(_session_blocks(s).items()) if f.start < n < f.end]
            shown = _shown(lines[f.start:f.end]) if "fixture" in f.directives else []
            at[f.start] = shown + (_start(s, folder) if first else []) + [x for block in body for x in block]
            first = False
    for f in fences(lines):  # blocks of another platform, and fixtures (written by the session's first block)
        if "session" in f.directives and f.start not in at:
            at[f.start] = []
    return _neutralised(*_assembled(lines, at), path)


def _assembled(lines: list[str], at: dict[int, list[str]]) -> tuple[str, set[int]]:
    """The new document, and the 0-based lines of the blocks written here (the ones to run)."""
    make = 'export TESH_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/tesh-XXXXXX")"'
    setup = ["The sessions' folders:", ""] + _fence(make, "bash setup")
    out: list[tuple[str, bool]] = [(x, False) for x in ("---", "runbook:", "  fail_fast: true", "---", "")]
    ends = {f.start: f.end for f in fences(lines)}
    for start in list(at):  # a tesh block shown inside a ~~~ fence (as tesh's README does): replace both
        end = ends[start]
        if start > 0 and end < len(lines) and lines[start - 1].strip() == lines[end].strip() != "" \
                and lines[end].lstrip().startswith("~~~"):
            at[start - 1], ends[start - 1] = at.pop(start), end + 1
    n, titled = 0, False
    while n < len(lines):
        if n in at:
            out += [(x, True) for x in at[n]]
            n = ends[n]
            continue
        out.append((lines[n].rstrip("\n"), False))
        if not titled and lines[n].startswith("# "):
            out += [("", False)] + [(x, True) for x in setup]
            titled = True
        n += 1
    if not titled:
        out[5:5] = [(x, True) for x in setup]
    out += [(x, True) for x in ["", "Remove them:", ""] + _fence('cd / && rm -rf -- "$TESH_ROOT"', "bash teardown")]
    ours = {k for k, (x, mine) in enumerate(out) if mine and x.startswith("```bash")}
    return "\n".join(x for x, _ in out).rstrip("\n") + "\n", ours  # (blank runs are the author's)
