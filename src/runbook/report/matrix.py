"""Reports of a matrix run (one document, many targets), side by side.

- JSON: ``{"runbook_version", "document", "targets": {NAME: <spec §8 run>}, "summary": {NAME: counts}}``;
- JUnit: one ``<testsuite>`` per target and phase, named ``NAME · PHASE``;
- HTML: one table, a row per step and a column per target, then each target's
  failures with their reason and output tail (self-contained, no script).
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from typing import Any, Mapping

from runbook import __version__
from runbook.model import FAILING, RunResult, Status
from runbook.report.json import to_dict
from runbook.report.junit import to_junit

Runs = Mapping[str, RunResult]


def to_matrix_dict(document: str, runs: Runs) -> dict[str, Any]:
    return {
        "runbook_version": __version__,
        "document": document,
        "targets": {name: to_dict(run) for name, run in runs.items()},
        "summary": {name: to_dict(run)["summary"] for name, run in runs.items()},
    }


def to_matrix_json(document: str, runs: Runs) -> str:
    return json.dumps(to_matrix_dict(document, runs), indent=2, ensure_ascii=False) + "\n"


def to_matrix_junit(runs: Runs) -> str:
    """Each target's suites (one per phase), renamed ``target · phase``, in one document."""
    root = ET.Element("testsuites")
    index = 0
    for name, run in runs.items():
        for suite in ET.fromstring(to_junit(run).split("\n", 1)[1]):
            suite.set("name", f"{name} · {suite.get('name', '')}")
            suite.set("id", str(index))
            props = suite.find("properties")
            if props is not None:
                ET.SubElement(props, "property", {"name": "target", "value": name})
            for case in suite.iter("testcase"):
                case.set("classname", f"{name}.{case.get('classname', '')}")
            root.append(suite)
            index += 1
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def step_rows(runs: Runs) -> list[tuple[str, str, dict[str, Status | None]]]:
    """``(step id, title, {target: status})`` for every step any target reported, in order."""
    order: dict[str, str] = {}
    for run in runs.values():
        for r in run.steps:
            order.setdefault(r.step_id, r.title)
    return [(sid, title, {n: _status(run, sid) for n, run in runs.items()}) for sid, title in order.items()]


def _status(run: RunResult, step_id: str) -> Status | None:
    r = run.result_for(step_id)
    return None if r is None else r.status


_COLOUR = {"pass": "#1a7f37", "fail": "#cf222e", "error": "#cf222e", "blocked": "#9a6700",
           "manual": "#0969da", "skip": "#6e7781"}


def to_matrix_html(document: str, runs: Runs) -> str:
    e = html.escape
    head = "".join(f"<th>{e(n)}</th>" for n in runs)
    rows = []
    for sid, title, statuses in step_rows(runs):
        cells = "".join(
            f'<td style="color:{_COLOUR.get(s.value, "inherit")}">{e(s.value)}</td>' if s else "<td>—</td>"
            for s in statuses.values())
        rows.append(f"<tr><th scope=\"row\">{e(sid)}</th><td>{e(title)}</td>{cells}</tr>")
    totals = "".join(f"<td>{_verdict(run)}</td>" for run in runs.values())
    details = []
    for name, run in runs.items():
        for r in run.steps:
            if r.status in FAILING:
                tail = "\n".join(r.output.text.rstrip("\n").splitlines()[-20:])
                details.append(f"<h3>{e(name)} · {e(r.step_id)}: {e(r.status.value)}</h3>"
                               f"<p>{e(r.reason)}</p><pre>{e(tail)}</pre>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{e(document)}: {len(runs)} targets · runbook</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #d0d7de;padding:.3em .6em;text-align:left}pre{background:#f6f8fa;padding:.5em}"
        "</style></head><body>"
        f"<h1>{e(document)}</h1><p>{len(runs)} targets, runbook {e(__version__)}</p>"
        f'<table id="rb-matrix"><thead><tr><th>step</th><th>title</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody><tfoot><tr><th>verdict</th><td></td>{totals}</tr></tfoot></table>"
        + "".join(details) + "</body></html>\n")


def _verdict(run: RunResult) -> str:
    bad = any(r.status in FAILING for r in run.steps) or run.interrupted
    return "FAILED" if bad else "PASSED"
