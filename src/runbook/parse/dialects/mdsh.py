"""mdsh documents read with its rules (``src/executor.rs``, 0.9.2; pieces: :mod:`.mdsh_scan`).

mdsh is a pre-processor whose check is ``mdsh --frozen``: run every command again and fail
when the document would change. So each command is one step, passing when it succeeds and
its output equals the output region after it, byte for byte:

* ``$ cmd`` runs ``bash -c 'set -euo pipefail && cmd'`` with the command's data (a block's
  body, a comment's later lines) on its standard input; ``$`` alone runs the data as a bash
  script. ``<`` prints the named files (the data line, then one per data line); no IN gives
  the data as it is. Each runs in a fresh bash in the document's folder; only standard
  output is the output (standard error is shown when the command fails).
* ``>`` compares that output with the region's content; ``> lang`` with the region's
  content inside ```` ```lang ```` … ```` ``` ````; ``!`` reads ``NAME=value`` lines
  (mdsh's quoting, ``$VAR`` expanded: :mod:`.mdsh_env`) and exports them to later commands.
* A command whose output region is missing, a region no command makes, or any other text
  ``mdsh --frozen`` would rewrite fails the command before it. The first command that exits
  non-zero ends the run, as mdsh stops at the first error; a region that differs does not.

Fenced blocks without a command (```` ```bash ````) are never run: mdsh does not run them.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from bisect import bisect_right
from dataclasses import replace
from typing import Sequence

from runbook.errors import ParseError, where
from runbook.model import Clause, ClauseKind, Command, Criterion, Document, Phase, Span, Step, StepOptions
from runbook.parse.blocks import Block
from runbook.parse.dialects.cram import NO_EOL
from runbook.parse.dialects.mdsh_scan import BEGIN, END, Action, MdshSyntaxError, Region, pieces
from runbook.source import split_lines

__all__ = ["read_mdsh"]

_NEVER = "(?!)"


def _source(a: Action) -> str:
    """Shell code printing what mdsh reads for ``a`` (its ``get_data``)."""
    if a.how == "$":
        stdin = f"printf '%s' {shlex.quote(a.data)} | " if a.data is not None else ""
        if a.data_line is None:
            return f"{stdin}bash"
        run = f"bash -c {shlex.quote('set -euo pipefail && ' + a.data_line)}"
        return f"{stdin}{run}" if stdin else f"{run} </dev/null"
    if a.how == "<":
        names = [a.data_line] if a.data_line is not None else []
        names += (a.data or "").splitlines()
        return "cat -- " + " ".join(shlex.quote(n) for n in names) + " </dev/null"
    raw = a.data_line + "\n" + (a.data or "") if a.data_line is not None else (a.data or "")
    return f"printf '%s' {shlex.quote(raw)}"


def _captured(code: str) -> str:
    """``code`` run with its standard output alone as the step's output, and NO_EOL after a
    last line without a newline (a region's content is compared byte for byte)."""
    return ('if RUNBOOK_MDSH_D=$(mktemp -d "${TMPDIR:-/tmp}/runbook-mdsh-${RUNBOOK_RUN##*,}-XXXXXX"); then\n'
            f'{{ {code}\n}} >"$RUNBOOK_MDSH_D/o" 2>"$RUNBOOK_MDSH_D/e"; RUNBOOK_MDSH_S=$?\n'
            'cat "$RUNBOOK_MDSH_D/o"; [ -z "$(tail -c1 "$RUNBOOK_MDSH_D/o")" ] || '
            f"printf '\\n%s\\n' {shlex.quote(NO_EOL)}\n"
            '[ $RUNBOOK_MDSH_S -eq 0 ] || cat "$RUNBOOK_MDSH_D/e"\n'
            'rm -rf -- "$RUNBOOK_MDSH_D"; (exit $RUNBOOK_MDSH_S); else (exit 1); fi')


def _exported(code: str) -> str:
    """``code``'s output read as mdsh's ``NAME=value`` lines and exported."""
    helper = f"{shlex.quote(sys.executable)} -m runbook.parse.dialects.mdsh_env"
    return (f"RUNBOOK_MDSH_V=$(set -o pipefail; {{ {code}\n}} | {helper}) && eval \"$RUNBOOK_MDSH_V\"; "
            'RUNBOOK_MDSH_S=$?; unset RUNBOOK_MDSH_V; (exit $RUNBOOK_MDSH_S)')


def _expected(a: Action, region: Region | None) -> str | None:
    """The output ``a`` must print for the region after it to stay as it is (None: it cannot)."""
    if region is None:
        return None
    content = region.content
    if a.out == "code":
        head = f"```{a.lang}\n"
        if not (content.startswith(head) and content.endswith("```\n")) or len(content) < len(head) + 4:
            return None
        content = content[len(head):-4]
    return content


def _output_clause(a: Action, region: Region | None) -> Clause:
    want = _expected(a, region)
    if want is None:
        what = "no output region follows it" if region is None else f"its region is not a ```{a.lang} block"
        return Clause(f"mdsh --frozen: {what} (mdsh would write one)", ClauseKind.REGEX, value=_NEVER)
    shown = want if want.endswith("\n") or not want else want + "\n" + NO_EOL + "\n"
    return Clause("output is the mdsh region's content, byte for byte", ClauseKind.REGEX,
                  value=r"\A" + re.escape(shown).replace("\\\n", r"\n") + r"\Z")


def _regenerated(text: str, found: Sequence[Action | Region], made: dict[int, Region]) -> str:
    """The text ``mdsh`` would write, were every command to print its region's content."""
    out, at = [], 0
    for p in found:  # text up to an action and the action are kept, a region is made again
        out.append(text[at:p.end if isinstance(p, Action) else p.start])
        if isinstance(p, Action) and p.out != "env":
            r = made.get(p.start)
            out.append(f"\n{BEGIN}\n{r.content if r is not None else ''}{END}\n")
        at = p.end
    tail = text[at:]
    out.append(tail[:tail.rfind("\n") + 1])  # mdsh's parser stops at a last line with no line end
    return "".join(out)


def _first_difference(made: str, text: str) -> int | None:
    """Where mdsh's rewrite of ``text`` first differs from it; blank space at the very end is
    not compared (mdsh writes the file without it, while its ``--frozen`` compares before
    trimming, so that its own README fails ``--frozen`` for its missing last newline)."""
    return None if made.rstrip() == text.rstrip() else len(os.path.commonprefix([made, text]))


class _Lines:
    """Offsets of ``text`` to 0-based line indexes."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        for line in split_lines(text):
            self.starts.append(self.starts[-1] + len(line))

    def __call__(self, offset: int) -> int:
        return bisect_right(self.starts, offset) - 1


def _regions(text: str, found: Sequence[Action | Region]) -> dict[int, Region]:
    """The region each command makes (by the command's offset): the one after the blank line
    that follows it."""
    return {prev.start: p for prev, p in zip(found, found[1:])
            if isinstance(prev, Action) and isinstance(p, Region) and p.start == prev.end + 1
            and text[prev.end] == "\n"}


def _step(a: Action, region: Region | None, text: str, line_of: _Lines, blame: int | None,
          phase: str, title: str) -> Step:
    start, end = line_of(a.start), line_of(a.end - 1) + 1
    clauses = [Clause("exit code is 0", ClauseKind.EXIT, number=0)]
    if a.out != "env":
        clauses.append(_output_clause(a, region))
    if blame is not None:
        clauses.append(Clause(f"mdsh --frozen: the document would change at line {line_of(blame) + 1}",
                              ClauseKind.REGEX, value=_NEVER))
    code = _source(a)
    run = _exported(code) if a.out == "env" else _captured(code)
    return Step(
        id=f"L{start + 1}", phase=phase, title=title, anchor="", lang="mdsh", span=Span(start, end),
        end=line_of(text.rfind("\n", 0, region.end)) + 1 if region is not None else end, prefix="",
        commands=(Command(run, start, shown=text[a.start:a.end].rstrip("\n")),), transcript=False,
        criteria=(Criterion("mdsh --frozen: the command succeeds and its region stays", start, False,
                            tuple(clauses)),),
        attrs={}, options=StepOptions(errexit=False, exit_stops=True))


def read_mdsh(doc: Document, blocks: Sequence[Block], text: str) -> Document:
    """``doc`` with its steps replaced by mdsh's commands, judged as ``mdsh --frozen`` judges.

    ``text`` is the document as mdsh reads it: runbook's own result regions included (mdsh
    keeps them as text, and runbook writes each after the blank lines that follow an output
    region, where mdsh's rewrite leaves the document as it is)."""
    line_of = _Lines(text)
    try:
        found = pieces(text)
    except MdshSyntaxError as exc:
        raise ParseError(f"mdsh cannot read this document: {exc}", where=where(doc.path, line_of(exc.offset)),
                         hint="mdsh --frozen fails here too; fix the text so mdsh reads it") from None
    made = _regions(text, found)
    diff = _first_difference(_regenerated(text, found, made), text)
    actions = [p for p in found if isinstance(p, Action)]
    blamed = next((a for a in reversed(actions) if a.start <= diff), actions[0]) \
        if diff is not None and actions else None
    headings = [(b.start, b.text) for b in blocks if b.kind == "heading"]
    phases = list(doc.phases) or [Phase("0", doc.title, 0, False, ())]
    steps: dict[str, list[Step]] = {p.id: [] for p in phases}
    for a in actions:
        start = line_of(a.start)
        phase = next((p.id for p in reversed(phases) if p.line <= start), phases[0].id)
        title = next((t for s, t in reversed(headings) if s <= start), doc.title)
        steps[phase].append(_step(a, made.get(a.start), text, line_of, diff if a is blamed else None, phase, title))
    new = tuple(replace(p, steps=tuple(steps[p.id])) for p in phases)
    read = {n for a in actions for n in range(line_of(a.start) + 1, line_of(a.end - 1) + 2)}
    kept = tuple(d for d in doc.diagnostics if not (d.line in read and d.message.startswith("unknown attribute")))
    return replace(doc, phases=new, dialect="mdsh", diagnostics=kept)
