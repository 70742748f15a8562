"""Runme cell attributes read with Runme's meaning (docs/dialects.md), through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from runbook.cli import cli

F = "```"


def _runbook(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.output


def _doc(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "cells.md"
    path.write_text("# Cells\n\n" + body)
    return path


def test_runme_excluded_cell_is_skipped_with_the_reason_and_never_runs(tmp_path: Path) -> None:
    path = _doc(tmp_path, f"{F}sh {{ name=never excludeFromRunAll=true }}\ntouch {tmp_path}/ran\n{F}\n\n"
                          f"{F}sh {{ name=runs }}\necho ok\n{F}\n")
    out_json = tmp_path / "r.json"
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color", "--json", str(out_json))
    assert code == 0, out
    assert not (tmp_path / "ran").exists()
    steps = {s["id"]: s for s in json.loads(out_json.read_text())["steps"]}
    assert steps["never"]["status"] == "skip" and "excludeFromRunAll" in steps["never"]["reason"]
    assert steps["runs"]["status"] == "pass"


def test_runme_name_is_the_step_id_so_one_cell_runs_alone(tmp_path: Path) -> None:
    path = _doc(tmp_path, f'{F}sh {{"id":"01HF7BT3HD84GWTQB8ZY0GBA06","name":"first"}}\ntouch {tmp_path}/first\n{F}\n\n'
                          f"{F}sh {{ name=second interactive=false }}\ntouch {tmp_path}/second\n{F}\n")
    listing = json.loads(_runbook("list", str(path), "--format", "json")[1])
    assert listing["dialect"] == "runme"
    assert [s["id"] for s in listing["steps"]] == ["01HF7BT3HD84GWTQB8ZY0GBA06", "second"]
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color", "--step", "second")
    assert code == 0, out
    assert (tmp_path / "second").exists() and not (tmp_path / "first").exists()


def test_runme_duplicate_name_keeps_runbooks_ids(tmp_path: Path) -> None:
    path = _doc(tmp_path, f"{F}sh {{ name=same excludeFromRunAll=false }}\ntrue\n{F}\n\n{F}sh {{ name=same }}\ntrue\n{F}\n")
    listing = json.loads(_runbook("list", str(path), "--format", "json")[1])
    assert len({s["id"] for s in listing["steps"]}) == 2 and "same" not in {s["id"] for s in listing["steps"]}


def test_runme_cwd_runs_the_cell_in_that_folder_and_keeps_its_exports(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    path = _doc(tmp_path, f"{F}sh {{ name=inside cwd=sub }}\nexport WHERE=$(pwd)\n{F}\n\n"
                          f'{F}sh {{ name=after }}\ntest "$WHERE" = "{tmp_path / "sub"}" && test "$PWD" != "$WHERE"\n{F}\n')
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color")
    assert code == 0, out


def test_runme_background_cell_starts_detached(tmp_path: Path) -> None:
    path = _doc(tmp_path, f"{F}sh {{ name=server background=true }}\nsleep 30\n{F}\n\n{F}sh {{ name=next }}\necho on\n{F}\n")
    listing = json.loads(_runbook("list", str(path), "--format", "json")[1])
    assert {s["id"]: s["role"] for s in listing["steps"]}["server"] == "background"
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color")
    assert code == 0, out


def test_runme_attributes_read_are_not_warned_about_and_unread_ones_are_named_with_the_reason(tmp_path: Path) -> None:
    path = _doc(tmp_path, f"{F}sh {{ name=a terminalRows=10 closeTerminalOnSuccess=false mimeType=text/plain "
                          f"excludeFromRunAll=false cwd=. }}\ntrue\n{F}\n\n{F}sh {{ name=b promptEnv=true }}\n"
                          f"export X=1\n{F}\n")
    code, out = _runbook("check", str(path), "--format", "json")
    findings = json.loads(out)["findings"]
    assert [f["line"] for f in findings] == [7], findings
    assert "promptEnv" in findings[0]["message"] and "runs them as written" in findings[0]["message"]
