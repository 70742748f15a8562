"""`runbook execute` end to end: real CLI, real pty shell, real files (spec §2-§4, §8)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli

FENCE = "```"


def run_cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.output


def execute(doc: Path, *extra: str) -> tuple[int, dict, str]:
    out_json = doc.with_suffix(".json")
    code, text = run_cli("execute", str(doc), "--json", str(out_json), "--no-color", *extra)
    data = json.loads(out_json.read_text()) if out_json.exists() else {}
    return code, data, text


def by_id(data: dict) -> dict[str, dict]:
    return {s["id"]: s for s in data["steps"]}


def block(code: str, info: str = "bash") -> str:
    return f"{FENCE}{info}\n{code}\n{FENCE}\n"


def _assert_gone(pid: int, within: float = 5) -> None:
    """The process must be gone (no orphan outlives a run)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    pytest.fail(f"background process {pid} is still running after the run")


def test_every_status_and_the_exit_code(write_doc):
    doc = write_doc(
        "# Statuses\n\n## Phase A — Startup\n<!-- runbook: blocking -->\n\n"
        "### A1. passes\n\n" + block("echo ok") + "\nPASS if: output contains `ok`.\n\n"
        "### A2. manual\n\n" + block("echo hi") + "\nPASS if: the dashboard looks healthy.\n\n"
        "## Phase B — Later\n\n### B1. fails\n\n" + block("echo nope") + "\nPASS if: output contains `yes`.\n\n"
        "### B2. platform\n\n" + block("Get-Process", "powershell") + "\n"
    )
    code, data, _ = execute(doc)
    steps = by_id(data)
    assert steps["A1"]["status"] == "pass"
    assert steps["A2"]["status"] == "manual"
    assert steps["B1"]["status"] == "fail"
    assert steps["B2"]["status"] == "skip"
    assert code == 1
    assert data["summary"] == {"total": 4, "pass": 1, "fail": 1, "error": 0, "skip": 1, "blocked": 0,
                               "manual": 1, "drift": 0}


def test_blocking_phase_failure_blocks_later_phases(write_doc, tmp_path):
    marker = tmp_path / "later-ran"
    doc = write_doc(
        "# T\n\n## Phase A — Startup\n<!-- runbook: blocking -->\n\n### A1. breaks\n\n"
        + block("false") + "\n### A2. same phase still runs\n\n" + block("echo a2") +
        f"\n## Phase B — Journeys\n\n### B1. never runs\n\n" + block(f"touch {marker}")
    )
    code, data, _ = execute(doc)
    steps = by_id(data)
    assert steps["A1"]["status"] == "fail"
    assert steps["A2"]["status"] == "pass"
    assert steps["B1"]["status"] == "blocked"
    assert not marker.exists()
    assert [p["status"] for p in data["phases"]] == ["fail", "blocked"]
    assert code == 1


def test_drift_is_a_warning_and_strict_makes_it_fail(write_doc):
    doc = write_doc(
        "# D\n\n### S1. status\n\n" + block("echo 'state: warming'") +
        "\nThe output should be similar to:\n\n" + block("state: ready", "text") + "\n"
    )
    code, data, _ = execute(doc)
    s = by_id(data)["S1"]
    assert (s["status"], s["drift"], code) == ("pass", True, 0)
    assert "-state: ready" in s["diff"] and "+state: warming" in s["diff"]
    code, data, _ = execute(doc, "--strict")
    assert by_id(data)["S1"]["status"] == "fail" and code == 1


def test_expected_output_alone_decides_and_shows_a_diff(write_doc):
    doc = write_doc("# E\n\n### S1. lines\n\n" + block("printf 'a\\nb\\n'") +
                    "\nExpected output:\n\n" + block("a\nc", "text"))
    code, data, text = execute(doc)
    s = by_id(data)["S1"]
    assert s["status"] == "fail" and code == 1
    assert "-c" in s["diff"] and "+b" in s["diff"]
    assert "-c" in text


def test_criteria_decide_and_expected_mismatch_is_drift(write_doc):
    doc = write_doc("# E\n\n### S1. c\n\n" + block("echo ready") +
                    "\nExpected output:\n\n" + block("ready now", "text") + "\nPASS if: output contains `ready`.\n")
    code, data, _ = execute(doc)
    s = by_id(data)["S1"]
    assert (s["status"], s["drift"], code) == ("pass", True, 0)


def test_exit_attribute_sets_the_expected_status(write_doc):
    doc = write_doc("# X\n\n" + block("exit_with() { return 3; }\nexit_with", "bash exit=3"))
    code, data, _ = execute(doc)
    assert data["steps"][0]["status"] == "pass" and data["steps"][0]["exit_code"] == 3 and code == 0


def test_timeout_is_an_error_and_the_session_survives(write_doc):
    doc = write_doc(
        "# T\n\n### S1. set\n\n" + block("export KEEP=kept; cd /tmp") +
        "\n### S2. hang\n\n" + block("echo partial; sleep 30", "bash timeout=1") +
        "\n### S3. still there\n\n" + block('echo "$KEEP $PWD"') + "\nPASS if: output contains `kept /tmp`.\n"
    )
    t0 = time.monotonic()
    code, data, _ = execute(doc)
    assert time.monotonic() - t0 < 15
    steps = by_id(data)
    assert steps["S2"]["status"] == "error" and "timed out" in steps["S2"]["reason"]
    assert "partial" in steps["S2"]["output"]
    assert steps["S3"]["status"] == "pass"
    assert code == 1


@pytest.mark.parametrize("killer, status", [("exit 3", "fail"), ("exec true", "error"),
                                            ("kill -9 $$", "fail")])
def test_a_step_that_kills_the_shell_gets_a_fresh_one(write_doc, killer, status):
    doc = write_doc("# K\n\n### S1. kill\n\n" + block(killer) + "\n### S2. next\n\n" + block("echo alive") +
                    "\nPASS if: output contains `alive`.\n")
    code, data, _ = execute(doc)
    steps = by_id(data)
    assert steps["S1"]["status"] == status
    assert "shell exited" in steps["S1"]["reason"]
    assert steps["S2"]["status"] == "pass"


def test_parse_errors_exit_2_with_file_line_and_run_nothing(write_doc, tmp_path):
    marker = tmp_path / "ran"
    doc = write_doc("# P\n\n" + block(f"touch {marker}", "bash id=X") + "\n" + block("echo b", "bash id=X"))
    code, text = run_cli("execute", str(doc))
    assert code == 2
    assert f"{doc}:" in text and "duplicate" in text.lower()
    assert not marker.exists()
    assert not doc.with_name("doc.annotated.md").exists()


def test_unclosed_front_matter_is_a_parse_error(write_doc):
    doc = write_doc("---\nrunbook:\n  timeout: 3\n\n# never closed\n")
    code, text = run_cli("execute", str(doc))
    assert code == 2 and f"{doc}:1" in text


def test_missing_file_is_exit_2(tmp_path):
    code, text = run_cli("execute", str(tmp_path / "nope.md"))
    assert code == 2 and "no such file" in text


def test_fail_fast_stops_and_teardown_still_runs(write_doc, tmp_path):
    cleaned = tmp_path / "cleaned"
    doc = write_doc(
        "# F\n\n### S1. fails\n\n" + block("false") + "\n### S2. not reached\n\n" + block("echo s2") +
        "\n## Cleanup\n\n" + block(f"touch {cleaned}", "bash teardown") + "\n")
    code, data, _ = execute(doc, "-x")
    steps = data["steps"]
    assert [s["status"] for s in steps] == ["fail", "skip", "pass"]
    assert "not reached" in steps[1]["reason"]
    assert cleaned.exists()
    assert code == 1


def test_selection_runs_blocking_dependencies_and_rejects_unknown_ids(write_doc):
    doc = write_doc(
        "# S\n\n## Phase A — Startup\n<!-- runbook: blocking -->\n\n### A1. a\n\n" + block("export FROM_A=1") +
        "\n## Phase B — b\n\n### B1. b\n\n" + block("echo b") +
        "\n## Phase C — c\n\n### C1. c\n\n" + block('echo "A=$FROM_A"') + "\nPASS if: output contains `A=1`.\n")
    code, data, _ = execute(doc, "--phase", "C")
    assert [s["id"] for s in data["steps"]] == ["A1", "C1"]
    assert code == 0
    code, data, _ = execute(doc, "--phase", "C", "--no-deps")
    assert [s["id"] for s in data["steps"]] == ["C1"] and code == 1
    code, text = run_cli("execute", str(doc), "--phase", "Z")
    assert code == 2 and "A, B, C" in text
    code, text = run_cli("execute", str(doc), "--step", "Q9")
    assert code == 2 and "A1" in text


def test_placeholders_skip_until_given(write_doc):
    doc = write_doc("# P\n\n### S1. greet\n\n" + block("echo hello <USER_NAME>") +
                    "\nPASS if: output contains `hello ada`.\n")
    code, data, _ = execute(doc)
    s = data["steps"][0]
    assert s["status"] == "skip" and "needs input: USER_NAME" in s["reason"]
    code, data, _ = execute(doc, "--set", "USER_NAME=ada")
    assert data["steps"][0]["status"] == "pass"


def test_retry_until_healthy_shows_attempts(write_doc, tmp_path):
    counter = tmp_path / "count"
    doc = write_doc("# R\n\n### S1. wait\n\n" + block(
        f"n=$(cat {counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {counter}; test $n -ge 3",
        "bash retry=5 delay=0.1") + "\n")
    code, data, _ = execute(doc)
    s = data["steps"][0]
    assert s["status"] == "pass" and s["attempts"] == 3 and code == 0


def test_within_polls_until_the_clause_holds(write_doc, tmp_path):
    flag = tmp_path / "flag"
    doc = write_doc("# W\n\n### S1. start\n\n" + block(f"(sleep 0.5; echo healthy > {flag}) &") +
                    "\n### S2. wait\n\n" + block(f"cat {flag} 2>/dev/null || echo starting") +
                    "\nPASS if: output contains `healthy` within 10 s.\n")
    code, data, _ = execute(doc)
    s = by_id(data)["S2"]
    assert s["status"] == "pass" and s["attempts"] >= 2


def test_secrets_are_masked_in_every_artefact(write_doc, tmp_path):
    doc = write_doc(
        "---\nrunbook:\n  secrets: [MY_KEY]\n---\n# S\n\n"
        "### S1. leak\n\n" + block('echo "pw=$DB_PASSWORD url=postgres://u:$DB_PASSWORD@h/db"\n'
                                   'export MY_KEY="generated-key-$((4000 + 5876))"\necho "key=$MY_KEY"') +
        "\nPASS if: output contains `pw=`.\n\n### S2. fail on purpose\n\n" + block('echo "$DB_PASSWORD"; false') + "\n")
    out = tmp_path / "art"
    out.mkdir()
    code, text = run_cli("execute", str(doc), "-o", str(out / "a.md"), "--json", str(out / "r.json"),
                         "--junit", str(out / "r.xml"), "--html", str(out / "r.html"),
                         "--summary", str(out / "s.md"), "--no-color", "--env", "DB_PASSWORD=hunter2-secret")
    assert code == 1
    for secret in ("hunter2-secret", "generated-key-9876"):
        assert secret not in text
        for f in out.iterdir():
            assert secret not in f.read_text(encoding="utf-8"), f.name
    assert "••••" in (out / "r.json").read_text(encoding="utf-8")


def test_requires_lists_every_missing_thing(write_doc, tmp_path):
    marker = tmp_path / "ran"
    doc = write_doc("---\nrunbook:\n  requires: [bash, no-such-tool-xyz, NO_SUCH_VAR_XYZ]\n---\n# R\n\n" +
                    block(f"touch {marker}"))
    code, text = run_cli("execute", str(doc))
    assert code == 2
    assert "no-such-tool-xyz" in text and "NO_SUCH_VAR_XYZ" in text and "bash`" not in text
    assert not marker.exists()


def test_background_service_is_waited_for_and_stopped(write_doc, tmp_path):
    pidfile = tmp_path / "pid"
    doc = write_doc(
        "# B\n\n### S1. serve\n\n" + block(f"echo $$ > {pidfile}; echo serving; exec sleep 300",
                                             f'bash background ready="test -s {pidfile}"') +
        "\n### S2. use\n\n" + block(f"cat {pidfile}") + "\n")
    code, data, _ = execute(doc)
    assert [s["status"] for s in data["steps"]] == ["pass", "pass"]
    assert "serving" in data["steps"][0]["output"]
    _assert_gone(int(pidfile.read_text()))


def test_annotated_document_is_written_beside_and_source_untouched(write_doc):
    doc = write_doc("# A\n\n" + block("echo hi") + "\nPASS if: output contains `hi`.\n")
    before = doc.read_bytes()
    code, _ = run_cli("execute", str(doc))
    assert code == 0
    annotated = doc.with_name("doc.annotated.md").read_text()
    assert "runbook:begin" in annotated and "✅" in annotated
    assert doc.read_bytes() == before
    code, out = run_cli("strip", str(doc.with_name("doc.annotated.md")))
    assert out.encode() == before


def test_executing_an_annotated_document_behaves_like_the_original(write_doc):
    doc = write_doc("# A\n\n### S1. x\n\n" + block("echo one") + "\nPASS if: output contains `one`.\n\n"
                    "### S2. y\n\n" + block("false") + "\n")
    _, first, _ = execute(doc)
    run_cli("execute", str(doc), "--in-place")
    _, second, _ = execute(doc)
    strip = lambda d: [(s["id"], s["status"], s["line"], s["output"]) for s in d["steps"]]  # noqa: E731
    assert strip(first) == strip(second)


def test_ctrl_c_stops_the_step_writes_what_it_has_and_exits_130(write_doc, runbook_exe, tmp_path):
    started = tmp_path / "started"
    doc = write_doc("# C\n\n### S1. quick\n\n" + block("echo first") + "\n### S2. slow\n\n" +
                    block(f"touch {started}; echo started; sleep 60") + "\n### S3. later\n\n" +
                    block("echo later") + "\n")
    out_json = tmp_path / "r.json"
    proc = subprocess.Popen([*runbook_exe, "execute", str(doc), "--json", str(out_json), "--no-color"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path)
    # Ctrl-C once S2 runs (a fixed sleep fails on a loaded machine: the signal came before
    # runbook had started, and Python's default handler aborted it).
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert started.exists(), "step S2 never started"
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("runbook did not stop after Ctrl-C")
    assert proc.returncode == 130, out.decode()
    data = json.loads(out_json.read_text())
    statuses = [s["status"] for s in data["steps"]]
    assert statuses == ["pass", "error", "skip"]
    assert "not reached" in data["steps"][2]["reason"]
    annotated = doc.with_name("doc.annotated.md").read_text()
    assert "not reached" in annotated


def test_json_shape_is_spec_section_8(write_doc):
    doc = write_doc("# J\n\n## Phase A — a\n\n### A1. Check\n\n" + block("echo v") + "\n")
    _, data, _ = execute(doc)
    for key in ("runbook_version", "document", "started_at", "duration_s", "summary", "phases", "steps"):
        assert key in data
    step = data["steps"][0]
    for key in ("id", "phase", "title", "line", "status", "drift", "exit_code", "duration_s", "attempts",
                "output", "checks", "diff", "troubleshooting"):
        assert key in step
    assert step["line"] == 7 and step["id"] == "A1" and step["phase"] == "A"
    assert data["started_at"].endswith("Z")


def test_version_and_python_m(runbook_exe):
    out = subprocess.run([*runbook_exe, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip().startswith("runbook 0.1.0")


def test_list_shows_parsed_criteria(write_doc):
    doc = write_doc("# L\n\n## Phase A — a\n\n### A1. x\n\n" + block("echo v") +
                    "\nPASS if: exit code is 0 and output contains `v`.\n")
    code, text = run_cli("list", str(doc))
    assert code == 0
    assert "A1" in text and "phase A" in text and "contains" in text


def test_reports_show_output_without_ansi_crlf_and_with_binary_escaped(write_doc):
    doc = write_doc("# O\n\n" + block(r'printf "\033[31mred\033[0m\r\nnext\r\n"; printf "\x80\xff-bin\n"') +
                    "\nPASS if: output contains `red`.\n")
    code, data, _ = execute(doc)
    out = data["steps"][0]["output"]
    assert code == 0
    assert out.startswith("red\nnext\n")
    assert "\x1b" not in out and "\r" not in out
    assert "\\x80\\xff-bin" in out


def test_derived_checks_keep_the_exit_check(write_doc):
    doc = write_doc("# D\n\n### S1. ping\n\n" + block("echo PONG\n# Should return: PONG\nfalse", "bash errexit=false") + "\n")
    code, data, _ = execute(doc)
    s = data["steps"][0]
    assert s["status"] == "fail" and code == 1
    assert any(c["clause"] == "exit code is 0" and not c["ok"] for c in s["checks"])
    assert any("PONG" in c["clause"] and c["ok"] for c in s["checks"])


def test_unwritable_output_path_is_a_clear_error(write_doc, tmp_path):
    doc = write_doc("# W\n\n" + block("echo hi"))
    code, text = run_cli("execute", str(doc), "--json", str(tmp_path / "missing" / "r.json"))
    assert code == 2 and "does not exist" in text and "Traceback" not in text


def test_executing_an_annotated_file_refreshes_it(write_doc):
    doc = write_doc("# A\n\n" + block("echo hi"))
    run_cli("execute", str(doc))
    annotated = doc.with_name("doc.annotated.md")
    code, _ = run_cli("execute", str(annotated))
    assert code == 0
    assert not doc.with_name("doc.annotated.annotated.md").exists()
    assert annotated.read_text().count("runbook:begin result") == 1


def test_secret_in_expected_output_is_compared_masked(write_doc):
    doc = write_doc("# S\n\n" + block('echo "token=$API_TOKEN"') + "\nExpected output:\n\n" +
                    block("token=abc-123-secret", "text"))
    code, data, _ = execute(doc, "--env", "API_TOKEN=abc-123-secret")
    s = data["steps"][0]
    assert s["status"] == "pass" and s["output"] == "token=••••\n" and code == 0
    doc2 = write_doc("# S\n\n" + block('echo "token=$API_TOKEN!"') + "\nExpected output:\n\n" +
                     block("token=abc-123-secret", "text"), name="d2.md")
    code, data, _ = execute(doc2, "--env", "API_TOKEN=abc-123-secret")
    assert data["steps"][0]["status"] == "fail"
    assert "abc-123-secret" not in data["steps"][0]["diff"]


def test_skip_unless_skips_cleanly_with_the_reason(write_doc, tmp_path):
    marker = tmp_path / "ran"
    doc = write_doc("# S\n\n### S1. needs a tool\n\n" + block(f"touch {marker}", 'bash skip_unless="command -v no-such-tool-q"') +
                    "\n### S2. runs\n\n<!-- runbook: skip_unless=\"true\" -->\n" + block("echo ok") + "\n")
    code, data, _ = execute(doc)
    assert [s["status"] for s in data["steps"]] == ["skip", "pass"]
    assert "no-such-tool-q" in data["steps"][0]["reason"] and not marker.exists() and code == 0
    whole = write_doc("---\nrunbook:\n  skip_unless: [\"true\", command -v no-such-engine-q]\n---\n# W\n\n" +
                      block(f"touch {marker}") + "\n" + block("echo teardown", "bash teardown"), name="w.md")
    code, data, _ = execute(whole)
    assert [s["status"] for s in data["steps"]] == ["skip", "skip"] and code == 0
    assert "no-such-engine-q" in data["steps"][0]["reason"] and not marker.exists()


def test_background_service_that_dies_fails_at_once_with_its_log(write_doc):
    doc = write_doc(
        "# B\n\n### S1. serve\n\n" + block("echo 'fatal: API_TOKEN is not set' >&2; exit 2",
                                             'bash background ready="false" timeout=30') +
        "\n## Troubleshooting\n\n| Symptom | Cause | Fix |\n|---|---|---|\n"
        "| `API_TOKEN is not set` | no token | export API_TOKEN |\n")
    t0 = time.monotonic()
    code, data, _ = execute(doc)
    assert time.monotonic() - t0 < 10
    s = data["steps"][0]
    assert s["status"] == "fail" and "exited before it was ready" in s["reason"]
    assert "API_TOKEN is not set" in s["output"]
    assert s["troubleshooting"] and s["troubleshooting"][0]["fix"] == "export API_TOKEN"


def test_a_phase_directive_gives_its_attributes_to_every_step(write_doc):
    doc = write_doc("# P\n\n## Phase D — Portal\n<!-- runbook: skip_unless=\"command -v no-such-browser-q\" -->\n\n"
                    "### D1. a\n\n" + block("echo a") + "\n### D2. b\n\n" + block("echo b") +
                    "\n## Phase E — Next\n\n### E1. c\n\n" + block("echo c") + "\n")
    code, data, _ = execute(doc)
    assert [(s["id"], s["status"]) for s in data["steps"]] == [("D1", "skip"), ("D2", "skip"), ("E1", "pass")]
    assert code == 0


def _start(runbook_exe, doc: Path, out_json: Path) -> subprocess.Popen:
    return subprocess.Popen([*runbook_exe, "execute", str(doc), "--json", str(out_json), "--no-color"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=doc.parent)


def _wait_for(path: Path, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"{path} never appeared")
        time.sleep(0.05)


def test_ctrl_c_runs_teardown_and_a_second_ctrl_c_aborts_it(write_doc, runbook_exe, tmp_path):
    started, torn = tmp_path / "started", tmp_path / "teardown-started"
    doc = write_doc("# C\n\n### S1. slow\n\n" + block(f"touch {started}; sleep 60") + "\n## Cleanup\n\n" +
                    block(f"touch {torn}; sleep 60", "bash teardown") + "\n" +
                    block("echo second teardown", "bash teardown") + "\n")
    out_json = tmp_path / "r.json"
    proc = _start(runbook_exe, doc, out_json)
    _wait_for(started)
    proc.send_signal(signal.SIGINT)
    _wait_for(torn)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=20)
    text = out.decode()
    assert proc.returncode == 130, text
    assert "aborting teardown" in text
    steps = json.loads(out_json.read_text())["steps"]
    assert [s["status"] for s in steps] == ["error", "error", "skip"]
    assert "teardown aborted" in steps[2]["reason"]


def test_sigterm_stops_the_run_and_kills_background_services(write_doc, runbook_exe, tmp_path):
    pidfile, started = tmp_path / "bg.pid", tmp_path / "started"
    doc = write_doc("# T\n\n### S1. service\n\n" + block(f"echo $$ > {pidfile}; exec sleep 300", "bash background") +
                    "\n### S2. slow\n\n" + block(f"touch {started}; sleep 60") + "\n")
    proc = _start(runbook_exe, doc, tmp_path / "r.json")
    _wait_for(started)
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=20)
    assert proc.returncode == 130
    _assert_gone(int(pidfile.read_text()))


def test_interactive_step_answers_prompts_from_its_expect_block(write_doc):
    doc = write_doc("# I\n\n### S1. login\n\n" + block('read -p "Name: " n; read -s -p "Password: " p; echo\n'
                                                        'echo "hello $n ($p)"', "bash interactive") +
                    "\n```expect\nName: => ada\nPassword: => ${APP_PASSWORD}\n```\n\n"
                    "PASS if: output contains `hello ada`.\n")
    code, data, _ = execute(doc, "--env", "APP_PASSWORD=pw-12345")
    s = data["steps"][0]
    assert s["status"] == "pass", s
    assert "pw-12345" not in s["output"] and "hello ada (••••)" in s["output"]


def test_an_unanswered_prompt_times_out_naming_the_prompt(write_doc):
    doc = write_doc("# I\n\n" + block('read -p "Continue? [y/N] " a', "bash interactive timeout=2") + "\n")
    t0 = time.monotonic()
    code, data, _ = execute(doc)
    s = data["steps"][0]
    assert time.monotonic() - t0 < 15
    assert s["status"] == "error" and code == 1
    assert "Continue? [y/N]" in s["reason"] + " ".join(s["notes"])


def test_report_rerenders_html_and_junit_from_json(write_doc, tmp_path):
    doc = write_doc("# R\n\n## Phase A — a\n\n### A1. ok\n\n" + block("echo fine") + "\n### A2. bad\n\n" + block("false"))
    execute(doc)
    code, text = run_cli("report", str(doc.with_suffix(".json")), "--html", str(tmp_path / "r.html"),
                         "--junit", str(tmp_path / "r.xml"))
    assert code == 0, text
    html_text = (tmp_path / "r.html").read_text()
    assert "A2" in html_text and "fine" in html_text
    assert "<testsuite" in (tmp_path / "r.xml").read_text()
    code, text = run_cli("report", str(tmp_path / "missing.json"), "--html", str(tmp_path / "x.html"))
    assert code == 2 and "cannot read results" in text


def test_a_documented_output_larger_than_the_capture_cap_is_compared_whole(write_doc):
    expected = "\n".join(str(i) for i in range(1, 200001))
    doc = write_doc("# Big\n\n" + block("seq 1 200000") + "\n" + block(expected, "output"))
    code, data, _ = execute(doc)
    assert data["steps"][0]["status"] == "pass" and code == 0
    doc = write_doc("# Big\n\n" + block("seq 1 200000; echo extra") + "\n" + block(expected, "output"), name="b2.md")
    code, data, _ = execute(doc)
    s = data["steps"][0]
    assert s["status"] == "fail" and "+extra" in s["diff"] and "200000 identical leading lines" in s["diff"]
    assert len(s["diff"]) < 2000


def test_github_step_summary_is_appended(write_doc, tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("previous job output\n")
    doc = write_doc("# G\n\n## Phase A — a\n\n### A1. ok\n\n" + block("echo ok") + "\n### A2. bad\n\n" + block("false"))
    res = CliRunner().invoke(cli, ["execute", str(doc), "--no-color"], env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert res.exit_code == 1
    text = summary.read_text()
    assert text.startswith("previous job output\n")
    assert "A2" in text and "fail" in text and "A1" not in text.split("A2")[1]


def test_fail_if_checks_read_as_fail_if(write_doc):
    doc = write_doc("# F\n\n### A1. clean\n\n" + block('echo "all good"') + "\nFAIL if: output contains `ERROR`.\n\n"
                    "### A2. dirty\n\n" + block('echo "ERROR: disk"') + "\nFAIL if: output contains `ERROR`.\n")
    code, data, _ = execute(doc)
    a1, a2 = data["steps"]
    assert a1["status"] == "pass" and a1["checks"] == [
        {"clause": "FAIL if output contains `ERROR`", "ok": True, "detail": "", "manual": False}]
    assert a2["status"] == "fail" and not a2["checks"][0]["ok"] and code == 1
