"""Azure Innovation Engine scenarios read with its rules (``internal/parsers/markdown.go``,
``internal/engine/execution.go``, ``internal/engine/common/outputs.go``).

* The blocks run are those whose language is exactly ``bash``, ``azurecli``,
  ``azurecli-interactive`` or ``terraform`` (the list its ``execute`` and ``test``
  commands pass); each block is one bash script. ``azurepowershell``, ``sh``, ``console``
  and every other block are not run.
* An HTML comment ``<!-- expected_similarity=0.8 -->`` makes the next non-executable
  block the expected output of the block before it, passing when the similarity of its
  standard output is at least 0.8 (Jaro-Winkler; Jaro over key-sorted JSON when that
  block is ``json``: :mod:`runbook.judge.similarity`). ``<!-- expected_similarity="RE" -->``
  is a regular expression searched in the standard output instead. Without such a
  comment a block's output is not compared.
* Each block runs as its own ``bash -c`` with ``set -e`` first (``internal/shells/bash.go``):
  the first failing command fails the block. Only what that bash leaves in its environment
  (``env``) and its working folder reach the next block: unexported variables, functions
  and ``set`` options do not. runbook runs each block the same way, in a subshell of its
  one shell (:func:`isolated`), carrying ``export -p`` and ``pwd`` back.
* After an ``expected_similarity`` comment, the next fenced block that is not ``bash`` is the
  expected output, even an ``azurecli`` one (Innovation Engine's language loop tests ``bash``
  first); it is dropped when no block ran before it.
* A block fails when it exits non-zero or its output does not match; the first failure
  ends the scenario. Variables in a ``<!-- ```variables … ``` -->`` comment
  (``export NAME=value`` lines) are set for every block.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from runbook.model import Clause, ClauseKind, Command, Criterion, Document, Phase, Span, Step, StepOptions
from runbook.parse.blocks import Block

EXECUTABLE = ("bash", "azurecli", "azurecli-interactive", "terraform")
_SIMILARITY = re.compile(r'<!--\s*expected_similarity=\s*(\d+\.?\d*)|"(.*)"\s*-->')
_VARIABLES = re.compile(r"(?s)<!--.*?```variables(.*?)```")


def variables(blocks: Sequence[Block]) -> dict[str, str]:
    """The scenario's variables, from ``export NAME=value`` lines in a ``variables`` comment."""
    found: dict[str, str] = {}
    for b in blocks:
        m = _VARIABLES.search(b.raw) if b.kind == "html" else None
        for line in m.group(1).split("\n") if m else []:
            if line.startswith("export") and "=" in line:
                key, value = line.split("=", 1)
                found[key.removeprefix("export ")] = value
    return found


def _expectation(pending: tuple[float | None, str | None], b: Block) -> Clause:
    score, regex = pending
    if regex is not None:  # Go's regexp: ^ and $ are the ends of the text
        return Clause(f"output matches /{regex}/ (expected_similarity)", ClauseKind.REGEX, value=f"(?-m:{regex})")
    lang = b.info.strip().split(None, 1)[0].lower() if b.info.strip() else ""
    metric = "jaro-json" if lang == "json" else "jaro-winkler"
    return Clause(f"output similarity is at least {score:g} (expected_similarity)", ClauseKind.EXPECTED,
                  value=f"{metric}\n{b.raw}", number=score, op=">=")


def isolated(code: str, stdout_only: bool = False) -> str:
    """``code`` run as Innovation Engine runs a block: a fresh bash with ``set -e``, whose
    exported variables and working folder (only those) reach the next block. They pass
    through a folder named with the run's marker (the watchdog removes it if runbook is
    killed), removed as soon as they are read."""
    quiet = " 2>/dev/null" if stdout_only else ""  # Innovation Engine compares standard output
    return ('RUNBOOK_IE_D=$(mktemp -d "${TMPDIR:-/tmp}/runbook-ie-${RUNBOOK_RUN##*,}-XXXXXX") || exit 1\n'
            f"(set -e\n{code}\n"
            'RUNBOOK_IE_S=$?; { export -p; printf \'cd -- %q\\n\' "$PWD"; } > "$RUNBOOK_IE_D/state"; exit $RUNBOOK_IE_S\n)'
            f'{quiet}; RUNBOOK_IE_S=$?; [ $RUNBOOK_IE_S -ne 0 ] || . "$RUNBOOK_IE_D/state"; '
            'rm -rf -- "$RUNBOOK_IE_D"; (exit $RUNBOOK_IE_S)')


def _with_expectation(step: Step, clause: Clause, raw: str) -> Step:
    crit = step.criteria[0]
    return replace(step, commands=(replace(step.commands[0], text=isolated(raw, stdout_only=True), shown=raw),),
                   criteria=(replace(crit, clauses=crit.clauses + (clause,)),))


def _step(b: Block, base: Step | None, phase: str, title: str) -> Step:
    exit0 = Clause("exit code is 0", ClauseKind.EXIT, number=0)
    return Step(id=base.id if base else f"L{b.start + 1}", phase=phase, title=base.title if base else title,
                anchor=base.anchor if base else "", lang=b.info.strip().split(None, 1)[0], span=Span(b.start, b.end),
                end=b.end, prefix=base.prefix if base else "", commands=(Command(isolated(b.raw.rstrip("\n")), b.start + 1, shown=b.raw.rstrip("\n")),),
                transcript=False, criteria=(Criterion("Innovation Engine: exit status and expected output", b.start,
                                                      False, (exit0,)),),
                attrs={}, options=StepOptions(errexit=False))


_GO_CANNOT = re.compile(r"\(\?(?:[=!]|<[=!])|\\[1-9]")
"""Lookaround and backreferences: Go's ``regexp`` cannot compile them."""


def _pending(b: Block) -> tuple[float | None, str | None] | None:
    m = _SIMILARITY.search(b.raw) if b.kind == "html" else None
    if m is None:
        return None
    return (float(m.group(1)), None) if m.group(1) else (None, m.group(2))


def stops_reading(pending: tuple[float | None, str | None] | None) -> bool:
    """An empty regex, or one Go cannot compile, ends Innovation Engine's walk of the document
    there (its ``ast.Walk`` stops on the error, which nothing checks): no later block runs."""
    return pending is not None and pending[1] is not None and (not pending[1] or bool(_GO_CANNOT.search(pending[1])))


def read_ie(doc: Document, blocks: Sequence[Block]) -> Document:
    """``doc`` with its steps replaced by the blocks Innovation Engine runs."""
    by_start = {s.span.start: s for s in doc.steps}
    phases = list(doc.phases) or [Phase("0", doc.title, 0, False, ())]
    steps: dict[str, list[Step]] = {p.id: [] for p in phases}
    title, pending, last = doc.title, None, None
    for b in blocks:
        if b.kind == "heading":
            title = b.text
        pending = _pending(b) or pending
        if stops_reading(_pending(b)):
            break
        if b.kind != "fence":
            continue
        lang = b.info.strip().split(None, 1)[0] if b.info.strip() else ""
        if _runs(lang, pending):
            base = by_start.get(b.start)
            phase = base.phase if base else next((p.id for p in reversed(phases) if p.line <= b.start), phases[0].id)
            steps[phase].append(_step(b, base, phase, title))
            last = phase
        elif pending is not None and last is not None:
            ran = steps[last][-1]
            steps[last][-1] = _with_expectation(ran, _expectation(pending, b), ran.commands[0].source)
            pending = None
    new = tuple(replace(p, steps=tuple(steps[p.id])) for p in phases)
    return replace(doc, phases=new, front_matter=_front_matter(doc, blocks), dialect="ie")


def _runs(lang: str, pending: object) -> bool:
    """Innovation Engine's language loop tests ``bash`` first: after a similarity comment,
    any other block is the expected output, whatever its language."""
    return lang == "bash" or (lang in EXECUTABLE and pending is None)


def _front_matter(doc: Document, blocks: Sequence[Block]) -> dict[str, object]:
    env = variables(blocks)
    given = doc.front_matter.get("env")
    return dict(doc.front_matter, fail_fast=True, **({"env": {**env, **given} if isinstance(given, dict) else env}
                                                     if env else {}))
