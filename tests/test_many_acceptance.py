"""Issue 14's acceptance, as a new user tries it: one folder of playbooks with a
`[tool.runbook]` run by `runbook execute docs/` and by `pytest --runbook docs/ -n 2` gives the
same verdict for every step, and the configured settings take effect in both."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

FENCE = "```"
#: runbook status -> the pytest outcome docs/pytest.md promises for it
PYTEST_OUTCOME = {"pass": "passed", "fail": "failed", "error": "failed", "skip": "skipped",
                  "blocked": "skipped", "manual": "xfailed"}


def _doc(title: str, steps: list[tuple[str, str]]) -> str:
    body = "".join(f"### A{n}. step {n}\n\n{FENCE}bash\n{cmd}\n{FENCE}\n\n{crit}\n\n"
                   for n, (cmd, crit) in enumerate(steps, 1))
    return f"# {title}\n\n## Phase A — Only\n<!-- runbook: blocking -->\n\n{body}## Phase B — Later\n\n" \
           f"### B1. after\n\n{FENCE}bash\necho later\n{FENCE}\n\nPASS if: exit code is 0.\n"


def _folder(root: Path) -> None:
    (root / ".git").mkdir()
    docs = root / "docs"
    (docs / "ops").mkdir(parents=True)
    (docs / "drafts").mkdir()
    (docs / "basics.md").write_text(_doc("Basics", [
        ("export GREETING=hello; echo $GREETING", "PASS if: output contains `hello`."),
        ('echo "still $GREETING"', "PASS if: output contains `still hello`."),
    ]))
    (docs / "ops" / "broken.md").write_text(_doc("Broken", [
        ("echo nope", "PASS if: output contains `yes`."),
        ("echo never judged", "PASS if: the dashboard looks right."),
    ]))
    # The configured timeout (1 s) stops this step; the front matter's 30 s lets the next pass.
    (docs / "ops" / "slow.md").write_text(_doc("Slow", [("sleep 3", "PASS if: exit code is 0.")]))
    (docs / "ops" / "patient.md").write_text("---\nrunbook:\n  timeout: 30\n---\n" + _doc("Patient", [
        ("sleep 2", "PASS if: exit code is 0."),
    ]))
    (docs / "ops" / "manual.md").write_text(_doc("Manual", [
        ("echo hi", "PASS if: a person agrees the output is friendly."),
    ]))
    (docs / "drafts" / "wip.md").write_text(_doc("Draft", [("false", "PASS if: exit code is 0.")]))
    (root / "pyproject.toml").write_text(
        '[project]\nname = "playbooks"\n\n[tool.runbook]\npaths = ["docs"]\nexclude = ["docs/drafts/"]\n'
        'timeout = "1s"\n')
    (root / "pytest.ini").write_text("[pytest]\n")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "RUNBOOK_"))}
    env["NO_COLOR"] = "1"
    return env


def _runbook_verdicts(root: Path) -> dict[str, str]:
    p = subprocess.run([sys.executable, "-m", "runbook", "execute", "--json", "r.json", "--no-annotate"],
                       cwd=root, env=_env(), capture_output=True, text=True, timeout=300)
    assert p.returncode == 1, p.stdout + p.stderr
    data = json.loads((root / "r.json").read_text())
    return {f"{Path(d['document']).relative_to(root).as_posix()}::{s['id']}": PYTEST_OUTCOME[s["status"]]
            for d in data["documents"] for s in d["steps"]}


def _pytest_verdicts(root: Path) -> dict[str, str]:
    p = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:hypothesispytest",
                        "--runbook", "docs", "-n", "2", "--dist", "loadfile", "--junitxml=out.xml", "-q"],
                       cwd=root, env=_env(), capture_output=True, text=True, timeout=300)
    assert p.returncode == 1, p.stdout + p.stderr
    out = {}
    for case in ET.parse(root / "out.xml").getroot().iter("testcase"):
        kinds = [c for c in case if c.tag in ("failure", "error", "skipped")]
        name = f"{case.get('classname')}::{case.get('name')}"
        if kinds and kinds[0].tag == "skipped":
            out[name] = "xfailed" if "xfail" in kinds[0].get("type", "") else "skipped"
        else:
            out[name] = "failed" if kinds else "passed"
    return out


def test_execute_on_a_folder_and_pytest_with_xdist_give_the_same_verdicts(tmp_path: Path) -> None:
    _folder(tmp_path)
    ours = _runbook_verdicts(tmp_path)
    theirs = _pytest_verdicts(tmp_path)
    assert not any("drafts" in k for k in ours), "the configured exclude must leave drafts out"
    assert ours["docs/basics.md::A2"] == "passed"  # one shell per document: A2 sees A1's variable
    assert ours["docs/ops/slow.md::A1"] == "failed"  # the configured 1 s timeout took effect
    assert ours["docs/ops/patient.md::A1"] == "passed"  # front matter's 30 s beats the config
    assert ours["docs/ops/broken.md::A1"] == "failed" and ours["docs/ops/broken.md::B1"] == "skipped"
    assert ours["docs/ops/manual.md::A1"] == "xfailed"
    # pytest names a file by its dotted path (docs.ops.slow.md) in JUnit's classname
    assert {k.replace("/", "."): v for k, v in ours.items()} == theirs
