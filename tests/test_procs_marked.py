"""The run's sweep finds marked processes from ``/proc`` and brings in psutil only for what it
found: a run that leaves nothing behind does not pay psutil's import (~12 ms), and a process
that escaped (its own session, another parent) is still found, stopped and named."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from runbook.run import procs


def _marked_child(marker: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, procs.MARKER_VAR: f"outer,{marker}"}
    child = subprocess.Popen(["sleep", "60"], env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while procs._marked_pids(marker) != [child.pid] and time.monotonic() < deadline:
        time.sleep(0.05)  # until exec has put the environment in place
    return child


def test_a_marked_process_is_found_through_proc_as_through_psutil_alone() -> None:
    marker = procs.new_marker()
    child = _marked_child(marker)
    try:
        assert procs._marked_pids(marker) == [child.pid]
        assert [p.pid for p in procs.marked(marker)] == [child.pid]
        assert [p.pid for p in procs.marked(marker, among=None)] == [child.pid]
        assert procs._marked_pids(procs.new_marker()) == []
        assert procs.strays(marker, parent=os.getpid()) == []  # our own child: a shell, not a stray
        named = procs.strays(marker, parent=1)
        assert named == [f"pid {child.pid} (sleep 60)"]
    finally:
        child.kill()
        child.wait()
    assert procs._marked_pids(marker) == [] and procs.marked(marker) == []


def test_a_process_that_escaped_is_stopped_by_the_sweep() -> None:
    marker = procs.new_marker()
    child = _marked_child(marker)
    try:
        assert procs.reap_marked(marker, grace=5.0) == [f"pid {child.pid} (sleep 60)"]
        assert child.wait(timeout=30) is not None
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_a_run_that_leaves_nothing_behind_never_imports_psutil(tmp_path: Path) -> None:
    doc = tmp_path / "one.md"
    doc.write_text("# One\n\n```bash\necho one\n```\n\n```output\none\n```\n")
    code = ("import sys\nfrom runbook.cli import main\nrc = main(sys.argv[1:])\n"
            "print('exit', rc, 'psutil' in sys.modules, file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", code, "execute", str(doc), "--no-annotate", "-q"],
                          capture_output=True, text=True, timeout=120)
    assert "exit 0 False" in done.stderr, done.stderr


def test_session_members_are_found_by_getsid_reading_only_the_members_stat(monkeypatch) -> None:
    """A session's live members are found, a zombie of it is not, and only the members'
    ``/proc/<pid>/stat`` is read (the end of every run asks twice; a read of every process's
    ``stat`` was ~1 ms each time)."""
    leader = subprocess.Popen(["sleep", "60"], start_new_session=True)
    member = subprocess.Popen(["sleep", "60"])  # in this process's session
    zombie = subprocess.Popen(["true"], start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while procs._read_stat(zombie.pid).state != "Z" and time.monotonic() < deadline:
            time.sleep(0.01)
        read: list[int] = []
        real = procs._read_stat
        monkeypatch.setattr(procs, "_read_stat", lambda pid: read.append(pid) or real(pid))
        assert procs.session_members([leader.pid, zombie.pid]) == [leader.pid]
        assert sorted(read) == sorted([leader.pid, zombie.pid])
        assert procs.session_members([leader.pid], exclude=[leader.pid]) == []
        mine = os.getsid(0)
        assert member.pid in procs.session_members([mine]) and leader.pid not in procs.session_members([mine])
    finally:
        for child in (leader, member, zombie):
            child.kill()
            child.wait()
