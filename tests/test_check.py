"""`runbook check`: one fixture document per finding code, each with its exact findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from runbook.cli import cli
from runbook.lint.check import CODES, check_document, parse_codes, select, summary_line
from runbook.source import Source

CHECK = FIXTURES / "check"

#: fixture -> every (code, line, col) `runbook check` must report, nothing more.
EXPECTED: dict[str, list[tuple[str, int, int]]] = {
    "clean.md": [],
    "RB101.md": [("RB101", 5, 1)],
    "RB102.md": [("RB102", 5, 1)],
    "RB103.md": [("RB103", 5, 1)],
    "RB104.md": [("RB104", 7, 1)],
    "RB201.md": [("RB201", 15, 10)],
    "RB202.md": [("RB202", 17, 1)],
    "RB203.md": [("RB203", 19, 1)],
    "RB204.md": [("RB204", 6, 1)],
    "RB301.md": [("RB301", 5, 9)],
    "RB302.md": [("RB302", 5, 1)],
    "RB303.md": [("RB303", 6, 15)],
    "RB304.md": [("RB304", 5, 1)],
    "RB305.md": [("RB305", 5, 1)],
    "RB306.md": [("RB306", 19, 1)],
    "RB307.md": [("RB307", 5, 9)],
    "RB308.md": [("RB308", 17, 1)],
    "RB309.md": [("RB309", 31, 1)],
    "RB310.md": [("RB310", 31, 1)],
    "RB311.md": [("RB311", 1, 1)],
    "RB312.md": [("RB312", 17, 1)],
    "RB401.md": [("RB401", 6, 6)],
    "RB402.md": [("RB402", 6, 5)],
    "RB403.md": [("RB403", 6, 13)],
    "RB404.md": [("RB404", 7, 1)],
    "RB405.md": [("RB405", 6, 9)],
    "RB406.md": [("RB406", 7, 1)],
    "RB501.md": [("RB501", 6, 9)],
    "RB502.md": [("RB502", 22, 7)],
    "RB601.md": [("RB601", 19, 1)],
    "RB602.md": [("RB602", 22, 1)],
    "RB603.md": [("RB603", 19, 1)],
    "RB701.md": [("RB701", 19, 1)],
    # the label with no block also leaves its step without expected output
    "RB702.md": [("RB101", 5, 1), ("RB702", 11, 1)],
    "RB801.md": [("RB801", 6, 1)],
    "RB802.md": [("RB802", 6, 1), ("RB802", 16, 1)],
}


def _check(name: str) -> list[tuple[str, int, int]]:
    path = CHECK / name
    return [(f.code, f.line, f.col) for f in check_document(Source.read(path).text, str(path))]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_gets_exactly_its_findings(name: str) -> None:
    assert _check(name) == EXPECTED[name]


def test_every_code_has_a_fixture_and_a_documented_example() -> None:
    covered = {code for found in EXPECTED.values() for code, _, _ in found}
    assert covered == set(CODES) - {"RB100"}
    assert {p.name for p in CHECK.glob("*.md")} == set(EXPECTED)
    doc = (Path(__file__).resolve().parents[1] / "docs" / "check.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"### {code}" in doc, f"{code} is not documented in docs/check.md"


def test_messages_say_what_and_hints_say_how() -> None:
    path = CHECK / "RB301.md"
    (f,) = check_document(Source.read(path).text, str(path))
    assert "'timout'" in f.message and "did you mean 'timeout'" in f.message
    assert f.format() == f"{path}:5:9: RB301 {f.message}; hint: {f.hint}"
    path = CHECK / "RB201.md"
    (f,) = check_document(Source.read(path).text, str(path))
    assert "'the greeting looks friendly'" in f.message
    assert f.hint.startswith("write it in a supported form, e.g. ")


def test_recoverable_parse_errors_do_not_hide_other_findings(tmp_path: Path) -> None:
    text = (CHECK / "RB306.md").read_text(encoding="utf-8") + "\n## Later\n\n```bash\necho “x”\n```\n"
    found = [(f.code, f.line) for f in check_document(text, "d.md")]
    assert ("RB306", 19) in found
    assert ("RB401", 34) in found and ("RB103", 33) in found


def test_front_matter_ignore_and_select_prefixes() -> None:
    text = "---\nrunbook:\n  check: {ignore: [RB10]}\n---\n" + (CHECK / "RB702.md").read_text(encoding="utf-8")
    assert [f.code for f in check_document(text, "d.md")] == ["RB702"]
    found = check_document((CHECK / "RB702.md").read_text(encoding="utf-8"), "d.md")
    assert [f.code for f in select(found, parse_codes(["RB7"], "--select"), ())] == ["RB702"]
    assert [f.code for f in select(found, (), parse_codes(["rb702,RB4"], "--ignore"))] == ["RB101"]
    assert summary_line(0, 0) == "All checks passed."
    assert summary_line(1, 1) == "Found 1 finding in 1 file."
    assert summary_line(3, 2) == "Found 3 findings in 2 files."


def test_cli_output_summary_and_exit_status(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(cli, ["check", str(CHECK / "RB101.md"), str(CHECK / "RB702.md"), str(CHECK / "clean.md")])
    assert res.exit_code == 1
    lines = res.output.splitlines()
    assert lines[0].startswith(f"{CHECK / 'RB101.md'}:5:1: RB101 step 1 has no expected output; hint: ")
    assert lines[-1] == "Found 3 findings in 2 files."
    res = runner.invoke(cli, ["check", str(CHECK / "clean.md")])
    assert (res.exit_code, res.output) == (0, "All checks passed.\n")
    res = runner.invoke(cli, ["check", "--select", "RB7", str(CHECK / "RB702.md")])
    assert res.exit_code == 1 and "RB101" not in res.output and "RB702" in res.output
    res = runner.invoke(cli, ["check", "--ignore", "RB1,RB702", str(CHECK / "RB702.md")])
    assert (res.exit_code, res.output) == (0, "All checks passed.\n")
    res = runner.invoke(cli, ["check", "--select", "RB9", str(CHECK / "clean.md")])
    assert res.exit_code == 2 and "no check code starts with 'RB9'" in res.output


def test_cli_json(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["check", "--format", "json", str(CHECK / "RB702.md")])
    assert res.exit_code == 1
    data = json.loads(res.output)
    assert [(f["code"], f["line"], f["col"]) for f in data["findings"]] == EXPECTED["RB702.md"]
    assert data["summary"] == {"files_checked": 1, "files_with_findings": 1, "findings": 2, "errors": 0}


def test_unreadable_or_unparsable_input_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.md"
    broken.write_text("---\nrunbook: [\n---\n# T\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["check", str(broken), str(tmp_path / "missing.md"), str(CHECK / "RB101.md")])
    assert res.exit_code == 2
    assert f"{broken}:2: invalid YAML in front matter" in res.output
    assert "missing.md: no such file" in res.output
    assert "RB101" in res.output
    assert res.output.splitlines()[-1] == "Found 1 finding in 1 file. 2 files could not be checked."


def test_annotated_document_is_checked_like_the_original(tmp_path: Path) -> None:
    text = (CHECK / "RB102.md").read_text(encoding="utf-8")
    annotated = text.replace("```bash", "<!-- runbook:begin summary lines=3 -->\nx\n<!-- runbook:end -->\n\n```bash", 1)
    assert [(f.code, f.line) for f in check_document(annotated, "d.md")] == [("RB102", 9)]


def test_pre_commit_hook_runs_runbook_check() -> None:
    import yaml

    hooks = yaml.safe_load((Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "runbook-check")
    assert hook["entry"] == "runbook check" and hook["language"] == "python"
    assert "markdown" in hook["types"]
