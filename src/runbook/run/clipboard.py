"""byexample's clipboard: what an example captured, read by the examples after it.

byexample 11 (``modules/clipboard.py``, ``modules/cond.py``, ``executor.py``), followed here:

* After every example that ran, each capture tag ``<name>`` of its expected output holds
  the text it matched (``<...>`` captures nothing). runbook keeps the values of an
  example whose output matched as a whole (byexample also keeps a failed example's
  partial captures: a later ``+paste`` of those is refused here, see below).
* ``+paste``: every ``<name>`` in the example's code is replaced by its value before it
  runs; a tag nobody captured is an error that stops the document (byexample's
  ``PasteError``). In the expected output, a tag with a value stands for that text
  literally; the others still capture.
* ``+if=NAME`` / ``+on=NAME`` runs the example only if NAME holds a non-empty value,
  ``+unless=NAME`` only if it is empty; a NAME nobody captured is an error that stops the
  document (``UnknownConditionTag``).
* ``+fail-fast``: once an example with it has run while the document has a failure, every
  later example is skipped (one marked ``-skip`` still runs).
* What an example printed is judged (and captured) as byexample's default ``dumb`` terminal
  gives it (``runner.py``, ``_emulate_dumb_terminal``): every tab expanded to the next
  multiple of 8 columns (``expandtabs(8)``, the column counted from each line's start).

The other dialects carry nothing (:class:`Carry`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Callable

from runbook.judge.verdict import CommandRun
from runbook.lazyre import lazy
from runbook.model import Command, Document, Execution, Status, Step, StepResult
from runbook.run.carry import Carry

if TYPE_CHECKING:
    from runbook.run.scrut_cases import Query

# byexample's rules (parse/dialects/byexample.py) and scrut's cases are imported where a
# document of theirs uses them: a document in runbook's own format loads neither.

__all__ = ["Carry", "CarriedSteps", "Clipboard", "captures", "carry_for", "paste"]

_PASTE = lazy(r"<((?:\w|-|\.)+)>")
"""byexample's ``PASTE_RE``: what ``+paste`` replaces in the code."""


def carry_for(doc: Document, query: "Query | None" = None, mask: Callable[[str], str] = str) -> Carry:
    """What the document's steps carry to the next at run time (scrut's: the cases judged
    after they ran, which ask the shell with ``query``)."""
    if doc.dialect == "scrut" and query is not None:
        from runbook.run.scrut_cases import ScrutCases
        return ScrutCases(query, mask)
    return Clipboard() if doc.dialect == "byexample" else Carry()


class CarriedSteps:
    """Runner mixin: ``_carry``, what a step hands the next at run time (byexample's +paste)."""

    doc: Document

    @cached_property
    def _carry(self) -> Carry:
        return carry_for(self.doc, self._query, getattr(self, "masker", str))

    def _query(self, script: str, room: int) -> str:
        raise NotImplementedError

    def _flows_into(self, step: Step) -> bool:
        return self._carry.flows_into(step)


class Clipboard(Carry):
    """byexample's clipboard, ``+paste``, ``+if`` / ``+unless`` and ``+fail-fast``."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}
        self.failed = False
        self.failing_fast = False
        self.broken = ""

    def flows_into(self, step: Step) -> bool:
        return "byexample-expected" in step.attrs

    def before(self, step: Step) -> tuple[Step, StepResult | None]:
        if "byexample-expected" not in step.attrs:
            return step, None
        from runbook.parse.dialects.byexample import step_options
        opts = step_options(step.attrs)
        if self.broken:
            return step, _result(step, Status.SKIP, f"not reached (byexample stops: {self.broken})")
        if self.failing_fast and opts.get("skip") != "-":
            return step, _result(step, Status.SKIP, "not reached (byexample: +fail-fast after a failure)")
        cond = self._condition(step, opts)
        if cond is not None:
            return step, cond
        if "paste" in opts and opts["paste"] != "-" and not step.skip_reason:
            return self._pasted(step, opts)
        return step, None

    def after(self, step: Step, result: StepResult) -> StepResult:
        if "byexample-expected" not in step.attrs or result.status is Status.SKIP:
            return result
        from runbook.parse.dialects.byexample import step_options
        opts = step_options(step.attrs)
        self.failed = self.failed or result.status in (Status.FAIL, Status.ERROR)
        self.failing_fast = self.failing_fast or (self.failed and "fail-fast" in opts and opts["fail-fast"] != "-")
        if result.command_outputs:
            raw = self._expected(step, opts)
            self.values.update(captures(raw, result.command_outputs[0], "norm-ws" in opts))
        return result

    def seen(self, step: Step, runs: list[CommandRun]) -> list[CommandRun]:
        if "byexample-expected" not in step.attrs:
            return runs
        return [CommandRun(r.command, dumb_terminal(r.execution)) for r in runs]

    def _expected(self, step: Step, opts: dict[str, str]) -> str:
        raw = step.attrs["byexample-expected"]
        return paste(raw, self.values) if "paste" in opts and opts["paste"] != "-" else raw

    def _condition(self, step: Step, opts: dict[str, str]) -> StepResult | None:
        """``+if`` / ``+unless``: ``None`` (the example runs) or the result standing for it."""
        name, run_if_set = (opts.get("if") or opts.get("on"), True) if opts.get("if") or opts.get("on") \
            else (opts.get("unless"), False)
        if not name or name == "-":
            return None
        if name not in self.values:
            self.broken = f"the condition tag <{name}> was never captured"
            return _result(step, Status.ERROR, f"byexample: {self.broken} (+if / +unless)")
        if bool(self.values[name]) != run_if_set:
            return _result(step, Status.SKIP, f"byexample: <{name}> is {'empty' if run_if_set else 'not empty'} "
                                       f"(+{'if' if run_if_set else 'unless'}={name})")
        return None

    def _pasted(self, step: Step, opts: dict[str, str]) -> tuple[Step, StepResult | None]:
        missing: list[str] = []
        code = paste(step.commands[0].text, self.values, missing) if step.commands else ""
        if missing:
            self.broken = "+paste of tags never captured: " + ", ".join(f"<{m}>" for m in missing)
            return step, _result(step, Status.ERROR, f"byexample: {self.broken}")
        cmd = step.commands[0]
        from runbook.parse.dialects.byexample import judgement
        expected, criteria = judgement(self._expected(step, opts), opts, step.span.start,
                                       cmd.expected.span if cmd.expected is not None else None)
        return replace(step, commands=(Command(code, cmd.line, expected),), criteria=criteria), None


def dumb_terminal(ex: Execution) -> Execution:
    """``ex`` with its output as byexample's ``dumb`` terminal shows it: tabs expanded to
    8 columns (runbook has already folded CR/CRLF and byexample ignores trailing blanks)."""
    if "\t" not in ex.output.text:
        return ex
    return replace(ex, output=replace(ex.output, text=ex.output.text.expandtabs(8)))  # columns restart at each line


def paste(text: str, values: dict[str, str], missing: list[str] | None = None) -> str:
    """``text`` with every captured ``<name>`` replaced by its value (byexample's ``PASTE_RE``);
    the names without a value are left as written and appended to ``missing``."""

    def one(m: re.Match[str]) -> str:
        if m.group(1) in values:
            return values[m.group(1)]
        if missing is not None:
            missing.append(m.group(1))
        return m.group(0)

    return _PASTE.sub(one, text)


def captures(expected: str, got: str, norm_ws: bool) -> dict[str, str]:
    """The value of each named tag when ``got`` matches ``expected`` as a whole (``{}`` if not)."""
    from runbook.parse.dialects.byexample import tags_regex
    names: dict[str, str] = {}
    body = tags_regex(expected, norm_ws, names)
    found = re.fullmatch(r"\s*" + body + r"\s*" if norm_ws else body, _tidy(got), re.S)
    if found is None:
        return {}
    return {name: found.group(group) for name, group in names.items()}


def _tidy(got: str) -> str:
    """byexample's got: trailing whitespace of each line and trailing empty lines dropped."""
    return "\n".join(line.rstrip() for line in got.split("\n")).rstrip("\n")


def _result(step: Step, status: Status, reason: str) -> StepResult:
    return StepResult(step.id, status, phase=step.phase, title=step.title, line=step.line, reason=reason)

