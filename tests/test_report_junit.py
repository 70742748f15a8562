"""JUnit XML: valid against the Ant JUnit XSD, statuses mapped, hostile bytes survive."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
import xmlschema
from report_fixtures import HOSTILE_BYTES, XSS, make_run

from runbook.model import Output, PhaseResult, RunResult, Status, StepResult
from runbook.report.junit import to_junit

XSD = Path(__file__).resolve().parent / "data" / "JUnit.xsd"


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(XSD))


def cases(xml: str) -> dict[str, ET.Element]:
    root = ET.fromstring(xml.encode("utf-8"))
    return {c.get("name", ""): c for c in root.iter("testcase")}


def test_valid_against_ant_junit_xsd(schema: xmlschema.XMLSchema) -> None:
    schema.validate(to_junit(make_run()))
    schema.validate(to_junit(make_run(hostile=False)))


def test_one_suite_per_phase_one_case_per_step() -> None:
    root = ET.fromstring(to_junit(make_run()).encode("utf-8"))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["Phase A — Startup", "Phase B — Data", "Phase C — Cleanup"]
    assert [s.get("id") for s in suites] == ["0", "1", "2"]
    assert [(s.get("tests"), s.get("failures"), s.get("errors"), s.get("skipped")) for s in suites] == [
        ("3", "1", "0", "1"), ("1", "0", "0", "1"), ("2", "0", "1", "1")]
    a = suites[0]
    assert a.get("timestamp") == "2026-11-26T10:00:00" and a.get("hostname") == "ci-runner-7"
    assert a.get("time") == "0.480"
    assert [c.get("classname") for c in a.iter("testcase")] == ["A", "A", "A"]
    props = {p.get("name"): p.get("value") for p in a.find("properties")}  # type: ignore[union-attr]
    assert props["blocking"] == "true" and props["phase_status"] == "fail"


def test_statuses_map_to_junit_elements() -> None:
    by_name = cases(to_junit(make_run(hostile=False)))
    a1, a2 = by_name["A1. Check docker"], by_name["A2. Compose file"]
    assert list(a1) == [] and a1.get("time") == "0.410"
    failure = a2.find("failure")
    assert failure is not None and failure.get("type") == "fail"
    assert failure.get("message") == "output does not contain `services:` plain"
    body = failure.text or ""
    assert "-  healthcheck:" in body and "+  web:" in body  # the diff
    assert "cat: compose.yaml: no such file" in body  # the output tail
    assert "fix: `cd` into the repo" in body
    manual = by_name["A3. Health <script>document.title='PWNED';window.__pwned=1</script>"].find("skipped")
    assert manual is not None
    assert manual.get("message") == "manual: criterion needs a person: the dashboard looks right plain"
    blocked = by_name["B1. Load"].find("skipped")
    assert blocked is not None and blocked.get("message") == "blocked by phase A"
    error = by_name["C-1 Phase C — Cleanup"].find("error")
    assert error is not None and error.get("message") == "timed out after 5 s" and error.get("type") == "error"
    assert "line 399" in (error.text or "") and "line 10\n" not in (error.text or "")  # tail only
    skip = by_name["C-2 Phase C — Cleanup"].find("skipped")
    assert skip is not None and skip.get("message") == "skip: powershell step: not run on Linux"


def test_blocked_reason_is_derived_when_runner_gave_none() -> None:
    run = make_run(hostile=False)
    steps = tuple(replace(r, reason="") if r.status is Status.BLOCKED else r for r in run.steps)
    blocked = cases(to_junit(replace(run, steps=steps)))["B1. Load"].find("skipped")
    assert blocked is not None and blocked.get("message") == "blocked by phase A"


def test_outputs_go_to_suite_system_out() -> None:
    root = ET.fromstring(to_junit(make_run(hostile=False)).encode("utf-8"))
    out = root.findall("testsuite")[2].findtext("system-out") or ""
    assert out.startswith("===== C-1 Phase C — Cleanup [error] =====\nline 0\n")
    assert "===== C-2 Phase C — Cleanup [skip] =====" in out


def test_hostile_bytes_survive_as_valid_xml(schema: xmlschema.XMLSchema) -> None:
    xml = to_junit(make_run())
    schema.validate(xml)
    assert "\x00" not in xml and "\x07" not in xml and "\x1b" not in xml
    root = ET.fromstring(xml.encode("utf-8"))
    failure = cases(xml)["A2. Compose file"].find("failure")
    assert failure is not None
    text = failure.text or ""
    assert XSS in text  # escaped on the way in, the same text on the way out
    assert "nul:\\x00 bell:\\x07 esc:\\x1b[31m vt:\\x0b ff:\\x0c surrogate:\\udcff end & < > ]]>" in text
    assert XSS in (failure.get("message") or "")
    assert root.find(".//script") is None and root.find(".//img") is None
    assert HOSTILE_BYTES not in xml


def test_odd_values_still_valid(schema: xmlschema.XMLSchema) -> None:
    run = RunResult(
        document="", runbook_version="0.1.0", started_at="not a date", duration_s=float("nan"),
        host="  ", phases=(PhaseResult("1", "", False, Status.PASS),),
        steps=(
            StepResult("1", Status.PASS, phase="1", duration_s=-1.0),
            StepResult("x\x01y", Status.FAIL, phase="ghost", output=Output("\x00")),
        ),
    )
    xml = to_junit(run)
    schema.validate(xml)
    root = ET.fromstring(xml.encode("utf-8"))
    suites = root.findall("testsuite")
    assert len(suites) == 2  # the step of an unknown phase is reported, not dropped
    assert suites[0].get("hostname") == "localhost"
    assert suites[1].find("testcase").get("name") == "x\\x01y"  # type: ignore[union-attr]


def test_no_phases_gives_valid_empty_report(schema: xmlschema.XMLSchema) -> None:
    run = RunResult(document="d.md", runbook_version="0.1.0", started_at="2026-11-26T10:00:00Z",
                    duration_s=0.0, host="h", phases=(), steps=())
    xml = to_junit(run)
    schema.validate(xml)
    assert ET.fromstring(xml.encode("utf-8")).findall("testsuite") == []
