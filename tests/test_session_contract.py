"""The Session contract (runbook.run.protocol.Session): the real pty session and the fake of
tests/fake_session.py go through the same cases, so runner tests on the fake mean something."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Callable

import pytest

from fake_session import FakeSession
from runbook.errors import SessionError
from runbook.run.protocol import Session
from runbook.run.session import PexpectSession, ShellConfig

FACTORIES: dict[str, Callable[[ShellConfig], Session]] = {"pexpect": PexpectSession, "fake": FakeSession}


@pytest.fixture(params=sorted(FACTORIES))
def make(request, tmp_path: Path):
    made: list[Session] = []

    def _make(**config: object) -> Session:
        s = FACTORIES[request.param](ShellConfig(cwd=str(tmp_path), **config))  # type: ignore[arg-type]
        s.start()
        made.append(s)
        return s

    yield _make
    for s in made:
        s.close()


def test_output_and_exit_status_of_a_step(make):
    ex = make().run("printf 'a\\nb\\n'; echo err >&2", timeout=20)
    assert ex.output.text == "a\nb\nerr\n"
    assert (ex.exit_code, ex.timed_out, ex.shell_died) == (0, False, False)
    assert (ex.output.lines, ex.output.total_bytes) == (3, 8)


def test_errexit_stops_at_the_first_failing_command(make):
    s = make()
    stopped = s.run("echo before; false; echo after", timeout=20, errexit=True)
    assert (stopped.output.text, stopped.exit_code) == ("before\n", 1)
    went_on = s.run("false; echo after", timeout=20, errexit=False)
    assert (went_on.output.text, went_on.exit_code) == ("after\n", 0)
    status = s.run("bash -c 'exit 7'", timeout=20, errexit=False)
    assert status.exit_code == 7 and not status.shell_died


def test_a_step_past_its_timeout_is_stopped_and_the_session_goes_on(make):
    s = make()
    t0 = time.monotonic()
    ex = s.run("echo started; sleep 60", timeout=1)
    assert ex.timed_out and ex.exit_code is None and "timed out" in ex.note
    assert ex.output.text.startswith("started\n")
    assert time.monotonic() - t0 < 30
    assert s.run("echo next", timeout=20).output.text == "next\n"


def test_interrupt_from_another_thread_stops_the_running_step(make):
    s = make()
    done = threading.Event()

    def press_ctrl_c() -> None:  # until the step is seen running: it may start late on a loaded machine
        while not done.wait(0.3):
            s.interrupt()

    presser = threading.Thread(target=press_ctrl_c)
    t0 = time.monotonic()
    presser.start()
    try:
        ex = s.run("sleep 60", timeout=60)
    finally:
        done.set()
        presser.join()
    assert not ex.timed_out and "interrupted" in ex.note
    assert time.monotonic() - t0 < 30
    assert s.run("echo alive", timeout=20).output.text == "alive\n"


def test_environment_and_working_directory_come_from_the_config(make, tmp_path):
    ex = make(env={"RB_CONTRACT": "yes"}).run('echo "$RB_CONTRACT"; pwd', timeout=20)
    assert ex.output.text == f"yes\n{tmp_path}\n"


def test_needles_are_counted_over_the_whole_stream_beyond_the_cap(make):
    ex = make(output_cap=2000).run("for i in $(seq 5000); do echo ok-line; done", timeout=30, needles=("ok-line",))
    assert ex.output.truncated and ex.output.lines == 5000
    assert ex.output.counts["ok-line"] == 5000
    assert "bytes dropped" in ex.output.text
    bigger = make(output_cap=2000).run("seq 3000", timeout=30, output_cap=100_000)
    assert not bigger.output.truncated and bigger.output.text.endswith("2999\n3000\n")


def test_output_reaches_the_callback_while_the_step_runs(make):
    chunks: list[str] = []
    ex = make().run("echo one; sleep 0.3; echo two", timeout=20, on_output=chunks.append)
    assert "".join(chunks) == ex.output.text == "one\ntwo\n"


def test_a_background_step_logs_and_is_stopped_by_close(make, tmp_path):
    s = make()
    log = tmp_path / "bg.log"
    pid = s.run_background("echo serving; exec sleep 300", str(log))
    deadline = time.monotonic() + 20
    while "serving" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert log.read_text() == "serving\n"
    os.kill(pid, 0)  # alive while the session is
    s.close()
    deadline = time.monotonic() + 20
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), "a background process outlived its session"
    s.close()  # idempotent


def test_a_missing_working_directory_is_a_session_error(tmp_path):
    for factory in FACTORIES.values():
        with pytest.raises(SessionError, match="does not exist"):
            factory(ShellConfig(cwd=str(tmp_path / "gone"))).start()


def test_both_sessions_start_with_no_restarts(make):
    assert make().restarts == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone for our purpose
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
