"""cram / prysk ``.t`` files read as runbook documents, with prysk's semantics.

The rules, from prysk 0.20 ``test.py`` / ``diff.py`` (cram 0.7 is the same):

* ``  $ cmd`` (two-space indent) starts a command, ``  > more`` continues it; every
  other line starting with two spaces is that command's output; any other line is
  a comment (prose).
* The shell runs every command, whatever the previous one did (no errexit). After
  a command that exits non-zero prysk prints ``[N]`` as its last output line; so
  a non-zero exit fails only when the ``[N]`` line is missing or says another N.
* A command with no output lines must print nothing.
* Expected lines are literal, except a line ending in `` (re)`` (a Python regex
  matching the whole line), `` (glob)`` (``*``, ``?``, backslash escapes) or
  `` (esc)`` (Python string escapes); an actual line without a final newline is
  shown as ``text (no-eol)``. ``...`` is literal text in cram.
* Each file runs in a fresh temporary folder, in a clean environment: ``LANG``,
  ``LC_ALL``, ``LANGUAGE`` = ``C``, ``TZ=GMT``, ``COLUMNS=80``, ``CDPATH`` and
  ``GREP_OPTIONS`` empty, ``TESTDIR`` / ``TESTFILE`` naming the test, with
  ``/bin/sh`` as the shell.

Each command becomes one step (so each ``[N]`` is judged against its own command),
and its expected lines are written in runbook's own pattern language: a literal line
that runbook would read as a pattern (``...``, a `` (equal)`` ending) becomes an
escaped `` (re)`` line, so nothing matches more than cram would let it.
"""

from __future__ import annotations

import codecs
import os
import re
import shlex
from dataclasses import replace
from typing import Sequence

from runbook.lazyre import lazy
from runbook.model import Clause, ClauseKind, Command, Criterion, Document, Expected, Phase, Span, Step
from runbook.model import StepOptions
from runbook.source import split_lines, strip_newline

INDENT = "  "
_EXIT = lazy(r"\[(\d+)\]")
_RUNBOOK_PATTERN = lazy(r"\.\.\.|…| \((?:re|regex|glob|equal)\)$")

CLEAN_ENV = {"LANG": "C", "LC_ALL": "C", "LANGUAGE": "C", "TZ": "GMT", "COLUMNS": "80",
             "CDPATH": "", "GREP_OPTIONS": ""}
"""prysk's clean environment (``cleanenv``, its default)."""


NO_EOL = "\\ No newline at end of output (runbook)"
"""The line a command prints after output that does not end in a newline (``.t`` files and
scrut cases), so ``(no-eol)`` is judged: runbook's own output form ignores a final newline."""

_PRYSK_IO = """__rb_f="$CRAMTMP/.runbook-out"; rm -f "$__rb_f" "$__rb_f.p"; mkfifo "$__rb_f.p"
cat "$__rb_f.p" >"$__rb_f" & __rb_c=$!
{{ {command}
}} >"$__rb_f.p" 2>&1
__rb_s=$?; wait $__rb_c; cat "$__rb_f"
[ -n "$(tail -c1 "$__rb_f")" ] && printf '\\n%s\\n' '{mark}'
(exit $__rb_s)"""
"""A ``.t`` command as prysk runs it: its output (standard error too) goes to a pipe, not a
terminal (``ls`` prints one name a line), and the command ends when every process holding
that pipe has let go; then the output is printed, with :data:`NO_EOL` after a last line
without a newline."""

ANNOTATED = ".t.annotated.md"
"""The annotated copy of ``foo.t`` is ``foo.t.annotated.md``: prysk does not collect it as a test."""


def is_cram_path(path: str) -> bool:
    """A ``.t`` file is a cram / prysk test (their own rule for finding tests), and so is its
    annotated copy (executing it behaves like executing the original)."""
    return path.endswith((".t", ANNOTATED))


class CramCommand:
    __slots__ = ("line", "end", "text", "output", "comment")

    def __init__(self, line: int, end: int, text: list[str], comment: str = "") -> None:
        self.line = line
        self.end = end
        self.text = text
        self.output: list[str] = []
        self.comment = comment
        """The prose line(s) just before the command: its title."""


def commands(lines: Sequence[str]) -> list[CramCommand]:
    """The commands of a cram file, with their output lines and the comment above each."""
    cmds: list[CramCommand] = []
    comment: list[str] = []
    for n, raw in enumerate(lines):
        line = strip_newline(raw)
        if line.startswith(INDENT + "$ "):
            cmds.append(CramCommand(n, n + 1, [line[4:]], comment=" ".join(comment)))
            comment = []
        elif line.startswith(INDENT + "> ") and cmds:
            cmds[-1].text.append(line[4:])
            cmds[-1].end = n + 1
        elif line.startswith(INDENT):
            if cmds:
                cmds[-1].output.append(line[2:])
                cmds[-1].end = n + 1
        elif line.strip():
            comment.append(line.strip())
        else:
            comment = []
    return cmds


def expected_line(line: str) -> str:
    """One cram expected line in runbook's pattern language (same lines match)."""
    literal = line
    if line.endswith(" (esc)"):
        try:
            line = codecs.escape_decode(line[:-6].encode("utf-8", "surrogateescape"))[0].decode(
                "utf-8", "surrogateescape")
        except ValueError:
            pass  # an invalid escape: prysk compares it literally too
        if line.isprintable() and line != literal:  # prysk: the line as written matches too
            return f"(?:{_tmpdir(line)}|{_tmpdir(literal)}) (re)"
    elif line.endswith((" (re)", " (glob)")):
        return line
    elif line.endswith(" (no-eol)"):
        line = line[:-9]  # runbook's normal form ignores the final newline (docs/dialects.md)
    if "$TMPDIR" in line:
        return _tmpdir(line) + " (re)"
    if _RUNBOOK_PATTERN.search(line):
        return re.escape(line) + " (re)"
    return line


TMP_PREFIX = "prysk-tests-rb-"
"""The name of the temporary folder starts like prysk's (``prysk-tests-``): tests glob on it."""


def _tmpdir(line: str) -> str:
    """A literal line as a regex where ``$TMPDIR`` also stands for the temporary folder: prysk
    writes ``$TMPDIR`` in place of that folder's path in the output it compares."""
    tmp = rf"(?:\$TMPDIR|/.*?/{TMP_PREFIX}[A-Za-z0-9]+/tmp)"
    return tmp.join(re.escape(part) for part in line.split("$TMPDIR"))


def _step(c: CramCommand, index: int | str, title: str, phase: str = "0", end: int | None = None, prefix: str = "") -> Step:
    output = list(c.output)
    want_exit = 0
    if output and _EXIT.fullmatch(output[-1]):
        want_exit = int(output.pop()[1:-1])
    text = "\n".join(output_line for output_line in (expected_line(o) for o in output))
    span = Span(c.line, c.end)
    expected = Expected(text=text, span=Span(c.line + len(c.text), c.end) if output else None,
                        origin="transcript")
    criteria: tuple[Criterion, ...] = ()
    if not output:  # cram: a command with no output lines must print nothing
        criteria = (Criterion("output is empty", c.line, False,
                              (Clause("output is empty", ClauseKind.EMPTY),), derived=True),)
    return Step(id=str(index), phase=phase, title=c.comment or title, anchor="", lang="cram", span=span,
                end=c.end if end is None else end, prefix=prefix, commands=(Command("\n".join(c.text), c.line, expected if output else None),),
                transcript=True, criteria=criteria, attrs={"exit": str(want_exit)} if want_exit else {},
                options=StepOptions(exit=want_exit, errexit=False))


def _as_prysk(step: Step, c: CramCommand) -> Step:
    """A ``.t`` file's step run as prysk runs it (:data:`_PRYSK_IO`); a command that exits 80
    skips the whole test, as in prysk."""
    cmd = step.commands[0]
    output = c.output[:-1] if c.output and _EXIT.fullmatch(c.output[-1]) else c.output
    expected = cmd.expected
    if expected is not None and output and output[-1].endswith(" (no-eol)"):
        expected = replace(expected, text=expected.text + "\n" + NO_EOL)
    text = _PRYSK_IO.format(command=cmd.text, mark=NO_EOL)
    return replace(step, commands=(Command(text, cmd.line, expected),),
                   options=replace(step.options, skip_document_exit=80))


def test_name(path: str) -> str:
    """The test's file name (``foo.t``, also for its annotated copy): ``$TESTFILE``."""
    name = os.path.basename(path)
    return name[: -len(ANNOTATED)] + ".t" if name.endswith(ANNOTATED) else name


def _housekeeping(path: str) -> tuple[Step, Step]:
    """The fresh temporary folder prysk runs each test in (made first, removed last)."""
    name = shlex.quote(test_name(path))
    make = (f'CRAMTMP=$(mktemp -d "${{TMPDIR:-/tmp}}/{TMP_PREFIX}XXXXXX") && export CRAMTMP PRYSK_TEMP="$CRAMTMP"'
            ' TMPDIR="$CRAMTMP/tmp" TMP="$CRAMTMP/tmp" TEMP="$CRAMTMP/tmp" && mkdir "$CRAMTMP/tmp"'
            f' && mkdir "$CRAMTMP/"{name} && cd "$CRAMTMP/"{name}')
    remove = 'cd / && rm -rf -- "$CRAMTMP"'
    setup = Step(id="cram-tmp", phase="0", title="prysk: a fresh temporary folder", anchor="", lang="cram",
                 span=Span(0, 0), end=0, prefix="", commands=(Command(make, 0),), transcript=False,
                 attrs={"setup": ""}, options=StepOptions())
    teardown = Step(id="cram-cleanup", phase="0", title="prysk: remove the temporary folder", anchor="",
                    lang="cram", span=Span(0, 0), end=0, prefix="", commands=(Command(remove, 0),),
                    transcript=False, attrs={"teardown": ""}, options=StepOptions())
    return setup, teardown


def read_cram(text: str, path: str) -> Document:
    """The Document of a ``.t`` file: one step per command, run by ``/bin/sh`` in a fresh folder."""
    lines = split_lines(text)
    title = test_name(path)[:-2]
    cmds = commands(lines)
    steps = [_as_prysk(_step(c, k, title), c) for k, c in enumerate(cmds, 1)]
    if steps:
        setup, teardown = _housekeeping(path)
        steps = [setup, *steps, teardown]
    else:  # prysk skips a test without commands (exit 0), it does not refuse it
        steps = [Step(id="1", phase="0", title=title, anchor="", lang="cram", span=Span(0, 0), end=0, prefix="",
                      commands=(Command(":", 0),), transcript=True, skip_reason="prysk: the file has no command")]
    folder = os.path.dirname(os.path.abspath(path))
    env = dict(CLEAN_ENV, TESTDIR=folder, TESTFILE=test_name(path), TESTSHELL="/bin/sh")
    return Document(path=path, title=title, title_line=None, title_end=0,
                    phases=(Phase("0", title, 0, False, tuple(steps)),),
                    front_matter={"shell": "/bin/sh", "env": env}, dialect="cram")


def fence_steps(raw: str, first_line: int, stem: str, title: str, phase: str, end: int, prefix: str) -> list[Step]:
    """The steps of a ```` ```cram ```` fence in a Markdown document: one per command, with
    prysk's semantics (its lines may be written with or without the two-space indent)."""
    lines = raw.split("\n")
    if not any(x.startswith(INDENT + "$ ") for x in lines):
        lines = [INDENT + x if x.strip() else x for x in lines]
    cmds = commands([x + "\n" for x in lines])
    for c in cmds:
        c.line, c.end = c.line + first_line, c.end + first_line
    return [_step(c, stem if len(cmds) == 1 else f"{stem}.{k}", title, phase, end, prefix)
            for k, c in enumerate(cmds, 1)]
