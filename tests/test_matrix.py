"""``--target NAME=SHELL`` (and front matter ``targets:``): one playbook on local bash, dash,
zsh and sshd on loopback, each its own session, in parallel, reported side by side."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner
from test_targets import DOC, sshd  # noqa: F401  (the loopback sshd fixture)

from runbook.cli import cli


def _matrix(doc: Path, *args: str) -> tuple[int, str, Path]:
    out = doc.parent
    res = CliRunner().invoke(cli, ["execute", str(doc), "--json", str(out / "m.json"), "--junit",
                                   str(out / "m.xml"), "--html", str(out / "m.html"), "--no-color",
                                   "--timeout", "30", *args])
    return res.exit_code, res.output, out


def test_one_playbook_on_bash_dash_zsh_and_ssh_side_by_side(write_doc, sshd):  # noqa: F811
    doc = write_doc(DOC)
    code, output, out = _matrix(doc, "--target", "bash=bash", "--target", "dash=dash", "--target", "zsh=zsh -f",
                                "--target", f"ssh={sshd} bash --norc --noprofile")
    assert code == 0, output
    data = json.loads((out / "m.json").read_text())
    assert list(data["targets"]) == ["bash", "dash", "zsh", "ssh"]
    for name, run in data["targets"].items():
        assert [s["status"] for s in run["steps"]] == ["pass"] * 4, (name, run["steps"])
        assert "kept-value in /tmp" in run["steps"][1]["output"]
    header = next(line for line in output.splitlines() if "bash" in line and "zsh" in line and "step" in line)
    assert header.index("bash") < header.index("dash") < header.index("zsh") < header.index("ssh")
    html = (out / "m.html").read_text()
    assert all(f"<th>{n}</th>" in html for n in ("bash", "dash", "zsh", "ssh"))


def test_junit_has_one_suite_per_target_and_phase(write_doc):
    doc = write_doc(DOC.replace("### S3.", "## Phase B\n\n### S3."))
    code, output, out = _matrix(doc, "--target", "bash=bash", "--target", "dash=dash")
    assert code == 0, output
    suites = [s.get("name") for s in ET.parse(out / "m.xml").getroot()]
    assert len(suites) == 4 and sum(n.startswith("bash · ") for n in suites) == 2
    assert sum(n.startswith("dash · ") for n in suites) == 2


def test_targets_run_at_the_same_time_up_to_jobs(write_doc, tmp_path: Path):
    """Each target marks its arrival then waits for the other's mark: only targets that
    really run in parallel can both pass (one at a time, the first one would time out)."""
    doc = write_doc(f"""# Rendezvous

```bash timeout=25
touch {tmp_path}/arrived-$RB_TARGET
for i in $(seq 200); do [ $(ls {tmp_path} | grep -c '^arrived-') -ge 2 ] && break; sleep 0.1; done
ls {tmp_path} | grep -c '^arrived-'
```

PASS if: output contains `2`
""")
    code, output, out = _matrix(doc, "--jobs", "2", "--target", "one=env RB_TARGET=one bash",
                                "--target", "two=env RB_TARGET=two bash")
    assert code == 0, output
    data = json.loads((out / "m.json").read_text())
    assert {n: r["steps"][0]["status"] for n, r in data["targets"].items()} == {"one": "pass", "two": "pass"}


def test_a_failing_target_fails_the_matrix_and_shows_in_its_column(write_doc):
    doc = write_doc("""---
runbook:
  targets:
    good: bash
    bad: env BROKEN=1 bash
---
# Fleet

```bash
test -z "$BROKEN"
```
""")
    code, output, out = _matrix(doc)
    assert code == 1, output
    data = json.loads((out / "m.json").read_text())
    assert data["targets"]["good"]["steps"][0]["status"] == "pass"
    assert data["targets"]["bad"]["steps"][0]["status"] == "fail"
    assert "[bad] FAIL" in output
    assert not (doc.parent / "doc.annotated.md").exists()  # one document cannot hold two verdicts


def test_a_bad_target_is_a_usage_error_before_anything_runs(write_doc):
    doc = write_doc(DOC)
    res = CliRunner().invoke(cli, ["execute", str(doc), "--target", "nocommand"])
    assert res.exit_code == 2 and "expected NAME=SHELL_COMMAND" in res.output
    res = CliRunner().invoke(cli, ["execute", str(doc), "--target", "x=no-such-shell-here"])
    assert res.exit_code == 2 and "not found" in res.output and "Traceback" not in res.output


def test_ctrl_c_stops_every_target_and_leaves_nothing_running(write_doc, runbook_exe, tmp_path: Path):
    import signal
    import subprocess
    import time

    doc = write_doc(f"""# Long

```bash timeout=120
touch {tmp_path}/started-$RB_TARGET; sleep 93.7 && echo done-$RB_TARGET
```

```bash
echo later
```
""")
    proc = subprocess.Popen([*runbook_exe, "execute", str(doc), "--json", str(tmp_path / "m.json"), "--no-color",
                             "--target", "one=env RB_TARGET=one bash", "--target", "two=env RB_TARGET=two bash"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path)
    deadline = time.monotonic() + 30
    while len(list(tmp_path.glob("started-*"))) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert len(list(tmp_path.glob("started-*"))) == 2, "the targets never started"
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("runbook did not stop after Ctrl-C") from None
    assert proc.returncode == 130, out.decode()
    data = json.loads((tmp_path / "m.json").read_text())
    for name in ("one", "two"):
        assert [s["status"] for s in data["targets"][name]["steps"]] == ["error", "skip"]
    left = subprocess.run(["pgrep", "-f", "sleep 93.7"], capture_output=True, text=True).stdout.split()
    assert left == [], f"left running: {left}"
