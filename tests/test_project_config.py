"""`[tool.runbook]` / `runbook.toml`: found by walking up, its settings take effect between
the defaults and the front matter, unknown keys get a did-you-mean naming file and line.
Real CLI, real shells, real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from runbook.project import find

FENCE = "```"


def run_cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.output


def doc(*commands: str, front: str = "") -> str:
    steps = "".join(f"### A{n}. step {n}\n\n{FENCE}bash\n{c}\n{FENCE}\n\n" for n, c in enumerate(commands, 1))
    return (f"---\nrunbook:\n{front}---\n" if front else "") + f"# Doc\n\n## Phase A — Only\n\n{steps}"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "slow.md").write_text(doc("sleep 3; echo done"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def statuses(path: str = "r.json") -> list[str]:
    data = json.loads(Path(path).read_text())
    runs = data.get("documents", [data])
    return [s["status"] for r in runs for s in r["steps"]]


def test_configured_timeout_takes_effect_and_front_matter_and_cli_override_it(project: Path):
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.runbook]\ntimeout = "1s"\n')
    code, out = run_cli("execute", "docs/slow.md", "--json", "r.json", "--no-annotate")
    assert code == 1 and statuses() == ["error"], out  # timed out after the configured 1 s
    code, out = run_cli("execute", "docs/slow.md", "--json", "r.json", "--no-annotate", "--timeout", "30")
    assert code == 0 and statuses() == ["pass"], out
    (project / "docs" / "slow.md").write_text(doc("sleep 3; echo done", front="  timeout: 30\n"))
    code, out = run_cli("execute", "docs/slow.md", "--json", "r.json", "--no-annotate")
    assert code == 0 and statuses() == ["pass"], out


def test_configured_paths_reports_and_exclude_are_used_without_arguments(project: Path):
    (project / "docs" / "slow.md").write_text(doc("echo fast"))
    (project / "docs" / "draft").mkdir()
    (project / "docs" / "draft" / "wip.md").write_text(doc("false"))
    (project / "out").mkdir()
    (project / "runbook.toml").write_text(
        'paths = ["docs"]\nexclude = ["docs/draft/"]\n[reports]\njson = "out/r.json"\njunit = "out/r.xml"\n')
    code, out = run_cli("execute", "--no-annotate")
    assert code == 0, out
    data = json.loads((project / "out" / "r.json").read_text())
    assert [d["document"] for d in data["documents"]] == [str(project / "docs" / "slow.md")]
    assert (project / "out" / "r.xml").is_file()
    assert "runbook: results (JSON): " in out


def test_configured_strict_makes_drift_fail_unless_front_matter_says_otherwise(project: Path):
    drift = doc("echo 'state: warming'").replace(
        f"{FENCE}\n\n", f"{FENCE}\n\nThe output should be similar to:\n\n{FENCE}text\nstate: ready\n{FENCE}\n\n")
    (project / "docs" / "slow.md").write_text(drift)
    run_cli("execute", "docs/slow.md", "--json", "r.json", "--no-annotate")
    assert statuses() == ["pass"]  # drift alone is a warning by default
    (project / "runbook.toml").write_text("strict = true\n")
    run_cli("execute", "docs/slow.md", "--json", "r.json", "--no-annotate")
    strict_from_config = statuses()
    (project / "docs" / "slow.md").write_text(drift.replace("# Doc", "---\nrunbook:\n  strict: false\n---\n# Doc"))
    run_cli("execute", "docs/slow.md", "--json", "r.json", "--no-annotate")
    assert strict_from_config == ["fail"] and statuses() == ["pass"]


def test_configured_check_ignore_applies_and_the_command_line_wins(project: Path):
    (project / "docs" / "slow.md").write_text(doc("echo hi"))
    code, out = run_cli("check", "docs/slow.md", "--format", "json")
    codes = {f["code"] for f in json.loads(out)["findings"]}
    assert codes, "the fixture document must have findings"
    (project / "pyproject.toml").write_text("[tool.runbook.check]\nignore = [\"RB\"]\n")
    code, out = run_cli("check", "docs/slow.md", "--format", "json")
    assert code == 0 and json.loads(out)["findings"] == []
    code, out = run_cli("check", "docs/slow.md", "--format", "json", "--ignore", "RB802")
    assert {f["code"] for f in json.loads(out)["findings"]} == codes


def test_unknown_key_names_file_line_and_a_did_you_mean(project: Path):
    (project / "pyproject.toml").write_text('[tool.runbook]\npaths = ["docs"]\ntimout = 5\n')
    code, out = run_cli("execute", "docs/slow.md")
    assert code == 2
    assert f"{project / 'pyproject.toml'}:3" in out and "unknown key `tool.runbook.timout`" in out
    assert "did you mean timeout?" in out and "Traceback" not in out


def test_unknown_report_key_and_bad_values_are_errors(project: Path):
    (project / "runbook.toml").write_text('[reports]\nhtm = "r.html"\n')
    code, out = run_cli("list", "docs")
    assert code == 2 and "unknown key `reports.htm`" in out and "did you mean html?" in out
    (project / "runbook.toml").write_text('timeout = "soon"\n')
    code, out = run_cli("list", "docs")
    assert code == 2 and "runbook.toml:1" in out and "not a duration" in out
    (project / "runbook.toml").write_text('timeout = [\n')
    code, out = run_cli("list", "docs")
    assert code == 2 and "invalid TOML" in out


def test_the_walk_finds_the_nearest_file_and_stops_at_the_repository_root(tmp_path: Path):
    (tmp_path / "runbook.toml").write_text("timeout = 7\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "a" / "b").mkdir(parents=True)
    assert find(repo / "a" / "b").file is None  # above .git is another project
    (repo / "pyproject.toml").write_text("[tool.runbook]\ntimeout = 9\n")
    found = find(repo / "a" / "b")
    assert found.file == str(repo / "pyproject.toml") and found.timeout == 9
    (repo / "a" / "pyproject.toml").write_text("[project]\nname = 'no runbook table'\n")
    assert find(repo / "a" / "b").timeout == 9  # a pyproject without [tool.runbook] does not count
    (repo / "a" / "runbook.toml").write_text("timeout = 3\n")
    assert find(repo / "a" / "b").timeout == 3


def test_front_matter_typo_gets_a_did_you_mean(project: Path):
    (project / "docs" / "slow.md").write_text(doc("echo hi", front="  timout: 5\n"))
    code, out = run_cli("execute", "docs/slow.md")
    assert code == 2 and "docs/slow.md:3" in out and "did you mean timeout?" in out
