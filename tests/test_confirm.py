"""A person in the loop (issue 15): --confirm on a real terminal (pexpect driving the runbook
CLI on a pty), --verdict / --verdicts through the CLI, --step-by-step, and what every report
records: a person's verdict counts like a check but is always shown as a person's."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pexpect
from click.testing import CliRunner

from runbook.cli import cli

FENCE = "```"
DOC = f"""# Portal trial

## 1. Open the portal

{FENCE}bash
echo "dashboard: 4 panels"
{FENCE}

PASS if: the dashboard shows all panels.

## 2. Look at the logo

{FENCE}bash confirm
echo "logo served"
{FENCE}

PASS if: output contains `logo`.

## 3. Health

{FENCE}bash
printf 'HTTP/1.1 200 OK\\nContent-Type: application/json\\n\\n{{"status": "ok"}}\\n'
{FENCE}

PASS if: HTTP status is 200 and JSON .status is "ok".
"""


def _doc(tmp_path: Path, text: str = DOC) -> Path:
    path = tmp_path / "trial.md"
    path.write_text(text, encoding="utf-8")
    return path


def _execute(doc: Path, *extra: str) -> tuple[int, dict, str]:
    out_json = doc.with_suffix(".json")
    res = CliRunner().invoke(cli, ["execute", str(doc), "--json", str(out_json), "--no-color", *extra],
                             catch_exceptions=False)
    data = json.loads(out_json.read_text()) if out_json.exists() else {}
    return res.exit_code, data, res.output


def _steps(data: dict) -> dict[str, dict]:
    return {s["id"]: s for s in data["steps"]}


def test_without_a_person_manual_and_confirm_steps_stay_manual(tmp_path: Path) -> None:
    code, data, _ = _execute(_doc(tmp_path), "--no-annotate")
    steps = _steps(data)
    assert code == 1 and [steps[i]["status"] for i in "123"] == ["manual", "manual", "pass"]
    assert steps["2"]["checks"][-1]["manual"] is True  # `confirm`: runbook's checks passed, a person has not


def test_verdicts_on_the_command_line_count_and_say_who(tmp_path: Path) -> None:
    doc = _doc(tmp_path)
    code, data, text = _execute(doc, "--verdict", "1=pass:all four panels", "--verdict", "2=pass", "--by", "alice",
                                "-o", str(tmp_path / "out.md"), "--junit", str(tmp_path / "r.xml"),
                                "--html", str(tmp_path / "r.html"), "--summary", str(tmp_path / "sum.md"))
    steps = _steps(data)
    assert code == 0 and data["summary"]["pass"] == 3 and data["summary"]["manual"] == 0
    [check] = steps["1"]["checks"]
    assert check["ok"] and not check["manual"]
    assert check["confirmed"]["by"] == "alice" and check["confirmed"]["answer"] == "pass"
    assert check["confirmed"]["note"] == "all four panels" and check["confirmed"]["at"].endswith("Z")
    assert "confirmed by a person: alice" in check["detail"]
    for report in ("out.md", "r.html", "sum.md"):
        assert "confirmed by a person: alice answered pass" in (tmp_path / report).read_text(encoding="utf-8")
    assert "confirmed by a person: alice" in text
    props = {p.get("name"): p.get("value") for p in ET.parse(tmp_path / "r.xml").iter("property")}
    assert props["step.1.confirmed_by"] == "alice" and props["step.1.confirmed_answer"] == "pass"
    assert props["step.1.confirmed_note"] == "all four panels"
    import xmlschema

    xmlschema.XMLSchema(str(Path(__file__).parent / "data" / "JUnit.xsd")).validate(str(tmp_path / "r.xml"))


def test_a_person_s_verdict_survives_the_json_round_trip(tmp_path: Path) -> None:
    from runbook.report.json import from_json, to_dict

    doc = _doc(tmp_path)
    _execute(doc, "--no-annotate", "--verdict", "1=pass:ok by eye", "--by", "erin")
    text = doc.with_suffix(".json").read_text()
    run = from_json(text)
    assert to_dict(run) == json.loads(text)
    assert run.steps[0].checks[0].confirmed is not None and run.steps[0].checks[0].confirmed.by == "erin"


def test_a_failing_verdict_fails_the_step_and_the_run(tmp_path: Path) -> None:
    code, data, _ = _execute(_doc(tmp_path), "--no-annotate", "--verdict", "1=pass", "--verdict", "2=fail:blurry",
                             "--by", "bob")
    steps = _steps(data)
    assert code == 1 and steps["2"]["status"] == "fail" and "blurry" in steps["2"]["reason"]


def test_skip_leaves_the_step_manual_with_a_note(tmp_path: Path) -> None:
    code, data, _ = _execute(_doc(tmp_path), "--no-annotate", "--verdict", "1=skip:not today", "--by", "bob")
    step = _steps(data)["1"]
    assert step["status"] == "manual" and any("not today" in n for n in step["notes"])


def test_a_person_never_overrides_a_check_runbook_made(tmp_path: Path) -> None:
    doc = _doc(tmp_path, f"# t\n\n## 1. a\n\n{FENCE}bash\necho nope\n{FENCE}\n\n"
                         "PASS if: output contains `ready` and the page looks right.\n")
    code, data, _ = _execute(doc, "--no-annotate", "--verdict", "1=pass")
    assert code == 1 and _steps(data)["1"]["status"] == "fail"


def test_verdicts_file(tmp_path: Path) -> None:
    vfile = tmp_path / "verdicts.txt"
    vfile.write_text("# trial of 1 Dec\n1=pass:panels ok\n2 = pass\n", encoding="utf-8")
    code, data, _ = _execute(_doc(tmp_path), "--no-annotate", "--verdicts", str(vfile), "--by", "carol")
    assert code == 0 and _steps(data)["1"]["checks"][0]["confirmed"]["note"] == "panels ok"


def test_bad_verdicts_are_usage_errors_with_a_hint(tmp_path: Path) -> None:
    doc = _doc(tmp_path)
    for bad in ("1=maybe", "nothing", "9=pass"):
        code, _, text = _execute(doc, "--no-annotate", "--verdict", bad)
        assert code == 2 and "hint:" in text, (bad, text)


def test_verdicts_with_several_documents_are_refused_not_ignored(tmp_path: Path) -> None:
    doc = _doc(tmp_path)
    other = tmp_path / "other.md"
    other.write_text(DOC, encoding="utf-8")
    res = CliRunner().invoke(cli, ["execute", str(doc), str(other), "--no-annotate", "--verdict", "1=pass"],
                             catch_exceptions=False)
    assert res.exit_code == 2 and "--verdict works on one document" in res.output


def test_confirm_without_a_terminal_is_refused_with_the_way_out(tmp_path: Path) -> None:
    code, _, text = _execute(_doc(tmp_path), "--no-annotate", "--confirm")
    assert code == 2 and "--verdict" in text


def _spawn(tmp_path: Path, *extra: str) -> pexpect.spawn:
    argv = ["-m", "runbook", "execute", str(tmp_path / "trial.md"), "--no-annotate", "--no-color",
            "--json", str(tmp_path / "trial.json"), *extra]
    return pexpect.spawn(sys.executable, argv, cwd=str(tmp_path), encoding="utf-8", timeout=60,
                         dimensions=(40, 200))


def test_confirm_asks_on_a_real_terminal_and_records_the_answer(tmp_path: Path) -> None:
    _doc(tmp_path)
    child = _spawn(tmp_path, "--confirm", "--by", "dana")
    try:
        child.expect("step 1: 1. Open the portal")
        child.expect("the dashboard shows all panels")  # the document's text for it
        child.expect("dashboard: 4 panels")  # the step's output
        child.expect(r"pass, fail or skip\?")
        child.sendline("pass")
        child.expect("note")
        child.sendline("four panels, no errors")
        child.expect("step 2: 2. Look at the logo")
        child.expect(r"pass, fail or skip\?")
        child.sendline("f")
        child.expect("note")
        child.sendline("")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 1
    steps = _steps(json.loads((tmp_path / "trial.json").read_text()))
    assert steps["1"]["status"] == "pass" and steps["2"]["status"] == "fail"
    conf = steps["1"]["checks"][0]["confirmed"]
    assert conf == {"answer": "pass", "by": "dana", "at": conf["at"], "note": "four panels, no errors"}


def test_step_by_step_runs_skips_and_quits_with_teardown(tmp_path: Path) -> None:
    _doc(tmp_path, DOC + f"\n## 4. Clean up\n\n{FENCE}bash teardown\necho cleaned > cleaned.txt\n{FENCE}\n")
    child = _spawn(tmp_path, "--step-by-step")
    try:
        child.expect("step 1: 1. Open the portal")
        child.expect(r"run, skip or quit")
        child.sendline("s")
        child.expect("step 2: 2. Look at the logo")
        child.sendline("run")
        child.expect("step 3: 3. Health")
        child.sendline("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    steps = _steps(json.loads((tmp_path / "trial.json").read_text()))
    assert [steps[i]["status"] for i in "123"] == ["skip", "manual", "skip"]
    assert "step-by-step" in steps["1"]["reason"]
    assert (tmp_path / "cleaned.txt").read_text().strip() == "cleaned"  # teardown is never asked about


def test_the_cli_and_the_judge_accept_the_same_answers() -> None:
    from runbook.cli import confirm as cli_confirm
    from runbook.judge import confirm as judge_confirm

    assert cli_confirm.ANSWERS == judge_confirm.ANSWERS
