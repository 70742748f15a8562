"""The offline examples run through the real CLI and pass / skip as designed (the document is the test)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
CLI = [sys.executable, "-m", "runbook"]
OFFLINE = ["quickstart.md", "service-field-trial.md", "transcript-tutorial.md", "incident-runbook.md"]


def run(doc: Path, tmp: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    """``runbook execute`` as a user runs it; every artefact goes to ``tmp``."""
    out = tmp / doc.with_suffix("").name
    proc = subprocess.run(
        [*CLI, "execute", str(doc), "--no-color", "-o", f"{out}.annotated.md", "--json", f"{out}.json",
         "--junit", f"{out}.junit.xml", "--html", f"{out}.html", *extra],
        capture_output=True, text=True, timeout=120, cwd=ROOT)
    data = json.loads(Path(f"{out}.json").read_text()) if Path(f"{out}.json").exists() else {}
    return proc, data


def processes_marked(marker: str) -> list[str]:
    """Live processes whose environment holds ``RUN_MARKER=<marker>`` (given to the run with --env)."""
    found = []
    needle = f"RUN_MARKER={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if needle in environ.split(b"\0") and "notes_service.py" in cmd:
            found.append(f"{entry.name}: {cmd}")
    return found


def no_service_left(marker: str) -> list[str]:
    deadline = time.monotonic() + 5
    while processes_marked(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    return processes_marked(marker)


@pytest.mark.parametrize("name", OFFLINE)
def test_offline_example_passes(name: str, tmp_path: Path) -> None:
    doc = EXAMPLES / name
    before = doc.read_bytes()
    proc, data = run(doc, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    s = data["summary"]
    assert s["total"] > 0 and s["pass"] == s["total"], s
    assert s["drift"] == 0, [st["id"] for st in data["steps"] if st["drift"]]
    assert doc.read_bytes() == before


def test_service_trial_masks_the_token_and_leaves_no_process(tmp_path: Path) -> None:
    token = "tok-" + os.urandom(8).hex()
    marker = os.urandom(8).hex()
    proc, data = run(EXAMPLES / "service-field-trial.md", tmp_path, "--phase", "C", "--env", f"RUN_MARKER={marker}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    steps = {s["id"]: s for s in data["steps"]}
    assert steps["C6"]["output"].strip() == "> Authorization: Bearer ••••"
    assert {s["phase"] for s in data["steps"]} == {"A", "C", "teardown"}
    assert steps["A2"]["output"].startswith("notes: listening on http://127.0.0.1:")
    # A token given from outside (--env) is masked too, in every artefact and in the terminal.
    proc, data = run(EXAMPLES / "service-field-trial.md", tmp_path, "--phase", "B", "-v",
                     "--env", f"API_TOKEN={token}", "--env", f"RUN_MARKER={marker}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert token not in proc.stdout + proc.stderr
    for artefact in tmp_path.iterdir():
        assert token.encode() not in artefact.read_bytes(), artefact.name
    assert no_service_left(marker) == []


def test_service_trial_blocks_everything_when_the_service_cannot_start(tmp_path: Path) -> None:
    copy = tmp_path / "trial"
    shutil.copytree(EXAMPLES / "service", copy / "service")
    text = (EXAMPLES / "service-field-trial.md").read_text(encoding="utf-8")
    # The service refuses to start without its token: the ready check never succeeds.
    broken = text.replace("\npython3 service/notes_service.py\n", "\nAPI_TOKEN= python3 service/notes_service.py\n")
    assert broken != text
    (copy / "trial.md").write_text(broken.replace("timeout=15 -->", "timeout=2 -->"), encoding="utf-8")
    marker = os.urandom(8).hex()
    proc, data = run(copy / "trial.md", tmp_path, "--env", f"RUN_MARKER={marker}")
    assert proc.returncode == 1
    steps = {s["id"]: s for s in data["steps"]}
    assert "API_TOKEN is not set" in steps["A2"]["output"]
    assert steps["A2"]["status"] == "fail"
    assert {s["status"] for s in data["steps"] if s["phase"] in "BCDEF"} == {"blocked"}
    assert steps["teardown-1"]["status"] == "pass"
    assert no_service_left(marker) == []


def test_runbook_stops_the_service_even_without_the_teardown_step(tmp_path: Path) -> None:
    copy = tmp_path / "trial"
    shutil.copytree(EXAMPLES / "service", copy / "service")
    text = (EXAMPLES / "service-field-trial.md").read_text(encoding="utf-8")
    without = text[:text.index("## Teardown")] + text[text.index("## Troubleshooting"):]
    (copy / "trial.md").write_text(without, encoding="utf-8")
    marker = os.urandom(8).hex()
    proc, data = run(copy / "trial.md", tmp_path, "--phase", "A", "--env", f"RUN_MARKER={marker}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert [s["id"] for s in data["steps"]] == ["A1", "A2", "A3"]
    assert no_service_left(marker) == []


def test_incident_runbook_shows_matching_troubleshooting_rows_when_broken(tmp_path: Path) -> None:
    text = (EXAMPLES / "incident-runbook.md").read_text(encoding="utf-8")
    healthy = "2024-05-02T10:21:12Z INFO  POST /checkout 200 in 184 ms\n"
    assert healthy in text
    broken = text.replace(healthy, healthy + "2024-05-02T10:21:30Z ERROR write /var/lib/checkout/session.db: "
                                             "No space left on device\n")
    doc = tmp_path / "incident-broken.md"
    doc.write_text(broken, encoding="utf-8")
    proc, data = run(doc, tmp_path)
    assert proc.returncode == 1
    failed = [s for s in data["steps"] if s["status"] != "pass"]
    assert [s["id"] for s in failed] == ["2.2"]
    rows = [r["symptom"] for r in failed[0]["troubleshooting"]]
    assert "`No space left on device`" in rows and "`db pool exhausted`" in rows
    assert "`FATAL`" not in rows
    annotated = (tmp_path / "incident-broken.annotated.md").read_text(encoding="utf-8")
    assert "rotate or delete old logs" in annotated.split("## Troubleshooting")[0]
    assert "No space left on device" in proc.stdout


def test_troubleshooting_tables_are_big_enough() -> None:
    for path, rows in ((EXAMPLES / "incident-runbook.md", 6), (ROOT / "docs/devops/field-trial.md", 9)):
        table = path.read_text(encoding="utf-8").split("| Symptom | Cause | Fix |")[1]
        body = [ln for ln in table.splitlines()[2:] if ln.startswith("|")]
        assert len(body) >= rows, path


def _docker_engine() -> bool:
    if not shutil.which("docker"):
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0
    except subprocess.TimeoutExpired:
        return False


def test_compose_trial_skips_cleanly_without_a_docker_engine(tmp_path: Path) -> None:
    if _docker_engine():
        pytest.skip("a Docker engine is running: the compose trial would pull images (not offline)")
    proc, data = run(EXAMPLES / "compose-field-trial.md", tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert data["summary"]["total"] == data["summary"]["skip"] > 0
    assert all("docker" in s["reason"] for s in data["steps"]), [s["reason"] for s in data["steps"]]


def test_compose_trial_has_the_six_phases() -> None:
    proc = subprocess.run([*CLI, "list", str(EXAMPLES / "compose-field-trial.md")], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "16 of 16 steps would run" in proc.stdout
    for phase in "ABCDEF":
        assert f"phase {phase}: Phase {phase}" in proc.stdout
    check = subprocess.run([*CLI, "check", str(EXAMPLES / "compose-field-trial.md")], capture_output=True,
                           text=True, timeout=60)
    assert check.returncode == 0, check.stdout


def _expected_verdicts(doc: Path) -> dict[str, str]:
    """Step id -> the verdict its heading announces (``(expected: fail)``), ``pass`` otherwise."""
    import re

    found = {}
    for m in re.finditer(r"^### (\w+)\. .*?(?:\(expected: (\w+)\))?$", doc.read_text(encoding="utf-8"), re.M):
        found[m.group(1)] = m.group(2) or "pass"
    return found


def test_field_trial_v2_every_step_ends_as_its_heading_says(tmp_path: Path) -> None:
    doc = EXAMPLES / "field-trial-v2.md"
    wanted = _expected_verdicts(doc)
    assert {"fail", "manual", "pass"} <= set(wanted.values()) and len(wanted) >= 15
    proc, data = run(doc, tmp_path)
    got = {s["id"]: s["status"] for s in data["steps"] if s["id"] in wanted}
    assert proc.returncode == 1 and got == wanted, proc.stdout + proc.stderr
    steps = {s["id"]: s for s in data["steps"]}
    # every v2 clause says what it found, passing or not
    assert "HTTP status was 503" in steps["B4"]["checks"][0]["detail"]
    assert steps["C2"]["checks"][0]["detail"] == "p95 was 48 ms, expected under 20 ms"
    assert "row worker-5c6d7-xyz: STATUS CrashLoopBackOff" in steps["D2"]["checks"][0]["detail"]
    assert steps["A3"]["checks"][0]["detail"].startswith("HTTP status was 200")
    assert steps["C4"]["attempts"] >= 3 and steps["C5"]["attempts"] == 3
    junit = (tmp_path / "field-trial-v2.junit.xml").read_text(encoding="utf-8")
    html = (tmp_path / "field-trial-v2.html").read_text(encoding="utf-8")
    annotated = (tmp_path / "field-trial-v2.annotated.md").read_text(encoding="utf-8")
    for report in (junit, html, annotated, proc.stdout):  # what a passing v2 clause found, in every report
        assert "p95 was 48 ms" in report and "3 of 3 rows with STATE" in report
    check = subprocess.run([*CLI, "check", str(doc)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout


def test_field_trial_v2_a_person_confirms_the_portal(tmp_path: Path) -> None:
    proc, data = run(EXAMPLES / "field-trial-v2.md", tmp_path, "--phase", "E",
                     "--verdict", "E1=pass:four panels", "--by", "alice")
    steps = {s["id"]: s for s in data["steps"]}
    assert proc.returncode == 0 and steps["E1"]["status"] == "pass", proc.stdout + proc.stderr
    assert steps["E1"]["checks"][-1]["confirmed"]["by"] == "alice"
    assert "confirmed by a person: alice" in (tmp_path / "field-trial-v2.annotated.md").read_text(encoding="utf-8")
