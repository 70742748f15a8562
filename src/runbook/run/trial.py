"""The runner of a long field trial: it records the session state after each step,
resumes an earlier run (:mod:`runbook.run.resume`) and can keep the background
services' logs for an evidence bundle.

A subclass of :class:`runbook.run.runner.Runner` that hooks three of its methods:

- ``_run_step``: a kept step returns its earlier result without running; a step that runs
  right after a kept one first gets the state recorded after that one put back;
- ``_ask`` / ``_learn_secrets``: the state script rides on the secret-variable query
  (in bash on the step's own line, else the query sent after the step); the values are turned into a
  :class:`StepState` only after the masker learned this step's secrets;
- ``_attach_background_logs``: copies each background log into ``keep_logs`` (masked)
  before the run's log folder is removed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from runbook.config import SECRET_NAME_RE, Settings
from runbook.errors import SessionError
from runbook.model import Document, Step, StepResult
from runbook.run import tokens
from runbook.run.protocol import Observer, SessionFactory
from runbook.run.runner import Runner
from runbook.run.session import PROTOCOL_ENV, QUIET_ENV, PexpectSession
from runbook.run.shellvars import Ask
from runbook.run.state import (
    StepState, folded_state_script, parse_state, recorded, restore_script, state_script,
)

if TYPE_CHECKING:
    from runbook.run.resume import ResumePlan


class TrialRunner(Runner):
    """A Runner that records state after each step and can resume an earlier run."""

    def __init__(self, doc: Document, settings: Settings, observers: Sequence[Observer] = (), *,
                 resume: ResumePlan | None = None, keep_logs: str | None = None, record: bool = True,
                 session_factory: SessionFactory = PexpectSession) -> None:
        super().__init__(doc, settings, observers, session_factory=session_factory)
        self.resume = resume
        self.keep_logs = keep_logs
        self.record = record
        self.states: dict[str, StepState] = {}
        """Step id -> the state recorded after it in this run, when it differs from the state
        recorded last (the state after a step is the last one recorded at or before it)."""
        self._last: StepState | None = None
        self._seen: tuple[str, dict[str, str], int] | None = None
        """The shell's answer the last state was recorded from (cwd, exports, masker generation)."""
        self.saved_logs: dict[str, str] = {}
        """Step id -> the masked copy of its background log in ``keep_logs``."""
        self._ran: set[str] = set()
        self._current: Step | None = None
        self._state_nonce = ""
        self._state_nonces: dict[str, str] = {}
        """Nonce of a secret query -> nonce of the state that rides on it (queued steps' asks)."""
        self._baseline = {**os.environ, **QUIET_ENV, **settings.env, **PROTOCOL_ENV}

    def all_states(self) -> dict[str, StepState]:
        """This run's states, plus the earlier run's for the steps that were kept."""
        earlier = self.resume.earlier.states if self.resume else {}
        kept = self.resume.kept if self.resume else {}
        return {**{k: v for k, v in earlier.items() if k in kept}, **self.states}

    def _batching(self) -> bool:
        """A resumed run restores state between steps: then no step runs ahead."""
        return self.resume is None

    def _asks_for(self, run: Sequence[Step]) -> list[Ask]:
        if self.record:  # each with its step's state
            return super()._asks_for(run)
        return self._secret_vars.asks(len(run))

    def _ask_for(self, step: Step) -> Ask:
        current, self._current = self._current, step
        try:
            return self._ask()
        finally:
            self._current = current

    # -- resume --------------------------------------------------------------
    def _run_step(self, step: Step) -> StepResult:
        if self.resume is not None:
            kept = self.resume.kept.get(step.id)
            if kept is not None:
                return kept
            self._restore_before(step)
        self._current = step
        self._ran.add(step.id)
        try:
            return super()._run_step(step)
        finally:
            self._current = None

    def _restore_before(self, step: Step) -> None:
        assert self.resume is not None and self._session is not None
        state = self.resume.state_before(step.id, self._ran)
        if state is None:
            return
        try:
            ex = self._session.run(restore_script(state, self._baseline), timeout=30, errexit=False)
        except SessionError as err:
            self.observers.notice(f"could not restore the session state before step {step.id}: {err}")
            return
        if ex.exit_code != 0:
            self.observers.notice(f"could not restore the session state before step {step.id} "
                                  f"(cwd {self.masker(state.cwd)}): {self.masker(ex.output.text.strip())}")

    # -- recording -----------------------------------------------------------
    def _ask(self) -> Ask:
        if not self.record or self._current is None:
            return super()._ask()
        self._state_nonce = tokens.token_hex(8)  # bash: the state rides on the step's own line
        ask = self._secret_vars.ask(folded_state_script(self._state_nonce), 8_000_000)
        self._state_nonces[ask.nonce] = self._state_nonce
        return ask

    def _learn_secrets(self) -> None:
        step = self._current
        if not self.record or step is None:
            super()._learn_secrets()
            return
        nonce = tokens.token_hex(8)
        raw: list[tuple[str, dict[str, str]]] = []
        assert self._session is not None
        answer = self._session.answer
        if answer is not None:
            parsed = parse_state(answer, self._state_nonces.pop(self._secret_vars.nonce, self._state_nonce))
            raw.append(parsed if parsed is not None else ("", {}))

        def query(script: str, room: int) -> str:
            if raw:
                return self._query(script, room)
            text = self._query(script + state_script(nonce), room + 8_000_000)
            parsed = parse_state(text, nonce)
            raw.append(parsed if parsed is not None else ("", {}))
            return text

        self.masker.add(self._secret_vars.learn(query, answer))
        if raw and raw[0][0]:  # now that the masker knows this step's secrets
            cwd, env = raw[0]
            for name in self.guard.shell_env():
                env.pop(name, None)
            seen = (cwd, env, self.masker.generation)  # the same answer gives the same state
            if seen != self._seen:
                self._seen, state = seen, recorded(cwd, env, self._baseline, self._is_secret)
                if state != self._last:
                    self.states[step.id] = self._last = state

    def _is_secret(self, name: str, value: str) -> bool:
        return bool(SECRET_NAME_RE.search(name)) or name in self.settings.secrets or self.masker(value) != value

    # -- background logs -----------------------------------------------------
    def _attach_background_logs(self, results: dict[str, StepResult]) -> None:
        super()._attach_background_logs(results)
        if self.keep_logs is None or not self._bg_logs:
            return
        os.makedirs(self.keep_logs, exist_ok=True)
        for sid, log in self._bg_logs.items():
            try:
                data = Path(log).read_bytes().decode("utf-8", "surrogateescape")
            except OSError:
                continue
            dest = os.path.join(self.keep_logs, re.sub(r"[^A-Za-z0-9_.-]", "_", sid) + ".log")
            Path(dest).write_bytes(self.masker(data).encode("utf-8", "surrogateescape"))
            self.saved_logs[sid] = dest
