"""Runner policy on the fast fake session: retries, blocking, fail-fast, teardown, within,
skip_unless, timeouts, selection. The session itself is tested on a real pty elsewhere
(test_session*.py); tests/test_session_contract.py keeps the fake honest."""

from __future__ import annotations

from pathlib import Path

from fake_session import FakeSession
from runbook.config import Selection, settings_for
from runbook.model import RunResult, Status, Step, StepResult
from runbook.parse.markdown import parse_document
from runbook.run.protocol import Observer
from runbook.run.runner import Runner

FENCE = "```"


def block(code: str, info: str = "bash") -> str:
    return f"{FENCE}{info}\n{code}\n{FENCE}\n"


class Log(Observer):
    def __init__(self) -> None:
        self.finished: list[str] = []
        self.notices: list[str] = []

    def step_finished(self, step: Step, result: StepResult) -> None:
        self.finished.append(step.id)

    def notice(self, message: str) -> None:
        self.notices.append(message)


def run(text: str, tmp_path: Path, factory=FakeSession, **options) -> tuple[RunResult, list[FakeSession], Log]:
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    doc = parse_document(text, str(path))
    settings = settings_for(doc.front_matter, doc.path, doc.front_matter_lines, **options)
    sessions: list[FakeSession] = []

    def make(config):
        sessions.append(factory(config))
        return sessions[-1]

    log = Log()
    result = Runner(doc, settings, observers=[log], session_factory=make).run()
    return result, sessions, log


def statuses(result: RunResult) -> dict[str, Status]:
    return {r.step_id: r.status for r in result.steps}


def counter(path: Path, passes_at: int) -> str:
    """Shell that counts its runs in ``path`` and succeeds from run ``passes_at`` on."""
    return f"n=$(cat {path} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {path}; echo run $n; test $n -ge {passes_at}"


def test_retry_reruns_a_failing_step_until_it_passes(tmp_path):
    text = "# R\n\n### S1. flaky\n\n" + block(counter(tmp_path / "c", 3), "bash retry=5 delay=0") + "\n"
    result, _, _ = run(text, tmp_path)
    r = result.steps[0]
    assert (r.status, r.attempts, r.output.text) == (Status.PASS, 3, "run 3\n")
    assert "3 attempts" in r.notes


def test_retries_run_out_and_the_last_attempt_is_the_verdict(tmp_path):
    text = "# R\n\n### S1. flaky\n\n" + block(counter(tmp_path / "c", 9), "bash retry=2 delay=0") + "\n"
    result, sessions, _ = run(text, tmp_path)
    r = result.steps[0]
    assert (r.status, r.attempts, r.output.text) == (Status.FAIL, 3, "run 3\n")
    assert len([c for c in sessions[0].calls if "echo run" in c]) == 3


def test_a_failed_blocking_phase_blocks_later_phases_but_not_its_own_steps(tmp_path):
    text = ("# B\n\n## Phase A — start\n<!-- runbook: blocking -->\n\n### A1. breaks\n\n" + block("false")
            + "\n### A2. same phase\n\n" + block("echo a2")
            + "\n## Phase B — later\n\n### B1. never\n\n" + block("echo b1") + "\n")
    result, sessions, _ = run(text, tmp_path)
    assert statuses(result) == {"A1": Status.FAIL, "A2": Status.PASS, "B1": Status.BLOCKED}
    assert result.steps[2].reason == "blocked: blocking phase A failed at step A1"
    assert not any("echo b1" in c for c in sessions[0].calls)
    assert [p.status for p in result.phases] == [Status.FAIL, Status.BLOCKED]


def test_front_matter_blocking_and_a_failed_setup_step_block_the_rest(tmp_path):
    text = ("---\nrunbook:\n  blocking: [A]\n---\n# B\n\n## Phase A — a\n\n" + block("false") +
            "\n## Phase B — b\n\n" + block("echo b") + "\n")
    result, _, _ = run(text, tmp_path)
    assert [r.status for r in result.steps] == [Status.FAIL, Status.BLOCKED]
    setup = ("# S\n\n## Phase A — a\n\n" + block("false", "bash setup") + "\n" + block("echo a") +
             "\n## Phase B — b\n\n" + block("echo b") + "\n")
    result, _, _ = run(setup, tmp_path)
    assert [r.status for r in result.steps] == [Status.FAIL, Status.PASS, Status.BLOCKED]
    assert result.steps[2].reason.startswith("blocked: setup step")


def test_fail_fast_skips_the_rest_and_teardown_still_runs(tmp_path):
    text = ("# F\n\n" + block("echo tidy", "bash teardown") + "\n### S1. fails\n\n" + block("false") +
            "\n### S2. not reached\n\n" + block("echo s2") + "\n")
    result, sessions, log = run(text, tmp_path, fail_fast=True)
    ids = [r.step_id for r in result.steps]
    assert [r.status for r in result.steps] == [Status.FAIL, Status.SKIP, Status.PASS]
    assert result.steps[1].reason == f"not reached (--fail-fast after {ids[0]})"
    steps_run = [c for c in sessions[0].calls if c in ("false", "echo s2", "echo tidy")]
    assert steps_run == ["false", "echo tidy"] and result.steps[2].output.text == "tidy\n"
    assert log.finished == ids  # teardown listed first in the document, run last


def test_teardown_runs_after_a_timeout_and_the_step_is_an_error(tmp_path):
    text = ("# T\n\n" + block("sleep 60", "bash timeout=0.5") + "\n" + block("echo tidy", "bash teardown") + "\n")
    result, _, _ = run(text, tmp_path)
    assert [r.status for r in result.steps] == [Status.ERROR, Status.PASS]
    assert result.steps[0].reason == "timed out after 0.5 s"


def test_within_reruns_the_step_until_the_clause_holds(tmp_path):
    text = ("# W\n\n" + block(counter(tmp_path / "c", 3) + " && echo healthy", "bash delay=0.05") +
            "\nPASS if: output contains `healthy` within 20 s.\n")
    result, _, _ = run(text, tmp_path)
    r = result.steps[0]
    assert (r.status, r.attempts) == (Status.PASS, 3)


def test_within_gives_up_at_its_deadline(tmp_path):
    text = "# W\n\n" + block("echo starting", "bash delay=0.1") + "\nPASS if: output contains `healthy` within 2 s.\n"
    result, sessions, _ = run(text, tmp_path)
    r = result.steps[0]
    assert r.status is Status.FAIL and 2 <= r.attempts <= 21
    assert sessions[0].calls.count("echo starting") == r.attempts


def test_skip_unless_in_front_matter_skips_everything_with_the_reason(tmp_path):
    marker = tmp_path / "ran"
    text = ("---\nrunbook:\n  skip_unless: [\"true\", \"false\"]\n---\n# S\n\n" + block(f"touch {marker}") +
            "\n" + block("echo tidy", "bash teardown") + "\n")
    result, _, _ = run(text, tmp_path)
    assert [r.status for r in result.steps] == [Status.SKIP, Status.SKIP]
    assert result.steps[0].reason == "skipped: `false` failed (skip_unless)"
    assert not marker.exists()


def test_skip_unless_on_a_step_skips_only_that_step(tmp_path):
    text = ("# S\n\n" + block("echo one", 'bash skip_unless="test -e nowhere-q"') + "\n" + block("echo two") + "\n")
    result, sessions, _ = run(text, tmp_path)
    assert [r.status for r in result.steps] == [Status.SKIP, Status.PASS]
    assert "nowhere-q" in result.steps[0].reason
    assert not any("echo one" in c for c in sessions[0].calls)


def test_a_scripted_timeout_is_an_error_and_the_next_step_runs(tmp_path):
    text = "# T\n\n" + block("deploy --wait") + "\n" + block("echo after") + "\n"
    result, _, _ = run(text, tmp_path, factory=FakeSession.scripted({"deploy --wait": [(None, "waiting...\n")]}))
    assert [r.status for r in result.steps] == [Status.ERROR, Status.PASS]
    assert result.steps[0].reason.startswith("timed out after")
    assert result.steps[0].output.text == "waiting...\n"


def test_a_selection_runs_earlier_blocking_phases_first_unless_no_deps(tmp_path):
    text = ("# S\n\n## Phase A — a\n<!-- runbook: blocking -->\n\n" + block("echo a") +
            "\n## Phase B — b\n\n" + block("echo b") + "\n## Phase C — c\n\n" + block("echo c") + "\n")
    result, _, _ = run(text, tmp_path, selection=Selection(phases=("c",)))
    assert [r.step_id for r in result.steps] == ["A-1", "C-1"]
    result, _, _ = run(text, tmp_path, selection=Selection(phases=("C",), no_deps=True))
    assert [r.step_id for r in result.steps] == ["C-1"]
    result, _, _ = run(text, tmp_path, selection=Selection(from_step="B-1", until_step="C-1", no_deps=True))
    assert [r.step_id for r in result.steps] == ["B-1", "C-1"]


def test_the_session_is_closed_even_when_a_step_raises(tmp_path):
    text = "# X\n\n" + block("echo x") + "\n"

    class Exploding(Observer):
        def step_finished(self, step: Step, result: StepResult) -> None:
            raise RuntimeError("observer failed")

    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    doc = parse_document(text, str(path))
    sessions: list[FakeSession] = []

    def make(config):
        sessions.append(FakeSession(config))
        return sessions[0]

    runner = Runner(doc, settings_for(doc.front_matter, doc.path), observers=[Exploding()], session_factory=make)
    try:
        runner.run()
    except RuntimeError as exc:
        assert str(exc) == "observer failed"
    else:
        raise AssertionError("the observer's error was swallowed")
    assert sessions[0].closed
