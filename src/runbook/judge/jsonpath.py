"""JSON clauses: the output parsed as JSON (or YAML) and a value picked by a small path.

The path language (docs/format.md): ``.`` is the whole document; ``.a.b`` walks object
keys; ``[0]`` / ``[-1]`` index an array (``.items[0].name``); a final ``| length`` is the
number of items of an array or object, or the length of a string. The document is the
whole output, else the body after HTTP headers (``curl -i``), else the lines from the
first one starting with ``{`` or ``[``; YAML (``kubectl -o yaml``) is read when no JSON is
found and it parses to an object or array.
"""

from __future__ import annotations

import json
import re

from runbook.clauses import Clause
from runbook.errors import ParseError
from runbook.judge.quantity import Verdict, compare, fmt, wanted
from runbook.lazyre import lazy
from runbook.model import Output
from runbook.parse.markdown import _yaml

_MISSING = object()
_STEP_RE = lazy(r"\.([A-Za-z_][\w-]*)|\[(-?\d+)\]|\.")


def _json_candidates(text: str) -> list[str]:
    text = text.strip()
    out = [text]
    if text.startswith("HTTP/") or text.startswith("<"):
        parts = re.split(r"\r?\n[ \t]*\r?\n", text, maxsplit=1)
        if len(parts) == 2:
            out.append(parts[1])
    lines = text.splitlines()
    first = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith(("{", "["))), None)
    if first is not None:
        out.append("\n".join(lines[first:]))
        out.append(lines[first])
    return out


def load(text: str, fmt_name: str = "json") -> object:
    """The output's document, or ``_MISSING`` when it holds none (YAML only for ``yaml``)."""
    if fmt_name == "json" or fmt_name == "any":
        for cand in _json_candidates(text):
            try:
                return json.loads(cand)
            except ValueError:
                continue
    if fmt_name in ("yaml", "any") and text.strip():
        try:
            data = _yaml(text, "<output>")
        except ParseError:
            return _MISSING
        if isinstance(data, (dict, list)):
            return data
    return _MISSING


def resolve(doc: object, path: str) -> object:
    """The value at ``path`` (see the module doc), or ``_MISSING``."""
    path, _, tail = path.partition("|")
    pos, node = 0, doc
    path = path.strip()
    while pos < len(path):
        m = _STEP_RE.match(path, pos)
        if not m:
            return _MISSING
        pos = m.end()
        if m.group(1) is not None:
            if not isinstance(node, dict) or m.group(1) not in node:
                return _MISSING
            node = node[m.group(1)]
        elif m.group(2) is not None:
            i = int(m.group(2))
            if not isinstance(node, list) or not -len(node) <= i < len(node):
                return _MISSING
            node = node[i]
    if tail.strip() == "length":
        return len(node) if isinstance(node, (list, dict, str)) else _MISSING
    return node


def shown(value: object) -> str:
    """A value as JSON text, cut to 60 characters."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def judge_json(clause: Clause, out: Output) -> Verdict:
    mode, path = clause.mode, clause.subject or "."
    if mode in ("valid", "invalid"):
        return _validity(clause, out)
    doc = load(out.text, "any")
    if doc is _MISSING:
        return None, "the output holds no JSON or YAML document", ""
    value = resolve(doc, path)
    if mode in ("exists", "missing"):
        seen = f"{path} is missing" if value is _MISSING else f"{path} was {shown(value)}"
        return (value is not _MISSING) == (mode == "exists"), seen, ""
    if value is _MISSING:
        return None, f"{path} is missing from the document", ""
    return _judge_value(clause, value)


def _validity(clause: Clause, out: Output) -> Verdict:
    kind = clause.value or "json"
    ok = load(out.text, kind) is not _MISSING
    if out.truncated:
        return None, "error: output truncated, cannot tell whether it is valid " + kind.upper(), ""
    seen = f"output is valid {kind.upper()}" if ok else f"output is not valid {kind.upper()}"
    return ok == (clause.mode == "valid"), seen, ""


def _judge_value(clause: Clause, value: object) -> Verdict:
    mode, path = clause.mode, clause.subject or "."
    seen = f"{path} was {shown(value)}"
    if mode == "matches":
        text = value if isinstance(value, str) else json.dumps(value)
        return re.search(clause.value or "", text) is not None, seen, f"matching /{clause.value}/"
    if mode == "compare":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None, f"{seen}, not a number", ""
        return compare(float(value), clause.op, clause.number or 0.0), seen, wanted(clause.op, clause.number or 0)
    same = _equal(value, clause.value or "", clause.unit)
    return same == (clause.op == "=="), seen, ("not " if clause.op == "!=" else "") + repr(clause.value)


def _equal(value: object, want: str, kind: str) -> bool:
    """A quoted value is a string; a bare one may be a JSON literal (``3``, ``true``, ``null``)."""
    if kind == "bare":
        try:
            literal = json.loads(want)
        except ValueError:
            literal = want
        if isinstance(literal, (int, float)) and not isinstance(literal, bool) \
                and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(literal) == float(value)
        if literal == value and type(literal) is type(value):
            return True
    return isinstance(value, str) and value == want or (not isinstance(value, (dict, list)) and fmt_value(value) == want)


def fmt_value(value: object) -> str:
    """How a scalar reads in a document: ``true``, ``null``, ``3``, ``ok``."""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return fmt(value)
    return json.dumps(value)
