"""HTTP clauses on a step's output: the status (``HTTP status is 200``) and headers.

The status is read from the last status line of ``curl -i`` / ``curl -v`` / ``wget -S`` /
httpie output (``HTTP/1.1 200 OK``, ``< HTTP/2 404``), skipping ``1xx`` interim answers; or,
without one, from what ``curl -w '%{http_code}'`` prints: a last line of three digits, or
three digits right after a body's closing ``}``/``]``/``>``, or ``code=200``/``status: 200``.
"""

from __future__ import annotations

import re

from runbook.clauses import Clause
from runbook.judge.quantity import Verdict
from runbook.lazyre import lazy
from runbook.model import Output

_STATUS_LINE = lazy(r"^[<>*\s]*HTTP/\d(?:\.\d)?\s+(\d{3})\b.*$", re.M)
_WRITE_OUT = lazy(r"(?:\A|\n|[}\]>\"'])[ \t]*(?:(?:http_code|http_status|status|code|http)[ \t]*[=:][ \t]*)?"
                  r"([1-5]\d\d)[ \t]*\n?\Z", re.I)
NO_STATUS = ("no HTTP status in the output (print it with `curl -i`, or `curl -s -o /dev/null "
             "-w '%{http_code}'`)")


def http_status(text: str) -> tuple[int, str] | None:
    """(the response's status, the line it was read from), or None."""
    lines = [m for m in _STATUS_LINE.finditer(text)]
    final = [m for m in lines if not m.group(1).startswith("1")] or lines
    if final:
        m = final[-1]
        return int(m.group(1)), m.group(0).strip().lstrip("<> ")
    w = _WRITE_OUT.search(text.rstrip("\n") + "\n")
    if w:
        return int(w.group(1)), w.group(1)
    return None


def _every_status(clause: Clause, out: Output) -> Verdict:
    codes = [int(m.group(1)) for m in _STATUS_LINE.finditer(out.text) if not m.group(1).startswith("1")]
    if not codes:
        return None, NO_STATUS, ""
    want = (clause.value or "").lower()
    bad = [c for c in codes if not (str(c)[0] == want[0] if want.endswith("xx") else str(c) == want)]
    seen = f"{len(codes) - len(bad)} of {len(codes)} HTTP responses were {want}"
    if bad:
        seen += " (others: " + ", ".join(str(c) for c in bad[:5]) + ")"
    if out.truncated and not bad:
        return None, f"error: output truncated, responses may be missing ({seen})", ""
    return not bad, seen, ""


def judge_http(clause: Clause, out: Output) -> Verdict:
    if clause.mode == "all":
        return _every_status(clause, out)
    found = http_status(out.text)
    if found is None:
        return None, NO_STATUS, ""
    code, line = found
    want = (clause.value or "").lower()
    same = str(code)[0] == want[0] if want.endswith("xx") else str(code) == want
    holds = same if clause.op == "==" else not same
    seen = f"HTTP status was {code}" + (f" ({line})" if line != str(code) and len(line) <= 60 else "")
    return holds, seen, ("not " if clause.op == "!=" else "") + want


def header_value(text: str, name: str) -> str | None:
    """The last value of response header ``name`` in the output; in ``curl -v`` output only the
    response's ``< Name: value`` lines count, never the request's ``> Name: value``."""
    lead = r"^<[ \t]*" if re.search(r"^< ", text, re.M) else r"^[ \t]*"
    found = re.findall(lead + re.escape(name) + r"[ \t]*:[ \t]*(.*?)[ \t\r]*$", text, re.M | re.I)
    return found[-1] if found else None


def judge_header(clause: Clause, out: Output) -> Verdict:
    name, want, mode = clause.subject or "", clause.value or "", clause.mode
    value = header_value(out.text, name)
    if value is None:
        if mode == "exists":
            return False, f"no {name} header in the output", ""
        return None, f"no {name} header in the output (show headers with `curl -i`)", ""
    seen = f"{name} was {value!r}"
    if mode == "exists":
        return True, seen, ""
    if mode == "contains":
        return want.lower() in value.lower(), seen, f"containing {want!r}"
    if mode == "matches":
        try:
            return re.search(want, value) is not None, seen, f"matching /{want}/"
        except re.error:
            return None, f"invalid regex /{want}/", ""
    return value.strip().lower() == want.strip().lower(), seen, repr(want)
