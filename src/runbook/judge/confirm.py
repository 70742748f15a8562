"""A person's verdict on a step (``--confirm``, ``--verdict``): pure functions on results.

A step needs a person when a clause is manual, or when it is marked ``confirm`` (``a
person checks this``): such a step that passed runbook's own checks ends ``manual`` with
one more manual check, until a person answers. The answer replaces the manual checks by
checks that say who judged them: ``pass`` makes the step ``pass`` (when nothing else
failed), ``fail`` makes it ``fail``, ``skip`` leaves it ``manual`` with a note. A person
never overrides a check runbook made: a step that failed or errored is not asked about.
"""

from __future__ import annotations

from dataclasses import replace

from runbook.clauses import Check, Confirmation
from runbook.model import Status, Step, StepResult

ANSWERS = ("pass", "fail", "skip")
PERSON_CHECK = "a person checks this step (confirm)"
_FALSE = {"false", "no", "off", "0"}


def marked_confirm(step: Step) -> bool:
    """Is the step marked ``confirm`` (attribute or directive)?"""
    return "confirm" in step.attrs and step.attrs["confirm"].strip().lower() not in _FALSE


def awaiting_person(step: Step, result: StepResult) -> StepResult:
    """A ``confirm`` step that passed becomes ``manual``: a person has not checked it yet."""
    if not marked_confirm(step) or result.status is not Status.PASS:
        return result
    check = Check(PERSON_CHECK, False, "needs a person: run with --confirm or --verdict", manual=True)
    return replace(result, status=Status.MANUAL, checks=result.checks + (check,),
                   reason=result.reason or "a person must confirm this step")


def needs_person(result: StepResult) -> bool:
    """Can a person's answer decide this result (it is ``manual``, nothing else went wrong)?"""
    return result.status is Status.MANUAL and any(c.manual for c in result.checks)


def shown(conf: Confirmation) -> str:
    """``confirmed by a person: alice answered pass at 2026-12-01T12:00:00Z: looks right``."""
    return f"confirmed by a person: {conf.by} answered {conf.answer} at {conf.at}" + \
        (f": {conf.note}" if conf.note else "")


def person_verdict(result: StepResult, conf: Confirmation) -> StepResult:
    """The result with a person's answer recorded (see the module doc)."""
    if conf.answer not in ANSWERS:
        raise ValueError(f"answer must be one of {', '.join(ANSWERS)}: {conf.answer!r}")
    if not needs_person(result):
        return result
    if conf.answer == "skip":
        return replace(result, notes=result.notes + (f"left manual: {shown(conf)}",))
    ok = conf.answer == "pass"
    checks = tuple(Check(c.clause, ok, shown(conf), False, conf) if c.manual else c for c in result.checks)
    failed = any(not c.ok for c in checks)
    status = Status.FAIL if failed else Status.PASS
    return replace(result, status=status, checks=checks, reason=shown(conf) if failed else "")
