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


def _with_expectation(step: Step, clause: Clause) -> Step:
    crit = step.criteria[0]
    text = "{ " + step.commands[0].text + "\n} 2>/dev/null"  # Innovation Engine compares standard output
    return replace(step, commands=(replace(step.commands[0], text=text),),
                   criteria=(replace(crit, clauses=crit.clauses + (clause,)),))


def _step(b: Block, base: Step | None, phase: str, title: str) -> Step:
    exit0 = Clause("exit code is 0", ClauseKind.EXIT, number=0)
    return Step(id=base.id if base else f"L{b.start + 1}", phase=phase, title=base.title if base else title,
                anchor=base.anchor if base else "", lang=b.info.strip().split(None, 1)[0], span=Span(b.start, b.end),
                end=b.end, prefix=base.prefix if base else "", commands=(Command(b.raw.rstrip("\n"), b.start + 1),),
                transcript=False, criteria=(Criterion("Innovation Engine: exit status and expected output", b.start,
                                                      False, (exit0,)),),
                attrs={}, options=StepOptions(errexit=False))


def _pending(b: Block) -> tuple[float | None, str | None] | None:
    m = _SIMILARITY.search(b.raw) if b.kind == "html" else None
    if m is None:
        return None
    return (float(m.group(1)), None) if m.group(1) else (None, m.group(2))


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
        if b.kind != "fence":
            continue
        lang = b.info.strip().split(None, 1)[0] if b.info.strip() else ""
        if lang in EXECUTABLE:
            base = by_start.get(b.start)
            phase = base.phase if base else next((p.id for p in reversed(phases) if p.line <= b.start), phases[0].id)
            steps[phase].append(_step(b, base, phase, title))
            last = phase
        elif pending is not None and last is not None:
            steps[last][-1] = _with_expectation(steps[last][-1], _expectation(pending, b))
            pending = None
    new = tuple(replace(p, steps=tuple(steps[p.id])) for p in phases)
    env = variables(blocks)
    given = doc.front_matter.get("env")
    front = dict(doc.front_matter, fail_fast=True, **({"env": {**env, **given} if isinstance(given, dict) else env}
                                                      if env else {}))
    return replace(doc, phases=new, front_matter=front, dialect="ie")
