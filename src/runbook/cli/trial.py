"""``execute``'s options for long field trials: ``--resume``, ``--bundle``, ``--target``/``--jobs``.

:func:`trial_options` adds them; :class:`Trial` turns them into the runner of the run
(:class:`runbook.run.trial.TrialRunner`) and writes what follows the run: the state
file the next ``--resume`` reads, and the evidence bundle.
"""

from __future__ import annotations

import dataclasses
import os
from typing import TYPE_CHECKING, Any, Sequence

import click

from runbook.errors import RunbookError

if TYPE_CHECKING:
    from runbook.config import Selection, Settings
    from runbook.model import Document, RunResult
    from runbook.outputs import Outputs
    from runbook.report.asciicast import Recorder
    from runbook.run.protocol import Observer
    from runbook.run.resume import ResumePlan
    from runbook.run.trial import TrialRunner

LAST = "@last"
"""``--resume`` given without a file: the state file of the document's last run."""


def trial_options(f: Any) -> Any:
    for opt in reversed([
        click.option("--resume", "resume", is_flag=False, flag_value=LAST, default=None, metavar="[RESULTS.json]",
                     help="Keep the passed steps of an earlier run and run from the first one that did not "
                          "pass, with its cwd and exported variables rebuilt (alone: the document's last run)."),
        click.option("--bundle", "bundle", metavar="DIR",
                     help="Write an evidence bundle: reports, transcript (.cast), logs, environment, manifest."),
        click.option("--target", "targets", multiple=True, metavar="NAME=SHELL",
                     help="Run the document once per target shell command (repeatable)."),
        click.option("--jobs", "jobs", type=click.IntRange(1, 64), default=None, metavar="N",
                     help="Targets run at the same time (default: all)."),
        click.option("--no-state", is_flag=True, help="Do not record the state a later --resume needs."),
    ]):
        f = opt(f)
    return f


class Trial:
    """The field-trial options of one ``execute`` and what they need across the run."""

    __slots__ = ("doc", "states", "resume_from", "bundle", "record", "plan", "targets", "jobs", "recorder")

    def __init__(
        self,
        doc: str,
        states: tuple[str, ...],
        resume_from: str | None = None,
        bundle: str | None = None,
        record: bool = True,
        plan: "ResumePlan | None" = None,
        targets: tuple[str, ...] = (),
        jobs: int | None = None,
        recorder: "Recorder | None" = None,
    ) -> None:
        self.doc: str = doc
        self.states: tuple[str, ...] = states
        """Where this run keeps its state: beside the annotated document and beside the JSON
        results (none: neither is written to a file)."""
        self.resume_from: str | None = resume_from
        self.bundle: str | None = bundle
        self.record: bool = record
        self.plan: "ResumePlan | None" = plan
        self.targets: tuple[str, ...] = targets
        """``--target NAME=SHELL`` as given (front matter ``targets:`` is added by :meth:`matrix`)."""
        self.jobs: int | None = jobs
        self.recorder: "Recorder | None" = recorder
        """The bundle's transcript (``--bundle`` only)."""

    @staticmethod
    def from_opts(doc: str, opts: dict[str, Any], outputs: "Outputs") -> "Trial":
        beside: tuple[str, ...] = ()
        if outputs.annotated or outputs.json:  # else no state is kept, run.resume not loaded
            from runbook.run.resume import state_path

            beside = tuple(state_path(p) for p in (outputs.annotated, outputs.json) if p)
        t = Trial(doc, beside, opts.get("resume"), opts.get("bundle"), not opts.get("no_state"),
                  targets=tuple(opts.get("targets") or ()), jobs=opts.get("jobs"))
        if t.bundle:
            from runbook.report.bundle import check_bundle_dir
            check_bundle_dir(t.bundle, doc)
        return t

    def matrix(self, document: "Document") -> dict[str, str]:
        """The targets to run (empty: one ordinary run); RunbookError on bad ones or options
        a matrix run does not take."""
        if not self.targets and "targets" not in (document.front_matter or {}):
            return {}  # one ordinary run: run.matrix (its pool, its checks) is not loaded
        from runbook.run.matrix import parse_targets

        line = document.front_matter_lines.get("targets")
        where = f"{self.doc}:{line + 1}" if line is not None else self.doc
        targets = parse_targets(self.targets, document.front_matter, where)
        if targets and (self.resume_from or self.bundle):
            raise RunbookError("--resume and --bundle run one target: not with --target or front matter `targets`",
                               where=self.doc, hint="resume or bundle one target: --shell 'ITS COMMAND'")
        return targets

    def selection(self, sel: "Selection") -> "Selection":
        """A resumed run plans the whole document: ``--from`` picks the start instead."""
        return dataclasses.replace(sel, from_step=None) if self.resume_from else sel

    def prepare(self, document: "Document", doc_text: str, settings: "Settings", from_step: str | None) -> None:
        """Read the earlier run and decide what to keep (``--resume``); RunbookError if it cannot."""
        if not self.resume_from:
            return
        from runbook.report.state_file import read_earlier
        from runbook.run.plan import build_plan
        from runbook.run.resume import resume_plan

        path = self.resume_from
        if path == LAST:
            if not self.states:
                raise RunbookError("--resume alone needs the state beside the annotated document or --json",
                                   where=self.doc, hint="pass --resume RESULTS.json")
            path = self.states[0]
        earlier = read_earlier(path)
        if _name(earlier.run.document) != _name(self.doc):
            raise RunbookError(f"--resume: these results are of {earlier.run.document}, not {self.doc}", where=path,
                               hint="resume with the results of this document")
        plan = build_plan(document, settings.selection, settings.blocking)
        if from_step is not None and from_step not in [s.id for s in plan.main]:
            raise RunbookError(f"--from {from_step}: not a step of the run", where=self.doc,
                               hint="name a step that is not setup or teardown")
        self.plan = resume_plan(earlier, document, doc_text, plan.setup, plan.main, from_step)
        for note in self.plan.notes():
            click.echo(f"runbook: {note}", err=True)

    def runner(self, document: "Document", settings: "Settings", observers: Sequence["Observer"]) -> "TrialRunner":
        from runbook.run.trial import TrialRunner

        logs = os.path.join(self.bundle, "logs") if self.bundle else None
        return TrialRunner(document, settings, observers, resume=self.plan, keep_logs=logs,
                           record=self.record and bool(self.states))

    def observers(self) -> list["Observer"]:
        """Observers the trial adds (the transcript of a bundle)."""
        if not self.bundle:
            return []
        from runbook.report.asciicast import Recorder
        self.recorder = Recorder()
        return [self.recorder]

    def after(self, run: "RunResult", runner: "TrialRunner", original: str, document: "Document") -> None:
        """Keep the state for a later ``--resume``; write the bundle."""
        origins = {}
        if self.plan is not None:
            origins = {sid: self.plan.earlier.origins.get(sid, self.plan.earlier.run.started_at)
                       for sid in self.plan.kept}
        paths = self.states if self.record else []
        if paths:  # else nothing to write, and report.state_file (run.resume, hashlib...) is not loaded
            from runbook.report.state_file import write_states

            for _, exc in write_states(paths, run, original, document, runner.all_states(), origins):
                click.echo(f"runbook: warning: cannot keep the state for --resume: {exc}", err=True)
        if self.bundle and self.recorder is not None:
            from runbook.report.bundle import write_bundle
            write_bundle(self.bundle, run, document, original, self.recorder, runner)


def _name(path: str) -> str:
    """``Path(path).name`` without loading pathlib (``runbook --version`` loads this module)."""
    return os.path.basename(os.path.normpath(path)) if path not in ("", ".") else ""
