"""The start of a session (``runbook/run/handshake.py``) through a real pty bash: the bash
runbook starts itself is set up in one write; one that answers the probe otherwise, or a
configured shell, is set up step by step, and each is ready to run steps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from runbook.run import handshake
from runbook.run.session import PexpectSession, ShellConfig


def _started(monkeypatch: pytest.MonkeyPatch, config: ShellConfig) -> tuple[PexpectSession, list[bytes]]:
    sent: list[bytes] = []
    real = PexpectSession._handshake

    def counting(self: PexpectSession) -> None:
        child: Any = self._child
        send = child.send
        child.send = lambda data: (sent.append(data), send(data))[1]
        try:
            real(self)
        finally:
            child.send = send

    monkeypatch.setattr(PexpectSession, "_handshake", counting)
    session = PexpectSession(config)
    session.start()
    return session, sent


def _works(session: PexpectSession) -> None:
    ex = session.run("x=1; echo $x; builtin type -t cd", timeout=10)
    assert (ex.output.text, ex.exit_code) == ("1\nbuiltin\n", 0)
    assert session._bash is not None and {"cd", "echo", "if"} <= session._bash.builtins
    assert session.run("(exit 3)", timeout=10).exit_code == 3


def test_runbooks_own_bash_is_set_up_in_one_write(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    session, sent = _started(monkeypatch, ShellConfig(cwd=str(tmp_path)))
    try:
        assert len(sent) == 1 and sent[0].count(b"\n") == 3  # probe, setup, functions: one write
        assert session.kind == "bash" and not session._remote
        _works(session)
    finally:
        session.close()


def test_a_configured_bash_is_set_up_step_by_step(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    session, sent = _started(monkeypatch, ShellConfig(command="bash --noprofile --norc", cwd=str(tmp_path)))
    try:
        assert len(sent) == 3 and session.kind == "bash"
        _works(session)
    finally:
        session.close()


def test_a_probe_answered_otherwise_falls_back_to_the_usual_sequence(monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_path: Path) -> None:
    """Should runbook's bash not see its files (the remote bit), what was sent ahead is read
    and the shell is set up as the remote shell it says it is."""
    real = handshake.probe_line
    monkeypatch.setattr(handshake, "probe_line", lambda nonce, path: real(nonce, path + ".missing"))
    session, sent = _started(monkeypatch, ShellConfig(cwd=str(tmp_path)))
    try:
        assert len(sent) == 3 and session.kind == "bash" and session._remote
        assert b"mktemp" in sent[1]  # the remote setup, sent after the answer
        ex = session.run("echo fine", timeout=10)
        assert (ex.output.text, ex.exit_code) == ("fine\n", 0)
    finally:
        session.close()
