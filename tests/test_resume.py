"""``--resume``: a long trial fails in phase C, is fixed and goes on from there, through the
real CLI on a real bash: passed steps kept, cwd and exported variables rebuilt, secrets
re-derived (never stored), background services started again, changed steps re-run."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli

TOKEN = "tok-9f8e7d6c5b4a"

TRIAL = f"""# Field trial

## Phase A: prepare

```bash
export TRIAL_NAME="field trial"
mkdir -p work && cd work
```

```bash
export DEPLOY_TOKEN={TOKEN}
```

## Phase B: service

```bash background ready="kill -0 $(cat svc.pid 2>/dev/null) 2>/dev/null"
echo $$ > svc.pid; exec sleep 300
```

```bash
echo built > build.txt
```

## Phase C: check

```bash
test -f ../fixed.flag
echo "$TRIAL_NAME in $(basename "$PWD") token=${{DEPLOY_TOKEN:+set}}"
kill -0 "$(cat svc.pid)" && echo service up
```

PASS if: output contains `field trial in work token=set` and output contains `service up`
"""


def _execute(doc: Path, *args: str) -> tuple[int, dict, str]:
    res = CliRunner().invoke(cli, ["execute", str(doc), "--json", str(doc.with_suffix(".json")),
                                   "--no-color", "--timeout", "30", *args])
    data = json.loads(doc.with_suffix(".json").read_text()) if doc.with_suffix(".json").exists() else {}
    return res.exit_code, data, res.output


def _by_id(data: dict) -> dict[str, dict]:
    return {s["id"]: s for s in data["steps"]}


def _fail_then_fix(write_doc) -> tuple[Path, dict]:
    doc = write_doc(TRIAL, "trial.md")
    code, first, out = _execute(doc)
    assert code == 1, out
    assert _by_id(first)["C-1"]["status"] == "fail"
    (doc.parent / "fixed.flag").write_text("")
    return doc, first


def test_a_trial_failing_in_phase_c_resumes_to_a_pass_with_phase_a_variables(write_doc):
    doc, first = _fail_then_fix(write_doc)
    code, data, out = _execute(doc, "--resume")
    assert code == 0, out
    steps = _by_id(data)
    assert steps["C-1"]["status"] == "pass"
    assert "field trial in work token=set" in steps["C-1"]["output"]
    assert "service up" in steps["C-1"]["output"]
    kept_note = "from the run at " + first["started_at"]
    assert kept_note in steps["A-1"]["notes"] and kept_note in steps["B-2"]["notes"]
    assert kept_note in out  # the terminal says so too
    junit = CliRunner().invoke(cli, ["report", str(doc.with_suffix(".json")), "--junit", str(doc.with_suffix(".xml"))])
    assert junit.exit_code == 0, junit.output
    assert f"[pass] ({kept_note})" in doc.with_suffix(".xml").read_text()
    assert kept_note in doc.with_name("trial.annotated.md").read_text()
    assert not any(n.startswith("from the run at") for n in steps["C-1"]["notes"])


def test_a_secret_is_re_derived_by_running_its_step_again_never_stored(write_doc):
    doc, _ = _fail_then_fix(write_doc)
    code, data, out = _execute(doc, "--resume")
    assert code == 0, out
    assert "re-derive secret variables" in out and "A-2" in out
    assert not any(n.startswith("from the run at") for n in _by_id(data)["A-2"]["notes"])
    states = list(doc.parent.glob("*.runbook-state.json"))
    assert len(states) == 2  # beside the annotated document and beside the JSON
    for state in states:
        assert TOKEN not in state.read_text()
        assert stat.S_IMODE(state.stat().st_mode) == 0o600


def test_the_background_service_of_an_earlier_phase_is_started_again(write_doc):
    doc, first = _fail_then_fix(write_doc)
    code, data, out = _execute(doc, "--resume")
    assert code == 0, out
    bg = _by_id(data)["B-1"]
    assert bg["status"] == "pass" and "started in the background" in " ".join(bg["notes"])
    assert not any(n.startswith("from the run at") for n in bg["notes"])


def test_a_step_changed_since_the_run_is_named_and_run_again(write_doc):
    doc, first = _fail_then_fix(write_doc)
    doc.write_text(TRIAL.replace("echo built > build.txt", "echo rebuilt > build.txt"))
    code, data, out = _execute(doc, "--resume")
    assert code == 0, out
    assert "changed since that run, run again: B-2" in out
    steps = _by_id(data)
    assert not any(n.startswith("from the run at") for n in steps["B-2"]["notes"])
    assert any(n.startswith("from the run at") for n in steps["A-1"]["notes"])
    assert (doc.parent / "work" / "build.txt").read_text() == "rebuilt\n"


def test_resume_from_a_results_file_and_from_a_later_step(write_doc):
    doc, first = _fail_then_fix(write_doc)
    results = doc.parent / "first.json"
    results.write_text(doc.with_suffix(".json").read_text())
    os.replace(doc.parent / "trial.runbook-state.json", doc.parent / "first.runbook-state.json")
    code, data, out = _execute(doc, "--resume", str(results), "--from", "B-2")
    assert code == 0, out
    steps = _by_id(data)
    assert [s["id"] for s in data["steps"]] == ["A-1", "A-2", "B-1", "B-2", "C-1"]
    assert "running from step B-2" in out
    assert any(n.startswith("from the run at") for n in steps["A-1"]["notes"])
    assert not any(n.startswith("from the run at") for n in steps["B-2"]["notes"])
    assert steps["C-1"]["status"] == "pass"


def test_resume_without_an_earlier_run_is_a_clear_error(write_doc):
    doc = write_doc(TRIAL, "fresh.md")
    res = CliRunner().invoke(cli, ["execute", str(doc), "--resume", "--no-color"])
    assert res.exit_code == 2
    assert "nothing to resume" in res.output and "fresh.annotated.runbook-state.json" in res.output
    assert "Traceback" not in res.output


def test_a_secret_whose_step_was_removed_is_reported_as_not_rebuilt(write_doc):
    doc, _ = _fail_then_fix(write_doc)
    doc.write_text(TRIAL.replace(f"```bash\nexport DEPLOY_TOKEN={TOKEN}\n```\n", ""))
    code, data, out = _execute(doc, "--resume")
    assert "cannot be rebuilt" in out and "DEPLOY_TOKEN" in out
    assert code == 1  # phase C needs the token: the honest verdict is a failure
    assert _by_id(data)["C-1"]["status"] == "fail"


@pytest.mark.parametrize("shell", ["dash", "zsh -f"])
def test_resume_rebuilds_cwd_and_exports_in_posix_shells_too(write_doc, shell):
    doc = write_doc("""# Posix trial

## Phase A

```bash
export STAGE_NAME='multi word
value'
mkdir -p deep/er && cd deep/er
```

## Phase B

```bash
test -f ../../fixed.flag && printf '%s|%s\\n' "$STAGE_NAME" "$(pwd)"
```
""", "posix.md")
    code, _, out = _execute(doc, "--shell", shell)
    assert code == 1, out
    (doc.parent / "fixed.flag").write_text("")
    code, data, out = _execute(doc, "--shell", shell, "--resume")
    assert code == 0, out
    assert f"multi word\nvalue|{doc.parent / 'deep' / 'er'}" in _by_id(data)["B-1"]["output"]
    assert any(n.startswith("from the run at") for n in _by_id(data)["A-1"]["notes"])


def test_resuming_with_the_results_of_another_document_is_refused(write_doc):
    doc, _ = _fail_then_fix(write_doc)
    other = write_doc(TRIAL, "other.md")
    res = CliRunner().invoke(cli, ["execute", str(other), "--resume", str(doc.with_suffix(".json"))])
    assert res.exit_code == 2 and "these results are of" in res.output and "Traceback" not in res.output
