"""Results as JSON (spec §8): ``RunResult`` <-> plain dict <-> text, nothing else.

The dict has exactly the keys of spec §8, plus a few additive ones documented in
``docs/results.schema.json``: ``host``, ``interrupted`` and ``stopped_processes`` at the top; ``reason``,
``notes``, ``output_bytes``, ``output_lines`` (and ``output_truncated_bytes`` when the
runner kept only the head and tail) per step; ``manual`` and ``confirmed`` (a person's
verdict) per check; ``line`` per
troubleshooting row. They are what ``runbook report RESULTS.json`` needs to rebuild
the same ``RunResult``. ``Output.counts`` (needles the runner counted for its own
checks) is runner-internal and not written.
"""

from __future__ import annotations

import json
import re
from typing import Any, BinaryIO, Mapping

from runbook.errors import RunbookError
from runbook.report.jsontext import Items, Prepared
from runbook.source import encode
from runbook.model import (
    STATUS_KEYS,
    Check,
    Confirmation,
    Output,
    PhaseResult,
    RunResult,
    Status,
    StepResult,
    TroubleMatch,
    TroubleRow,
)

SUMMARY_KEYS = ("total", *STATUS_KEYS, "drift")


def to_dict(run: RunResult, lazy: bool = False) -> dict[str, Any]:
    """The spec §8 mapping of a run (JSON-ready: only str, int, float, bool, None).

    ``lazy``: the steps as a :class:`~runbook.report.jsontext.Items`, each step's dict made
    only while :func:`~runbook.report.jsontext.dumps` writes it (for writers, not readers)."""
    counts = run.counts()
    steps: Any
    if lazy:
        steps = Items(len(run.steps), lambda i: _step_prepared(run.steps[i]))
    else:
        steps = [_step_dict(r) for r in run.steps]
    return {
        "runbook_version": run.runbook_version,
        "document": run.document,
        "started_at": run.started_at,
        "duration_s": run.duration_s,
        "host": run.host,
        "interrupted": run.interrupted,
        "stopped_processes": list(run.stopped_processes),
        "summary": {key: counts[key] for key in SUMMARY_KEYS},
        "phases": [
            {"id": p.id, "title": p.title, "blocking": p.blocking, "status": p.status.value}
            for p in run.phases
        ],
        "steps": steps,
    }


def _step_dict(r: StepResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.step_id,
        "phase": r.phase,
        "title": r.title,
        "line": r.line,
        "status": r.status.value,
        "drift": r.drift,
        "exit_code": r.exit_code,
        "duration_s": r.duration_s,
        "attempts": r.attempts,
        "output": r.output.text,
        "output_bytes": r.output.total_bytes,
        "output_lines": r.output.lines,
    }
    if r.output.truncated:
        out["output_truncated_bytes"] = r.output.dropped_bytes
    out.update(
        {
            "checks": [_check(c) for c in r.checks],
            "diff": r.diff,
            "troubleshooting": [
                {
                    "symptom": m.row.symptom,
                    "cause": m.row.cause,
                    "fix": m.row.fix,
                    "matched": m.matched,
                    "line": m.row.line + 1,
                }
                for m in r.troubleshooting
            ],
            "reason": r.reason,
            "notes": list(r.notes),
        }
    )
    return out


def _step_prepared(r: StepResult) -> Prepared:
    """:func:`_step_dict`'s scalars in its order, without the dict (jsontext's template
    of the step's shape writes them; the key names every container's size)."""
    o, checks, rows, notes = r.output, r.checks, r.troubleshooting, r.notes
    values: list[object] = [r.step_id, r.phase, r.title, r.line, r.status.value, r.drift, r.exit_code,
                            r.duration_s, r.attempts, o.text, o.total_bytes, o.lines]
    truncated = o.truncated
    if truncated:
        values.append(o.dropped_bytes)
    confirmed = tuple(c.confirmed is not None for c in checks)
    for c in checks:
        values += (c.clause, c.ok, c.detail, c.manual)
        if c.confirmed is not None:
            k = c.confirmed
            values += (k.answer, k.by, k.at, k.note)
    values.append(r.diff)
    for m in rows:
        values += (m.row.symptom, m.row.cause, m.row.fix, m.matched, m.row.line + 1)
    values.append(r.reason)
    values += notes
    return Prepared(("step", truncated, confirmed, len(rows), len(notes)), values, lambda: _step_dict(r))


def to_json(run: RunResult) -> str:
    """The ``--json`` file's text: indented, UTF-8 kept readable, newline-terminated.

    Always valid UTF-8, and lossless: a byte that was not UTF-8 (kept as a surrogate
    escape by the reader and the capture, U+DC80..U+DCFF) is written as the JSON
    escape ``\\udcNN`` (byte 0xNN), which ``json.loads`` turns back into the same
    surrogate; the step says so in a note. Python reads it back as is; other JSON
    readers may show U+FFFD.
    """
    from runbook.report.jsontext import dumps

    text = dumps(to_dict(run, lazy=True), 2, ensure_ascii=False, end="\n")
    if not _SURROGATE.search(text):
        return text
    data = to_dict(run)  # some step's text holds a byte that was not UTF-8: find which
    for step in data["steps"]:
        if _SURROGATE.search(json.dumps(step, ensure_ascii=False)):
            step["notes"].append(INVALID_UTF8_NOTE)
    text = dumps(data, 2, ensure_ascii=False, end="\n")
    # Lone surrogates only occur inside JSON strings, where their \uXXXX escape is valid.
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class _Restart(Exception):
    """A piece held a lone surrogate: :func:`to_json`'s slower path writes the file."""


def write_json(run: RunResult, fh: BinaryIO) -> None:
    """``encode(to_json(run))`` written to ``fh`` as it is made (a 50,000-step run's 34 MB
    of text and 34 MB of bytes are never held). A piece with a byte that was not UTF-8
    (a surrogate) starts the file again with :func:`to_json`'s text, which notes it;
    so does a file that cannot seek, from the start."""
    from runbook.report.jsontext import NotWritten, dumps_into

    if not fh.seekable():
        fh.write(encode(to_json(run)))
        return
    start = fh.tell()

    def write(piece: str) -> None:
        try:
            fh.write(piece.encode("utf-8"))  # strict: a lone surrogate raises
        except UnicodeEncodeError:
            raise _Restart from None

    try:
        dumps_into(to_dict(run, lazy=True), 2, write, ensure_ascii=False, end="\n")
    except (_Restart, NotWritten):
        fh.seek(start)
        fh.truncate()
        fh.write(encode(to_json(run)))


INVALID_UTF8_NOTE = ("this step held bytes that are not valid UTF-8: the JSON writes byte 0xNN "
                     "as the escape \\udcNN")
"""Derived from the text, so :func:`from_dict` drops it and :func:`to_json` adds it again."""
_SURROGATE = re.compile("[\ud800-\udfff]")


def from_json(text: str, where: str = "<json>") -> RunResult:
    """Parse a results file written by :func:`to_json`."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RunbookError(
            f"not a JSON results file: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            where=where,
            hint="pass the file written by `runbook execute --json PATH`",
        ) from None
    return from_dict(data, where=where)


def from_dict(data: Mapping[str, Any], where: str = "<json>") -> RunResult:
    """Inverse of :func:`to_dict`; raises RunbookError naming the bad key."""
    r = _Reader(where)
    top = r.mapping(data, "results")
    phases = tuple(
        PhaseResult(
            id=r.get(p, "id", str, f"phases[{i}]"),
            title=r.get(p, "title", str, f"phases[{i}]"),
            blocking=r.get(p, "blocking", bool, f"phases[{i}]"),
            status=r.status(p, f"phases[{i}]"),
        )
        for i, p in enumerate(r.get(top, "phases", list, ""))
    )
    steps = tuple(_step_from(r, s, f"steps[{i}]") for i, s in enumerate(r.get(top, "steps", list, "")))
    return RunResult(
        document=r.get(top, "document", str, ""),
        runbook_version=r.get(top, "runbook_version", str, ""),
        started_at=r.get(top, "started_at", str, ""),
        duration_s=r.number(top, "duration_s", ""),
        host=r.get(top, "host", str, "", default=""),
        phases=phases,
        steps=steps,
        interrupted=r.get(top, "interrupted", bool, "", default=False),
        stopped_processes=_strings(r, top, "stopped_processes", ""),
    )


def _step_from(r: _Reader, s: Any, at: str) -> StepResult:
    s = r.mapping(s, at)
    text = r.get(s, "output", str, at)
    output = Output(
        text=text,
        total_bytes=r.get(s, "output_bytes", int, at, default=len(text.encode("utf-8", "surrogatepass"))),
        lines=r.get(s, "output_lines", int, at, default=text.count("\n")),
        dropped_bytes=r.get(s, "output_truncated_bytes", int, at, default=0),
    )
    checks = tuple(
        Check(
            clause=r.get(c, "clause", str, f"{at}.checks[{j}]"),
            ok=r.get(c, "ok", bool, f"{at}.checks[{j}]"),
            detail=r.get(c, "detail", str, f"{at}.checks[{j}]", default=""),
            manual=r.get(c, "manual", bool, f"{at}.checks[{j}]", default=False),
            confirmed=_confirmation(r, c, f"{at}.checks[{j}]"),
        )
        for j, c in enumerate(r.get(s, "checks", list, at))
    )
    matches = tuple(
        TroubleMatch(
            row=TroubleRow(
                symptom=r.get(t, "symptom", str, f"{at}.troubleshooting[{j}]"),
                cause=r.get(t, "cause", str, f"{at}.troubleshooting[{j}]"),
                fix=r.get(t, "fix", str, f"{at}.troubleshooting[{j}]"),
                line=r.get(t, "line", int, f"{at}.troubleshooting[{j}]", default=1) - 1,
            ),
            matched=r.get(t, "matched", str, f"{at}.troubleshooting[{j}]", default=""),
        )
        for j, t in enumerate(r.get(s, "troubleshooting", list, at))
    )
    exit_code = s.get("exit_code")
    if exit_code is not None and (not isinstance(exit_code, int) or isinstance(exit_code, bool)):
        raise r.error(f"{at}.exit_code", "an integer or null")
    diff = s.get("diff")
    if diff is not None and not isinstance(diff, str):
        raise r.error(f"{at}.diff", "a string or null")
    notes = _strings(r, s, "notes", at)
    notes = tuple(n for n in notes if n != INVALID_UTF8_NOTE)
    return StepResult(
        step_id=r.get(s, "id", str, at),
        status=r.status(s, at),
        phase=r.get(s, "phase", str, at),
        title=r.get(s, "title", str, at),
        line=r.get(s, "line", int, at),
        drift=r.get(s, "drift", bool, at),
        exit_code=exit_code,
        duration_s=r.number(s, "duration_s", at),
        attempts=r.get(s, "attempts", int, at),
        output=output,
        checks=checks,
        diff=diff,
        reason=r.get(s, "reason", str, at, default=""),
        troubleshooting=matches,
        notes=notes,
    )


def _check(c: Check) -> dict[str, Any]:
    out: dict[str, Any] = {"clause": c.clause, "ok": c.ok, "detail": c.detail, "manual": c.manual}
    if c.confirmed is not None:
        k = c.confirmed
        out["confirmed"] = {"answer": k.answer, "by": k.by, "at": k.at, "note": k.note}
    return out


def _confirmation(r: _Reader, c: Any, at: str) -> Confirmation | None:
    k = r.get(c, "confirmed", dict, at, default=None)
    if k is None:
        return None
    at = f"{at}.confirmed"
    return Confirmation(r.get(k, "answer", str, at), r.get(k, "by", str, at), r.get(k, "at", str, at),
                        r.get(k, "note", str, at, default=""))


def _strings(r: _Reader, obj: Any, key: str, at: str) -> tuple[str, ...]:
    items = r.get(obj, key, list, at, default=[])
    if not all(isinstance(n, str) for n in items):
        raise r.error(f"{at}.{key}" if at else key, "a list of strings")
    return tuple(items)


_MISSING = object()


class _Reader:
    """Typed access to untrusted JSON with errors that name the key path."""

    def __init__(self, where: str):
        self.where = where

    def error(self, path: str, wanted: str) -> RunbookError:
        return RunbookError(
            f"results JSON: {path or 'top level'} must be {wanted}",
            where=self.where,
            hint="pass a file written by `runbook execute --json PATH` (see docs/results.schema.json)",
        )

    def mapping(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error(path, "an object")
        return value

    def get(self, obj: Any, key: str, kind: type, at: str, default: Any = _MISSING) -> Any:
        path = f"{at}.{key}" if at else key
        obj = self.mapping(obj, at)
        if key not in obj:
            if default is _MISSING:
                raise RunbookError(
                    f"results JSON: missing key {path!r}",
                    where=self.where,
                    hint="pass a file written by `runbook execute --json PATH`",
                )
            return default
        value = obj[key]
        # bool is an int in Python; JSON keeps them apart and so do we.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise self.error(path, f"of type {kind.__name__}")
        return value

    def number(self, obj: Any, key: str, at: str) -> float:
        value = self.get(obj, key, object, at)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(f"{at}.{key}" if at else key, "a number")
        return float(value)

    def status(self, obj: Any, at: str) -> Status:
        value = self.get(obj, "status", str, at)
        try:
            return Status(value)
        except ValueError:
            allowed = ", ".join(s.value for s in Status)
            raise self.error(f"{at}.status", f"one of {allowed} (got {value!r})") from None
