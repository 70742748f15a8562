"""A person in the loop: ``--confirm``, ``--verdict``, ``--verdicts``, ``--by``, ``--step-by-step``.

Questions go to stderr (stdout may carry the annotated document, ``-o -``). The asking
happens here, in the CLI, through the runner's observer hooks (``before_step``,
``review``): the engine never reads the terminal. A person judges the steps runbook could
not (manual clauses, steps marked ``confirm``), never overrides a check runbook made, and
every report says who answered and when (:mod:`runbook.judge.confirm`).
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import click

from runbook.errors import RunbookError

if TYPE_CHECKING:  # `runbook --version` loads this module: no engine import at the top
    from runbook.model import Document, Step, StepResult

ANSWERS = ("pass", "fail", "skip")
"""The same as ``runbook.judge.confirm.ANSWERS``."""

OUTPUT_LINES = 20
"""How much of a step's output a person is shown before being asked (the tail)."""


def confirm_options(f: Any) -> Any:
    for opt in reversed([
        click.option("--confirm", is_flag=True,
                     help="Ask on the terminal for a verdict on manual clauses and steps marked `confirm`."),
        click.option("--verdict", "verdicts", multiple=True, metavar="ID=pass[:NOTE]",
                     help="Record a person's verdict (pass, fail or skip) on step ID without asking (repeatable)."),
        click.option("--verdicts", "verdicts_file", metavar="FILE", type=click.Path(dir_okay=False),
                     help="Read verdicts from FILE, one `ID=pass[:NOTE]` a line (# comments)."),
        click.option("--by", "by", metavar="NAME", help="Who gives the verdicts (default: $USER)."),
        click.option("--step-by-step", is_flag=True, help="Before each step, ask: run, skip or quit."),
    ]):
        f = opt(f)
    return f


def parse_verdicts(items: Sequence[str], where: str = "--verdict") -> dict[str, tuple[str, str]]:
    """``ID=answer[:note]`` items -> {ID: (answer, note)}; a clear error otherwise."""
    found: dict[str, tuple[str, str]] = {}
    for item in items:
        step_id, sep, rest = item.partition("=")
        answer, _, note = rest.partition(":")
        answer = answer.strip().lower()
        if not sep or not step_id.strip() or answer not in ANSWERS:
            raise RunbookError(f"{where}: {item!r} is not ID=pass[:note]",
                               hint="write e.g. --verdict 3=pass:dashboard shows all panels (answers: pass, fail, skip)")
        found[step_id.strip()] = (answer, note.strip())
    return found


def verdicts_of(opts: Mapping[str, Any], doc: Document) -> dict[str, tuple[str, str]]:
    """Every verdict given on the command line or in ``--verdicts FILE``, for steps that exist."""
    found: dict[str, tuple[str, str]] = {}
    path = opts.get("verdicts_file")
    if path:
        try:
            with open(path, encoding="utf-8") as fh:
                lines = [(n, ln.strip()) for n, ln in enumerate(fh, 1)]
        except OSError as exc:
            raise RunbookError(f"cannot read verdicts: {exc.strerror}", where=path,
                               hint="give a text file with one ID=pass[:note] a line") from None
        for n, line in lines:
            if line and not line.startswith("#"):
                found.update(parse_verdicts([line], where=f"{path}:{n}"))
    found.update(parse_verdicts(opts.get("verdicts") or ()))
    ids = {s.id for s in doc.steps}
    unknown = sorted(set(found) - ids)
    if unknown:
        raise RunbookError(f"verdict for a step the document does not have: {', '.join(unknown)}",
                           hint="`runbook list DOC` shows the step ids")
    return found


def who(opts: Mapping[str, Any]) -> str:
    if opts.get("by"):
        return str(opts["by"])
    import getpass  # a person's verdict only

    try:
        return os.environ.get("USER") or getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


class PersonInTheLoop:
    """Observer that asks a person (or reads their verdicts) for the steps runbook cannot judge."""

    def __init__(self, verdicts: Mapping[str, tuple[str, str]], by: str, *, ask: bool, step_by_step: bool,
                 pause: Callable[[], None] = lambda: None,
                 now: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.verdicts = dict(verdicts)
        self.by = by
        self.ask = ask
        self.step_by_step = step_by_step
        self.pause = pause
        self.now = now

    # hooks the runner calls ---------------------------------------------------------
    def before_step(self, step: Step) -> str:
        if not self.step_by_step:
            return "run"
        self.pause()
        click.echo(click.style(f"\n── step {step.id}: {step.title}", bold=True), err=True)
        for cmd in step.commands:
            click.echo("  $ " + cmd.text.replace("\n", "\n    "), err=True)
        answer = click.prompt("run, skip or quit?", type=click.Choice(["run", "skip", "quit", "r", "s", "q"]),
                              default="run", show_choices=True, err=True)
        return {"r": "run", "s": "skip", "q": "quit"}.get(answer, answer)

    def review(self, step: Step, result: StepResult) -> StepResult:
        from runbook.clauses import Confirmation
        from runbook.judge.confirm import needs_person, person_verdict

        if not needs_person(result):
            return result
        given = self.verdicts.get(step.id)
        if given is None and self.ask:
            given = self._ask(step, result)
        if given is None:
            return result
        stamp = self.now().strftime("%Y-%m-%dT%H:%M:%SZ")
        return person_verdict(result, Confirmation(given[0], self.by, stamp, given[1]))

    def _ask(self, step: Step, result: StepResult) -> tuple[str, str]:
        self.pause()
        click.echo(click.style(f"\n── a person's check: step {step.id}: {step.title}", bold=True), err=True)
        for crit in step.criteria:
            click.echo("  document: " + " ".join(crit.text.split()), err=True)
        tail = result.output.text.rstrip("\n").split("\n")[-OUTPUT_LINES:] if result.output.text else []
        click.echo("  output:" + ("" if tail else " (none)"), err=True)
        for line in tail:
            click.echo("  │ " + line, err=True)
        for check in result.checks:
            if check.manual:
                click.echo(f"  ✋ {check.clause}", err=True)
        answer = click.prompt("pass, fail or skip?", type=click.Choice(["pass", "fail", "skip", "p", "f", "s"]),
                              default="skip", show_choices=True, err=True)
        answer = {"p": "pass", "f": "fail", "s": "skip"}.get(answer, answer)
        note = click.prompt("note (optional)", default="", show_default=False, err=True)
        return answer, note.strip()

    # the other hooks: nothing to do -----------------------------------------------------
    def run_started(self, doc: Any, plan: Any) -> None:
        return None

    def step_started(self, step: Step, attempt: int) -> None:
        return None

    def step_output(self, step: Step, chunk: str) -> None:
        return None

    def step_finished(self, step: Step, result: StepResult) -> None:
        return None

    def notice(self, message: str) -> None:
        return None

    def run_finished(self, run: Any) -> None:
        return None


def with_pause(people: Sequence[PersonInTheLoop], pause: Callable[[], None]) -> list[PersonInTheLoop]:
    """The observers, told how to stop the terminal's live line before they ask."""
    for person in people:
        person.pause = pause
    return list(people)


def person_in_the_loop(opts: Mapping[str, Any], doc: Document,
                       pause: Callable[[], None] = lambda: None) -> list[PersonInTheLoop]:
    """The observer for the options given (none when no option asks for a person)."""
    verdicts = verdicts_of(opts, doc)
    ask = bool(opts.get("confirm"))
    if (ask or opts.get("step_by_step")) and not sys.stdin.isatty():
        raise RunbookError("--confirm and --step-by-step ask on a terminal, and stdin is not one",
                           hint="without a terminal, give verdicts with --verdict ID=pass[:note] or --verdicts FILE")
    if not (verdicts or ask or opts.get("step_by_step")):
        return []
    return [PersonInTheLoop(verdicts, who(opts), ask=ask, step_by_step=bool(opts.get("step_by_step")),
                            pause=pause)]
