"""The run's shells: the first one, and a fresh one for a step that asks for it.

A mixin of the Runner. A step with ``fresh_shell`` (set only by a dialect reader: the first
step of each tesh session, since tesh gives every session its own bash) runs in a new
shell: the old one is closed first, and closing a session stops every process it started
(its process groups, background services and leftovers), so nothing of one tesh session
reaches the next and no process outlives the run.
"""

from __future__ import annotations

from runbook.config import Settings
from runbook.run.protocol import Session, SessionFactory
from runbook.run.reaper import RunGuard
from runbook.run.session import ShellConfig


class Shells:
    """Makes the run's shells (state lives on the Runner)."""

    settings: Settings
    guard: RunGuard
    _factory: SessionFactory
    _session: Session | None

    def _shell_config(self) -> ShellConfig:
        return ShellConfig(command=self.settings.shell, cwd=self.settings.cwd, env=dict(self.settings.env),
                           output_cap=self.settings.output_cap, run_env=self.guard.shell_env(),
                           folder_prefix=self.guard.folder_prefix("session"))

    def _fresh_shell(self) -> None:
        """Close the current shell (stopping all it started), then start a new one."""
        if self._session is not None:
            self._session.close()
        self._session = self._factory(self._shell_config())
        self._session.start()
