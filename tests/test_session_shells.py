"""Other shells through ``ShellConfig.command``: dash, zsh, and a shell that cannot see our files."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from runbook.run import procs
from runbook.run.session import PexpectSession, ShellConfig

POSIX_SHELLS = [c for c in ("sh", "zsh -f") if shutil.which(c.split()[0])]


@pytest.fixture(params=POSIX_SHELLS)
def posix(request, tmp_path: Path):
    s = PexpectSession(ShellConfig(command=request.param, cwd=str(tmp_path)))
    s.start()
    yield s
    s.close()


def test_posix_shell_is_detected_as_posix(posix):
    assert posix.kind == "posix"


def test_posix_shell_keeps_cwd_and_variables(posix, tmp_path):
    (tmp_path / "d").mkdir()
    posix.run("cd d; V=kept; export E=exp", timeout=5)
    ex = posix.run('pwd; echo "$V $E"', timeout=5)
    assert ex.output.text == f"{tmp_path}/d\nkept exp\n"


def test_posix_shell_exit_status_and_output(posix):
    ex = posix.run("echo out; echo err >&2; false", timeout=5)
    assert ex.output.text == "out\nerr\n" and ex.exit_code == 1
    assert posix.run("printf abc", timeout=5).output.text == "abc"


def test_posix_shell_syntax_error_does_not_hang(posix):
    ex = posix.run('echo "oops', timeout=5)
    assert not ex.timed_out and ex.exit_code not in (0, None)
    assert posix.run("echo fine", timeout=5).output.text == "fine\n"


def test_posix_shell_timeout_then_resync(posix):
    posix.run("K=1", timeout=5)
    ex = posix.run("echo before; sleep 30", timeout=1)
    assert ex.timed_out and ex.output.text.startswith("before")
    assert posix.run("echo $K", timeout=5).output.text == "1\n"


def test_posix_shell_exit_is_survived(posix):
    ex = posix.run("exit 5", timeout=5)
    assert ex.shell_died and ex.exit_code == 5
    assert posix.run("echo again", timeout=5).output.text == "again\n"
    assert posix.restarts == 1


def test_posix_shell_background_job_notice_does_not_leak(posix):
    posix.run("sleep 0.2 &", timeout=5)
    assert posix.run("sleep 0.5; echo next", timeout=5).output.text == "next\n"


def test_posix_shell_run_background_and_close(posix, tmp_path):
    log = tmp_path / "bg.log"
    pid = posix.run_background("echo started; sleep 300", str(log))
    deadline = time.monotonic() + 5
    while "started" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "started" in log.read_text()
    posix.close()
    assert not procs.alive(pid)


def _can_unshare() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                            "mount -t tmpfs none /tmp"], capture_output=True)
    return probe.returncode == 0


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A bash with its own /tmp, so it cannot read the session's files: like ssh or docker exec."""
    if not _can_unshare():
        pytest.skip("needs unshare --mount (root) to simulate a shell on another filesystem")
    cmd = ("unshare --mount --propagation private sh -c "
           "'mount -t tmpfs none /tmp && mount -t tmpfs none /dev/shm && exec bash --noprofile --norc'")
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    s = PexpectSession(ShellConfig(command=cmd, cwd=str(tmp_path), env={"FROM_DOC": "a b"}))
    s.start()
    yield s
    s.close()


def test_remote_like_shell_gets_steps_through_the_terminal(elsewhere):
    assert elsewhere.kind == "bash" and elsewhere._remote
    elsewhere.run("cd /tmp; X='it''s'", timeout=5)
    code = "pwd\necho \"$X $FROM_DOC $PAGER\"\ncat <<'EOF'\nquote ' \" $HOME\nEOF\nfalse\necho never"
    ex = elsewhere.run(code, timeout=5)
    assert ex.output.text == "/tmp\nits a b cat\nquote ' \" $HOME\n"
    assert ex.exit_code == 1


def test_remote_like_shell_timeout_sends_ctrl_c(elsewhere):
    elsewhere.run("K=still", timeout=5)
    ex = elsewhere.run("echo before; sleep 30", timeout=1)
    assert ex.timed_out and ex.output.text.startswith("before")
    assert elsewhere.run("echo $K", timeout=5).output.text == "still\n"
