"""The pytest plugin: ``pytest --runbook docs/`` collects playbooks, one Item per step.

Each document is a pytest File; its steps are Items in document order (``doc.md::A1``),
all run in ONE shell per document. The runner runs in a thread of its own, held by a gate:
a step starts only when pytest asks for its Item (so ``-x`` and ``--maxfail`` stop further
steps from running), and when pytest stops early the run is interrupted at the gate, so
its teardown steps still run and nothing outlives it. Status mapping (docs/pytest.md):
pass -> passed, fail/error -> failed, skip/blocked -> skipped, manual -> xfailed.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import functools
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from runbook.config import Selection, Settings, settings_for
from runbook.errors import RunbookError
from runbook.model import Document, RunResult, Status, Step, StepResult
from runbook.parse.markdown import parse_document
from runbook.project import Project, excluded, find
from runbook.wording import manual_clauses
from runbook.run.plan import Plan, build_plan
from runbook.run.protocol import Observer
from runbook.run.runner import Runner
from runbook.source import Source, atomic_write
from runbook.write.annotate import annotate, strip

_OUTPUT_LINES = 20
"""How many of a failed step's last output lines its failure report shows."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("runbook", "runbook: Markdown playbooks as tests")
    group.addoption("--runbook", action="store_true", default=False,
                    help="collect Markdown playbooks (runbook_glob, default *.md) among the paths given")
    group.addoption("--runbook-annotate", action="store_true", default=False,
                    help="write each run document's verdicts to DOC.annotated.md, as `runbook execute` does")
    parser.addini("runbook_paths", type="paths", default=[],
                  help="folders or files whose playbooks are collected even without --runbook")
    parser.addini("runbook_glob", type="args", default=["*.md"],
                  help="file name patterns of playbooks (default *.md; *.annotated.md never)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "runbook: a step of a Markdown playbook (runbook's pytest plugin)")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    config = parent.config
    if file_path.suffix != ".md" or file_path.name.endswith(".annotated.md"):
        return None
    if not any(fnmatch.fnmatch(file_path.name, g) for g in config.getini("runbook_glob")):
        return None
    roots: list[Path] = config.getini("runbook_paths")
    wanted = config.getoption("runbook") or any(
        file_path == r or r in file_path.parents for r in (Path(p).resolve() for p in roots))
    if not wanted or excluded(file_path, _project(config)):
        return None
    return RunbookFile.from_parent(parent, path=file_path)


@functools.lru_cache(maxsize=None)
def _project_in(folder: str) -> Project:
    try:
        return find(Path(folder))
    except RunbookError as err:
        raise pytest.UsageError(f"runbook: {err}") from None


def _project(config: pytest.Config) -> Project:
    """``[tool.runbook]`` / ``runbook.toml`` found from where pytest was started, as the CLI does."""
    return _project_in(str(config.invocation_params.dir))


class StepFailed(Exception):
    """A step that failed or errored; its Item's failure report renders the result."""

    def __init__(self, result: StepResult) -> None:
        super().__init__(result.reason or str(result.status))
        self.result = result


class RunbookFile(pytest.File):
    """One playbook: parsed at collection, run (lazily, step by step) when its Items run."""

    doc: Document
    settings: Settings
    original: str
    driver: "_Driver | None" = None

    def collect(self) -> Iterator["StepItem"]:
        try:
            src = Source.read(self.path)
            self.original = strip(src.text, str(self.path))
            self.doc = parse_document(self.original, str(self.path))
            self.settings = settings_for(self.doc.front_matter, self.doc.path, self.doc.front_matter_lines,
                                        defaults=_project(self.config).defaults())
            plan = build_plan(self.doc, Selection(), self.settings.blocking)
        except RunbookError as err:
            raise self.CollectError(f"runbook: {err}") from None
        for step in plan.steps:
            yield StepItem.from_parent(self, name=step.id, step=step)

    def result_of(self, item: "StepItem") -> StepResult:
        if self.driver is None:
            chosen = [i.step for i in self.session.items if isinstance(i, StepItem) and i.parent is self]
            self.driver = _Driver(self.doc, self.settings, chosen)
            self.driver.start()
        return self.driver.result_of(item.step)

    def teardown(self) -> None:
        driver, self.driver = self.driver, None
        if driver is None:
            return
        run = driver.stop()
        if run is not None and self.config.getoption("runbook_annotate"):
            self._write_annotated(run)

    def _write_annotated(self, run: RunResult) -> None:
        src = Source.read(self.path)
        if strip(src.text, str(self.path)) != self.original:
            return  # the author edited it meanwhile: the next run annotates their version
        target = self.path.with_name(self.path.stem + ".annotated.md")
        atomic_write(target, src.encode(annotate(self.original, self.doc, run)))


class StepItem(pytest.Item):
    """One step of a playbook; running it lets the document's runner run this step."""

    def __init__(self, *, step: Step, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.step = step
        self.add_marker(pytest.mark.runbook)

    @property
    def file(self) -> RunbookFile:
        assert isinstance(self.parent, RunbookFile)
        return self.parent

    def runtest(self) -> None:
        r = self.file.result_of(self)
        if r.status in (Status.FAIL, Status.ERROR):
            raise StepFailed(r)
        if r.status in (Status.SKIP, Status.BLOCKED):
            raise _skip(r.reason or str(r.status))
        if r.status is Status.MANUAL:
            pytest.xfail("manual: " + ("; ".join(manual_clauses(r)) or "a criterion needs a person"))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: Any = None) -> str:
        if isinstance(excinfo.value, StepFailed):
            return failure_text(excinfo.value.result, self.file.doc, self.file.nodeid)
        if isinstance(excinfo.value, RunbookError):
            return f"runbook: {excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, max(self.step.line - 1, 0), self.step.title or self.step.id


def _skip(reason: str) -> BaseException:
    """A skip reported at the step's line, not at this plugin's (as pytest's own skip marks)."""
    try:
        return pytest.skip.Exception(reason, _use_item_location=True)  # type: ignore[call-arg]
    except TypeError:  # a pytest without the keyword: the skip still carries the reason
        return pytest.skip.Exception(reason)


def failure_text(r: StepResult, doc: Document, shown_path: str = "") -> str:
    """What pytest shows for a failed step: reason, checks, diff, troubleshooting, output."""
    where = shown_path or doc.path
    lines = [f"{where}:{r.line}: step {r.step_id} ({r.title}): {r.status}",
             f"reason: {r.reason or 'failed'}"]
    if r.exit_code is not None:
        lines.append(f"exit code: {r.exit_code}")
    if r.checks:
        lines.append("checks:")
        lines += [f"  {'ok  ' if c.ok else 'FAIL'} {c.clause}" + (f" ({c.detail})" if c.detail else "")
                  for c in r.checks]
    if r.diff:
        lines += ["diff (expected -> actual):", *("  " + ln for ln in r.diff.splitlines())]
    if r.troubleshooting:
        lines.append("troubleshooting (matching rows):")
        lines += [f"  {where}:{t.row.line}: {t.row.symptom} | cause: {t.row.cause} | fix: {t.row.fix}"
                  for t in r.troubleshooting]
    tail = r.output.text.splitlines()[-_OUTPUT_LINES:]
    if tail:
        lines += [f"output (last {len(tail)} lines):", *("  " + ln for ln in tail)]
    return "\n".join(lines)


class _Driver(Observer):
    """Runs one document in a thread; the gate lets each step start only once asked for."""

    def __init__(self, doc: Document, settings: Settings, chosen: list[Step]) -> None:
        body = [s.id for s in chosen if s.role not in ("setup", "teardown")]
        all_body = [s.id for s in doc.steps if s.role not in ("setup", "teardown")]
        selection = Selection(steps=tuple(body)) if body and body != all_body else Selection()
        self.settings = dataclasses.replace(settings, selection=selection)
        self.plan: Plan = build_plan(doc, selection, settings.blocking)
        self.index = {s.id: i for i, s in enumerate(self.plan.steps)}
        self.first_teardown = len(self.plan.setup) + len(self.plan.main)
        self.runner = Runner(doc, self.settings, observers=[self])
        self.cond = threading.Condition()
        self.released = -1
        self.current = -1
        self.stopping = False
        self.results: dict[str, StepResult] = {}
        self.run: RunResult | None = None
        self.error: BaseException | None = None
        self.done = False
        self.thread = threading.Thread(target=self._main, name=f"runbook {doc.path}")

    def start(self) -> None:
        self.thread.start()

    def _main(self) -> None:
        try:
            self.run = self.runner.run()
        except BaseException as exc:  # reported by every Item still waiting
            self.error = exc
        finally:
            with self.cond:
                self.done = True
                self.cond.notify_all()

    def result_of(self, step: Step) -> StepResult:
        pos = self.index.get(step.id)
        if pos is None:
            pytest.skip(f"{step.id} is not in this run's plan")
        with self.cond:
            self.released = max(self.released, pos)
            self.cond.notify_all()
            while step.id not in self.results and not self.done:
                self.cond.wait(1.0)
            if step.id in self.results:
                return self.results[step.id]
        if isinstance(self.error, RunbookError):
            raise self.error
        if self.error is not None:
            raise RuntimeError(f"the run of {step.id} ended: {self.error!r}") from self.error
        pytest.skip(f"{step.id} was not run")

    def stop(self) -> RunResult | None:
        """pytest is done with this document: let the rest of the run (teardown) finish."""
        with self.cond:
            self.stopping = True
            busy_body = (0 <= self.current < self.first_teardown and not self.done
                         and self.plan.steps[self.current].id not in self.results)
            self.cond.notify_all()
        if busy_body:  # pytest stopped while a step ran (Ctrl-C): stop it; teardown still runs
            self.runner.interrupt()
        self.thread.join()
        return self.run

    # -- the gate (runner thread) -----------------------------------------------------
    def _gate(self, pos: int) -> None:
        with self.cond:
            while self.released < pos and not self.stopping:
                self.cond.wait()
            stop_body = self.stopping and self.released < pos and pos < self.first_teardown
        if stop_body and not self.runner.interrupted:
            self.runner.interrupt()  # the rest of the body is not reached; teardown still runs

    def run_started(self, doc: Document, plan: Plan) -> None:
        self._gate(0)

    def step_started(self, step: Step, attempt: int) -> None:
        with self.cond:
            self.current = self.index.get(step.id, self.current)

    def step_finished(self, step: Step, result: StepResult) -> None:
        with self.cond:
            self.results[step.id] = result
            self.cond.notify_all()
        pos = self.index.get(step.id)
        if pos is not None and pos + 1 < len(self.plan.steps):
            self._gate(pos + 1)
