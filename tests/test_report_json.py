"""JSON results (spec §8): exact shape, lossless round trip, the published schema."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest
from report_fixtures import HOSTILE_BYTES, make_run

from runbook.errors import RunbookError
from runbook.model import Output, RunResult, Status
from runbook.report.json import from_dict, from_json, to_dict, to_json

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "docs" / "results.schema.json").read_text())
SPEC_TOP = ["runbook_version", "document", "started_at", "duration_s", "summary", "phases", "steps"]
SPEC_STEP = ["id", "phase", "title", "line", "status", "drift", "exit_code", "duration_s", "attempts",
             "output", "checks", "diff", "troubleshooting"]
EXTRA_STEP = {"reason", "notes", "output_bytes", "output_lines", "output_truncated_bytes"}


def validate(data: object) -> None:
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(data)


def test_schema_itself_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_keys_are_the_spec_keys_in_spec_order_plus_documented_extras() -> None:
    data = to_dict(make_run())
    assert [k for k in data if k in SPEC_TOP] == SPEC_TOP
    assert set(data) - set(SPEC_TOP) == {"host", "interrupted", "stopped_processes"}
    assert list(data["summary"]) == ["total", "pass", "fail", "error", "skip", "blocked", "manual", "drift"]
    assert data["summary"] == {"total": 6, "pass": 1, "fail": 1, "error": 1, "skip": 1,
                               "blocked": 1, "manual": 1, "drift": 1}
    assert data["phases"][0] == {"id": "A", "title": "Phase A — Startup", "blocking": True, "status": "fail"}
    for step in data["steps"]:
        assert [k for k in step if k in SPEC_STEP] == SPEC_STEP
        assert set(step) - set(SPEC_STEP) <= EXTRA_STEP
    a2 = data["steps"][1]
    assert a2["checks"][0] == {"clause": "output contains `services:`", "ok": False,
                               "detail": "not found in 3 lines", "manual": False}
    assert a2["troubleshooting"] == [{"symptom": "`no such file`", "cause": "wrong folder",
                                      "fix": "`cd` into the repo", "matched": "no such file", "line": 41}]
    assert a2["diff"].startswith("--- expected\n")
    assert data["steps"][3]["exit_code"] is None and data["steps"][3]["status"] == "blocked"


def test_output_is_whole_and_truncation_is_said() -> None:
    data = to_dict(make_run())
    by_id = {s["id"]: s for s in data["steps"]}
    assert by_id["A1"]["output"] == "Docker version 27.1.0, build e6534b4\n"
    assert "output_truncated_bytes" not in by_id["A1"]
    assert by_id["C-1"]["output_truncated_bytes"] == 5000
    assert by_id["C-1"]["output_bytes"] == 9000 and by_id["C-1"]["output_lines"] == 402


def test_statuses_stay_distinct() -> None:
    statuses = [s["status"] for s in to_dict(make_run())["steps"]]
    assert statuses == ["pass", "fail", "manual", "blocked", "error", "skip"]


@pytest.mark.parametrize("hostile", [True, False])
def test_round_trip_is_lossless(hostile: bool) -> None:
    run = make_run(hostile)
    assert from_dict(to_dict(run)) == run
    assert from_json(to_json(run)) == run


def test_stopped_processes_round_trip_and_bad_ones_are_refused() -> None:
    run = replace(make_run(), stopped_processes=("pid 12 (sleep 300)",))
    data = to_dict(run)
    assert data["stopped_processes"] == ["pid 12 (sleep 300)"]
    assert from_dict(data).stopped_processes == ("pid 12 (sleep 300)",)
    with pytest.raises(RunbookError, match="stopped_processes"):
        from_dict({**data, "stopped_processes": [12]})


def test_interrupted_run_round_trips() -> None:
    run = replace(make_run(), interrupted=True, duration_s=0.0)
    assert to_dict(run)["interrupted"] is True
    assert from_json(to_json(run)) == run


def test_text_is_indented_utf8_with_trailing_newline() -> None:
    text = to_json(make_run())
    assert text.endswith("}\n") and text.startswith('{\n  "runbook_version"')
    assert "Phase A — Startup" in text  # not \u2014
    json.loads(text)


def test_output_validates_against_published_schema() -> None:
    validate(to_dict(make_run()))
    validate(json.loads(to_json(make_run(hostile=False))))


def test_empty_run_validates() -> None:
    run = RunResult(document="x.md", runbook_version="0.1.0", started_at="2026-01-02T03:04:05.250Z",
                    duration_s=0, host="", phases=(), steps=())
    validate(to_dict(run))
    assert from_dict(to_dict(run)) == run


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["steps"][0].update(status="passed"), "status"),
        (lambda d: d["summary"].pop("drift"), "drift"),
        (lambda d: d["steps"][0].update(exit_code="0"), "exit_code"),
        (lambda d: d["steps"][0].update(unknown=1), "unknown"),
        (lambda d: d.update(started_at="yesterday"), "started_at"),
        (lambda d: d["steps"][0]["checks"][0].pop("ok"), "ok"),
    ],
)
def test_schema_rejects_wrong_shapes(mutate, message: str) -> None:
    data = to_dict(make_run())
    mutate(data)
    with pytest.raises(jsonschema.ValidationError) as info:
        validate(data)
    assert message in str(info.value)


def test_surrogates_from_undecodable_bytes_survive_json() -> None:
    run = make_run()
    text = to_json(run)  # must not raise on the lone surrogate of HOSTILE_BYTES
    assert HOSTILE_BYTES in from_json(text).steps[1].output.text


@pytest.mark.parametrize(
    "data, words",
    [
        ({}, "missing key 'phases'"),
        ({"phases": [], "steps": [{"id": "A1"}]}, "missing key 'steps[0].output'"),
        ([], "must be an object"),
    ],
)
def test_from_dict_names_what_is_wrong(data: object, words: str) -> None:
    with pytest.raises(RunbookError) as info:
        from_dict(data)  # type: ignore[arg-type]
    assert words in str(info.value)


def test_from_dict_rejects_unknown_status_and_bool_for_int() -> None:
    data = to_dict(make_run())
    data["steps"][0]["status"] = "ok"
    with pytest.raises(RunbookError, match="steps\\[0\\].status must be one of pass"):
        from_dict(data)
    data = to_dict(make_run())
    data["steps"][0]["attempts"] = True
    with pytest.raises(RunbookError, match="attempts"):
        from_dict(data)


def test_from_json_reports_bad_json_with_position() -> None:
    with pytest.raises(RunbookError) as info:
        from_json("{not json", where="results.json")
    assert "results.json" in str(info.value) and "line 1" in str(info.value)


def test_minimal_spec_example_reads_with_defaults() -> None:
    """The spec §8 example (no extra keys) is accepted and fills sensible defaults."""
    data = {
        "runbook_version": "0.1.0", "document": "docs/devops/field-trial.md",
        "started_at": "2026-11-26T10:00:00Z", "duration_s": 12.3,
        "summary": {"total": 1, "pass": 1, "fail": 0, "error": 0, "skip": 0, "blocked": 0, "manual": 0, "drift": 0},
        "phases": [{"id": "A", "title": "Phase A — Startup", "blocking": True, "status": "pass"}],
        "steps": [{"id": "A1", "phase": "A", "title": "A1. Check docker", "line": 12, "status": "pass",
                   "drift": False, "exit_code": 0, "duration_s": 0.41, "attempts": 1,
                   "output": "Docker version 28.2.2, build e6534b4\n",
                   "checks": [{"clause": "exit code is 0", "ok": True, "detail": ""}],
                   "diff": None, "troubleshooting": []}],
    }
    validate(data)
    run = from_dict(data)
    step = run.steps[0]
    assert step.status is Status.PASS and step.output == Output(
        "Docker version 28.2.2, build e6534b4\n", total_bytes=37, lines=1)
    assert run.host == "" and not run.interrupted


# --- each step written from its shape's template (jsontext.Prepared) ----------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from runbook.model import Check, Confirmation, StepResult, TroubleMatch, TroubleRow  # noqa: E402
from runbook.report.jsontext import dumps  # noqa: E402

_odd_text = st.one_of(st.text(max_size=12), st.sampled_from([HOSTILE_BYTES, "\x00", "\x01", "é✓", "\udcff", ""]))


@st.composite
def _step_results(draw: st.DrawFn) -> StepResult:
    confirmations = st.none() | st.builds(Confirmation, _odd_text, _odd_text, _odd_text, _odd_text)
    checks = st.lists(st.builds(Check, _odd_text, st.booleans(), _odd_text, st.booleans(), confirmations), max_size=3)
    rows = st.lists(st.builds(TroubleMatch, st.builds(TroubleRow, _odd_text, _odd_text, _odd_text,
                                                      st.integers(0, 99)), _odd_text), max_size=2)
    return StepResult(
        step_id=draw(_odd_text), status=draw(st.sampled_from(list(Status))), phase=draw(_odd_text),
        title=draw(_odd_text), line=draw(st.integers(0, 10**6)), drift=draw(st.booleans()),
        exit_code=draw(st.none() | st.integers(-255, 255)),
        duration_s=draw(st.floats(allow_nan=False) | st.just(0.0)), attempts=draw(st.integers(0, 5)),
        output=Output(draw(_odd_text), draw(st.integers(0, 99)), draw(st.integers(0, 9)), draw(st.sampled_from([0, 0, 7]))),
        checks=tuple(draw(checks)), diff=draw(st.none() | _odd_text), reason=draw(_odd_text),
        troubleshooting=tuple(draw(rows)), notes=tuple(draw(st.lists(_odd_text, max_size=2))))


@settings(max_examples=150, deadline=None)
@given(st.lists(_step_results(), max_size=6), st.sampled_from([(2, False), (1, True)]))
def test_steps_written_from_their_prepared_scalars_are_the_text_of_their_dicts(
        steps: list[StepResult], layout: tuple[int, bool]) -> None:
    # The JSON results (indent 2, UTF-8) and the state file (indent 1, ASCII) write each
    # step from a list of its scalars and its shape's template: a scalar out of order, a
    # shape key that misses a container's size, would write another step's text.
    run = replace(make_run(), steps=tuple(steps))
    indent, ascii_only = layout
    assert dumps(to_dict(run, lazy=True), indent, ascii_only, "\n") == \
        json.dumps(to_dict(run), indent=indent, ensure_ascii=ascii_only) + "\n"


def test_a_rich_run_is_written_from_templates_not_the_slow_way() -> None:
    # Otherwise the comparison above would pass with every step written from its dict.
    from runbook.report.json import _step_prepared
    from runbook.report.jsontext import _Writer

    writer = _Writer([], "  ", False)
    for r in make_run().steps:
        assert writer.prepared(_step_prepared(r), 2) == \
            json.dumps(to_dict(replace(make_run(), steps=(r,)))["steps"][0], indent=2,
                       ensure_ascii=False).replace("\n", "\n    ")
    assert all(t is not None for t in writer.shapes.values())


def test_a_prepared_item_whose_scalars_are_not_its_dicts_is_written_from_its_dict() -> None:
    # The template of a shape is checked against the dict it is made from: a list of
    # scalars that disagrees (a bug in a writer) falls back to the dict's own text.
    from runbook.report.jsontext import Items, Prepared

    item = Prepared("k", ["b", 1], lambda: {"x": "a", "n": 1})
    assert dumps({"s": Items(1, lambda i: item)}, 2) == json.dumps({"s": [{"x": "a", "n": 1}]}, indent=2)
