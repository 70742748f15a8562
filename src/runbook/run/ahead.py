"""The runner's side of batching (a mixin of ``Runner``): which steps may run ahead.

Before a step runs, the runner hands the session the run of "plain" steps that starts
with it (``run.batch``), so bash runs them back to back while Python judges each one;
when ``PREPARE_AT`` steps of that batch are left, the run after it, whose step files the
session writes while bash still runs the first (no wait between the two batches).
A step is plain when nothing the runner does between two steps could change whether,
or how, the next one runs: one command, no retry, ``within``, ``for N s`` or criterion
command, no ``skip_unless``, missing input, dialog, interactive, background or confirm
step, no option of a dialect that stops later steps or asks for a fresh shell, in the
same phase as the first (a failing setup or blocking step blocks other
phases only). Never under ``--fail-fast`` or ``--step-by-step``, never in teardown.
``RUNBOOK_BATCH=0`` turns it off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from runbook.clauses import ClauseKind
from runbook.judge.confirm import marked_confirm
from runbook.judge.criteria import needles
from runbook.judge.verdict import CommandRun
from runbook.model import Command, Step, StepResult
from runbook.parse.placeholders import filled_commands
from runbook.run.batch import MAX_LINES, PREPARE_AT, BatchItem, enabled
from runbook.run.evidence import as_judged, output_cap_for
from runbook.run.protocol import Observer
from runbook.run.shellvars import Ask

if TYPE_CHECKING:
    from runbook.config import Settings
    from runbook.model import Execution
    from runbook.run.mask import Masker
    from runbook.run.protocol import Observers, Session
    from runbook.run.shellvars import Learner


class Ahead:
    """Queues runs of plain steps in the session; collects those that ran after Ctrl-C."""

    settings: Settings
    observers: Observers
    masker: Masker
    _session: Session | None
    _inputs: dict[str, str]
    _secret_vars: Learner
    _masked_at: dict[str, int]
    _step_interrupted: bool
    _queued_asks: dict[str, Ask] | None = None
    _scanned: tuple[Sequence[Step], int] = ((), 0)
    """How far the run of queued steps was seen to reach in ``body`` (``_after_batch``)."""
    _settled: tuple[Sequence[Step], int] = ((), 0)
    """The queued steps of ``body`` before this index need nothing more: the run after them
    was handed to the session (or could not be), so no step before it looks again."""
    _cut = 0
    """The session's count of batches ended early, when last seen (``_queue_ahead``)."""
    _people: bool | None = None
    """Whether an observer may skip or stop a step (``_may_skip``: the observers are the run's)."""

    def _missing_inputs(self, step: Step) -> list[str]:
        raise NotImplementedError

    def _ask(self) -> Ask:
        raise NotImplementedError

    def _learn_secrets(self) -> None:
        raise NotImplementedError

    def _judge(self, step: Step, runs: list[CommandRun], attempts: int, duration: float) -> StepResult:
        raise NotImplementedError

    def _batching(self) -> bool:
        """Whether steps may run ahead at all (``TrialRunner``: not while it records or resumes)."""
        return True

    def _ask_for(self, step: Step) -> Ask:
        """The ask of a step queued now (``TrialRunner`` adds the step's state to it)."""
        return self._ask()

    def _asks_for(self, run: Sequence[Step]) -> list[Ask]:
        """The asks of a run of steps queued now, in order (``_ask_for`` of each)."""
        return [self._ask_for(step) for step in run]

    def _queue_ahead(self, body: Sequence[Step], i: int) -> None:
        """Before ``body[i]`` runs: queue it and the plain steps after it in the session."""
        asks = self._asks()
        self._unqueue(body, i, asks)
        if self._long_way_off(body, i, asks):
            return
        queue: Any = getattr(self._session, "queue", None)
        if queue is None or not self._may_batch():
            return
        if body[i].id in asks:  # a batch runs: when few of its steps are left, the next one
            nxt = self._after_batch(body, i, asks)
            if nxt is None:
                return
            self._settled = (body, nxt)  # tried once for this run, whatever the session says
            i = nxt
        elif not self._session.can_queue():  # type: ignore[union-attr]
            return
        run: list[Step] = []
        for step in body[i:i + MAX_LINES]:
            if step.phase != body[i].phase or not self._plain(step):
                break
            run.append(step)
        if len(run) < 2:
            return
        items = []
        for step, ask in zip(run, self._asks_for(run)):
            cmd = self._command(step)
            items.append(BatchItem(cmd.text, step.options.errexit, step.options.timeout_s or self.settings.timeout,
                                   ask, output_cap_for(cmd, self.settings.output_cap), tuple(needles(step.criteria))))
        taken = int(queue(items))
        for step, item in zip(run[:taken], items):
            assert item.ask is not None
            asks[step.id] = item.ask

    def _unqueue(self, body: Sequence[Step], i: int, asks: dict[str, Ask]) -> None:
        """After a batch was cut short (and what it ran was delivered): forget the queued run
        from ``body[i]`` (that batch and the one prepared after it), so those steps are queued
        again from here, not left to run one by one."""
        cut = getattr(self._session, "cut", 0)
        if cut == self._cut or not self._session.can_queue():  # type: ignore[union-attr]
            return
        self._cut = cut
        while i < len(body) and asks.pop(body[i].id, None) is not None:
            i += 1
        self._scanned = self._settled = ((), 0)

    def _long_way_off(self, body: Sequence[Step], i: int, asks: dict[str, Ask]) -> bool:
        """Whether ``body[i]`` is queued with more than ``PREPARE_AT`` queued steps after it
        (seen by the last ``_after_batch``): the next batch is not due yet."""
        seen, end = self._scanned
        if seen is body and end - i > PREPARE_AT and body[i].id in asks:
            return True
        settled, until = self._settled
        return settled is body and i < until and body[i].id in asks

    def _after_batch(self, body: Sequence[Step], i: int, asks: dict[str, Ask]) -> int | None:
        """Where the run after the batch ``body[i]`` is in starts, if it is time to prepare it."""
        # Scanned no further than ``PREPARE_AT`` steps (a longer run is not due yet), and from
        # where the last scan ended: a queued step leaves ``asks`` only when it runs (it is
        # before ``i`` then), so the steps from ``i`` to there are still queued.
        seen, end = self._scanned
        end = end if seen is body and end > i else i
        while end < len(body) and end - i <= PREPARE_AT and body[end].id in asks:
            end += 1
        self._scanned = (body, end)
        if end - i > PREPARE_AT:
            return None
        can_prepare: Any = getattr(self._session, "can_prepare", None)
        if end == len(body) or can_prepare is None or not can_prepare():
            self._settled = (body, end)  # no later step of this run can change that
            return None
        return end

    def _may_batch(self) -> bool:
        """Never while a secret name is known: each step's query then prints the values of the
        known ones, and a new one is asked for before the next step runs (a step may unset it)."""
        if self._people is None:  # once a run: its observers are fixed, so is the environment's switch
            self._people = not enabled() or any(_may_skip(o) for o in self.observers.observers)
        return (not self._people and self._batching() and not self.settings.fail_fast
                and not self._secret_vars.knows())

    def _flows_into(self, step: Step) -> bool:
        """Whether the run may change ``step`` before it runs (``CarriedSteps``): never sent ahead."""
        return False

    def _plain(self, step: Step) -> bool:
        o = step.options
        return (step.role in ("step", "setup") and not step.skip_reason and not o.skip_unless
                and not o.interactive and not o.background and not step.dialog and o.retry == 0
                and len(step.commands) == 1 and not self._missing_inputs(step) and not marked_confirm(step)
                and not _stops(step) and not self._flows_into(step)
                and not any(cl.within_s or cl.for_s or cl.kind is ClauseKind.COMMAND
                            for c in step.criteria for cl in c.clauses))

    def _command(self, step: Step) -> Command:
        return filled_commands(step, self._inputs)[0]

    def _asks(self) -> dict[str, Ask]:
        if self._queued_asks is None:
            self._queued_asks = {}
        return self._queued_asks

    def _step_ask(self, step: Step) -> Ask:
        """The ask queued with the step if it still asks for every known secret, else a fresh one."""
        ask = self._asks().pop(step.id, None)
        if ask is None or not self._secret_vars.current(ask):
            return self._ask()
        self._secret_vars.use(ask)
        return ask

    def _collected(self, step: Step) -> StepResult | None:
        """After Ctrl-C: the judged result of a queued step bash already ran (``None``: it did not start)."""
        ask = self._asks().pop(step.id, None)
        collect: Any = getattr(self._session, "collect", None)
        if ask is None or collect is None:
            return None
        cmd = self._command(step)
        ex: Execution | None = collect(cmd.text, step.options.errexit)
        if ex is None:
            return None
        self._secret_vars.use(ask)
        self._learn_secrets()
        self._step_interrupted = ex.exit_code is None and not (ex.timed_out or ex.shell_died)
        self.observers.step_started(step, 1)
        runs = [as_judged(CommandRun(cmd, ex), self.masker)]
        result = self._judge(step, runs, 1, ex.duration_s)
        self._masked_at[step.id] = self.masker.generation
        return self.masker.result(result, outputs=False)


def _may_skip(observer: object) -> bool:
    """Whether an observer may skip or stop a step before it runs: ``--step-by-step``, or an
    observer of the API's user with a ``before_step`` of its own."""
    if getattr(observer, "step_by_step", False):
        return True
    own = type(observer).__module__.startswith("runbook.")
    return not own and getattr(type(observer), "before_step", None) not in (None, Observer.before_step)


def _stops(step: Step) -> bool:
    """Whether the step's verdict may stop later steps or it needs its own shell or the
    shell's prompt (the dialects' ``fail_fast``, ``error_stops``, ``exit_stops``,
    ``skip_document_exit``, ``run_budget_s``, ``fresh_shell``: ``run.stops``, ``run.shells``;
    ``typed``)."""
    o = step.options
    return (o.fail_fast or o.error_stops or o.exit_stops or o.fresh_shell or o.typed
            or o.skip_document_exit is not None
            or o.run_budget_s is not None)
