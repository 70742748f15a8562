"""The spawned watchdog (``runbook/run/watchdog.py``: a bash program started without forking
runbook): what it inherits, when it cleans up, and the fork it falls back to."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from runbook.run import procs, watchdog
from runbook.run.reaper import RunGuard


def _script(runbook_pid: int, marker_file: Path) -> subprocess.Popen[bytes]:
    """SCRIPT as start() runs it, with a cleaning command that only leaves a file behind."""
    return subprocess.Popen(["bash", "--noprofile", "--norc", "-c", watchdog.SCRIPT, "runbook-watchdog",
                             str(runbook_pid), "sh", "-c", f"echo cleaned > {marker_file}"],
                            stdin=subprocess.PIPE, start_new_session=True)


def test_done_ends_it_without_cleaning_and_end_of_file_cleans(tmp_path: Path) -> None:
    told, dropped = tmp_path / "told", tmp_path / "dropped"
    dog = _script(os.getpid(), told)
    assert dog.stdin is not None
    dog.stdin.write(b"done\n")
    dog.stdin.close()
    assert dog.wait(timeout=30) == 0 and not told.exists()
    dog = _script(os.getpid(), dropped)
    assert dog.stdin is not None
    dog.stdin.close()  # runbook died: the kernel closed its end
    assert dog.wait(timeout=30) == 0 and dropped.read_text() == "cleaned\n"


def test_it_cleans_up_when_runbook_has_gone_though_its_pipe_is_still_open(tmp_path: Path) -> None:
    """A fork of runbook that did not exec may hold the pipe: the pid is checked every second."""
    gone = subprocess.Popen(["true"])
    gone.wait()
    cleaned = tmp_path / "cleaned"
    dog = _script(gone.pid, cleaned)
    try:
        assert dog.wait(timeout=30) == 0
        assert cleaned.read_text() == "cleaned\n"
    finally:
        assert dog.stdin is not None
        dog.stdin.close()
        dog.kill()


def test_the_spawned_watchdog_inherits_no_descriptor_of_runbook_and_runs_from_the_root(tmp_path: Path) -> None:
    held = open(tmp_path / "held", "w")
    os.set_inheritable(held.fileno(), True)  # what a fork or a spawn would pass on
    guard = RunGuard()
    try:
        guard.start()
        pid = guard.watchdog_pid
        assert pid is not None
        assert os.readlink(f"/proc/{pid}/exe").endswith("bash")  # spawned, not a fork of this Python
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and os.readlink(f"/proc/{pid}/cwd") != "/":
            time.sleep(0.02)
        targets = set()
        for n in os.listdir(f"/proc/{pid}/fd"):
            try:
                targets.add(os.readlink(f"/proc/{pid}/fd/{n}"))
            except FileNotFoundError:
                continue
        assert str(tmp_path / "held") not in targets and os.readlink(f"/proc/{pid}/cwd") == "/"
    finally:
        guard.finish()
        held.close()
    assert not procs.alive(pid)


def test_without_bash_the_watchdog_is_a_fork_that_still_ends_when_told(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(watchdog.shutil, "which", lambda name: None)
    guard = RunGuard()
    guard.start()
    pid = guard.watchdog_pid
    assert pid is not None
    try:
        assert os.readlink(f"/proc/{pid}/exe") == os.path.realpath(sys.executable)  # the fork
    finally:
        guard.finish()
    assert not procs.alive(pid)


def test_the_cleaning_interpreter_gets_runbooks_environment_but_not_what_steers_bash() -> None:
    env = {"PATH": "/bin", "BASH_ENV": "/tmp/x", "SHELLOPTS": "xtrace", "BASH_FUNC_read%%": "() { :; }",
           "KEEP": "1"}
    pid, pipe = watchdog.start("m" * 16, [], env)
    try:
        deadline = time.monotonic() + 30
        seen = b""
        while time.monotonic() < deadline and b"KEEP=1" not in seen:
            seen = Path(f"/proc/{pid}/environ").read_bytes()
            time.sleep(0.01)
        names = {item.split(b"=")[0] for item in seen.split(b"\0") if item}
        assert b"KEEP" in names and not names & {b"BASH_ENV", b"SHELLOPTS", b"BASH_FUNC_read%%"}
    finally:
        os.write(pipe, b"done\n")
        os.close(pipe)
        os.waitpid(pid, 0)
