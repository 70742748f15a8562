"""The "PASS if" language: parse criterion text into clauses and judge them, pure.

Spec §2. A criterion body is split into clauses at ``and``, ``;``, ``,`` and list
items, never inside `code spans`, "double", 'single' or “curly” quotes, or a
``/regex/`` after ``matches``. Each clause is matched against a small grammar
(see :data:`SUPPORTED_FORMS`); anything else becomes a MANUAL clause, which
never passes. Values are taken from code spans or quotes; a bare single word is
accepted as a value only for positive forms (``output contains PONG``), because
a negative form with a guessed value (``no errors in output``) could pass
wrongly.

Judging is a pure function of :class:`Evidence`. A check whose detail starts
with ``error:`` could not be judged (the criterion command did not run, the
output was truncated and the needle was not counted): the runner makes the step
``error``, not ``fail``. ``within`` deadlines are the runner's business (it
re-runs the step until the deadline); :func:`judge_criterion` judges once.
"""

from __future__ import annotations

import re
from typing import Callable, Final, Iterable, Sequence

from runbook.judge.v2 import V2_EVALUATORS, v2_summary
from runbook.model import Check, Clause, ClauseKind, Criterion, Output
from runbook.parse.grammar import parse_clause, parse_criterion

__all__ = [
    "ERROR_PREFIX",
    "Evidence",
    "SUPPORTED_FORMS",
    "clause_summary",
    "is_error",
    "judge_clause",
    "judge_criterion",
    "needles",
    "parse_clause",
    "parse_criterion",
]

#: A Check whose detail starts with this could not be judged (status ``error``).
ERROR_PREFIX = "error:"


class Evidence:
    """What a step did, as the criteria see it."""

    __slots__ = ("output", "exit_code", "duration_s", "expected_ok", "run_command")

    def __init__(
        self,
        output: Output,
        exit_code: int | None,
        duration_s: float,
        expected_ok: bool | None,
        run_command: Callable[[str], int | None],
    ) -> None:
        self.output: Final = output
        """The step's output (``text`` may be head+tail when huge; ``counts`` and ``lines``
        describe the whole stream)."""
        self.exit_code: Final = exit_code
        self.duration_s: Final = duration_s
        self.expected_ok: Final = expected_ok
        """Result of comparing the expected output (``None``: the step has none)."""
        self.run_command: Final = run_command
        """Runs CMD in the same session; its exit code, ``None`` on error or timeout."""


SUPPORTED_FORMS: tuple[str, ...] = (
    "exit code is 0",
    "exit code is not 0",
    "exits with 1",
    "succeeds",
    "fails",
    "output contains `ready`",
    "output shows \"Running\"",
    "`PONG` is printed",
    "output does not contain `error`",
    "no `ERROR` in output",
    "output matches /^v\\d+/",
    "output matches expected",
    "output is empty",
    "output is not empty",
    "output has 3 lines",
    "output has at least 2 lines",
    "`ok` appears 3 times",
    "completes within 5 s",
    "takes less than 200 ms",
    "`curl -fsS localhost:8080` succeeds",
    "command `test -f out.txt` exits 0",
    "output contains `healthy` within 60 s",
)

_OP_WORDS = {"==": "exactly", "!=": "other than", ">=": "at least", "<=": "at most", ">": "more than",
             "<": "fewer than"}


def _compare(left: float, op: str, right: float) -> bool:
    return {
        "==": left == right, "!=": left != right, ">=": left >= right,
        "<=": left <= right, ">": left > right, "<": left < right,
    }[op]


def _fmt(number: float | None) -> str:
    if number is None:
        return "?"
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def _q(value: str | None) -> str:
    value = value or ""
    return f"`{value}`" if "`" not in value and "\n" not in value else repr(value)


def _count(out: Output, needle: str) -> tuple[int, bool]:
    """(occurrences, exact?): inexact when the text is truncated and the needle was not counted."""
    if needle in out.counts:
        return out.counts[needle], True
    return out.text.count(needle), not out.truncated


def _line_count(out: Output) -> int:
    if out.lines or not out.text or out.truncated:
        return out.lines
    return len(out.text.rstrip("\n").split("\n"))


_Verdict = tuple[bool | None, str, str]
"""(does the clause hold? ``None``: cannot tell, what was seen, what was wanted)."""

_TRUNCATED = "error: output truncated and {v} was not counted over the whole stream"


def _exit(clause: Clause, ev: Evidence) -> _Verdict:
    if ev.exit_code is None:
        return False, "no exit code (the step did not finish)", ""
    return _compare(ev.exit_code, clause.op, clause.number or 0), f"exit code was {ev.exit_code}", ""


def _contains(clause: Clause, ev: Evidence) -> _Verdict:
    value = clause.value or ""
    n, exact = _count(ev.output, value)
    if n:
        found = f"{_q(value)} found in output" + (f" ({n} times)" if n > 1 else "")
        return clause.kind is ClauseKind.CONTAINS, found, ""
    if not exact:
        return None, _TRUNCATED.format(v=_q(value)), ""
    return clause.kind is ClauseKind.NOT_CONTAINS, f"{_q(value)} not found in output", ""


def _occurrences(clause: Clause, ev: Evidence) -> _Verdict:
    value, op, number = clause.value or "", clause.op, clause.number
    n, exact = _count(ev.output, value)
    holds = _compare(n, op, number or 0)
    if not exact and not (holds and op in (">=", ">")):
        return None, _TRUNCATED.format(v=_q(value)), ""
    return holds, f"{_q(value)} found {n} time{'s' if n != 1 else ''}", f"{_OP_WORDS[op]} {_fmt(number)}"


def _regex(clause: Clause, ev: Evidence) -> _Verdict:
    value = clause.value or ""
    m = re.search(value, ev.output.text, re.M)
    if m:
        return True, f"/{value}/ matched {m.group(0)[:80]!r}", ""
    if ev.output.truncated:
        return None, f"error: output truncated and /{value}/ not found in the part kept", ""
    return False, f"no match for /{value}/ in output", ""


def _expected(clause: Clause, ev: Evidence) -> _Verdict:
    if clause.number is not None and clause.value is not None:  # a similarity threshold (judge/similarity.py)
        return _similar(clause, ev)
    if ev.expected_ok is None:
        return False, "the step has no expected output to compare with", ""
    return ev.expected_ok, ("output matches" if ev.expected_ok else "output differs from") + \
        " the expected output", ""


def _similar(clause: Clause, ev: Evidence) -> _Verdict:
    from runbook.judge.similarity import similarity

    metric, _, expected = (clause.value or "").partition("\n")
    try:
        score = similarity(metric, expected, ev.output.text)
    except ValueError as exc:
        return False, f"output is not a JSON object ({exc})", ""
    want = clause.number or 0.0
    return score >= want, f"similarity {score:.3f}", f"at least {want:g}"


def _empty(clause: Clause, ev: Evidence) -> _Verdict:
    empty = not ev.output.text.strip() and not ev.output.truncated
    seen = "output is empty" if empty else f"output is not empty ({_line_count(ev.output)} lines)"
    return empty == (clause.kind is ClauseKind.EMPTY), seen, ""


def _lines(clause: Clause, ev: Evidence) -> _Verdict:
    n = _line_count(ev.output)
    return (_compare(n, clause.op, clause.number or 0), f"{n} line{'s' if n != 1 else ''}",
            f"{_OP_WORDS[clause.op]} {_fmt(clause.number)}")


def _duration(clause: Clause, ev: Evidence) -> _Verdict:
    want = {"<": "under", "<=": "at most"}.get(clause.op, _OP_WORDS[clause.op])
    return (_compare(ev.duration_s, clause.op, clause.number or 0), f"took {ev.duration_s:.2f} s",
            f"{want} {_fmt(clause.number)} s")


def _command(clause: Clause, ev: Evidence) -> _Verdict:
    value = clause.value or ""
    code = ev.run_command(value)
    if code is None:
        return None, f"error: criterion command could not run: {_q(value)}", ""
    return _compare(code, clause.op, clause.number or 0), f"{_q(value)} exited {code}", ""


_EVALUATORS: dict[ClauseKind, Callable[[Clause, Evidence], _Verdict]] = {
    ClauseKind.EXIT: _exit, ClauseKind.CONTAINS: _contains, ClauseKind.NOT_CONTAINS: _contains,
    ClauseKind.COUNT: _occurrences, ClauseKind.REGEX: _regex, ClauseKind.EXPECTED: _expected,
    ClauseKind.EMPTY: _empty, ClauseKind.NOT_EMPTY: _empty, ClauseKind.LINES: _lines,
    ClauseKind.DURATION: _duration, ClauseKind.COMMAND: _command,
    **{kind: (lambda judge: lambda c, ev: judge(c, ev.output))(j) for kind, j in V2_EVALUATORS.items()},
}
"""How each kind of clause is checked: add a clause kind here (and its grammar rule)."""


def _evaluate(clause: Clause, ev: Evidence) -> _Verdict:
    evaluate = _EVALUATORS.get(clause.kind)
    return evaluate(clause, ev) if evaluate else (None, "not a checkable clause", "")


def judge_clause(clause: Clause, ev: Evidence, negated: bool = False) -> Check:
    """One clause -> Check. ``negated`` (FAIL if): ok when the clause does NOT hold."""
    # A FAIL-if clause is shown as such: "✓ FAIL if output contains `ERROR`" reads right.
    text = f"FAIL if {clause.text}" if negated else clause.text
    if clause.kind is ClauseKind.MANUAL:
        return Check(text, False, "not a checkable clause", manual=True)
    holds, seen, want = _evaluate(clause, ev)
    if holds is None:
        detail = seen if seen.startswith(ERROR_PREFIX) else f"{ERROR_PREFIX} {seen}"
        return Check(text, False, detail)
    ok = holds != negated
    if ok:  # a v2 clause says what it found even when it holds ("HTTP status was 200")
        return Check(text, True, seen if clause.kind in V2_EVALUATORS else "")
    if negated or not want:
        return Check(text, False, seen)
    return Check(text, False, f"{seen}, expected {want}")


def judge_criterion(criterion: Criterion, ev: Evidence) -> tuple[Check, ...]:
    """Every clause of a criterion judged once (PASS if: each must hold; FAIL if: none may)."""
    return tuple(judge_clause(c, ev, criterion.negated) for c in criterion.clauses)


def is_error(check: Check) -> bool:
    """Could this check not be judged at all (the step is ``error``, not ``fail``)?"""
    return check.detail.startswith(ERROR_PREFIX)


def needles(criteria: Iterable[Criterion]) -> tuple[str, ...]:
    """Substrings whose occurrences must be counted over the whole output stream."""
    found: dict[str, None] = {}
    for crit in criteria:
        for clause in crit.clauses:
            if clause.kind in (ClauseKind.CONTAINS, ClauseKind.NOT_CONTAINS, ClauseKind.COUNT) and clause.value:
                found[clause.value] = None
    return tuple(found)


def waits(criteria: Sequence[Criterion]) -> tuple[float, float]:
    """The longest ``within N s`` and the longest ``for N s`` of the criteria (0: none)."""
    if not criteria:
        return 0, 0
    clauses = [cl for crit in criteria for cl in crit.clauses]
    return max((cl.within_s or 0 for cl in clauses), default=0), max((cl.for_s or 0 for cl in clauses), default=0)


def clause_summary(clause: Clause) -> str:
    """The parsed form of a clause, for ``runbook list`` (``exit == 0``, ``output contains 'ok'``)."""
    kind, value, num, op = clause.kind, clause.value, _fmt(clause.number), clause.op
    text = {
        ClauseKind.EXIT: f"exit {op} {num}",
        ClauseKind.CONTAINS: f"output contains {value!r}",
        ClauseKind.NOT_CONTAINS: f"output does not contain {value!r}",
        ClauseKind.REGEX: f"output matches /{value}/",
        ClauseKind.EXPECTED: "output matches expected",
        ClauseKind.EMPTY: "output is empty",
        ClauseKind.NOT_EMPTY: "output is not empty",
        ClauseKind.LINES: f"lines {op} {num}",
        ClauseKind.COUNT: f"count({value!r}) {op} {num}",
        ClauseKind.DURATION: f"duration {op} {num} s",
        ClauseKind.COMMAND: f"command {value!r} exit {op} {num}",
        ClauseKind.MANUAL: f"manual: {clause.text}",
    }.get(kind) or v2_summary(clause)
    if clause.within_s is not None:
        text += f" within {_fmt(clause.within_s)} s"
    if clause.for_s is not None:
        text += f" for {_fmt(clause.for_s)} s"
    return text
