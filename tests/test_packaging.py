"""Packaging as a user meets it: a built wheel in a fresh venv runs the quickstart, the schema ships."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
DOC_SCHEMA = ROOT / "docs" / "results.schema.json"


def _run(cmd: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_schema_shipped_in_the_package_is_the_documented_one() -> None:
    shipped = ROOT / "src" / "runbook" / "report" / "results.schema.json"
    assert shipped.read_bytes() == DOC_SCHEMA.read_bytes(), (
        "src/runbook/report/results.schema.json drifted from docs/results.schema.json: copy it over")
    res = _run([sys.executable, "-m", "runbook.report.schema"], ROOT)
    assert res.returncode == 0 and json.loads(res.stdout) == json.loads(DOC_SCHEMA.read_text())
    where = _run([sys.executable, "-m", "runbook.report.schema", "--path"], ROOT)
    assert where.returncode == 0 and Path(where.stdout.strip()).read_bytes() == DOC_SCHEMA.read_bytes()


def test_pre_commit_hooks_run_runbook_commands_that_exist() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) >= {"runbook-check", "runbook-update-check"}
    assert "runbook update --check" in hooks["runbook-update-check"]["entry"]


def test_github_action_runs_the_given_playbooks_and_uploads_the_report() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert {"playbooks", "python-version"} <= set(action["inputs"])
    steps = action["runs"]["steps"]
    text = json.dumps(steps)
    assert "runbook execute" in text and "GITHUB_STEP_SUMMARY" in text
    assert any(str(s.get("uses", "")).startswith("actions/upload-artifact@") for s in steps)


@pytest.mark.slow
def test_built_wheel_installs_in_a_fresh_venv_and_runs_the_quickstart(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    built = _run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(wheels)], tmp_path)
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("runbook_md-*.whl")
    venv = tmp_path / "venv"
    assert _run([sys.executable, "-m", "venv", str(venv)], tmp_path).returncode == 0
    installed = _run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(wheel)], tmp_path)
    assert installed.returncode == 0, installed.stderr
    where = _run([str(venv / "bin" / "python"), "-c", "import runbook; print(runbook.__file__)"], tmp_path)
    assert str(venv) in where.stdout, f"runbook was not imported from the wheel: {where.stdout}"
    doc = tmp_path / "quickstart.md"
    doc.write_bytes((ROOT / "examples" / "quickstart.md").read_bytes())
    run = _run([str(venv / "bin" / "runbook"), "execute", str(doc), "--json", "results.json"], tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["steps"] and all(s["status"] == "pass" for s in results["steps"])
    assert (tmp_path / "quickstart.annotated.md").is_file()
    schema = _run([str(venv / "bin" / "python"), "-m", "runbook.report.schema"], tmp_path)
    assert schema.returncode == 0 and json.loads(schema.stdout) == json.loads(DOC_SCHEMA.read_text())
