"""tesh documents (``tesh-session="…"`` fences) read with tesh 0.3.2's rules.

What tesh does (``extract.py``, ``test.py``, ``__init__.py``), and so what this reader does:

* The document is read line by line as tesh reads it (:mod:`runbook.parse.dialects.tesh_scan`),
  not as Markdown. Only a block with ``tesh-session="ID"`` (any language) is run; blocks of
  one session are joined in document order. Each session runs in its **own fresh shell**
  (the first step of a session has ``fresh_shell``: the runner closes the previous shell,
  stopping everything it started) and its own fresh folder (``HOME`` is that folder),
  sessions one after the other; the first failure stops the run.
* The output must match as a whole, the way tesh's ``fnmatch`` does (:func:`output_regex`):
  ``...`` is the only wildcard and matches any text, across lines too; ``*``, ``?`` and
  ``[`` are literal; trailing whitespace of each line and of the output is ignored. A
  command without output lines must print nothing.
* Exit statuses are judged only under ``tesh-exitcodes="0 1 …"`` (one per command of the
  session, in order); a count that does not match fails the session before it runs, as
  tesh does.
* ``tesh-fixture="NAME"``: the block is not run; its lines are written to NAME in the
  session's folder first. ``tesh-setup="FILE"``: FILE (beside the document) is copied in
  and sourced first. ``tesh-timeout="N"``: N seconds per command (default 30).
  ``tesh-platform="P"``: the block exists only on platform P. ``tesh-long-running="true"``:
  the session's last command may run past the timeout: it is stopped then and its output
  so far is compared (its exit status is then not judged).

Each command becomes one step (id ``SESSION-N``) in a phase per session.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import replace
from typing import Sequence

from runbook.model import Clause, ClauseKind, Command, Criterion, Document, Phase, Span, Step
from runbook.model import StepOptions
from runbook.parse.blocks import Block
from runbook.parse.dialects.tesh_scan import Cmd, Session, commands, scan

ROOT = '"${TMPDIR:-/tmp}/runbook-tesh-${RUNBOOK_RUN##*,}-sessions"'
"""The run's folder of session folders: the same path in every shell of the run (the run's
marker is in each), so each session's fresh shell finds it, and the watchdog's sweep of
``runbook-*-MARKER-*`` folders removes it even if runbook is killed."""


def output_regex(output: Sequence[str]) -> str:
    """tesh's comparison as one regular expression over the whole output: ``fnmatch`` of the
    expected lines joined by newlines (``...`` any text, newlines included; everything else
    literal) against the output with trailing whitespace cut from each line and the end."""
    lines = [".*".join(re.escape(p) for p in line.rstrip().split("...")) for line in output]
    return r"(?s)\A" + r"[ \t\r]*\n".join(lines) + r"\s*\Z"


def _criterion(c: Cmd, exit_code: int | None) -> Criterion:
    clauses = [Clause("output matches expected" if c.output else "output is empty", ClauseKind.REGEX,
                      value=output_regex(c.output))]
    if exit_code is not None:
        clauses.append(Clause(f"exit code is {exit_code}", ClauseKind.EXIT, number=exit_code))
    return Criterion("tesh: " + " and ".join(cl.text for cl in clauses), c.line, False, tuple(clauses))


def _step(sid: str, phase: str, title: str, line: int, code: str, **kw: object) -> Step:
    return Step(id=sid, phase=phase, title=title, anchor="", lang="tesh", span=Span(line, line), end=line,
                prefix="", commands=(Command(code, line),), transcript=False, **kw)  # type: ignore[arg-type]


def _refusal(sid: str, phase: str, line: int, path: str, why: str) -> Step:
    """A step that fails with tesh's reason, running nothing else (tesh stops there, exit 1)."""
    msg = f"{path}:{line + 1}: tesh stops here: {why}"
    return _step(sid, phase, f"tesh refuses: {why}", line, f"printf '%s\\n' {shlex.quote(msg)} >&2; (exit 1)")


def _start(s: Session, folder: str) -> Step:
    """The session's fresh shell and folder, its fixtures and its setup file, as tesh prepares them."""
    parts = [f"mkdir -- {ROOT}/{shlex.quote(s.id)} && cd -- {ROOT}/{shlex.quote(s.id)} && export HOME=\"$PWD\""]
    if s.setup:
        src = shlex.quote(os.path.join(folder, s.setup))
        parts.append(f"cp -- {src} {shlex.quote(s.setup)}")
    parts += [f"printf '%s' {shlex.quote(body)} > {shlex.quote(name)}" for name, body in s.fixtures]
    if s.setup:
        parts.append(f"source {shlex.quote(s.setup)}")
    return _step(f"{s.id}-start", s.id, f"tesh session {s.id}: fresh shell, folder, fixtures, setup", s.line,
                 " && ".join(parts), options=StepOptions(fresh_shell=True))


def _code(c: Cmd, s: Session, last: bool, exit_code: int | None) -> str:
    """What runs: the command, or for a long-running last command, the command stopped at the
    session's timeout (then it ends with the status tesh would not judge, as expected)."""
    text = c.text or "(exit $?)"  # an empty last block: tesh sends an empty line
    if not (last and s.long_running):
        return text
    return (f"timeout {s.timeout} bash -c {shlex.quote(text)}; RUNBOOK_TESH_S=$?; "
            f"[ $RUNBOOK_TESH_S -eq 124 ] && RUNBOOK_TESH_S={exit_code or 0}; (exit $RUNBOOK_TESH_S)")


def _session_steps(s: Session, folder: str, path: str, ends: dict[int, int]) -> list[Step]:
    cmds = commands(s)
    if s.exitcodes and len(s.exitcodes) != len(cmds):  # tesh stops at this session, before it runs
        return [_refusal(f"{s.id}-start", s.id, s.line, path,
                         f"session {s.id!r} has {len(cmds)} commands but tesh-exitcodes gives {len(s.exitcodes)} "
                         "exit codes (tesh: \"If you're using exit codes for a session, you must specify them "
                         "for all commands.\")")]
    steps = [_start(s, folder)]
    for k, c in enumerate(cmds):
        code = s.exitcodes[k] if s.exitcodes else None
        last = k == len(cmds) - 1
        timeout = s.timeout + 30 if last and s.long_running else s.timeout
        steps.append(Step(id=f"{s.id}-{k + 1}", phase=s.id, title=f"tesh session {s.id}", anchor="",
                          lang="console", span=Span(c.line, c.line + 1), end=ends.get(c.line, c.line + 1),
                          prefix="", commands=(Command(_code(c, s, last, code), c.line),), transcript=True,
                          criteria=(_criterion(c, code),), attrs={},
                          options=StepOptions(errexit=False, timeout_s=float(timeout))))
    return steps


def _housekeeping() -> tuple[Step, Step]:
    make = f': "${{RUNBOOK_RUN:?runbook: no run marker}}" && mkdir -m 700 -- {ROOT}'
    setup = _step("tesh-tmp", "tesh", "tesh: a temporary folder for the sessions", 0, make, attrs={"setup": ""})
    teardown = _step("tesh-cleanup", "tesh", "tesh: remove the sessions' folders", 0, f"cd / && rm -rf -- {ROOT}",
                     attrs={"teardown": ""}, options=StepOptions(fresh_shell=True))
    return setup, teardown


def _result_lines(s: Session, blocks: Sequence[Block]) -> dict[int, int]:
    """Where each line's results go: after its block, or after the Markdown block holding it
    (tesh reads ```` ``` ```` lines inside a ``~~~`` fence as blocks; results stay outside it)."""
    outer = [(b.start, b.end) for b in blocks if b.kind == "fence"]
    return {n: next((e for a, e in outer if a < n < e and e > end), end) for n, end in s.ends.items()}


def read_tesh(doc: Document, blocks: Sequence[Block], lines: Sequence[str]) -> Document:
    """``doc`` with its steps replaced by tesh's sessions (a phase each, a step per command)."""
    folder = os.path.dirname(os.path.abspath(doc.path))
    found = scan([line[:-2] + "\n" if line.endswith("\r\n") else line for line in lines])  # as tesh reads text
    phases = [Phase(s.id, f"tesh session {s.id}", s.line, False,
                    tuple(_session_steps(s, folder, doc.path, _result_lines(s, blocks))))
              for s in found.sessions]
    if found.refused:
        line, why = found.refused
        phases = [Phase("tesh", "tesh: the document", line, False, (_refusal("tesh-refused", "tesh", line, doc.path, why),))]
    elif phases:
        setup, teardown = _housekeeping()
        phases.insert(0, Phase("tesh", "tesh: temporary folders", 0, False, (setup, teardown)))
    front = dict(doc.front_matter, fail_fast=True)  # tesh stops at the first failure
    read = [d for d in doc.diagnostics if not d.message.startswith("unknown attribute 'tesh-")]
    return replace(doc, phases=tuple(phases), front_matter=front, diagnostics=tuple(read), dialect="tesh")
