"""Lint for the v2 clauses (spec §9): the nearest v2 forms for a manual clause that talks of
HTTP, JSON, versions, tables or numbers (RB201's hint), and HTTP clauses on a command that
does not print the status or headers (RB204)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator

from runbook.model import ClauseKind, Step

if TYPE_CHECKING:
    from runbook.lint.codes import Context, Finding

_TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"\bhttp\b|status\s+code|\bresponds?\b|\b[1-5]\d\d\b|\b[1-5]xx\b",
     ("HTTP status is 200", "status code is 2xx", "returns 201", "responds with 404")),
    (r"\bheaders?\b|content-type", ("header Content-Type contains json", "Location header is /login")),
    (r"\bjson\b|\byaml\b|\bfield\b|\bkey\b|^\.\w|\|\s*length",
     ('JSON .status is "ok"', ".items | length is 3", "field data.id exists", "output is valid JSON")),
    (r"\bversions?\b|\bor\s+(?:newer|later)\b|\d+\.\d+\+",
     ("version is at least 24.0", "docker >= 20.10", "python 3.11 or newer")),
    (r"\brows?\b|\bcolumns?\b|\bpods?\b|\bcontainers?\b|\bservices?\b",
     ("every row has STATUS running", "all pods are Running", "no row has RESTARTS above 0",
      "the NAME column contains web, db")),
    (r"\d\s*(?:ms|s|%|[kmg]i?b)\b|\bp9\d\b|\blatency\b|\bthroughput\b|\breplicas\b|\bbetween\b",
     ("latency under 200 ms", "p95 is at most 0.5 s", "at least 3 replicas", "disk usage below 80%")),
)


def v2_suggestions(text: str) -> list[str]:
    """Supported v2 forms close to a clause runbook could not read, by what it talks about."""
    found: list[str] = []
    for pattern, forms in _TOPICS:
        if re.search(pattern, text, re.I):
            found.extend(forms[:2])
    return found[:4]


_CURL_RE = re.compile(r"(?<![\w-])curl(?![\w-])")
_CURL_STATUS = re.compile(r"(?:^|\s)(?:-[a-zA-Z]*[iIvwD][a-zA-Z]*|--include|--head|--verbose|--write-out|"
                          r"--dump-header)\b")
_WGET_RE = re.compile(r"(?<![\w-])wget(?![\w-])")
_WGET_STATUS = re.compile(r"(?:^|\s)(?:-[a-zA-Z]*S[a-zA-Z]*|--server-response|-d|--debug)\b")
_HTTP_KINDS = (ClauseKind.HTTP, ClauseKind.HEADER)


def _prints_status(step: Step) -> bool:
    for cmd in step.commands:
        text = cmd.text
        if _CURL_RE.search(text) and not _CURL_STATUS.search(text):
            return False
        if _WGET_RE.search(text) and not _WGET_STATUS.search(text):
            return False
    return True


def http_rules(ctx: Context) -> Iterator[Finding]:
    for s in ctx.doc.steps:
        clause = next((cl for c in s.criteria for cl in c.clauses if cl.kind in _HTTP_KINDS), None)
        if clause is None or _prints_status(s) or not s.commands:
            continue
        line = s.commands[0].line
        text = ctx.lines[line] if line < len(ctx.lines) else ""
        yield ctx.finding(line, len(text) - len(text.lstrip()), "RB204",
                          f"step {s.id}: {clause.text!r} needs the HTTP status or headers, "
                          "and the command does not print them",
                          "add `-i` to curl (or `-s -o /dev/null -w '%{http_code}'`), `-S` to wget")
