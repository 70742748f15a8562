"""scrut cases judged after they ran (``parse/dialects/scrut_schema.py``): ``mode: jsonschema``
and ``interpolated: true``.

The parser gives such a case its exit-code clause and a MANUAL clause (never a pass); here,
once the case has run, the second is replaced by the real check:

* ``interpolated``: the case left its exported environment in ``$RUNBOOK_SCRUT_ROOT/env``
  (``env -0``, as scrut's state does, inside the case's own subshell when it calls ``exit``);
  the run reads it back (one query, hex-encoded), masks the values as the output is masked,
  and matches the output against the interpolated expectations.
* ``mode: jsonschema``: the output, without runbook's no-newline line, validated against the
  schema (``judge/json_schema.py``).

A case that cannot be judged so (a value holding a newline, output holding control bytes
runbook cleans, no ``jsonschema`` package) is skipped with the reason.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Callable

from runbook.judge.confirm import needs_person
from runbook.judge.criteria import Evidence, judge_clause
from runbook.judge.json_schema import validate
from runbook.model import Check, Clause, ClauseKind, Status, Step, StepResult
from runbook.parse.dialects.cram import NO_EOL
from runbook.parse.dialects.scrut import CONTROL, ENV_FILE, interpolated_regex, referenced
from runbook.parse.dialects.scrut_schema import EXIT, EXPECTED, SCHEMA
from runbook.run.carry import Carry
from runbook.run.mask import MASK
from runbook.run.session import PROTOCOL_ENV, QUIET_ENV

Query = Callable[[str, int], str]
"""``(script, room) -> output``: runs a script in the document's shell (the runner's ``_query``)."""

RUNBOOK_SETS = frozenset({*QUIET_ENV, *PROTOCOL_ENV, "SHLVL", "_", "OLDPWD"})
"""Variables runbook's shell sets itself (``RUNBOOK_*`` too): an interpolated case naming one is
not judged, its value is not the one scrut's shell would have."""

_READ_ENV = f"od -An -v -tx1 {ENV_FILE} 2>/dev/null | tr -d ' \\n'; echo; rm -f {ENV_FILE}"
"""The case's environment, read once and removed (it holds its secrets too)."""


def parse_env(hexed: str) -> dict[str, str]:
    """``env -0``'s bytes (as hex) to ``name -> value``, as scrut's ``parse_env_file`` reads them."""
    digits = "".join(c for c in hexed if c in "0123456789abcdef")
    env: dict[str, str] = {}
    for chunk in bytes.fromhex(digits[: len(digits) // 2 * 2]).split(b"\0"):
        try:
            entry = chunk.decode("utf-8")
        except UnicodeDecodeError:
            continue
        key, eq, value = entry.partition("=")
        if eq and key and all(c.isascii() and (c.isalnum() or c == "_") for c in key):
            env[key] = value
    return env


class ScrutCases(Carry):
    """Judges the cases the parser left to the run."""

    def __init__(self, query: Query, mask: Callable[[str], str]) -> None:
        self.query = query
        self.mask = mask

    def after(self, step: Step, result: StepResult) -> StepResult:
        if EXIT not in step.attrs or not needs_person(result):  # decided already: by the run, or a person
            return result
        want = int(step.attrs[EXIT])
        exit_check = Check(f"exit code is {want}", result.exit_code == want, f"exit code was {result.exit_code}")
        judged = self._schema(step, result) if SCHEMA in step.attrs else self._interpolated(step, result)
        if isinstance(judged, str):
            return dataclasses.replace(result, status=Status.SKIP, reason=f"scrut: not judged: {judged}")
        checks = (exit_check, judged)
        failed = next((c for c in checks if not c.ok), None)
        if failed is not None and failed.detail.startswith("error:"):
            return dataclasses.replace(result, status=Status.ERROR, checks=checks, reason=failed.detail[6:].strip())
        reason = f"{failed.clause}: {failed.detail}" if failed else ""
        return dataclasses.replace(result, status=Status.FAIL if failed else Status.PASS, checks=checks, reason=reason)

    def _interpolated(self, step: Step, result: StepResult) -> Check | str:
        lines = step.attrs[EXPECTED].split("\n") if step.attrs[EXPECTED] else []
        own = sorted(n for n in referenced(lines) if n in RUNBOOK_SETS or n.startswith("RUNBOOK_"))
        if own:
            return f"an expectation names ${own[0]}, which runbook's shell sets itself (scrut's has another value)"
        env = {k: self.mask(v) for k, v in parse_env(self.query(_READ_ENV, 64_000_000)).items()}
        regex = interpolated_regex(lines, env)
        if regex is None:
            return "a variable put into an expectation holds a newline (scrut matches line by line)"
        clause = Clause("output matches the scrut expectations, $VARs interpolated", ClauseKind.REGEX, value=regex)
        ev = Evidence(output=result.output, exit_code=result.exit_code, duration_s=result.duration_s,
                      expected_ok=None, run_command=lambda cmd: None)
        return judge_clause(clause, ev)

    def _schema(self, step: Step, result: StepResult) -> Check | str:
        text = result.output.text
        if result.output.truncated:
            return "the output was too large to keep whole"
        if CONTROL in text.split("\n"):
            return "the output holds terminal control bytes, which runbook cleans and scrut parses"
        if MASK in text:
            return "the output holds a secret's value, masked before judging (scrut validates the value itself)"
        body = text.rstrip("\n")
        body = body[: -len(NO_EOL)].rstrip("\n") if body.endswith("\n" + NO_EOL) or body == NO_EOL else text
        ok, detail = validate(json.loads(step.attrs[SCHEMA]), body)
        if ok is None:
            return detail
        return Check("output validates against the case's JSON Schema", ok, detail)

