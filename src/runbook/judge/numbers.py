"""Number clauses: a value found in the output by name, units converted, then compared.

``latency under 200 ms`` looks for ``latency`` in the output, in this order: a field
(``latency=612ms``, ``latency: 0.61 s``, ``latency 612 ms``), a count before it (``3
replicas``), a column of a table (the ``P95`` column of every row). A name of several
words is tried whole, then by its first and its last word (``p95 latency`` finds
``p95=``). Without a name, or when the name is not found and the clause has a unit, every
number with a unit of the same kind (time, size, %, req/s) is checked; with neither, the
output's only number. Every value found
must hold; the report names the worst one.
"""

from __future__ import annotations

import re

from runbook.clauses import Clause
from runbook.judge.quantity import Verdict, compare, fmt, wanted
from runbook.judge.tables import parse_table
from runbook.lazyre import lazy
from runbook.model import Output
from runbook.parse.grammar_v2 import UNIT_RE, unit_scale

_NUM = r"(-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)"
_UNIT_AFTER = r"(?:\s?(" + UNIT_RE + r")(?![\w/]))?"
_ANY_UNIT_RE = lazy(r"(?<![\w.])" + _NUM + r"\s?(" + UNIT_RE + r")(?![\w/])", re.I)

_NO_UNIT = " (no unit)"
Found = tuple[float, str, str]
"""(the value in base units, as written, where: the name or ``unit``)."""


def _value(raw: str, unit: str, clause_unit: str) -> tuple[float, str] | None:
    """(base-unit value, shown text) when the output's unit is of the clause's kind."""
    dim, scale = unit_scale(unit or clause_unit)
    if dim != unit_scale(clause_unit)[0]:
        return None
    if not unit and dim in ("time", "size"):
        return float("nan"), raw + _NO_UNIT  # 0.61 of what? never guessed
    try:
        return float(raw.replace(",", "")) * scale, f"{raw} {unit}".strip() if unit != "%" else raw + "%"
    except ValueError:
        return None


def _by_field(text: str, name: str, clause_unit: str) -> list[Found]:
    words = r"[\s_-]*".join(re.escape(w) for w in name.split())
    forms = (r"(?<![\w-])" + words + r"(?![\w-])(?:[ \t]*[=:][ \t]*|[ \t]+)" + _NUM + _UNIT_AFTER,
             r"(?<![\w.])" + _NUM + _UNIT_AFTER + r"\s+" + words + r"(?![\w-])")
    found: list[Found] = []
    for form in forms:
        for m in re.finditer(form, text, re.I):
            v = _value(m.group(1), m.group(2) or "", clause_unit)
            if v is not None:
                found.append((v[0], v[1], name))
        if found:
            return found
    return found


def _by_column(text: str, name: str, clause_unit: str) -> list[Found]:
    table = parse_table(text, name)
    if table is None:
        return []
    col = next((h for h in table.headers if h.lower() == name.lower()), None)
    if col is None:
        return []
    found: list[Found] = []
    for row in table.rows:
        m = re.match(r"\s*" + _NUM + _UNIT_AFTER, row.get(col, ""), re.I)
        v = _value(m.group(1), m.group(2) or "", clause_unit) if m else None
        if v is not None:
            found.append((v[0], v[1], f"{name} of row {next(iter(row.values()), '?')}"))
    return found


def _by_unit(text: str, clause_unit: str) -> list[Found]:
    found: list[Found] = []
    for m in _ANY_UNIT_RE.finditer(text):
        v = _value(m.group(1), m.group(2), clause_unit)
        if v is not None:
            found.append((v[0], v[1], "value"))
    return found


def find_numbers(text: str, name: str | None, clause_unit: str) -> list[Found]:
    """Every value the clause speaks of (see the module doc)."""
    if name:
        words = name.split()
        for n in dict.fromkeys([name, words[0], words[-1]]):
            found = _by_field(text, n, clause_unit) or _by_column(text, n, clause_unit)
            if found:
                return found
        if not clause_unit:
            return []
    if clause_unit:
        return _by_unit(text, clause_unit)
    numbers = re.findall(r"(?<![\w.,-])" + _NUM + r"(?![\w.,]*\d)", text)
    if len(numbers) == 1:  # "between 1 and 5" of an output holding one number
        return [(float(numbers[0].replace(",", "")), numbers[0], "output")]
    return []


def _vague(found: list[Found]) -> str:
    f = next((f for f in found if f[1].endswith(_NO_UNIT)), None)
    if f is None:
        return ""
    return f"{f[2]} was {f[1][:-len(_NO_UNIT)]} without a unit: print the unit or leave it out of the clause"


def judge_number(clause: Clause, out: Output) -> Verdict:
    name, unit = clause.subject, clause.unit
    found = find_numbers(out.text, name, unit)
    what = name or ("a number" + (f" in {unit}" if unit else " (the output holds none, or several)"))
    if not found:
        return None, f"no {what} found in the output", ""
    vague = _vague(found)
    if vague:
        return None, vague, ""
    _, display_scale = unit_scale(unit)
    want = wanted(clause.op, (clause.number or 0) / display_scale,
                  None if clause.upper is None else clause.upper / display_scale, unit)
    bad = [f for f in found if not compare(f[0], clause.op, clause.number or 0, clause.upper)]
    if out.truncated and not bad:
        return None, f"error: output truncated, {what} may appear in the part not kept", ""
    value, shown, where = bad[0] if bad else found[0]
    label = where if where not in ("value", "output") else (name or "value")
    more = f" ({len(found)} values, {len(bad)} out of range)" if len(found) > 1 else ""
    return not bad, f"{label} was {shown}{more}", want


__all__ = ["find_numbers", "judge_number", "fmt"]
