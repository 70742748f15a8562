"""Turn what a step printed and returned into a verdict (spec §3), pure."""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Final, Sequence

from runbook.judge.criteria import Evidence, judge_criterion
from runbook.judge.matching import MatchResult, match_output
from runbook.judge.normalise import normalise, normalise_lines
from runbook.model import Check, Command, Execution, Expected, MatchMode, Output, Status, Step
from runbook.parse.volatile import mask


class CommandRun:
    """One command of a step and what running it gave (output already masked)."""

    __slots__ = ("command", "execution")

    def __init__(self, command: Command, execution: Execution) -> None:
        self.command: Final = command
        self.execution: Final = execution


class Verdict:
    """The judged part of a StepResult."""

    __slots__ = ("status", "drift", "checks", "diff", "reason")

    def __init__(self, status: Status, drift: bool, checks: tuple[Check, ...], diff: str | None, reason: str) -> None:
        self.status: Final = status
        self.drift: Final = drift
        self.checks: Final = checks
        self.diff: Final = diff
        self.reason: Final = reason


_SAME = MatchResult(True, None)


class _Uncomparable(Exception):
    """The output was cut to fit in memory, so it cannot be judged against the expected text."""


def expected_exit(step: Step) -> int:
    """The ``exit=N`` attribute (default 0), already validated by the parser."""
    return step.options.exit


def _match_run(r: CommandRun, exp: Expected) -> MatchResult:
    """One command's output against its expected output; raises when a cut output differs."""
    got = r.execution.output.text
    if got == exp.text or _one_newline_more(got, exp.text) or normalise_lines(exp.text) == normalise_lines(got):
        return _SAME  # the usual passing step: equal texts match in every mode, no pattern to read
    res = match_output(exp.text, r.execution.output.text, exp.mode)
    if not res.ok and (exp.illustrative or exp.volatile):
        # volatile tokens (ages, hashes, addresses ...) masked on both sides: only the stable
        # parts count; a drift still shows the unmasked diff
        masked = match_output(mask(exp.text), mask(normalise(r.execution.output.text)), exp.mode)
        if masked.ok:
            res = masked
    if not res.ok and r.execution.output.truncated:
        raise _Uncomparable(f"output too large to compare with the expected output "
                            f"({r.execution.output.total_bytes} bytes, "
                            f"{r.execution.output.dropped_bytes} not kept): use `...` lines or match=contains")
    return res


def _one_newline_more(got: str, want: str) -> bool:
    """``got`` is ``want`` and a newline (the usual output of a documented line), neither with a
    CR or an escape: both normalise to the same lines (``normalise_lines``), without the work."""
    return (len(got) == len(want) + 1 and got[-1] == "\n" and got.startswith(want)
            and "\r" not in got and "\x1b" not in got and "\x07" not in got and "\x9b" not in got)


def _compare_expected(runs: Sequence[CommandRun]) -> tuple[bool | None, bool, str | None]:
    """(all expected outputs match?, any mismatch is illustrative-only?, joined diff)."""
    compared = [r for r in runs if r.command.expected is not None
                and r.command.expected.mode is not MatchMode.IGNORE]
    if not compared:
        return None, False, None
    ok_all = True
    illustrative_only = True
    diffs: list[str] = []
    for r in compared:
        exp = r.command.expected
        assert exp is not None
        res = _match_run(r, exp)
        if not res.ok:
            ok_all = False
            if not exp.illustrative:
                illustrative_only = False
            if res.diff:
                head = f"# $ {r.command.text.splitlines()[0]}\n" if len(compared) > 1 and r.command.text else ""
                diffs.append(head + res.diff)
    return ok_all, (illustrative_only and not ok_all), ("\n".join(diffs) if diffs else None)


def merged_output(runs: Sequence[CommandRun]) -> Output:
    """A step's whole output: every command's output in order."""
    if len(runs) == 1:
        return runs[0].execution.output
    text = "".join(r.execution.output.text if r.execution.output.text.endswith("\n") or not r.execution.output.text
                   else r.execution.output.text + "\n" for r in runs)
    counts: dict[str, int] = {}
    for r in runs:
        for k, v in r.execution.output.counts.items():
            counts[k] = counts.get(k, 0) + v
    return Output(text=text, total_bytes=sum(r.execution.output.total_bytes for r in runs),
                  lines=sum(r.execution.output.lines for r in runs),
                  dropped_bytes=sum(r.execution.output.dropped_bytes for r in runs), counts=counts)


def judge(step: Step, runs: Sequence[CommandRun], *, strict: bool,
          run_command: Callable[[str], int | None]) -> Verdict:
    """Spec §3: criteria decide; expected output alone decides; else the exit status."""
    exit_code = runs[-1].execution.exit_code if runs else None
    try:
        expected_ok, illustrative_only, diff = _compare_expected(runs)
    except _Uncomparable as exc:
        return Verdict(Status.ERROR, False, (Check("output matches expected", False, str(exc)),), None, str(exc))
    if step.criteria:
        ev = Evidence(output=merged_output(runs), exit_code=exit_code,
                      duration_s=sum(r.execution.duration_s for r in runs),
                      expected_ok=expected_ok, run_command=run_command)
        return _by_criteria(step, ev, diff, strict)
    return _by_exit_and_output(step, exit_code, expected_ok, illustrative_only, diff, strict)


@lru_cache(maxsize=64)  # a Check is immutable: one per (wanted, got) pair will do
def _exit_check(want_exit: int, exit_code: int | None) -> Check:
    exit_ok = exit_code == want_exit
    return Check(f"exit code is {want_exit}", exit_ok, "" if exit_ok else _exit_detail(exit_code))


def _by_criteria(step: Step, ev: Evidence, diff: str | None, strict: bool) -> Verdict:
    """The criteria decide (plus the exit status when every criterion was derived from prose)."""
    checks: list[Check] = []
    if all(c.derived for c in step.criteria):
        checks.append(_exit_check(expected_exit(step), ev.exit_code))
    for crit in step.criteria:
        checks.extend(judge_criterion(crit, ev))
    return _criteria_verdict(checks, ev.expected_ok is False, diff, strict)


def _criteria_verdict(checks: list[Check], drift: bool, diff: str | None, strict: bool) -> Verdict:
    failed = [c for c in checks if not c.ok and not c.manual]
    errored = [c for c in failed if c.detail.startswith("error:")]
    manual = [c for c in checks if c.manual]
    if errored:
        return Verdict(Status.ERROR, drift, tuple(checks), diff, errored[0].detail[6:].strip())
    if failed:
        return Verdict(Status.FAIL, drift, tuple(checks), diff, _failed_reason(failed))
    if drift and strict:
        return Verdict(Status.FAIL, drift, tuple(checks), diff,
                       "output differs from the documented expected output (--strict)")
    if manual:
        return Verdict(Status.MANUAL, drift, tuple(checks), diff,
                       f"needs a person to judge: {manual[0].clause}")
    return Verdict(Status.PASS, drift, tuple(checks), diff, "")


def _by_exit_and_output(step: Step, exit_code: int | None, expected_ok: bool | None,
                        illustrative_only: bool, diff: str | None, strict: bool) -> Verdict:
    """No criteria: the exit status, then the expected output (if any) decide."""
    want_exit = expected_exit(step)
    checks = [_exit_check(want_exit, exit_code)]
    if expected_ok is not None:
        checks.append(_MATCHED if expected_ok else _DIFFERS)
    if not checks[0].ok:
        return Verdict(Status.FAIL, expected_ok is False, tuple(checks), diff,
                       f"exit code {exit_code}, expected {want_exit}")
    if expected_ok is False:
        if illustrative_only and not strict:
            return Verdict(Status.PASS, True, tuple(checks), diff, "")
        reason = "output differs from the expected output"
        return Verdict(Status.FAIL, True if illustrative_only else False, tuple(checks), diff,
                       reason + (" (--strict)" if illustrative_only else ""))
    return _passed(want_exit, expected_ok) if diff is None else Verdict(Status.PASS, False, tuple(checks), diff, "")


_MATCHED = Check("output matches expected", True, "")
_DIFFERS = Check("output matches expected", False, "output differs from the expected output")


@lru_cache(maxsize=64)  # a Verdict is immutable: one per (exit wanted, output compared) pair will do
def _passed(want_exit: int, expected_ok: bool | None) -> Verdict:
    """The verdict of a step that exited ``want_exit`` and printed what it should (if compared)."""
    checks = (_exit_check(want_exit, want_exit),) + (() if expected_ok is None else (_MATCHED,))
    return Verdict(Status.PASS, False, checks, None, "")


def _exit_detail(exit_code: int | None) -> str:
    return "the step did not finish (no exit code)" if exit_code is None else f"exit code was {exit_code}"


def _failed_reason(failed: Sequence[Check]) -> str:
    first = failed[0]
    more = f" (+{len(failed) - 1} more)" if len(failed) > 1 else ""
    detail = f": {first.detail}" if first.detail else ""
    return f"{first.clause}{detail}{more}"
