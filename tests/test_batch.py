"""Runs of plain steps sent to bash in one batch (issue 13): every hazard judged exactly as
when each step is typed on its own (``RUNBOOK_BATCH=0``). Real CLI, real pty shell, real files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from runbook.run.batch import MAX_LINES, PREPARE_AT, BatchItem
from runbook.run.session import PexpectSession, ShellConfig

FENCE = "```"


def block(code: str, attrs: str = "") -> str:
    return f"{FENCE}bash{(' ' + attrs) if attrs else ''}\n{code}\n{FENCE}\n"


#: Batches start once the shell's options are steady (after two steps): every document
#: starts with two warm-up steps so that its hazards fall inside a batch.
WARM = 3


def doc_of(*steps: str, head: str = "# Batch\n\n") -> str:
    steps = (*(block(f"echo warm-{i}") for i in range(WARM)), *steps)
    return head + "".join(f"### S{i}\n\n{s}\n" for i, s in enumerate(steps, 1))


def statuses(data: dict) -> list[str]:
    """The statuses of the document's own steps (after the warm-up steps)."""
    return [s["status"] for s in data["steps"][WARM:]]


def execute(doc: Path, *extra: str, batch: bool = True) -> tuple[int, dict, str]:
    out = doc.with_suffix(".batch.json" if batch else ".plain.json")
    env = {"RUNBOOK_BATCH": "1" if batch else "0"}
    res = CliRunner(env=env).invoke(cli, ["execute", str(doc), "--no-annotate", "--no-color", "--json", str(out),
                                          *extra], catch_exceptions=False)
    return res.exit_code, json.loads(out.read_text()), res.output


def essence(data: dict) -> list[tuple]:
    """What a verdict is made of, per step (not durations)."""
    return [(s["id"], s["status"], s.get("exit_code"), s.get("output"), s.get("reason")) for s in data["steps"]]


def both(doc: Path, *extra: str, reset: Path | None = None) -> tuple[dict, dict]:
    """The JSON of an unbatched and of a batched run of ``doc`` (``reset`` emptied before each)."""
    if reset is not None:
        reset.write_text("")
    _, plain, _ = execute(doc, *extra, batch=False)
    if reset is not None:
        reset.write_text("")
    _, batched, _ = execute(doc, *extra, batch=True)
    return plain, batched


def lines(path: Path) -> list[str]:
    return path.read_text().split()


# -- the session really batches --------------------------------------------------------------
def test_queued_plain_steps_run_as_one_batch_with_their_own_output_and_status():
    s = PexpectSession(ShellConfig())
    try:
        s.start()
        for _ in range(3):  # batches start once the options are steady
            s.run("true", timeout=10)
        items = [BatchItem(f"echo out-{i}; (exit {i % 3})", True, 30) for i in range(20)]
        assert s.queue(items) == 20
        for i, it in enumerate(items):
            ex = s.run(it.code, timeout=30)
            assert (ex.output.text, ex.exit_code) == (f"out-{i}\n", i % 3)
        assert s.batched == 20
    finally:
        s.close()


def test_a_step_not_queued_next_ends_the_batch_and_each_step_still_runs_once(tmp_path):
    log = tmp_path / "log"
    s = PexpectSession(ShellConfig(cwd=str(tmp_path)))
    try:
        s.start()
        for _ in range(3):  # batches start once the options are steady
            s.run("true", timeout=10)
        items = [BatchItem(f"echo {i} >> log; echo {i}", True, 30) for i in range(5)]
        assert s.queue(items) == 5
        assert s.run(items[0].code, timeout=30).output.text == "0\n"
        assert s.run("echo other", timeout=30).output.text == "other\n"  # not the next queued step
        for i in range(1, 5):
            assert s.run(items[i].code, timeout=30).output.text == f"{i}\n"
        assert lines(log) == ["0", "1", "2", "3", "4"]
    finally:
        s.close()


def run_keeping_sessions(text: str) -> tuple[object, list[PexpectSession]]:
    """Run ``text`` through the API; its result and the sessions it used."""
    from runbook.api import execute as run_doc

    sessions: list[PexpectSession] = []

    def factory(config: ShellConfig) -> PexpectSession:
        sessions.append(PexpectSession(config))
        return sessions[-1]

    return run_doc(text, session_factory=factory), sessions


def echo_doc(n: int) -> str:
    return doc_of(*(block(f"echo step-{i}") + f"\n{FENCE}output\nstep-{i}\n{FENCE}\n" for i in range(n)))


def test_the_runner_sends_a_run_of_plain_steps_as_batches(tmp_path):
    result, sessions = run_keeping_sessions(echo_doc(100))
    assert [s.status.value for s in result.steps] == ["pass"] * (100 + WARM)
    assert sessions[0].batched >= 90


# -- hazards in the middle of a batch ------------------------------------------------------------
def test_exit_in_the_middle_of_a_batch_later_steps_run_once_in_a_fresh_shell(write_doc, tmp_path):
    log = tmp_path / "log"
    doc = write_doc(doc_of(block("echo 1 >> log; X=kept"), block("echo 2 >> log; exit 3"),
                           block("echo 3 >> log; echo \"x=${X-unset}\""), block("echo 4 >> log")))
    plain, batched = both(doc, reset=log)
    assert essence(batched) == essence(plain)
    assert lines(log) == ["1", "2", "3", "4"]
    assert batched["steps"][WARM + 2]["output"] == "x=unset\n"  # a fresh shell, as unbatched


def test_timeout_in_the_middle_nothing_after_it_runs_before_recovery_nor_twice(write_doc, tmp_path):
    log = tmp_path / "log"
    deaf = f"{sys.executable} -c 'import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(60)'"
    doc = write_doc(doc_of(block("echo 1 >> log"), block(f"echo 2 >> log; {deaf}; echo 2b >> log", "timeout=2"),
                           block("echo 3 >> log"), block("echo 4 >> log")))
    log.write_text("")
    code, data, _ = execute(doc)
    assert statuses(data) == ["pass", "error", "pass", "pass"]
    assert "timed out" in data["steps"][WARM + 1]["reason"]
    ran = lines(log)
    assert [x for x in ran if x != "2b"] == ["1", "2", "3", "4"]  # each once, in order
    plain, batched = both(doc, reset=log)
    assert statuses(plain) == statuses(batched)


def test_a_step_reading_dev_tty_times_out_as_unbatched_and_the_next_runs_once(write_doc, tmp_path):
    log = tmp_path / "log"
    doc = write_doc(doc_of(block("echo 1 >> log"), block("read -r x </dev/tty; echo \"got $x\" >> log", "timeout=2"),
                           block("echo 3 >> log; echo three"), block("echo 4 >> log")))
    plain, batched = both(doc, reset=log)
    assert essence(batched) == essence(plain)
    assert statuses(batched) == ["pass", "error", "pass", "pass"]
    assert lines(log) == ["1", "3", "4"]


def test_a_step_removing_runbooks_folder_mid_batch_makes_no_later_step_fail(write_doc):
    doc = write_doc(doc_of(block("echo a"), block('KEPT=kept; rm -rf "$(dirname "${BASH_SOURCE[0]}")"'),
                           block('echo "$KEPT"'), block("echo d")))
    plain, batched = both(doc)
    assert essence(batched) == essence(plain)
    assert statuses(batched) == ["pass"] * 4
    assert batched["steps"][WARM + 2]["output"] == "kept\n"


@pytest.mark.parametrize("change,after", [
    ("set -u", "echo \"${NOT_SET_ANYWHERE}\"; echo reached"),
    ("set -e", "false; echo reached"),
    ("alias hi='echo hello-from-alias'", "hi"),
    ("shopt -s extglob", "x=aab; echo \"${x//+(a)/-}\""),
    ("set -x", "echo traced"),
    ("set -o posix", "echo posix"),
])
def test_shell_state_changed_mid_run_later_steps_judged_as_unbatched(write_doc, change, after):
    doc = write_doc(doc_of(block("echo before"), block(change), block(after), block(after),
                           block("echo last; false; echo not-reached")))
    plain, batched = both(doc)
    assert essence(batched) == essence(plain)


def test_set_e_failure_stops_the_step_not_the_batch(write_doc):
    doc = write_doc(doc_of(block("echo a; false; echo not-reached"), block("f() { false; echo in-f; }; f; echo after-f"),
                           block("echo c")))
    plain, batched = both(doc)
    assert essence(batched) == essence(plain)
    assert [s["output"] for s in batched["steps"][WARM:]] == ["a\n", "", "c\n"]


def test_secret_set_in_one_step_and_printed_in_the_next_is_masked_in_every_artefact(write_doc, tmp_path):
    value = "s3cr3t-batch-value-9f1"
    (tmp_path / "token.txt").write_text(value + "\n")
    doc = write_doc(doc_of(block("export API_TOKEN=$(cat token.txt)"), block("echo \"token=$API_TOKEN\""),
                           block("echo \"again $API_TOKEN\""), block("echo done")))
    junit, html, annotated = tmp_path / "r.xml", tmp_path / "r.html", tmp_path / "out.md"
    res = CliRunner(env={"RUNBOOK_BATCH": "1"}).invoke(cli, [
        "execute", str(doc), "--json", str(tmp_path / "r.json"), "--junit", str(junit), "--html", str(html),
        "-o", str(annotated), "-v", "--no-color"], catch_exceptions=False)
    assert value not in res.output
    for artefact in (tmp_path / "r.json", junit, html, annotated):
        assert value not in artefact.read_text(), artefact
    data = json.loads((tmp_path / "r.json").read_text())
    assert statuses(data) == ["pass"] * 4
    assert "token=" in data["steps"][WARM + 1]["output"]


# -- decisions that stop later steps ------------------------------------------------------------
def test_fail_fast_no_step_after_the_stopping_one_runs(write_doc, tmp_path):
    log = tmp_path / "log"
    doc = write_doc(doc_of(block("echo 1 >> log"), block("echo 2 >> log; false"), block("echo 3 >> log"),
                           block("echo 4 >> log")))
    log.write_text("")
    _, data, _ = execute(doc, "--fail-fast")
    assert statuses(data) == ["pass", "fail", "skip", "skip"]
    assert lines(log) == ["1", "2"]


def test_a_failing_blocking_phase_runs_no_step_of_a_later_phase(write_doc, tmp_path):
    log = tmp_path / "log"
    doc = write_doc("# Blocking\n\n## Phase A — first\n<!-- runbook: blocking -->\n\n"
                    "### A0\n\n" + block("echo warm-1") + "\n### A00\n\n" + block("echo warm-2") + "\n### A000\n\n" + block("echo warm-3") + "\n"
                    "### A1\n\n" + block("echo a1 >> log") + "\n### A2\n\n" + block("echo a2 >> log; false")
                    + "\n### A3\n\n" + block("echo a3 >> log") + "\n## Phase B — later\n\n### B1\n\n"
                    + block("echo b1 >> log") + "\n### B2\n\n" + block("echo b2 >> log") + "\n")
    plain, batched = both(doc, reset=log)
    assert essence(batched) == essence(plain)
    assert statuses(batched) == ["pass", "fail", "pass", "blocked", "blocked"]
    assert lines(log) == ["a1", "a2", "a3"]


def test_ctrl_c_mid_batch_every_step_that_ran_is_reported_and_none_runs_twice(write_doc, tmp_path):
    log = tmp_path / "log"
    n = 40
    doc = write_doc(doc_of(*(block(f"echo {i} >> log; sleep 0.1") for i in range(1, n + 1))))
    out = tmp_path / "r.json"
    proc = subprocess.Popen([sys.executable, "-m", "runbook", "execute", str(doc), "--no-annotate", "-q",
                             "--json", str(out)], cwd=tmp_path, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ, "RUNBOOK_BATCH": "1"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not log.exists() or len(lines(log)) < 5):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    data = json.loads(out.read_text())
    ran = lines(log)
    assert len(ran) == len(set(ran)) and 5 <= len(ran) < n
    assert data["interrupted"] is True
    statuses = {s["id"]: s["status"] for s in data["steps"]}
    for i, s in enumerate(data["steps"][WARM:], 1):
        if str(i) in ran:
            assert s["status"] in ("pass", "error"), (i, s)
        else:
            assert s["status"] == "skip", (i, s)
    # At most the step being read when Ctrl-C came and the one bash had already started
    # after it are "interrupted"; every other step that ran passed, none ran twice.
    assert list(statuses.values()).count("error") <= 2


def test_an_api_observer_that_skips_a_step_before_it_runs_gets_no_step_run_ahead(tmp_path):
    from runbook.api import execute as run_doc
    from runbook.run.protocol import Observer

    class SkipFifth(Observer):
        def before_step(self, step):  # type: ignore[no-untyped-def]
            return "skip" if step.id == f"S{WARM + 5}" else "run"

    log = tmp_path / "log"
    text = doc_of(*(block(f"echo {i} >> {log}") for i in range(1, 9)))
    result = run_doc(text, observers=[SkipFifth()])
    assert [s.status.value for s in result.steps][WARM:] == ["pass"] * 4 + ["skip"] + ["pass"] * 3
    assert lines(log) == ["1", "2", "3", "4", "6", "7", "8"]


def test_a_batched_step_that_harvests_tokens_cannot_forge_its_end(write_doc, tmp_path):
    harvest = (r"""{ cat "${BASH_SOURCE[@]}"; set; } 2>&1 | grep -o '[0-9a-f]\{16\}' | sort -u > tokens || true"""
               "\n" r"""while read -r t; do printf '\n__RB_%s:0\n' "$t"; done < tokens; false""")
    doc = write_doc(doc_of(block("echo a"), block(harvest), block("echo c"), block("echo d")))
    plain, batched = both(doc)
    verdicts = [(s["id"], s["status"], s.get("exit_code"), s.get("reason")) for s in batched["steps"]]
    assert verdicts == [(s["id"], s["status"], s.get("exit_code"), s.get("reason")) for s in plain["steps"]]
    assert statuses(batched) == ["pass", "fail", "pass", "pass"]  # it ran to its own `false`
    assert [s["output"] for s in batched["steps"][WARM + 2:]] == ["c\n", "d\n"]


# -- the next batch prepared while one runs ---------------------------------------------------
#: A step past the point where the next batch's step files are written, and a document longer than a batch.
PREPARED_AT, LONG = MAX_LINES - PREPARE_AT + 10, MAX_LINES + PREPARE_AT


def _long_doc(hazard: str, at: int = PREPARED_AT, total: int = LONG, attrs: str = "") -> str:
    """``total`` steps that log their number; ``hazard`` is step ``at``: past the point where
    the next batch's step files are written (``PREPARE_AT`` steps before the first batch ends)."""
    steps = [block(f"echo {i} >> log; echo out-{i}") for i in range(total)]
    steps[at] = block(f"echo {at} >> log; {hazard}", attrs)
    return doc_of(*steps)


def test_the_next_batch_is_prepared_while_one_runs_and_every_step_is_judged_once(tmp_path):
    n = 3 * MAX_LINES + 50
    result, sessions = run_keeping_sessions(echo_doc(n))
    assert [s.status.value for s in result.steps] == ["pass"] * (n + WARM)
    assert [s.output.text for s in result.steps[WARM:]] == [f"step-{i}\n" for i in range(n)]
    assert sessions[0].prepared >= 3, "each batch after the first is written while the one before runs"
    assert sessions[0].batched >= n - 10


@pytest.mark.parametrize("hazard,attrs", [
    ("exit 3", ""),
    ('rm -rf "$(dirname "${BASH_SOURCE[0]}")"', ""),
    ("set -u", ""),
    ("alias echo='echo aliased'", ""),
    ("sleep 30", "timeout=2"),
    ("false", ""),
])
def test_a_hazard_after_the_next_batch_was_prepared_is_judged_as_unbatched(write_doc, tmp_path, hazard, attrs):
    log = tmp_path / "log"
    doc = write_doc(_long_doc(hazard, attrs=attrs))
    plain, batched = both(doc, reset=log)
    assert essence(batched) == essence(plain)
    ran = [t for t in lines(log) if t.isdigit()]  # (an alias of echo adds a word)
    assert ran == [str(i) for i in range(LONG)], "every step ran once, in order"


def test_a_step_cannot_read_the_next_batchs_nonces_while_it_waits_to_run(write_doc, tmp_path):
    # The next batch's step files are on disk while the one before runs; its nonces must not
    # be: a job started by an earlier step would print them as the end of the later steps.
    forge = (r"""cat "$(dirname "${BASH_SOURCE[0]}")"/* 2>/dev/null | grep -o '[0-9a-f]\{16\}' | sort -u > tokens"""
             "\n" r"""( for n in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do sleep 0.2; """
             r"""while read -r t; do printf '\n__RB_%s:7\n' "$t" >/dev/tty; done < tokens; done ) &""")
    at = PREPARED_AT  # the job forges for 3 s: the 60 steps after it take that long
    steps = [block(f"echo {i} >> log" + ("; sleep 0.05" if at < i <= at + 60 else "")) for i in range(LONG)]
    steps[at] = block(forge)
    log = tmp_path / "log"
    log.write_text("")
    code, batched, out = execute(write_doc(doc_of(*steps)))
    later = batched["steps"][WARM + at + 1:]
    assert [(s["status"], s.get("exit_code")) for s in later] == [("pass", 0)] * len(later), out
    assert [t for t in lines(log)] == [str(i) for i in range(LONG) if i != at]
