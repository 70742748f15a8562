"""The public API (`import runbook`): every function for real, through a real pty shell and files."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import runbook
from runbook.model import Document, RunResult, Status, Step, StepResult

FENCE = "```"

DOC = f"""---
runbook:
  env: {{GREETING: hello}}
---
# Deploy

## Phase A: prepare

{FENCE}bash
echo "$GREETING $WHO"
{FENCE}

Expected output:

{FENCE}text
hello world
{FENCE}

## Phase B: check

{FENCE}bash
bash -c 'exit 3'
{FENCE}

PASS if: exit code is 3

{FENCE}bash
echo <TARGET>
{FENCE}
"""


def test_import_runbook_loads_no_stage_until_an_api_name_is_used():
    code = ("import sys, runbook; before = sorted(m for m in sys.modules if m.startswith('runbook.'));"
            "runbook.parse; after = 'runbook.api' in sys.modules;"
            "print(before, after, runbook.__version__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"[] True {runbook.__version__}"


def test_every_name_in_all_is_importable_and_unknown_names_raise():
    for name in runbook.__all__:
        assert getattr(runbook, name) is not None, name
    assert set(runbook.__all__) <= set(dir(runbook))
    with pytest.raises(AttributeError, match="no_such_thing"):
        runbook.no_such_thing  # noqa: B018


def test_runbook_parse_is_callable_whatever_was_imported_first():
    """``runbook.parse`` names the function and the package: both uses work in any order."""
    first_package = ("import runbook.parse.markdown as md, runbook;"
                     "from runbook.parse import grammar;"
                     "print(runbook.parse('# T\\n').title, md.__name__, grammar.__name__, runbook.parse.markdown is md)")
    first_call = ("import runbook; t = runbook.parse('# T\\n').title;"
                  "import runbook.parse.structure as st;"
                  "print(t, st.__name__, runbook.parse.structure is st)")
    outs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
            for code in (first_package, first_call)]
    assert outs == [["T", "runbook.parse.markdown", "runbook.parse.grammar", "True"],
                    ["T", "runbook.parse.structure", "True"]]


def test_patching_through_the_parse_package_still_works(monkeypatch):
    import runbook.parse.markdown as md

    monkeypatch.setattr("runbook.parse.markdown.SETTINGS_KEYS", ("patched",))
    assert md.SETTINGS_KEYS == ("patched",)


def test_parse_reads_a_path_and_text_alike(write_doc):
    path = write_doc(DOC)
    from_path = runbook.parse(path)
    from_str_path = runbook.parse(str(path))
    from_text = runbook.parse(DOC)
    assert isinstance(from_path, Document)
    assert [s.id for s in from_path.steps] == [s.id for s in from_text.steps] == ["A-1", "B-1", "B-2"]
    assert from_path.path == from_str_path.path == str(path)
    assert from_text.path == "<string>"
    assert from_path.steps[2].placeholders == ("TARGET",)


def test_parse_errors_name_file_and_line_and_a_missing_path_says_how_text_is_told_apart(write_doc):
    bad = write_doc(f"# T\n\n{FENCE}bash id=x\ntrue\n{FENCE}\n\n{FENCE}bash id=x\ntrue\n{FENCE}\n")
    with pytest.raises(runbook.ParseError) as err:
        runbook.parse(bad)
    assert f"{bad}:7" in str(err.value)
    with pytest.raises(runbook.RunbookError, match="no such file") as missing:
        runbook.parse("does-not-exist.md")
    assert "line break" in (missing.value.hint or "")


class Recorder(runbook.Observer):
    """Overrides only some hooks: the others keep the protocol's no-op defaults."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []
        self.chunks: list[str] = []

    def step_started(self, step: Step, attempt: int) -> None:
        self.events.append(("started", step.id))

    def step_output(self, step: Step, chunk: str) -> None:
        self.chunks.append(chunk)

    def step_finished(self, step: Step, result: StepResult) -> None:
        self.events.append(("finished", f"{step.id}:{result.status.value}"))

    def run_finished(self, run: RunResult) -> None:
        self.events.append(("run", str(len(run.steps))))


def test_execute_runs_in_a_real_shell_with_cli_options_and_observers(write_doc, capsys):
    path = write_doc(DOC)
    rec = Recorder()
    run = runbook.execute(path, env={"WHO": "world"}, values={"TARGET": "prod"}, observers=[rec])
    assert isinstance(run, RunResult)
    got = {r.step_id: r for r in run.steps}
    assert got["A-1"].status is Status.PASS and got["A-1"].output.text == "hello world\n"
    assert got["B-1"].status is Status.PASS and got["B-1"].exit_code == 3
    assert got["B-2"].status is Status.PASS and got["B-2"].output.text == "prod\n"
    assert rec.events == [("started", "A-1"), ("finished", "A-1:pass"), ("started", "B-1"),
                          ("finished", "B-1:pass"), ("started", "B-2"), ("finished", "B-2:pass"),
                          ("run", "3")]
    assert "hello world" in "".join(rec.chunks)
    assert capsys.readouterr() == ("", "")  # the library never prints


def test_execute_selection_and_missing_input_match_the_cli(write_doc):
    path = write_doc(DOC)
    run = runbook.execute(path, phases=["B"], no_deps=True)
    assert [(r.step_id, r.status) for r in run.steps] == [("B-1", Status.PASS), ("B-2", Status.SKIP)]
    assert run.steps[1].reason == "needs input: TARGET"
    with pytest.raises(runbook.SelectionError, match="unknown step 'Z-9'"):
        runbook.execute(path, steps=["Z-9"])


def test_execute_validates_options_like_the_cli(write_doc):
    path = write_doc(DOC)
    with pytest.raises(runbook.ConfigError, match="positive number of seconds"):
        runbook.execute(path, timeout=0)
    with pytest.raises(runbook.ConfigError, match="cannot read env file"):
        runbook.execute(path, env_files=[str(path.parent / "missing.env")])


def test_execute_of_a_document_and_a_failing_step_with_fail_fast(write_doc):
    doc = runbook.parse(write_doc(f"# T\n\n{FENCE}bash\nfalse\n{FENCE}\n\n{FENCE}bash\necho never\n{FENCE}\n"))
    run = runbook.execute(doc, fail_fast=True, timeout=20)
    assert [r.status for r in run.steps] == [Status.FAIL, Status.SKIP]
    assert run.steps[1].reason.startswith("not reached (--fail-fast")


def test_a_step_timing_out_through_the_api_leaves_no_process(write_doc, tmp_path):
    pidfile = tmp_path / "pid"
    path = write_doc(f"# T\n\n{FENCE}bash timeout=1\nsleep 300 & echo $! > {pidfile}; wait\n{FENCE}\n")
    run = runbook.execute(path)
    assert run.steps[0].status is Status.ERROR and "timed out" in run.steps[0].reason
    pid = int(pidfile.read_text())
    deadline = time.monotonic() + 20
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), f"pid {pid} outlived the run"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_annotate_and_strip_round_trip_a_real_run_byte_for_byte(write_doc):
    path = write_doc(DOC)
    run = runbook.execute(path, env={"WHO": "world"}, values={"TARGET": "x"})
    annotated = runbook.annotate(DOC, run)
    assert annotated != DOC
    assert "<!-- runbook:begin result B-1" in annotated
    assert runbook.strip(annotated) == DOC
    # Annotating the annotated text replaces the regions instead of adding more.
    again = runbook.annotate(annotated, run, runbook.parse(annotated))
    assert again == annotated
    assert runbook.strip("no annotations\r\n") == "no annotations\r\n"


def test_check_lints_text_and_paths_and_filters_codes(write_doc):
    text = f"# T\n\n{FENCE}bash\necho hi\n{FENCE}\n"
    findings = runbook.check(text)
    assert [(f.code, f.line) for f in findings] == [("RB103", 3)]
    assert isinstance(findings[0], runbook.Finding)
    assert runbook.check(write_doc(text))[0].path.endswith("doc.md")
    assert runbook.check(text, ignore_codes=["RB1"]) == []
    assert runbook.check(text, select_codes=["RB103"]) == findings
    with pytest.raises(runbook.RunbookError):
        runbook.check(text, select_codes=["nonsense"])


def test_the_docs_api_example_runs_as_written(tmp_path):
    """docs/api.md's embedding example is executed as is (it must not rot)."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "api.md").read_text(encoding="utf-8")
    example = doc.split("```python\n", 1)[1].split("```", 1)[0]
    (tmp_path / "deploy.md").write_text(f"# Deploy\n\n{FENCE}bash\necho ok\n{FENCE}\n\nPASS if: output contains `ok`\n")
    done = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "deploy.md: 1 pass, 0 failing"
    assert "runbook:begin result" in (tmp_path / "deploy.annotated.md").read_text(encoding="utf-8")


def test_mypy_checks_observers_and_the_api_types(tmp_path):
    """The typed API is checked: a hook with the wrong signature and a misused result are mypy errors."""
    user = tmp_path / "embed.py"
    user.write_text(
        "import runbook\n"
        "class Good(runbook.Observer):\n"
        "    def step_finished(self, step: runbook.Step, result: runbook.StepResult) -> None: ...\n"
        "class Bad(runbook.Observer):\n"
        "    def step_finished(self, step: runbook.Step) -> None: ...\n"
        "run: runbook.RunResult = runbook.execute(runbook.parse('x.md'), observers=[Good()])\n"
        "n: int = runbook.strip('text')\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache"),
                           "--follow-imports=silent", "--no-error-summary", str(user)],
                          capture_output=True, text=True, timeout=300)
    errors = sorted(line.split(":")[1] for line in done.stdout.splitlines() if ": error:" in line)
    assert errors == ["5", "7"], done.stdout
