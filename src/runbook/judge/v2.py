"""The v2 clause kinds (spec §9) in one table: how each is judged and how ``runbook list``
shows it. Each judge is a pure function of the clause and the step's output."""

from __future__ import annotations

from typing import Callable

from runbook.clauses import Clause, ClauseKind
from runbook.judge.quantity import Verdict, wanted
from runbook.model import Output
from runbook.parse.grammar_v2 import unit_scale

# Each kind's judge is imported when a clause of that kind is judged: a document without
# v2 clauses loads none of them (nor json).


def _http_status(c: Clause, out: Output) -> Verdict:
    from runbook.judge.http import judge_http
    return judge_http(c, out)


def _http_header(c: Clause, out: Output) -> Verdict:
    from runbook.judge.http import judge_header
    return judge_header(c, out)


def _json_value(c: Clause, out: Output) -> Verdict:
    from runbook.judge.jsonpath import judge_json
    return judge_json(c, out)


def _number_value(c: Clause, out: Output) -> Verdict:
    from runbook.judge.numbers import judge_number
    return judge_number(c, out)


def _version_value(c: Clause, out: Output) -> Verdict:
    from runbook.judge.versions import judge_version
    return judge_version(c, out)


def _table_row(c: Clause, out: Output) -> Verdict:
    from runbook.judge.tables import judge_table
    return judge_table(c, out)


K = ClauseKind
V2_EVALUATORS: dict[ClauseKind, Callable[[Clause, Output], Verdict]] = {
    K.HTTP: _http_status, K.HEADER: _http_header, K.JSON: _json_value, K.NUMBER: _number_value,
    K.VERSION: _version_value, K.TABLE: _table_row,
}


def _http(c: Clause) -> str:
    return f"http status {c.op} {c.value}" + (" (every response)" if c.mode == "all" else "")


def _header(c: Clause) -> str:
    return f"header {c.subject} {c.mode}" + (f" {c.value!r}" if c.value is not None else "")


def _json(c: Clause) -> str:
    if c.mode in ("valid", "invalid"):
        return f"output is {'not ' if c.mode == 'invalid' else ''}valid {(c.value or 'json').upper()}"
    if c.mode == "compare":
        return f"json {c.subject} {c.op} {c.number or 0:g}"
    return f"json {c.subject} {c.mode}" + ("" if c.value is None else f" {'!=' if c.op == '!=' else ''}{c.value!r}")


def _number(c: Clause) -> str:
    scale = unit_scale(c.unit)[1]
    upper = None if c.upper is None else c.upper / scale
    return f"number {c.subject or '(any)'} " + wanted(c.op, (c.number or 0) / scale, upper, c.unit)


def _version(c: Clause) -> str:
    return f"version {c.subject + ' ' if c.subject else ''}{c.op} {c.value}"


def _table(c: Clause) -> str:
    cond = repr(c.value) if c.value is not None else f"{c.op} {c.number or 0:g}"
    return f"table {c.mode} row {c.subject or '(state)'} {cond}"


_SUMMARIES: dict[ClauseKind, Callable[[Clause], str]] = {
    K.HTTP: _http, K.HEADER: _header, K.JSON: _json, K.NUMBER: _number, K.VERSION: _version, K.TABLE: _table,
}


def v2_summary(clause: Clause) -> str:
    """The parsed form of a v2 clause for ``runbook list`` (``http status == 200``)."""
    return _SUMMARIES[clause.kind](clause)
