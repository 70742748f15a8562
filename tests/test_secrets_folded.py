"""Secret learning rides on the step's own end-of-step line (bash): one pty round trip per
step, and its answer (which holds secret values) never becomes step output, not even
when a step times out and its line goes on later. Real pty shell, real runner."""

from __future__ import annotations

from pathlib import Path

from runbook.config import settings_for
from runbook.model import RunResult
from runbook.parse.markdown import parse_document
from runbook.run.runner import Runner
from runbook.run.session import PexpectSession, ShellConfig

FENCE = "```"
SECRET = "s3cr3t-f0lded-v4lue"


class Counting(PexpectSession):
    """The real session, counting the lines the runner sends."""

    def __init__(self, config: ShellConfig) -> None:
        super().__init__(config)
        self.codes: list[str] = []

    def run(self, code: str, **kw):  # type: ignore[no-untyped-def, override]
        self.codes.append(code)
        return super().run(code, **kw)


def _run(tmp_path: Path, *steps: str) -> tuple[RunResult, Counting]:
    (tmp_path / "value").write_text(SECRET + "\n")
    text = "".join(f"## S{i}\n\n{FENCE}bash{' ' + attrs if attrs else ''}\n{code}\n{FENCE}\n\n"
                   for i, (code, attrs) in enumerate((s.split("\x00") + [""])[:2] for s in steps))
    path = tmp_path / "doc.md"
    path.write_text(text)
    doc = parse_document(text, str(path))
    settings = settings_for(doc.front_matter, doc.path, doc.front_matter_lines)
    made: list[Counting] = []

    def make(config: ShellConfig) -> Counting:
        made.append(Counting(config))
        return made[-1]

    return Runner(doc, settings, session_factory=make).run(), made[0]


def test_a_secret_read_by_a_step_is_masked_without_a_query_per_step(tmp_path: Path) -> None:
    steps = ["read -r DB_PASSWORD < value", *(f"echo {i}" for i in range(5)), 'echo "pw=$DB_PASSWORD"']
    result, session = _run(tmp_path, *steps)
    last = result.steps[-1]
    assert last.status.value == "pass", last.reason
    assert SECRET not in last.output.text and "pw=" in last.output.text
    # Every step is one line; only the first sight of the new name asks once for its value.
    assert len(session.codes) == len(steps) + 1, session.codes[len(steps):]


def test_the_answer_of_a_timed_out_step_never_becomes_step_output(tmp_path: Path) -> None:
    result, _ = _run(tmp_path, "read -r API_TOKEN < value; echo known",
                     "trap '' INT; sleep 2; echo slept\x00timeout=0.5",
                     "sleep 2; echo after")
    texts = [s.output.text for s in result.steps] + [n for s in result.steps for n in s.notes]
    assert result.steps[1].status.value == "error"
    assert "after" in result.steps[2].output.text
    for text in texts:
        assert SECRET not in text and "__RB_" not in text and "API_TOKEN" not in text, text


def test_recording_the_state_for_resume_rides_on_the_same_line(tmp_path: Path) -> None:
    from runbook.run.trial import TrialRunner

    (tmp_path / "sub").mkdir()
    steps = ["cd sub && export MY_SETTING=on", *(f"echo {i}" for i in range(4)), "read -r DB_PASSWORD < ../value"]
    (tmp_path / "value").write_text(SECRET + "\n")
    text = "".join(f"## S{i}\n\n{FENCE}bash\n{code}\n{FENCE}\n\n" for i, code in enumerate(steps))
    path = tmp_path / "doc.md"
    path.write_text(text)
    doc = parse_document(text, str(path))
    made: list[Counting] = []

    def make(config: ShellConfig) -> Counting:
        made.append(Counting(config))
        return made[-1]

    runner = TrialRunner(doc, settings_for(doc.front_matter, doc.path, doc.front_matter_lines),
                         record=True, session_factory=make)
    result = runner.run()
    assert all(s.status.value == "pass" for s in result.steps), [s.reason for s in result.steps]
    first = runner.states[result.steps[0].step_id]
    assert first.cwd == str(tmp_path / "sub") and first.env.get("MY_SETTING") == "on"
    assert len(made[0].codes) == len(steps) + 1  # one line per step, one query for the new name
