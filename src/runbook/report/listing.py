"""``runbook list --format json``: the document as runbook reads it, for tools and scorers.

A pure renderer of a parsed :class:`~runbook.model.Document` (and the steps a selection would
run). Every line number is a 1-based line of the source document; spans are given as the
first and last line, both inclusive. The shape is documented in docs/format.md.
"""

from __future__ import annotations

import json
import re
from typing import Any, Collection, Iterator

from runbook.judge.criteria import clause_summary
from runbook.model import Command, Criterion, Document, Expected, Step
from runbook.run.plan import Plan
from runbook.wording import count, dialect_said

LISTING_SCHEMA = "runbook-list/1"

_WARNING_RE = re.compile(r"^(?P<path>.*?):(?P<line>\d+):\s*(?P<message>.*)$", re.S)


def _expected(e: Expected | None) -> dict[str, Any] | None:
    if e is None:
        return None
    lines = [e.span.start + 1, e.span.end] if e.span is not None and e.span.end > e.span.start else None
    return {"lines": lines, "origin": e.origin, "illustrative": e.illustrative or e.volatile, "volatile": e.volatile, "mode": e.mode.value,
            "text": e.text}


def _command(c: Command) -> dict[str, Any]:
    return {"line": c.line + 1, "text": c.source, "expected": _expected(c.expected)}


def _criterion(c: Criterion) -> dict[str, Any]:
    return {"text": c.text, "line": c.line + 1, "derived": c.derived, "negated": c.negated,
            "clauses": [{"text": cl.text, "kind": cl.kind.value, "value": cl.value} for cl in c.clauses]}


def _step(s: Step, planned: bool) -> dict[str, Any]:
    return {
        "id": s.id, "phase": s.phase, "title": s.title, "line": s.line, "end": s.span.end,
        "lang": s.lang, "transcript": s.transcript, "role": s.role, "skip": s.skip_reason,
        "planned": planned, "attrs": dict(s.attrs), "placeholders": list(s.placeholders),
        "commands": [_command(c) for c in s.commands],
        "criteria": [_criterion(c) for c in s.criteria],
    }


def _warning(w: object) -> dict[str, Any]:
    """A parse warning as ``{code, line, col, message, hint}`` (``line`` None when unknown)."""
    code = getattr(w, "code", None)
    if code is not None:
        return {"code": code, "line": getattr(w, "line", None), "col": getattr(w, "col", None),
                "message": getattr(w, "message", str(w)), "hint": getattr(w, "hint", "")}
    m = _WARNING_RE.match(str(w))
    if m:
        return {"code": "RB100", "line": int(m["line"]), "col": None, "message": m["message"], "hint": ""}
    return {"code": "RB100", "line": None, "col": None, "message": str(w), "hint": ""}


def to_listing(document: Document, planned: Collection[str], blocking: Collection[str]) -> dict[str, Any]:
    """The listing as a JSON-ready dict (``planned``: ids the selection would run)."""
    return {
        "schema": LISTING_SCHEMA,
        "document": document.path,
        "title": document.title,
        "dialect": document.dialect or ("runbook" if document.dialect_from else None),
        "dialect_from": document.dialect_from or ("detected" if document.dialect else None),
        "phases": [{"id": p.id, "title": p.title, "blocking": p.id in blocking,
                    "steps": [s.id for s in p.steps]} for p in document.phases],
        "steps": [_step(s, s.id in planned) for s in document.steps],
        "warnings": [_warning(w) for w in document.warnings],
    }


def to_listing_json(document: Document, planned: Collection[str], blocking: Collection[str]) -> str:
    """:func:`to_listing` serialised (UTF-8 safe: lone surrogates escaped)."""
    return json.dumps(to_listing(document, planned, blocking), indent=2, ensure_ascii=False).encode(
        "utf-8", "backslashreplace").decode("utf-8") + "\n"


_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
"""Every character ``str.splitlines`` breaks a line at: a text without one is one line."""


def _line_count(text: str) -> int:
    """``len(text.splitlines())`` (a text without a break, most expected outputs, is one line)."""
    return (1 if text else 0) if _BREAKS.search(text) is None else len(text.splitlines())


def _expected_tag(e: Expected) -> str:
    return f"expected ({e.origin}, {e.mode.value}{', illustrative' if e.illustrative else ', volatile' if e.volatile else ''})"


def _step_text(s: Step, planned: bool) -> str:
    """The step's lines of the listing, joined."""
    mark = "*" if planned else " "
    role = s.role if s.attrs else "step"  # a property: read once (no attribute: a plain step)
    role = f" [{role}]" if role != "step" else ""
    extra = f" (skip: {s.skip_reason})" if s.skip_reason else ""
    head = f" {mark} {s.id:10} line {s.span.start + 1:<5} {s.lang or '-':8} {s.title}{role}{extra}"
    if len(s.commands) == 1 and not s.criteria and not s.placeholders:  # the common shape, in one string
        c = s.commands[0]
        text, e = c.source, c.expected
        if _BREAKS.search(text) is None:
            return f"{head}\n       $ {text}" + ("" if e is None else
                                                f"\n         {_expected_tag(e)}: {_line_count(e.text)} line(s)")
    return "\n".join([head, *_body_lines(s)])


def _body_lines(s: Step) -> Iterator[str]:
    for c in s.commands:
        text = c.source
        first = text.splitlines()[0] if text else ""
        yield f"       $ {first}" + (" …" if "\n" in text else "")
        if c.expected is not None:
            yield f"         {_expected_tag(c.expected)}: {_line_count(c.expected.text)} line(s)"
    for crit in s.criteria:
        label = "FAIL if" if crit.negated else "PASS if"
        yield from (f"         {label}: {clause_summary(cl)}" for cl in crit.clauses)
    if s.placeholders:
        yield f"         needs input: {', '.join(s.placeholders)}"


def to_listing_text(document: Document, plan: Plan) -> str:
    """``runbook list``: phases, steps (``*``: the selection runs it), commands, expected
    output and the parsed form of every criterion clause."""
    planned = {s.id for s in plan.steps}
    out: list[str] = [f"dialect: {dialect_said(document)}"] if dialect_said(document) else []
    for phase in document.phases:
        flag = " [blocking]" if phase.id in plan.blocking else ""
        out.append(f"phase {phase.id}: {phase.title}{flag}")
        for s in phase.steps:
            out.append(_step_text(s, s.id in planned))
    if plan.teardown or plan.setup:
        out.append(f"setup: {', '.join(s.id for s in plan.setup) or '-'}; "
                   f"teardown: {', '.join(s.id for s in plan.teardown) or '-'}")
    out.append(f"{len(planned)} of {count(len(document.steps), 'step')} would run")
    return "\n".join(out) + "\n"
