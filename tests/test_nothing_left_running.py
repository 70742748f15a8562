"""Nothing a run starts outlives it: not escapees of setsid/nohup/double fork/disown, not a
background service, not runbook's temp folders; whether the run ends normally, is stopped by
SIGTERM/SIGINT/SIGHUP, or runbook itself is killed with SIGKILL (the watchdog cleans up).

Each test runs the real CLI as a subprocess with its own outer marker (``RUNBOOK_RUN``, which
runbook keeps in its shells' environment next to its own) and its own temp folders, so
parallel tests never see each other's processes. runbook and its watchdog inherit the outer
marker too: "no marked process left" therefore also proves the watchdog did not outlive the run.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runbook.run import procs
from runbook.run.reaper import RunGuard, temp_roots
from runbook.run.watchdog import run_folders

ENDINGS = ["normal", "SIGTERM", "SIGINT", "SIGHUP", "SIGKILL"]


def _fence(code: str, info: str = "bash") -> str:
    return f"```{info}\n{code}\n```\n"


def _document(tmp: Path, *, wait_at_end: bool) -> str:
    pids, ready = tmp / "pids", tmp / "ready"
    escape = "\n".join([
        f"setsid sleep 300 & echo $! >> {pids}",
        f"nohup sleep 300 >/dev/null 2>&1 & echo $! >> {pids}",
        f"( ( sleep 300 & echo $! >> {pids} ) & )",
        f"sleep 300 & echo $! >> {pids}; disown",
        # Ignores SIGTERM (SIG_IGN survives exec): only SIGKILL after the grace stops it.
        f"setsid bash -c 'trap \"\" TERM; exec sleep 300' & echo $! >> {pids}",
        "echo escaped",
    ])
    last = f"touch {ready}" + ("; sleep 120" if wait_at_end else "")
    return ("# Left running\n\n### S1. escape\n\n" + _fence(escape) +
            "\n### S2. service\n\n" + _fence(f"echo $$ > {tmp / 'bg'}; exec sleep 300", "bash background") +
            # A pause: the session's timeout kill takes "started during the step" at clock-tick
            # (10 ms) precision, and may count escapees of a step just before.
            "\n### S3. pause\n\n" + _fence("sleep 0.3") +
            "\n### S4. last\n\n" + _fence(last) + "\n")


def _env(tmp: Path, mark: str) -> dict[str, str]:
    # Keep a surrounding run's marker (these tests may run inside a runbook step).
    outer = procs.marker_value(mark, os.environ.get(procs.MARKER_VAR))
    env = {**os.environ, procs.MARKER_VAR: outer, "TMPDIR": str(tmp / "tmp"), "XDG_RUNTIME_DIR": str(tmp / "xdg")}
    for d in ("tmp", "xdg"):
        (tmp / d).mkdir(exist_ok=True)
    return env


def _wait_for(path: Path, proc: subprocess.Popen[bytes], within: float = 30) -> None:
    deadline = time.monotonic() + within
    while not path.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            out = proc.communicate()[0].decode() if proc.poll() is not None else ""
            proc.kill()
            pytest.fail(f"the run never reached its last step: {out}")
        time.sleep(0.05)


def _left(mark: str, tmp: Path, within: float = 20) -> tuple[list[str], list[str], float]:
    """Poll until no process carries ``mark`` and no runbook folder is left (or ``within`` s)."""
    t0 = time.monotonic()
    while True:
        alive = [procs.describe(p) for p in procs.marked(mark)]
        folders = [str(p) for d in ("tmp", "xdg") for p in (tmp / d).glob("runbook-*")]
        if (not alive and not folders) or time.monotonic() - t0 > within:
            return alive, folders, time.monotonic() - t0
        time.sleep(0.1)


def _kill_all(mark: str) -> None:
    procs.reap_marked(mark, grace=0.2)


def _pids(tmp: Path) -> list[int]:
    return [int(x) for x in (tmp / "pids").read_text().split()]


def _run(tmp: Path, command: str, ending: str) -> tuple[subprocess.Popen[bytes], str, str]:
    mark = "t" + secrets.token_hex(6)
    doc = tmp / "doc.md"
    doc.write_text(_document(tmp, wait_at_end=ending != "normal"), encoding="utf-8")
    argv = [sys.executable, "-m", "runbook", command, str(doc)]
    if command == "execute":
        argv += ["--no-color", "--json", str(tmp / "r.json")]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp, env=_env(tmp, mark))
    try:
        if ending != "normal":
            _wait_for(tmp / "ready", proc)
            proc.send_signal(getattr(signal, ending))
        out = proc.communicate(timeout=60)[0].decode()
    except BaseException:
        proc.kill()
        _kill_all(mark)
        raise
    return proc, mark, out


@pytest.mark.parametrize("ending", ENDINGS)
@pytest.mark.parametrize("command", ["execute", "update"])
def test_escaped_processes_services_and_temp_folders_never_outlive_the_run(tmp_path, command, ending):
    proc, mark, out = _run(tmp_path, command, ending)
    try:
        alive, folders, took = _left(mark, tmp_path)
        assert not alive, f"left running after {ending} of `{command}`: {alive}\n{out}"
        assert not folders, f"temp folders left after {ending} of `{command}`: {folders}"
        escapees = _pids(tmp_path)
        assert len(escapees) == 5
        for pid in [*escapees, int((tmp_path / "bg").read_text())]:
            assert not procs.alive(pid), f"pid {pid} still alive after {ending}"
    finally:
        _kill_all(mark)
    expected_rc = {"normal": 0, "SIGKILL": -signal.SIGKILL}.get(ending, 130)
    assert proc.returncode == expected_rc, out
    if ending != "SIGKILL":
        # The run names what it had to stop: every escapee, not the shell or the declared service.
        assert "stopped 5 process(es) the run left running" in out, out
        assert sorted(int(p) for p in re.findall(r"pid (\d+) \(sleep 300\)", out)) == sorted(escapees)
    if command == "execute" and ending != "SIGKILL":
        data = json.loads((tmp_path / "r.json").read_text())
        reported = sorted(int(re.match(r"pid (\d+)", s).group(1)) for s in data["stopped_processes"])
        assert reported == sorted(escapees)


def test_an_interrupted_update_leaves_the_document_as_it_was(tmp_path):
    doc = tmp_path / "doc.md"
    ready = tmp_path / "ready"
    text = ("# U\n\n### S1. a\n\n" + _fence("echo new") + "\nExpected output:\n\n```\nold\n```\n\n"
            "### S2. b\n\n" + _fence(f"touch {ready}; sleep 120") + "\n")
    doc.write_text(text, encoding="utf-8")
    mark = "t" + secrets.token_hex(6)
    proc = subprocess.Popen([sys.executable, "-m", "runbook", "update", str(doc)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, cwd=tmp_path, env=_env(tmp_path, mark))
    try:
        _wait_for(ready, proc)
        proc.send_signal(signal.SIGTERM)
        out = proc.communicate(timeout=60)[0].decode()
    finally:
        proc.kill()
        _kill_all(mark)
    assert proc.returncode == 130, out
    assert "left unchanged" in out
    assert doc.read_text(encoding="utf-8") == text


def test_a_document_cannot_unset_the_marker_through_its_env(tmp_path):
    pids = tmp_path / "pids"
    doc = tmp_path / "doc.md"
    doc.write_text("---\nenv:\n  RUNBOOK_RUN: mine\n---\n# E\n\n" +
                   _fence(f"setsid sleep 300 & echo $! >> {pids}\n"
                          # wait until it has really left the shell's session (the escape this test is about)
                          'while [ "$(ps -o sid= -p $!)" = "$(ps -o sid= -p $$)" ]; do sleep 0.05; done')
                   + "\n", encoding="utf-8")
    mark = "t" + secrets.token_hex(6)
    try:
        res = subprocess.run([sys.executable, "-m", "runbook", "execute", str(doc), "--no-annotate"],
                             capture_output=True, text=True, cwd=tmp_path, env=_env(tmp_path, mark), timeout=60)
        alive, _, _ = _left(mark, tmp_path)
        assert not alive, res.stdout + res.stderr
        assert not procs.alive(int(pids.read_text()))
        assert "stopped 1 process(es)" in res.stdout, res.stdout + res.stderr
    finally:
        _kill_all(mark)


def test_nested_runs_keep_the_outer_marker_so_the_outer_sweep_finds_inner_escapees():
    assert procs.marker_value("b", "a") == "a,b"
    assert procs.marker_value("b", None) == "b"
    assert procs.marker_value("b", "a,b") == "a,b"
    guard = RunGuard()
    child = subprocess.Popen(["sleep", "300"], env={**os.environ, **guard.shell_env()}, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while child.pid not in [p.pid for p in procs.marked(guard.marker)] and time.monotonic() < deadline:
            time.sleep(0.05)
        stopped = guard.finish()
        assert stopped == [f"pid {child.pid} (sleep 300)"]
        assert child.wait(timeout=20) == -signal.SIGTERM
    finally:
        child.kill()
        child.wait()


def test_the_watchdog_exits_when_told_done_and_removes_nothing(tmp_path):
    guard = RunGuard()
    keep = tmp_path / f"{guard.folder_prefix('logs')}x"
    keep.mkdir()
    guard.start()
    pid = guard.watchdog_pid
    assert pid is not None and procs.alive(pid)
    guard.finish()
    assert guard.watchdog_pid is None
    assert not procs.alive(pid), "a normal run must not leave its watchdog behind"
    assert keep.is_dir(), "after `done` the watchdog removes nothing"


def _open_fds(pid: int) -> dict[int, str]:
    fds = {}
    for n in os.listdir(f"/proc/{pid}/fd"):
        try:
            fds[int(n)] = os.readlink(f"/proc/{pid}/fd/{n}")
        except FileNotFoundError:  # opened and closed while it starts (bash reads its locale)
            continue
    return fds


def test_the_watchdog_holds_none_of_runbooks_descriptors_and_has_its_own_session(tmp_path):
    # A fork or a spawn inherits descriptors: one kept open (runbook's stdout pipe to a CI
    # reader, the document) would keep that reader waiting while the watchdog cleans up.
    guard = RunGuard()
    held = open(tmp_path / "held", "w")
    try:
        guard.start()
        pid = guard.watchdog_pid
        assert pid is not None
        deadline = time.monotonic() + 30
        fds: dict[int, str] = {}
        while time.monotonic() < deadline:
            fds = _open_fds(pid)
            if set(fds) == {0, 1, 2}:
                break
            time.sleep(0.05)
        assert set(fds) == {0, 1, 2}, f"the watchdog kept descriptors open: {fds}"
        assert fds[0].startswith("pipe:") and fds[1] == fds[2] == "/dev/null"
        assert os.getsid(pid) == pid, "the watchdog must be out of the terminal's session"
    finally:
        guard.finish()
        held.close()
    assert not procs.alive(pid)


def test_the_watchdog_of_a_dead_runbook_stops_marked_processes_and_removes_folders(tmp_path):
    guard = RunGuard()
    root = str(tmp_path)
    folder = tmp_path / f"{guard.folder_prefix('session')}abc"
    folder.mkdir()
    (folder / "step.sh").write_text("echo hi\n")
    other = tmp_path / "runbook-session-someoneelse-abc"
    other.mkdir()
    victim = subprocess.Popen(["sleep", "300"], env={**os.environ, **guard.shell_env()}, start_new_session=True)
    dog = subprocess.Popen([sys.executable, "-m", "runbook.run.watchdog", guard.marker, root],
                           stdin=subprocess.PIPE, start_new_session=True)
    try:
        assert dog.stdin is not None
        dog.stdin.close()  # what the kernel does when runbook dies
        assert dog.wait(timeout=30) == 0
        assert victim.wait(timeout=20) in (-signal.SIGTERM, -signal.SIGKILL)
        assert not folder.exists()
        assert other.is_dir(), "another run's folder must be left alone"
        assert run_folders(guard.marker, [root]) == []
    finally:
        victim.kill()
        victim.wait()
        dog.kill()


def _wait_ignoring(pid: int, sig: int, within: float = 30) -> None:
    """Wait until ``pid`` ignores ``sig`` (its SigIgn mask in /proc), i.e. its handlers are set."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        status = Path(f"/proc/{pid}/status").read_text()
        mask = int(re.search(r"^SigIgn:\s*([0-9a-f]+)", status, re.M).group(1), 16)
        if mask & (1 << (sig - 1)):
            return
        time.sleep(0.05)
    pytest.fail(f"pid {pid} never started ignoring signal {sig}")


def test_the_watchdog_ignores_termination_signals_until_its_pipe_closes(tmp_path):
    guard = RunGuard()
    victim = subprocess.Popen(["sleep", "300"], env={**os.environ, **guard.shell_env()}, start_new_session=True)
    dog = subprocess.Popen([sys.executable, "-m", "runbook.run.watchdog", guard.marker, str(tmp_path)],
                           stdin=subprocess.PIPE, start_new_session=True)
    try:
        assert dog.stdin is not None
        _wait_ignoring(dog.pid, signal.SIGTERM)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            dog.send_signal(sig)
        with pytest.raises(subprocess.TimeoutExpired):
            dog.wait(timeout=1.0)
        dog.stdin.close()
        assert dog.wait(timeout=30) == 0
        assert victim.wait(timeout=20) in (-signal.SIGTERM, -signal.SIGKILL)
    finally:
        victim.kill()
        victim.wait()
        dog.kill()


def test_temp_roots_include_the_folders_the_session_writes_to(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert str(tmp_path) in temp_roots()
