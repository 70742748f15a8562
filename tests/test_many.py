"""`runbook execute` (and list, check, strip, update) over many documents: folders, several
files, `-`; one shell per document, combined reports, the worst exit status. Real CLI, real
pty shells, real files."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from runbook.cli import cli

FENCE = "```"
SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "docs" / "results.schema.json").read_text())


def run_cli(*args: str, stdin: str | None = None) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)
    return res.exit_code, res.output


def doc(title: str, *commands: str) -> str:
    steps = "".join(f"### A{n}. step {n}\n\n{FENCE}bash\n{c}\n{FENCE}\n\n" for n, c in enumerate(commands, 1))
    return f"# {title}\n\n## Phase A — Only\n\n{steps}"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project: docs/ with a passing, a failing, a stepless and an annotated document."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()  # the configuration walk ends here
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "b-pass.md").write_text(doc("Pass", "echo one", "echo two"))
    (docs / "sub" / "a-fail.md").write_text(doc("Fail", "echo before", "exit 3"))
    (docs / "notes.md").write_text("# Notes\n\nNo step in here.\n")
    (docs / "old.annotated.md").write_text(doc("Old", "echo never run"))
    (docs / ".hidden").mkdir()
    (docs / ".hidden" / "x.md").write_text(doc("Hidden", "echo never run"))
    return docs


def validate(data: dict) -> None:
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(data)


def test_a_folder_runs_every_document_in_sorted_order_with_the_worst_exit(folder: Path):
    code, out = run_cli("execute", "docs", "--json", "r.json", "--junit", "r.xml", "--no-color")
    assert code == 1, out
    data = json.loads(Path("r.json").read_text())
    validate(data)
    assert [d["document"] for d in data["documents"]] == ["docs/b-pass.md", "docs/sub/a-fail.md"]
    assert data["not_run"] == [{"document": "docs/notes.md", "reason": "no steps"}]
    assert data["summary"]["total"] == 4 and data["summary"]["pass"] == 3 and data["summary"]["fail"] == 1
    assert "never run" not in out  # *.annotated.md and hidden folders are not documents
    assert (folder / "b-pass.annotated.md").is_file() and (folder / "sub" / "a-fail.annotated.md").is_file()
    assert not (folder / "notes.annotated.md").exists()
    assert "3 documents (1 not run), 4 steps: 3 pass, 1 fail" in out
    assert "runbook: results (JSON): r.json" in out and "runbook: JUnit XML: r.xml" in out


def test_one_shell_per_document_so_state_does_not_leak(folder: Path, tmp_path: Path):
    (folder / "b-pass.md").write_text(doc("Sets", "export LEAK=from-first", "cd /"))
    (folder / "sub" / "a-fail.md").write_text(doc("Reads", 'test -z "${LEAK:-}"', "test \"$PWD\" != /"))
    code, out = run_cli("execute", "docs", "--json", "r.json", "--no-color")
    assert code == 0, out
    data = json.loads(Path("r.json").read_text())
    assert [s["status"] for d in data["documents"] for s in d["steps"]] == ["pass"] * 4


def test_junit_has_a_testsuite_per_document_and_phase(folder: Path):
    run_cli("execute", "docs/b-pass.md", "docs/sub/a-fail.md", "--junit", "r.xml", "--no-annotate")
    suites = ET.parse("r.xml").getroot().findall("testsuite")
    assert [s.get("package") for s in suites] == ["docs/b-pass.md", "docs/sub/a-fail.md"]
    assert [s.get("id") for s in suites] == ["0", "1"]
    assert suites[0].get("name", "").startswith("docs/b-pass.md · ")
    assert suites[1].get("failures") == "1"


def test_html_index_links_each_documents_own_report(folder: Path):
    Path("out").mkdir()
    code, out = run_cli("execute", "docs", "--html", "out/index.html", "--no-annotate")
    assert code == 1, out
    index = Path("out/index.html").read_text()
    assert 'href="index-01-b-pass.html"' in index and 'href="index-03-a-fail.html"' in index
    assert "docs/notes.md" in index and "no steps" in index
    assert "echo one" in Path("out/index-01-b-pass.html").read_text()


def test_a_document_with_no_steps_does_not_fail_the_others(folder: Path):
    code, out = run_cli("execute", "docs/notes.md", "docs/b-pass.md", "--no-color")
    assert code == 0, out
    assert "docs/notes.md: no steps; not run" in out


def test_no_document_with_a_step_exits_5(folder: Path):
    (folder / "more.md").write_text("# More\n\nprose only\n")
    code, out = run_cli("execute", "docs/notes.md", "docs/more.md")
    assert code == 5 and "none of the 2 documents has a step" in out


def test_one_file_keeps_the_single_document_json_shape(folder: Path):
    code, out = run_cli("execute", "docs/b-pass.md", "--json", "one.json")
    assert code == 0, out
    data = json.loads(Path("one.json").read_text())
    validate(data)
    assert data["document"] == "docs/b-pass.md" and "documents" not in data
    assert "runbook: annotated document: docs/b-pass.annotated.md" in out


def test_output_path_with_several_documents_is_a_usage_error(folder: Path):
    code, out = run_cli("execute", "docs", "-o", "x.md")
    assert code == 2
    assert "-o names one annotated document" in out and "hint:" in out
    assert not Path("x.md").exists() and not (folder / "b-pass.annotated.md").exists()


def test_a_bad_document_among_many_stops_before_anything_runs(folder: Path):
    (folder / "zz-bad.md").write_text("---\nrunbook:\n  timout: 5\n---\n" + doc("Bad", "echo x"))
    code, out = run_cli("execute", "docs")
    assert code == 2
    assert "zz-bad.md:3" in out and "did you mean timeout?" in out
    assert not (folder / "b-pass.annotated.md").exists()


def test_fail_fast_stops_the_later_documents(folder: Path):
    (folder / "a-first-fails.md").write_text(doc("Fails", "false"))
    code, out = run_cli("execute", "docs", "-x", "--json", "r.json", "--no-annotate")
    assert code == 1
    data = json.loads(Path("r.json").read_text())
    assert [d["document"] for d in data["documents"]] == ["docs/a-first-fails.md"]
    assert {"document": "docs/b-pass.md", "reason": "--fail-fast: an earlier document failed"} in data["not_run"]


def test_list_check_and_strip_take_folders_and_stdin(folder: Path):
    code, out = run_cli("list", "docs")
    assert code == 0 and "docs/b-pass.md" in out and "docs/sub/a-fail.md" in out
    code, out = run_cli("check", "docs", "--format", "json")
    assert json.loads(out)["summary"]["files_checked"] == 3
    code, out = run_cli("list", "-", stdin=doc("From stdin", "echo piped"))
    assert code == 0 and "A1" in out
    run_cli("execute", "docs/b-pass.md", "--in-place")
    annotated = (folder / "b-pass.md").read_text()
    code, out = run_cli("strip", "-", stdin=annotated)
    assert code == 0 and out == doc("Pass", "echo one", "echo two")
    code, out = run_cli("strip", "docs", "--in-place")
    assert code == 0 and (folder / "b-pass.md").read_text() == doc("Pass", "echo one", "echo two")


def test_strip_of_several_documents_to_stdout_is_a_usage_error(folder: Path):
    code, out = run_cli("strip", "docs")
    assert code == 2 and "--in-place" in out


def test_update_check_over_a_folder_reports_each_document(folder: Path):
    (folder / "sub" / "a-fail.md").write_text(doc("Fine", "echo fine"))
    code, out = run_cli("update", "docs", "--check")
    assert code == 0, out
    assert "docs/b-pass.md: up to date" in out and "docs/sub/a-fail.md: up to date" in out
    stale = doc("Stale", "echo new") .replace(f"{FENCE}\n\n", f"{FENCE}\n\nExpected output:\n\n{FENCE}\nold\n{FENCE}\n\n")
    (folder / "stale.md").write_text(stale)
    code, out = run_cli("update", "docs", "--check")
    assert code == 1 and "docs/stale.md: would change" in out
    assert (folder / "stale.md").read_text() == stale


@pytest.mark.parametrize("option", [["--bundle", "b"], ["--target", "one=bash"], ["--resume"]])
def test_single_document_trial_options_with_several_documents_are_usage_errors(folder: Path, option: list[str]):
    code, out = run_cli("execute", "docs", *option)
    assert code == 2 and "works on one document" in out and "hint:" in out
    assert not (folder / "b-pass.annotated.md").exists()


def test_quiet_does_not_say_where_files_were_written(folder: Path):
    """`-q` shows failures and the summary only: scripts that capture stderr get no extra lines."""
    code, out = run_cli("execute", "docs/b-pass.md", "-q", "--json", "one.json")
    assert code == 0, out
    assert Path("one.json").exists() and (folder / "b-pass.annotated.md").exists()
    assert "runbook: annotated document:" not in out and "runbook: results (JSON):" not in out
    code, out = run_cli("execute", "docs", "-q", "--json", "all.json")
    assert Path("all.json").exists()
    assert "runbook: results (JSON):" not in out and "annotated document:" not in out
