"""Results as JUnit XML (``--junit``), valid against the Apache Ant JUnit schema.

One ``<testsuite>`` per phase, one ``<testcase>`` per step (classname = phase id,
name = id and title). ``fail`` -> ``<failure>``, ``error`` -> ``<error>``; ``skip``,
``manual`` and ``blocked`` -> ``<skipped>`` whose message says which it was and why.
The Ant schema allows ``system-out`` only per suite, so each suite's
``system-out`` holds its steps' outputs under a header line per step.
Characters XML 1.0 cannot carry (NUL, most C0 controls, lone surrogates) are
replaced by a visible ``\\xNN`` / ``\\uXXXX`` escape.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

from runbook.model import PhaseResult, RunResult, Status, StepResult
from runbook.run.resume import FROM_NOTE
from runbook.wording import step_label, why
from runbook.wording import visible as xml_safe

#: Lines of output kept in a failure / error body (the whole output is in system-out).
TAIL_LINES = 40


def _seconds(value: float) -> str:
    # xs:decimal: no exponent, no inf/nan, never negative for a duration.
    if not value == value or value in (float("inf"), float("-inf")) or value < 0:
        return "0.000"
    return f"{value:.3f}"


def _timestamp(started_at: str) -> str:
    """The schema's timestamp: ``YYYY-MM-DDTHH:MM:SS`` in UTC, no zone, no fraction."""
    try:
        moment = datetime.fromisoformat(started_at.strip().replace("Z", "+00:00"))
    except ValueError:
        moment = datetime.fromtimestamp(0, timezone.utc)
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _tail(text: str, lines: int = TAIL_LINES) -> str:
    kept = text.rstrip("\n").split("\n")
    if len(kept) <= lines:
        return "\n".join(kept)
    return f"[... {len(kept) - lines} earlier lines in system-out ...]\n" + "\n".join(kept[-lines:])


def _body(r: StepResult) -> str:
    """Failure / error text: reason, failed clauses, diff, troubleshooting, output tail."""
    parts = []
    if r.checks:
        parts.append(
            "\n".join(f"{'✓' if c.ok else '✗'} {c.clause}" + (f" — {c.detail}" if c.detail else "")
                      for c in r.checks)
        )
    if r.diff:
        parts.append(r.diff.rstrip("\n"))
    for m in r.troubleshooting:
        parts.append(f"Troubleshooting: {m.row.symptom}\n  cause: {m.row.cause}\n  fix: {m.row.fix}")
    if r.output.text:
        parts.append("Output (tail):\n" + _tail(r.output.text))
    if r.notes:
        parts.append("\n".join(f"note: {n}" for n in r.notes))
    return "\n\n".join(parts) + "\n" if parts else ""


def _testcase(run: RunResult, r: StepResult) -> ET.Element:
    case = ET.Element(
        "testcase",
        {
            "classname": xml_safe(r.phase or "0"),
            "name": xml_safe(step_label(r)),
            "time": _seconds(r.duration_s),
        },
    )
    reason = xml_safe(why(run, r))
    if r.status is Status.FAIL:
        child = ET.SubElement(case, "failure", {"message": reason, "type": "fail"})
        child.text = xml_safe(_body(r))
    elif r.status is Status.ERROR:
        child = ET.SubElement(case, "error", {"message": reason, "type": "error"})
        child.text = xml_safe(_body(r))
    elif r.status in (Status.SKIP, Status.MANUAL, Status.BLOCKED):
        prefix = "" if reason.startswith(r.status.value) else f"{r.status.value}: "
        child = ET.SubElement(case, "skipped", {"message": prefix + reason})
        if r.status is Status.MANUAL:
            child.text = xml_safe(_body(r))
    return case


def _suite(run: RunResult, index: int, phase: PhaseResult, steps: list[StepResult]) -> ET.Element:
    suite = ET.Element("testsuite", _suite_attributes(run, index, phase, steps))
    props = ET.SubElement(suite, "properties")
    for key, value in (
        ("document", run.document),
        ("runbook_version", run.runbook_version),
        ("started_at", run.started_at),
        ("phase", phase.id),
        ("phase_status", phase.status.value),
        ("blocking", "true" if phase.blocking else "false"),
        ("interrupted", "true" if run.interrupted else "false"),
    ):
        ET.SubElement(props, "property", {"name": key, "value": xml_safe(value)})
    for r in steps:
        suite.append(_testcase(run, r))
    out = ET.SubElement(suite, "system-out")
    out.text = xml_safe("".join(_output_section(r) for r in steps))
    ET.SubElement(suite, "system-err")
    return suite


def _suite_attributes(run: RunResult, index: int, phase: PhaseResult,
                      steps: list[StepResult]) -> dict[str, str]:
    name = phase.title if phase.title and phase.id in phase.title else f"{phase.id} {phase.title}".strip()
    return {
        "name": xml_safe(name) or "runbook",
        "package": xml_safe(run.document) or "runbook",
        "id": str(index),
        "timestamp": _timestamp(run.started_at),
        "hostname": xml_safe(run.host.strip()) or "localhost",
        "tests": str(len(steps)),
        "failures": str(sum(1 for r in steps if r.status is Status.FAIL)),
        "errors": str(sum(1 for r in steps if r.status is Status.ERROR)),
        "skipped": str(sum(1 for r in steps if r.status in (Status.SKIP, Status.MANUAL, Status.BLOCKED))),
        "time": _seconds(sum(r.duration_s for r in steps)),
    }


def _output_section(r: StepResult) -> str:
    """A step's output in the suite's ``system-out``, under a header line, ending in a newline."""
    text = r.output.text
    earlier = "".join(f" ({n})" for n in r.notes if n.startswith(FROM_NOTE))  # kept by --resume
    return f"===== {step_label(r)} [{r.status.value}]{earlier} =====\n" + (
        text if text.endswith("\n") or not text else text + "\n")


def to_junit(run: RunResult) -> str:
    """The JUnit XML document of a run (UTF-8 text with its XML declaration)."""
    return to_junit_many([run], prefix=False)


def to_junit_many(runs: list[RunResult], prefix: bool = True) -> str:
    """One JUnit XML document for several runs: a testsuite per document and phase (its name
    starts with the document when ``prefix``), ids counted over all of them."""
    root = ET.Element("testsuites")
    for run in runs:
        for phase, steps in _suites(run):
            suite = _suite(run, len(root), phase, steps)
            if prefix:
                suite.set("name", xml_safe(f"{run.document} · {suite.get('name')}"))
            root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suites(run: RunResult) -> list[tuple[PhaseResult, list[StepResult]]]:
    """Each phase with its steps (steps of a phase the run does not list go in "other steps")."""
    phase_ids = {p.id for p in run.phases}
    suites: list[tuple[PhaseResult, list[StepResult]]] = [
        (p, run.results_in(p.id)) for p in run.phases
    ]
    orphans = [r for r in run.steps if r.phase not in phase_ids]
    if orphans:
        # Steps whose phase is missing from run.phases still get reported, never dropped.
        status = Status.FAIL if any(r.status is Status.FAIL for r in orphans) else Status.PASS
        suites.append((PhaseResult(id="0", title="other steps", blocking=False, status=status), orphans))
    return suites
