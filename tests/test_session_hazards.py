"""Each test is named after a hazard a real step throws at the shell session (real pty bash)."""

from __future__ import annotations

import threading
import time
import tracemalloc

import pytest

from runbook.run import procs
from runbook.run.session import PexpectSession, ShellConfig

MARKER_ROOM = 64


def _wait_for(predicate, timeout: float = 5.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


# -- the sentinel ---------------------------------------------------------------
def test_output_faking_the_sentinel_does_not_end_the_step(bash, issued):
    bash.run("echo first", timeout=5)
    previous = issued[-1]
    fake = f"printf '\\n__RB_{previous}:0\\n'; echo '__RB_'; echo '__RB_x:1'; echo after"
    ex = bash.run(fake, timeout=5)
    assert ex.exit_code == 0
    assert ex.output.text == f"\n__RB_{previous}:0\n__RB_\n__RB_x:1\nafter\n"


# -- volume ---------------------------------------------------------------------
def test_50mb_of_output_streams_with_bounded_memory(bash):
    tracemalloc.start()
    try:
        ex = bash.run("yes 2>/dev/null | head -c 50000000", timeout=60)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    out = ex.output
    assert ex.exit_code == 0
    assert out.total_bytes == 50_000_000 and out.lines == 25_000_000
    assert len(out.text) <= 1_000_000 + MARKER_ROOM
    assert out.dropped_bytes == 50_000_000 - 1_000_000
    assert out.text.startswith("y\ny\n") and out.text.endswith("y\ny\n")
    assert "bytes dropped" in out.text
    assert peak < 12_000_000


def test_10mb_of_seq_output_counts_exactly(bash):
    ex = bash.run("seq 1 1500000", timeout=30)
    out = ex.output
    assert out.total_bytes == sum(len(str(i)) + 1 for i in range(1, 1_500_001))
    assert out.lines == 1_500_000
    assert out.text.startswith("1\n2\n3\n") and out.text.endswith("1499999\n1500000\n")


# -- stdin ----------------------------------------------------------------------
def test_cat_reading_stdin_gets_eof_not_a_hang(bash):
    ex = bash.run("cat\necho cat-done", timeout=5)
    assert ex.output.text == "cat-done\n" and ex.duration_s < 2


def test_read_gets_eof_not_a_hang(bash):
    ex = bash.run('read x; echo "read=$?"', timeout=5, errexit=False)
    assert ex.output.text == "read=1\n" and ex.duration_s < 2


# -- timeouts -------------------------------------------------------------------
def test_timeout_of_a_foreground_child_keeps_output_and_the_same_shell(bash, tmp_path):
    bash.run("KEEP=yes; mkdir -p d; cd d", timeout=5)
    t0 = time.monotonic()
    ex = bash.run("echo before; sleep 30; echo never", timeout=1)
    assert time.monotonic() - t0 < 3
    assert ex.timed_out and ex.exit_code is None and not ex.shell_died
    assert ex.output.text.startswith("before\n") and "never" not in ex.output.text
    assert "timed out after 1 s" in ex.note and "SIGINT" in ex.note
    after = bash.run("echo $KEEP; pwd", timeout=5)
    assert after.output.text == f"yes\n{tmp_path}/d\n"
    assert bash.restarts == 0


def test_timeout_of_a_busy_builtin_loop(bash):
    bash.run("KEEP=loop", timeout=5)
    t0 = time.monotonic()
    ex = bash.run("echo spinning; while :; do :; done", timeout=1)
    assert time.monotonic() - t0 < 3
    assert ex.timed_out and ex.output.text.startswith("spinning\n")
    assert bash.run("echo $KEEP", timeout=5).output.text == "loop\n"
    assert bash.restarts == 0


def test_timeout_of_a_process_ignoring_sigint_escalates_to_sigkill(bash):
    bash.run("KEEP=kill", timeout=5)
    code = "python3 -c 'import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(60)'"
    t0 = time.monotonic()
    ex = bash.run(code, timeout=1)
    assert time.monotonic() - t0 < 3.5
    assert ex.timed_out and "SIGKILL" in ex.note
    assert "__RB_" not in ex.output.text
    assert bash.run("echo $KEEP", timeout=5).output.text == "kill\n"
    assert bash.restarts == 0


def test_timeout_with_the_shell_ignoring_sigint_restarts_the_shell(bash):
    ex = bash.run("trap '' INT; while :; do :; done", timeout=0.5)
    assert ex.timed_out and "restarted" in ex.note
    assert bash.restarts == 1
    assert bash.run("echo fresh", timeout=5).output.text == "fresh\n"


def test_timeout_at_an_unanswered_prompt_names_it(bash):
    ex = bash.run('read -p "Password: " pw; echo "got $pw"', timeout=1, interactive=True)
    assert ex.timed_out
    assert 'waiting at prompt "Password: "' in ex.note
    assert bash.run("echo ok", timeout=5).output.text == "ok\n"


def test_interrupt_from_another_thread_stops_the_step(bash):
    bash.run("KEEP=int", timeout=5)
    timer = threading.Timer(0.3, bash.interrupt)
    timer.start()
    t0 = time.monotonic()
    ex = bash.run("sleep 20", timeout=30)
    assert time.monotonic() - t0 < 2
    assert not ex.timed_out and ex.exit_code is None and ex.note.startswith("interrupted")
    assert bash.run("echo $KEEP", timeout=5).output.text == "int\n"


def test_interrupt_between_steps_does_not_affect_the_next_step(bash):
    bash.interrupt()
    ex = bash.run("sleep 0.2; echo done", timeout=5)
    assert ex.output.text == "done\n" and ex.note == ""


# -- the shell dies -------------------------------------------------------------
@pytest.mark.parametrize("code, status", [("exit 3", 3), ("exec true", 0), ("kill -9 $$", 137)])
def test_shell_exit_is_reported_and_the_next_step_runs(bash, code, status):
    bash.run("LOST=1", timeout=5)
    ex = bash.run(code, timeout=5)
    assert ex.shell_died and ex.exit_code == status
    assert "the shell exited during the step" in ex.note and "fresh shell" in ex.note
    nxt = bash.run('echo "next${LOST-}"', timeout=5)
    assert nxt.output.text == "next\n" and nxt.exit_code == 0
    assert bash.restarts == 1


def test_shell_exit_with_a_background_job_holding_the_pty(bash):
    ex = bash.run("sleep 30 &\nexit 4", timeout=5)
    assert ex.shell_died and ex.exit_code == 4 and ex.duration_s < 2
    assert bash.run("echo next", timeout=5).output.text == "next\n"


# -- syntax ---------------------------------------------------------------------
@pytest.mark.parametrize("code", ['echo "oops', "echo 'oops", "if true; then echo x"])
def test_unclosed_quote_or_block_is_a_syntax_error_not_a_hang(bash, code):
    ex = bash.run(code, timeout=5)
    assert not ex.timed_out and ex.exit_code not in (0, None)
    assert "unexpected end of file" in ex.output.text or "unexpected EOF" in ex.output.text
    assert bash.run("echo fine", timeout=5).output.text == "fine\n"


def test_file_ending_in_a_backslash_does_not_hang(bash):
    ex = bash.run("echo a \\", timeout=5)
    assert not ex.timed_out and ex.output.text == "a\n"


def test_heredoc_without_terminator_does_not_hang(bash):
    ex = bash.run("cat <<EOF\nline one", timeout=5, errexit=False)
    assert not ex.timed_out and "line one" in ex.output.text


def test_multiline_heredoc(bash):
    ex = bash.run("X=v\ncat <<EOF\none $X\n  two\nEOF\ncat <<'RAW'\n$X\nRAW", timeout=5)
    assert ex.output.text == "one v\n  two\n$X\n"


# -- jobs -----------------------------------------------------------------------
def test_background_job_left_running_returns_promptly_and_close_kills_it(tmp_path):
    s = PexpectSession(ShellConfig(cwd=str(tmp_path)))
    s.start()
    ex = s.run("sleep 300 &\necho $!", timeout=5)
    pid = int(ex.output.text)
    assert ex.exit_code == 0 and ex.duration_s < 1
    assert procs.alive(pid)
    s.close()
    assert not procs.alive(pid)


def test_finished_background_job_notice_does_not_leak_into_later_steps(bash):
    assert bash.run("sleep 0.2 &\necho started", timeout=5).output.text == "started\n"
    assert bash.run("sleep 0.5; echo next", timeout=5).output.text == "next\n"
    assert bash.run("sleep 0.1 & sleep 0.4; echo same-step", timeout=5).output.text == "same-step\n"
    assert bash.run("echo last", timeout=5).output.text == "last\n"


def test_jobs_from_earlier_steps_are_still_the_shells_jobs(bash):
    bash.run("sleep 30 &", timeout=5)
    ex = bash.run("kill %1; wait %1; echo $?", timeout=5, errexit=False)
    assert ex.output.text == "143\n"


def test_late_background_output_between_steps_is_not_the_next_steps(bash):
    bash.run("(sleep 0.2; echo late) &", timeout=5)
    time.sleep(0.5)
    assert bash.run("echo mine", timeout=5).output.text == "mine\n"


def test_run_background_writes_its_log_and_close_leaves_nothing(tmp_path):
    s = PexpectSession(ShellConfig(cwd=str(tmp_path)))
    s.start()
    log = tmp_path / "server.log"
    s.run("PORT_MSG=serving", timeout=5)
    pid = s.run_background(
        "sleep 301 & echo $! > child.pid\n"
        "python3 -u -c 'import os, time; print(os.environ.get(\"X\", \"\"), flush=True); time.sleep(300)' &\n"
        "echo \"$PORT_MSG\"; wait", str(log))
    assert pid > 0 and procs.alive(pid)
    assert _wait_for(lambda: log.exists() and "serving" in log.read_text())
    assert _wait_for(lambda: (tmp_path / "child.pid").exists() and (tmp_path / "child.pid").read_text().strip())
    child = int((tmp_path / "child.pid").read_text())
    assert s.run("echo still-usable", timeout=5).output.text == "still-usable\n"
    members = procs.descendants(pid)
    assert child in members and len(members) >= 2
    t0 = time.monotonic()
    s.close()
    assert time.monotonic() - t0 < 4
    for p in [pid, child, *members]:
        assert not procs.alive(p)


# -- bytes and terminals --------------------------------------------------------
def test_binary_bytes_never_crash(bash):
    ex = bash.run("printf '\\x80\\xff\\x00abc'", timeout=5)
    assert ex.output.text == "\\x80\\xff\x00abc" and ex.output.total_bytes == 6


def test_ansi_colours_are_kept_and_needles_ignore_them(bash):
    ex = bash.run("printf '\\033[31mred\\033[0m\\n'", timeout=5, needles=["red", "31m"])
    assert ex.output.text == "\x1b[31mred\x1b[0m\n"
    assert ex.output.counts == {"red": 1, "31m": 0}


def test_crlf_from_the_program_is_kept_as_written(bash):
    assert bash.run("printf 'a\\r\\nb\\r\\n'", timeout=5).output.text == "a\r\nb\r\n"


def test_stty_echo_in_a_step_does_not_echo_the_next_step(bash):
    bash.run("stty echo </dev/tty", timeout=5)
    ex = bash.run("echo x", timeout=5)
    assert ex.output.text == "x\n"
    ex = bash.run("stty sane </dev/tty; echo y", timeout=5)
    assert bash.run("echo z", timeout=5).output.text == "z\n"


def test_pager_commands_do_not_wait_for_a_key(bash, tmp_path):
    (tmp_path / "f.txt").write_text("a\nb\n")
    for code in ("less f.txt", "cat f.txt | less", "$PAGER f.txt"):
        ex = bash.run(code, timeout=5)
        assert not ex.timed_out, code
        assert "a" in ex.output.text and "b" in ex.output.text
    ex = bash.run("git init -q r && cd r && git -c user.name=n -c user.email=e@x commit -q --allow-empty -m first"
                  " && git log --format=%s", timeout=10)
    assert ex.output.text == "first\n"


# -- interactive ----------------------------------------------------------------
def test_interactive_dialog_answers_the_prompt(bash):
    ex = bash.run('read -p "Name: " n; echo "hi $n"', timeout=5, interactive=True,
                  dialog=[("Name: ", "bob")])
    assert "hi bob" in ex.output.text and ex.exit_code == 0


def test_interactive_dialog_answers_prompts_in_order(bash):
    code = 'read -p "user? " u; read -p "pass? " p; echo "$u/$p"'
    ex = bash.run(code, timeout=5, interactive=True, dialog=[(r"user\? ", "ann"), (r"pass\? ", "s3cret")])
    assert ex.output.text.endswith("ann/s3cret\n")
