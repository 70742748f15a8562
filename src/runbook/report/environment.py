"""The environment record of an evidence bundle: who ran what, where, with which tools."""

from __future__ import annotations

import getpass
import os
import platform
import shutil
import subprocess
from pathlib import Path
from typing import Any

from runbook import __version__
from runbook.config import shell_argv
from runbook.errors import ConfigError
from runbook.model import RunResult


def _out(argv: list[str], cwd: str | None = None) -> str | None:
    """The first line a short command prints (``None``: it failed or is missing)."""
    try:
        p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=10,
                           stdin=subprocess.DEVNULL, errors="replace")
    except (OSError, subprocess.SubprocessError):
        return None
    return p.stdout.strip() if p.returncode == 0 else None


def shell_version(shell: str | None) -> dict[str, Any]:
    """The session's shell command and, for a local shell, the version it reports."""
    command = shell or "bash --noprofile --norc --noediting"
    try:
        argv = shell_argv(command, "--shell")
    except ConfigError:
        return {"command": command, "version": None}
    exe = shutil.which(argv[0])
    name = Path(argv[0]).name
    version = None
    if exe and name in ("bash", "zsh", "ksh", "mksh", "fish"):
        said = _out([exe, "--version"])
        version = said.splitlines()[0] if said else None
    elif exe and name in ("dash", "sh"):
        version = _out(["dpkg-query", "-W", "-f=${Version}", name]) or None
        version = f"{name} {version}" if version else None
    return {"command": command, "path": exe, "version": version}


def git_record(doc: str) -> dict[str, Any]:
    """The document's git commit and whether the work tree had changes (``None``: no git)."""
    folder = str(Path(doc).resolve().parent)
    commit = _out(["git", "rev-parse", "HEAD"], cwd=folder)
    if commit is None:
        return {"commit": None, "dirty": None}
    status = _out(["git", "status", "--porcelain"], cwd=folder)
    mine = _out(["git", "status", "--porcelain", "--", Path(doc).name], cwd=folder)
    return {"commit": commit, "dirty": bool(status) if status is not None else None,
            "document_changed": bool(mine) if mine is not None else None}


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def environment_record(run: RunResult, doc: str, shell: str | None, ended_at: str) -> dict[str, Any]:
    """What the bundle's ``environment.json`` says."""
    return {
        "runbook_version": __version__,
        "document": doc,
        "shell": shell_version(shell),
        "os": {"system": platform.system(), "release": platform.release(), "platform": platform.platform()},
        "python": platform.python_version(),
        "host": os.uname().nodename,
        "git": git_record(doc),
        "started_at": run.started_at,
        "ended_at": ended_at,
        "duration_s": run.duration_s,
        "user": _user(),
    }
