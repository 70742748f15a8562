"""Pure steps as lines of the batch file itself (issue 13, ``shell_lines.inline_line``): no
step file, no preludes, no post. Whatever the shell holds that could make such a step run
shell code (a function or an alias of its name, a trap), and every option that a prelude
would set, must give the verdict, the output and the exit status of the step typed on its own
(``RUNBOOK_BATCH=0``). Real CLI, real pty shell, real files.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runbook.run.batch import BatchItem
from runbook.run.session import PexpectSession, ShellConfig
from test_batch import FENCE, WARM, block, both, doc_of, essence, execute, lines, run_keeping_sessions, statuses


def started(tmp_path: Path) -> PexpectSession:
    s = PexpectSession(ShellConfig(cwd=str(tmp_path)))
    s.start()
    for _ in range(3):  # batches start once the options are steady
        s.run("true", timeout=10)
    return s


def run_all(s: PexpectSession, codes: list[str]) -> list[tuple[str, int | None]]:
    assert s.queue([BatchItem(c, True, 30) for c in codes]) == len(codes)
    return [(ex.output.text, ex.exit_code) for ex in (s.run(c, timeout=30) for c in codes)]


def test_pure_steps_are_lines_of_the_batch_file_with_their_own_output_and_status(tmp_path):
    s = started(tmp_path)
    try:
        codes = ["echo one", "false", "/bin/false", "true && false", "false || echo rescued",
                 "ls /no/such/path-rb", "echo a=b c,d 1.5", ":"]
        got = run_all(s, codes)
        assert got[0] == ("one\n", 0)
        assert [rc for _, rc in got[1:4]] == [1, 1, 1]
        assert got[4] == ("rescued\n", 0)
        assert got[5][1] == 2 and "no/such/path-rb" in got[5][0]
        assert got[6:] == [("a=b c,d 1.5\n", 0), ("", 0)]
        assert s.inlined == len(codes)
        assert not any(p.name.startswith("step-") for p in Path(s._dir).iterdir())  # no step file written
    finally:
        s.close()


def test_a_pure_step_reads_no_input_and_its_stdin_is_empty(tmp_path):
    s = started(tmp_path)
    try:
        assert run_all(s, ["cat", "wc -c", "echo after"]) == [("", 0), ("0\n", 0), ("after\n", 0)]
        assert s.inlined == 3
    finally:
        s.close()


# -- what the shell holds that makes a pure-looking step run shell code ----------------------------
SOURCED = {
    "function": "echo() { builtin echo \"from-function:$*\"; }",
    "alias": "shopt -s expand_aliases; alias greet='echo from-alias'",
    "chld-trap": "trap 'builtin echo from-trap' CHLD",
}


@pytest.mark.parametrize("hazard", sorted(SOURCED))
def test_a_function_alias_or_trap_the_session_cannot_see_is_honoured_as_unbatched(write_doc, tmp_path, hazard):
    (tmp_path / "hazard.sh").write_text(SOURCED[hazard] + "\n")
    steps = [block("echo before"), block(". ./hazard.sh"), *(block(c) for c in ("echo hi", "greet", "/bin/true",
                                                                                  "echo again"))]
    doc = write_doc(doc_of(*steps))
    plain, batched = both(doc)
    assert essence(batched) == essence(plain)
    outputs = [s.get("output") or "" for s in batched["steps"]]
    marker = {"function": "from-function:hi", "alias": "from-alias", "chld-trap": "from-trap"}[hazard]
    assert any(marker in o for o in outputs), outputs


def test_a_failed_check_sends_the_step_again_from_a_file_and_inlining_stops(tmp_path):
    (tmp_path / "fn.sh").write_text("echo() { builtin printf 'fn:%s\\n' \"$*\"; }\n")
    text = doc_of(block("echo a"), block("echo b"), block(". ./fn.sh"), *(block(f"echo c{i}") for i in range(8)))
    result, sessions = run_keeping_sessions(text.replace("# Batch", f"# Batch\n\n```bash\ncd {tmp_path}\n```"))
    outputs = [s.output.text for s in result.steps]
    assert outputs[-8:] == [f"fn:c{i}\n" for i in range(8)]
    s = sessions[0]
    assert s._no_inline and s.inlined <= 2 + WARM
    # the steps after the one sent again are queued again (a batch of step files), not run one by one
    assert s.cut >= 1 and s.batched >= 4 + 7


# -- options a prelude would set, state the guard checks ----------------------------------------
@pytest.mark.parametrize("change", ["set -o posix", "set -v", "set -x", "set -u", "set -o pipefail",
                                    "set -e", "shopt -s xpg_echo", "set +o errtrace", "set -E"])
def test_an_option_changed_before_pure_steps_gives_the_unbatched_verdicts(write_doc, change):
    pure = [block(c) for c in ("echo one", "false", "echo a\\\\tb", "false && echo no", "/bin/true")]
    doc = write_doc(doc_of(block("echo before"), block(change), *pure, block("echo x; false; echo not-reached"),
                           *pure))
    plain, batched = both(doc)
    assert essence(batched) == essence(plain)


def judged_as_unbatched(write_doc, codes: list[str], errexit: str) -> dict:
    """The batched run's JSON of one step per code (and a last one), once its verdicts are
    seen to be the unbatched run's."""
    plain, batched = both(write_doc(doc_of(*(block(c, errexit) for c in codes), block("echo last"))))
    assert essence(batched) == essence(plain)
    return batched


LISTS = ["false; echo not-reached", "echo a; false; echo not-reached", "/bin/true; echo b", "false; true",
         "echo a && false; echo after-list", "false || echo rescued; echo c", "true; false || echo d",
         "/bin/false; /bin/true"]


@pytest.mark.parametrize("errexit", ["", "errexit=false"])
def test_commands_joined_by_semicolons_give_the_unbatched_output_and_status(write_doc, errexit):
    batched = judged_as_unbatched(write_doc, LISTS, errexit)
    outputs = [s["output"] for s in batched["steps"][WARM:]]
    if errexit:
        assert outputs[:2] == ["not-reached\n", "a\nnot-reached\n"]
    else:
        assert outputs[:5] == ["", "a\n", "b\n", "", "a\n"]  # `a && false` fails the step: false is last
        assert [s["exit_code"] for s in batched["steps"][WARM:WARM + 4]] == [1, 1, 0, 1]


def test_a_semicolon_list_under_errexit_is_inlined_as_an_and_list(tmp_path):
    s = started(tmp_path)
    try:
        got = run_all(s, ["echo a; false; echo not-reached", "/bin/true; echo b", "false; true"])
        assert got == [("a\n", 1), ("b\n", 0), ("", 1)]
        assert s.inlined == 3
    finally:
        s.close()


def test_a_pure_step_that_hangs_times_out_and_the_next_ones_run_once(write_doc):
    doc = write_doc(doc_of(block("echo 1"), block("sleep 60", "timeout=2"), block("echo 3"), block("echo 4")))
    code, data, _ = execute(doc)
    assert statuses(data) == ["pass", "error", "pass", "pass"]
    assert "timed out" in data["steps"][WARM + 1]["reason"]
    assert [s["output"] for s in data["steps"][WARM + 2:]] == ["3\n", "4\n"]


def test_a_secret_printed_by_a_pure_step_is_masked_in_every_artefact(write_doc, tmp_path):
    value = "s3cr3t-inline-value-4c2"
    (tmp_path / "token.txt").write_text(value + "\n")
    doc = write_doc(doc_of(block(f"cd {tmp_path}; export API_TOKEN=$(cat token.txt)"), block("cat token.txt"),
                           block("echo x"), block("cat token.txt"), block("echo y")))
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    proc = subprocess.run([sys.executable, "-m", "runbook", "execute", str(doc), "--no-color", "-v",
                           "--json", "r.json", "--junit", "r.xml", "--html", "r.html"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    for name in ("r.json", "r.xml", "r.html", doc.name):
        assert value not in (tmp_path / name).read_text(encoding="utf-8"), name
    assert value not in proc.stdout + proc.stderr
    assert "••••" in (tmp_path / "r.json").read_text(encoding="utf-8")


def test_many_pure_steps_run_inline_and_pass(tmp_path):
    n = 300
    text = doc_of(*(block(f"echo step-{i}") + f"\n{FENCE}output\nstep-{i}\n{FENCE}\n" for i in range(n)))
    result, sessions = run_keeping_sessions(text)
    assert [s.status.value for s in result.steps] == ["pass"] * (n + WARM)
    assert sessions[0].inlined >= n - 10


def test_a_resume_after_a_run_of_pure_steps_rebuilds_the_folder_and_exports_of_the_step_before(write_doc):
    pure = [block(c) for c in ("echo p1", "/bin/true", "echo p2", "ls", "echo p3", "true && echo p4")]
    doc = write_doc(doc_of(block("mkdir -p work && cd work && export STAGE=one"), *pure, *pure,
                           block('test -f ../fixed.flag && echo "$STAGE in $(basename "$PWD")"')
                           + f"\n{FENCE}output\none in work\n{FENCE}\n"))
    code, first, out = execute(doc)
    assert code == 1 and statuses(first)[-1] == "fail", out
    (doc.parent / "work" / ".." / "fixed.flag").write_text("")
    code, data, out = execute(doc, "--resume")
    assert code == 0, out
    assert data["steps"][-1]["output"] == "one in work\n"


def test_ctrl_c_during_a_run_of_pure_steps_reports_each_step_that_ran_once(write_doc, tmp_path):
    n = 40
    marks = tmp_path / "marks"
    marks.mkdir()
    steps = [block(f"touch {marks}/m-{i}") + "\n" + block("sleep 0.1") for i in range(1, n + 1)]
    doc = write_doc(doc_of(*steps))
    out = tmp_path / "r.json"
    proc = subprocess.Popen([sys.executable, "-m", "runbook", "execute", str(doc), "--no-annotate", "-q",
                             "--json", str(out)], cwd=tmp_path, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "RUNBOOK_BATCH": "1"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(marks.iterdir())) < 5:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    data = json.loads(out.read_text())
    assert data["interrupted"] is True
    touched = {int(p.name[2:]) for p in marks.iterdir()}
    assert 5 <= len(touched) < n and touched == set(range(1, max(touched) + 1))  # in order, none skipped
    by_step = data["steps"][WARM:]
    for i in range(1, n + 1):
        touch = by_step[2 * (i - 1)]
        assert touch["status"] in (("pass", "error") if i in touched else ("skip", "error")), (i, touch)
    # at most the step being read and the one bash had started after it are "interrupted"
    assert [s["status"] for s in data["steps"]].count("error") <= 2


def test_hostile_pure_steps_a_dying_shell_huge_and_binary_output_a_changed_terminal(write_doc, tmp_path):
    (tmp_path / "die.sh").write_text("#!/bin/sh\nkill -9 $PPID\n")
    (tmp_path / "echo-on.sh").write_text("#!/bin/sh\nstty echo 2>/dev/null; echo terminal-changed\n")
    (tmp_path / "bin.dat").write_bytes(bytes(range(256)) * 4)
    for name in ("die.sh", "echo-on.sh"):
        (tmp_path / name).chmod(0o755)
    doc = write_doc(doc_of(block("echo a"), block("./echo-on.sh"), block("echo after-stty"), block("seq 1 200000"),
                           block("cat bin.dat"), block("echo b"), block("./die.sh"), block("echo in-a-fresh-shell"),
                           block("echo c")))
    plain, batched = both(doc)
    assert essence(batched) == essence(plain)
    outputs = [s.get("output") or "" for s in batched["steps"][WARM:]]
    assert outputs[2] == "after-stty\n"  # the terminal's echo was put back: the protocol is not echoed
    assert outputs[3].startswith("1\n2\n3\n")
    assert "shell exited during the step" in json.dumps(batched["steps"][WARM + 6])
    assert outputs[7:] == ["in-a-fresh-shell\n", "c\n"]


def test_a_process_a_pure_step_leaves_in_its_own_session_does_not_outlive_the_run(write_doc):
    tag = str(3000 + int.from_bytes(os.urandom(2), "big") % 5000)  # a sleep nobody else runs
    doc = write_doc(doc_of(block("echo a"), block(f"setsid -f sleep {tag}"), block("echo b")))
    code, data, _ = execute(doc)
    assert statuses(data) == ["pass", "pass", "pass"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and subprocess.run(["pgrep", "-f", f"^sleep {tag}$"]).returncode == 0:
        time.sleep(0.2)
    assert subprocess.run(["pgrep", "-f", f"^sleep {tag}$"]).returncode == 1, "the escaped sleep outlived the run"


QUOTED = ['echo "two  spaces"', "echo 'single $NOT_EXPANDED * ~ {a,b} # x'", 'echo "a;b"; false; echo not-reached',
          "echo 'x;y' \"p&&q\" || echo no", 'echo "tab\there" it"\'"s fine', "false || echo 'rescued; really'"]


@pytest.mark.parametrize("errexit", ["", "errexit=false"])
def test_quoted_literal_words_give_the_unbatched_output_and_status(write_doc, errexit):
    outputs = [s["output"] for s in judged_as_unbatched(write_doc, QUOTED, errexit)["steps"][WARM:]]
    assert outputs[:2] == ["two  spaces\n", "single $NOT_EXPANDED * ~ {a,b} # x\n"]
    assert outputs[2] == ("a;b\nnot-reached\n" if errexit else "a;b\n")


def test_quoted_pure_steps_are_inlined(tmp_path):
    s = started(tmp_path)
    try:
        got = run_all(s, QUOTED)
        assert got[2] == ("a;b\n", 1) and got[3] == ("x;y p&&q\n", 0)
        assert s.inlined == len(QUOTED)
    finally:
        s.close()


def test_a_step_that_redirects_the_shells_stdin_leaves_the_next_pure_steps_reading_nothing(write_doc, tmp_path):
    """An inline line has no ``</dev/null`` of its own: the batch's ``.`` has it, and a step
    file's ``exec 0<file`` (or closing stdin) ends with that step's own ``.``."""
    (tmp_path / "feed.txt").write_text("fed-by-a-file\n")
    doc = write_doc(doc_of(block("echo a"), block(f"exec 0<{tmp_path}/feed.txt"), block("cat"), block("wc -c"),
                           block("exec 0<&-"), block("cat"), block("echo b && cat")))
    plain, batched = both(doc)
    assert essence(batched) == essence(plain)
    outputs = [s.get("output") or "" for s in batched["steps"][WARM:]]
    assert outputs[2:4] == ["", "0\n"] and outputs[5:] == ["", "b\n"]
    assert all(s["status"] == "pass" for s in batched["steps"])


def test_a_variable_that_only_looks_like_a_secret_does_not_end_a_batch(monkeypatch):
    # The end-of-step line lists the names the session's pattern takes; a listed name ends the
    # batch (its value is asked for first). ``RB_TEST_PASSENV`` shares only "PASS" with
    # PASSWORD: it is no secret, is never listed, and the steps after a step file stay batched.
    monkeypatch.setenv("RB_TEST_PASSENV", "x")
    steps = [block("echo a"), block("x=1; echo set"), *(block(f"echo c{i}") for i in range(8)),
             block('shopt extglob | tr -s " \\t" " "')]
    result, sessions = run_keeping_sessions(doc_of(*steps))
    assert [s.output.text for s in result.steps][-10:] == ["set\n", *(f"c{i}\n" for i in range(8)), "extglob off\n"]
    assert sessions[0].batched >= len(steps)


@pytest.mark.parametrize("move, back", [
    ("exec 7>&1 >out.txt", "exec >&7 7>&-"),  # a file
    ("exec 7>&1 1</dev/fd/255", "exec >&7 7>&-"),  # the same terminal, opened for reading only
    ("exec 7>&1 >&-", "exec >&7 7>&-"),  # closed
])
def test_pure_steps_after_a_step_moved_the_shells_stdout_still_end_on_the_terminal(tmp_path, move, back):
    """An inline line's sentinel goes to bash's stdout only when that is the terminal, open for
    writing (``shell_lines.inline_check``); else to the terminal, as a step file's post does."""
    s = started(tmp_path)
    try:
        s.run(f"cd {tmp_path}", timeout=30)
        assert s.run(move, timeout=30).exit_code == 0
        got = run_all(s, ["echo one", "/bin/echo two", "false"])
        assert s.inlined == 3 and got[2] == ("", 1)
        s.run(back, timeout=30)
        assert run_all(s, ["echo after", "echo again"]) == [("after\n", 0), ("again\n", 0)]
        if move.endswith("out.txt"):
            assert got[:2] == [("", 0), ("", 0)] and (tmp_path / "out.txt").read_text() == "one\ntwo\n"
        else:  # echo cannot write: its error is on stderr, still the terminal
            assert all(rc == 1 and "echo" in out for out, rc in got[:2]), got
    finally:
        s.close()
