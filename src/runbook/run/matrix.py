"""``--target NAME=SHELL`` (and front matter ``targets:``): one document, many targets.

Each target is its own run: its own Runner, session, watchdog and masker, in its own
thread; at most ``jobs`` run at a time. Nothing is shared between targets but the
parsed document (frozen) and the settings (frozen; each target gets a copy with its
shell). Ctrl-C interrupts every running target; targets not started yet are not started.
"""

from __future__ import annotations

import dataclasses
import threading
from typing import Callable, Mapping, Sequence

from runbook.config import Settings, check_shell_found, shell_argv
from runbook.errors import ConfigError
from runbook.lazyre import lazy
from runbook.model import RunResult
from runbook.run.runner import Runner

_NAME = lazy(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def parse_targets(given: Sequence[str], front_matter: Mapping[str, object] | None = None,
                  where: str | None = None) -> dict[str, str]:
    """``name -> shell command``: the front matter's ``targets:``, then ``--target`` (which wins)."""
    out: dict[str, str] = {}
    fm = (front_matter or {}).get("targets")
    if fm is not None:
        if not isinstance(fm, dict) or not all(isinstance(v, str) for v in fm.values()):
            raise ConfigError("front matter `targets` must map names to shell commands", where=where,
                              hint="e.g. targets: {local: bash, web1: 'ssh -tt web1 bash'}")
        for name, cmd in fm.items():
            out[_checked(str(name), cmd, "front matter `targets`", where)] = cmd
    for item in given:
        name, sep, cmd = item.partition("=")
        if not sep:
            raise ConfigError(f"--target {item!r}: expected NAME=SHELL_COMMAND",
                              hint="e.g. --target local=bash --target web1='ssh -tt web1 bash'")
        out[_checked(name.strip(), cmd, "--target", None)] = cmd
    return out


def _checked(name: str, cmd: str, what: str, where: str | None) -> str:
    if not _NAME.fullmatch(name):
        raise ConfigError(f"{what}: bad target name {name!r}", where=where,
                          hint="letters, digits, `_`, `.` and `-`, starting with a letter or digit")
    shell_argv(cmd, f"{what} {name}", where)
    return name


def target_settings(settings: Settings, name: str, command: str) -> Settings:
    """The run's settings with the target's shell (which must exist)."""
    s = dataclasses.replace(settings, shell=command, shell_from=f"--target {name}", shell_where=None)
    check_shell_found(s)
    return s


class Matrix:
    """Runs one Runner per target, ``jobs`` at a time; :meth:`interrupt` stops them all."""

    def __init__(self, targets: Mapping[str, Settings], make_runner: Callable[[str, Settings], Runner],
                 jobs: int | None = None) -> None:
        self.targets = dict(targets)
        self._make = make_runner
        self.jobs = max(1, min(jobs or len(self.targets), len(self.targets)))
        self._lock = threading.Lock()
        self._running: dict[str, Runner] = {}
        self._stopped = False

    def interrupt(self) -> None:
        """Ctrl-C: interrupt every running target, start no other."""
        with self._lock:
            self._stopped = True
            runners = list(self._running.values())
        for r in runners:
            r.interrupt()

    @property
    def interrupted(self) -> bool:
        return self._stopped

    def run(self) -> dict[str, RunResult | None]:
        """Each target's result, in the order given (``None``: not started, interrupted first)."""
        from concurrent.futures import ThreadPoolExecutor  # a matrix run only

        with ThreadPoolExecutor(max_workers=self.jobs, thread_name_prefix="runbook-target") as pool:
            futures = {name: pool.submit(self._one, name, s) for name, s in self.targets.items()}
            return {name: f.result() for name, f in futures.items()}

    def _one(self, name: str, settings: Settings) -> RunResult | None:
        with self._lock:
            if self._stopped:
                return None
            runner = self._running[name] = self._make(name, settings)
        try:
            return runner.run()
        finally:
            with self._lock:
                self._running.pop(name, None)
