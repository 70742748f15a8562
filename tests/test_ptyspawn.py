"""The shell started without forking runbook (``runbook/run/ptyspawn.py``) through a real pty
bash: its terminal, session, folder, signals and descriptors are those pexpect's fork gives
it, and with a second thread running pexpect's own spawn is used."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from runbook.run import ptyspawn
from runbook.run.session import PexpectSession, ShellConfig

PROBE = (
    "ps -o sid=,pgid=,tpgid=,tty= -p $$ | awk '{print ($1 == $2), ($2 == $3), ($4 ~ /pts/)}'\n"
    "stty -a </dev/tty | tr ' ;' '\\n\\n' | grep -xE -- '-?(echo|opost)|rows|50|columns|500' | tr '\\n' ' '; echo\n"
    "pwd; echo to-the-terminal >/dev/tty\n"
    "yes | head -1; echo \"pipe ${PIPESTATUS[*]}\"\n"
    "echo ign $(grep -E '^SigIgn' /proc/$$/status | cut -c9- | tr -d ' \\t' | tail -c 5)\n"
    "for f in /proc/$$/fd/*; do readlink \"$f\"; done; true\n"
)


def _observed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str | None = None) -> tuple[str, list[object]]:
    used: list[object] = []
    real = ptyspawn.spawn
    monkeypatch.setattr(ptyspawn, "spawn", lambda *a: used.append(real(*a)) or used[-1])
    held = open(tmp_path / "held", "w")
    os.set_inheritable(held.fileno(), True)  # a fork or a spawn that kept it would show it in the shell
    here = os.getcwd()
    (tmp_path / "work").mkdir(exist_ok=True)
    session = PexpectSession(ShellConfig(command=command, cwd=str(tmp_path / "work")))
    try:
        session.start()
        assert os.getcwd() == here  # runbook's own folder is as it was
        ex = session.run(PROBE, timeout=20, errexit=False)
        assert ex.exit_code == 0, ex.output.text
        return ex.output.text, used
    finally:
        session.close()
        held.close()


def _expect(text: str, tmp_path: Path) -> None:
    lines = text.splitlines()
    assert lines[0] == "1 1 1"  # its own session and foreground group, its pty the controlling terminal
    modes = set(lines[1].split())
    assert {"-echo", "-opost", "rows", "50", "columns", "500"} <= modes  # -opost: the handshake's, for any local shell
    assert lines[2] == str(tmp_path / "work") and "to-the-terminal" in text
    assert "y" in lines and "pipe 141 0" in text and "Broken pipe" not in text  # yes died of SIGPIPE, quietly
    ignored = next(line.split()[1] for line in lines if line.startswith("ign "))
    assert int(ignored, 16) & (1 << 12) == 0  # SIGPIPE (13) at its default
    assert "/dev/pts/" in text and str(tmp_path / "held") not in text  # nothing of runbook's inherited


def test_runbooks_bash_is_spawned_on_its_own_terminal_as_a_fork_would_start_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, used = _observed(tmp_path, monkeypatch)
    assert len(used) == 1 and used[0] is not None  # spawned, not forked
    _expect(text, tmp_path)


def test_a_configured_shell_is_spawned_too(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text, used = _observed(tmp_path, monkeypatch, command="bash --noprofile --norc --noediting")
    assert len(used) == 1 and used[0] is not None
    _expect(text, tmp_path)


def test_with_another_thread_running_pexpect_forks_and_the_shell_is_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        text, used = _observed(tmp_path, monkeypatch)
    finally:
        stop.set()
        other.join()
    assert used == [None]  # the folder is the process's: no chdir around a spawn with threads
    _expect(text, tmp_path)


def test_a_folder_it_cannot_enter_gives_the_spawn_back_to_pexpect_and_runbooks_folder_stays(tmp_path: Path) -> None:
    here = os.getcwd()
    before = set(os.listdir("/proc/self/fd"))
    assert ptyspawn.spawn(["/bin/true"], None, str(tmp_path / "missing"), (24, 80), False, True) is None
    assert os.getcwd() == here and set(os.listdir("/proc/self/fd")) == before  # no pty left open
