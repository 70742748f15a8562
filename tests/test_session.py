"""PexpectSession basics through a real pty bash: state carries over, errexit, startup errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook.errors import SessionError
from runbook.run.session import PexpectSession, ShellConfig


def test_hermetic_bash_starts_in_cwd_and_is_detected(bash, tmp_path):
    assert bash.kind == "bash"
    ex = bash.run("pwd", timeout=5)
    assert ex.output.text == f"{tmp_path}\n"
    assert (ex.exit_code, ex.timed_out, ex.shell_died, ex.note) == (0, False, False, "")


def test_cwd_variables_and_functions_persist(bash, tmp_path):
    (tmp_path / "sub").mkdir()
    bash.run("cd sub; export A=1; B=2; greet() { echo \"hi $1\"; }", timeout=5)
    ex = bash.run("pwd; echo $A $B; greet bob", timeout=5)
    assert ex.output.text == f"{tmp_path}/sub\n1 2\nhi bob\n"


def test_config_env_reaches_the_shell_and_pagers_are_off(tmp_path):
    s = PexpectSession(ShellConfig(cwd=str(tmp_path), env={"GREETING": "hello there", "PAGER": "more"}))
    s.start()
    try:
        ex = s.run('echo "$GREETING|$PAGER|$GIT_PAGER|$TERM"', timeout=5)
        assert ex.output.text == "hello there|more|cat|dumb\n"
    finally:
        s.close()


def test_errexit_stops_at_the_first_failure_and_takes_its_status(bash):
    ex = bash.run("echo one\n(exit 7)\necho never", timeout=5)
    assert ex.output.text == "one\n" and ex.exit_code == 7


def test_errexit_also_inside_functions(bash):
    ex = bash.run("f() { false; echo in-f; }\nf\necho after", timeout=5)
    assert ex.output.text == "" and ex.exit_code == 1


def test_errexit_ignores_conditions_like_set_e(bash):
    ex = bash.run("if false; then :; fi\nfalse || echo ok\n! false\necho fine", timeout=5)
    assert ex.output.text == "ok\nfine\n" and ex.exit_code == 0


def test_errexit_false_runs_every_line_like_a_paste(bash):
    ex = bash.run("false\necho still\nfalse", timeout=5, errexit=False)
    assert ex.output.text == "still\n" and ex.exit_code == 1


def test_errexit_does_not_leak_into_the_next_step(bash):
    bash.run("false", timeout=5)
    ex = bash.run("false; echo survived", timeout=5, errexit=False)
    assert ex.output.text == "survived\n"


def test_output_without_trailing_newline_is_exact(bash):
    assert bash.run("printf abc", timeout=5).output.text == "abc"
    assert bash.run("printf 'abc\\n\\n'", timeout=5).output.text == "abc\n\n"
    assert bash.run("true", timeout=5).output.text == ""


def test_stderr_is_captured_with_stdout(bash):
    ex = bash.run("echo out; echo err >&2", timeout=5)
    assert ex.output.text == "out\nerr\n"


def test_set_x_traces_the_step_not_the_protocol(bash):
    bash.run("set -x", timeout=5)
    ex = bash.run("echo hi", timeout=5)
    assert ex.output.text == "++ echo hi\nhi\n"
    assert "__RB_" not in ex.output.text and "step.sh" not in ex.output.text


def test_on_output_sees_the_stream(bash):
    seen: list[str] = []
    ex = bash.run("echo a; sleep 0.1; echo b", timeout=5, on_output=seen.append)
    assert "".join(seen) == ex.output.text == "a\nb\n"


def test_needle_counts_come_back(bash):
    ex = bash.run("seq 1 20", timeout=5, needles=["1", "20", "nope"])
    assert ex.output.counts == {"1": 12, "20": 1, "nope": 0}


def test_start_fails_clearly_for_a_missing_command(tmp_path):
    s = PexpectSession(ShellConfig(command="no-such-shell-xyz", cwd=str(tmp_path)))
    with pytest.raises(SessionError) as err:
        s.start()
    assert "no-such-shell-xyz" in str(err.value) and err.value.hint
    s.close()


def test_start_fails_clearly_when_the_shell_never_answers(tmp_path):
    s = PexpectSession(ShellConfig(command="sleep 30", cwd=str(tmp_path), start_timeout=0.5))
    with pytest.raises(SessionError) as err:
        s.start()
    assert "did not answer within 0.5 s" in str(err.value)
    s.close()


def test_start_fails_when_the_shell_exits_at_once(tmp_path):
    s = PexpectSession(ShellConfig(command="sh -c 'echo bye; exit 1'", cwd=str(tmp_path)))
    with pytest.raises(SessionError) as err:
        s.start()
    assert "exited at start" in str(err.value) and "bye" in str(err.value)


def test_missing_cwd_is_a_session_error(tmp_path):
    with pytest.raises(SessionError, match="does not exist"):
        PexpectSession(ShellConfig(cwd=str(tmp_path / "nope"))).start()


def test_close_is_idempotent_and_removes_the_private_dir(tmp_path):
    s = PexpectSession(ShellConfig(cwd=str(tmp_path)))
    s.start()
    private = s._dir
    assert private is not None and Path(private).is_dir()
    assert Path(private).stat().st_mode & 0o777 == 0o700
    s.close()
    s.close()
    assert not Path(private).exists()
    with pytest.raises(SessionError):
        s.run("true", timeout=1)


def test_partial_sentinel_holds_back_only_a_possible_sentinel_start():
    from runbook.run.shell_lines import partial_sentinel, sentinel

    marks = [sentinel("abcd")]
    hold = len(marks[0]) + 1
    assert partial_sentinel(b"Name: ", marks, hold) == 6  # a prompt is fed at once
    assert partial_sentinel(b"out\n__RB_ab", marks, hold) == 3
    assert partial_sentinel(b"out\r\n__RB", marks, hold) == 3  # CR of a remote CRLF held too
    assert partial_sentinel(b"out\r", marks, hold) == 3
    assert partial_sentinel(b"out\n__RX", marks, hold) == 8
