"""cram / prysk ``.t`` files run by ``runbook execute`` with prysk's semantics (docs/dialects.md).

Every verdict is checked against real prysk on the same file, run as a subprocess.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli

PRYSK = shutil.which("prysk") or str(Path(sys.executable).with_name("prysk"))

CASES = {
    "plain_pass": "Says hello:\n\n  $ echo hello\n  hello\n",
    "wrong_output": "  $ echo hello\n  goodbye\n",
    "exit_code_line_matches": "  $ false\n  [1]\n",
    "nonzero_exit_without_exit_line": "  $ sh -c 'exit 3'\n",
    "exit_line_differs": "  $ sh -c 'exit 3'\n  [2]\n",
    "silent_command_prints": "  $ echo surprise\n",
    "regex_and_glob": "  $ printf 'abc\\nfoo.txt\\n'\n  [a-c]+ (re)\n  *.txt (glob)\n",
    "dots_are_literal_in_cram": "  $ echo foo-bar\n  foo...bar\n",
    "dots_literal_pass": "  $ echo 'foo...bar'\n  foo...bar\n",
    "escapes": "  $ printf 'a\\tb\\n'\n  a\\tb (esc)\n",
    "continuation": "  $ echo one \\\n  > two\n  one two\n",
    "keeps_going_after_failure": "  $ false\n  [1]\n  $ echo after\n  after\n",
    "failure_not_errexit": "  $ false; echo still\n  still\n",
    "clean_env": "  $ echo $LANG $TZ $TESTFILE\n  C GMT clean_env.t\n",
    "runs_in_fresh_folder": "  $ touch made-here && ls\n  made-here\n",
    "no_eol": "  $ printf x\n  x (no-eol)\n",
}

PRYSK_FAILS = {"wrong_output", "nonzero_exit_without_exit_line", "exit_line_differs", "silent_command_prints",
               "dots_are_literal_in_cram"}
"""The cases prysk itself fails: the comparison below covers both verdicts."""


def _runbook(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.output


def _prysk(path: Path) -> int:
    proc = subprocess.run([PRYSK, str(path)], capture_output=True, text=True, timeout=120,
                          cwd=path.parent)
    return proc.returncode


@pytest.mark.parametrize("name", sorted(CASES))
def test_cram_verdict_equals_prysk_verdict(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.t"
    path.write_text(CASES[name])
    peer = _prysk(path)
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color")
    assert peer == (1 if name in PRYSK_FAILS else 0), f"prysk's own verdict on {name} changed: {peer}"
    assert code == peer, f"{name}: prysk said {peer}, runbook said {code}\n{out}"


def test_cram_file_runs_in_a_fresh_folder_that_is_removed(tmp_path: Path) -> None:
    path = tmp_path / "mk.t"
    path.write_text("  $ pwd > \"$TESTDIR/where\"; touch left-behind\n")
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color")
    assert code == 0, out
    where = Path((tmp_path / "where").read_text().strip())
    assert not (tmp_path / "left-behind").exists()
    assert where.name == "mk.t" and not where.exists()


def test_cram_json_results_judge_each_command_with_its_exit_line(tmp_path: Path) -> None:
    path = tmp_path / "two.t"
    path.write_text("  $ false\n  [1]\n  $ sh -c 'exit 4'\n  [4]\n  $ false\n")
    out_json = tmp_path / "r.json"
    code, out = _runbook("execute", str(path), "--no-annotate", "--json", str(out_json))
    steps = {s["id"]: s for s in json.loads(out_json.read_text())["steps"]}
    assert code == 1
    assert [steps[i]["status"] for i in ("1", "2", "3")] == ["pass", "pass", "fail"]
    assert steps["2"]["exit_code"] == 4


def test_cram_annotated_copy_is_not_a_test_and_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "ann.t"
    path.write_text("  $ echo $TESTFILE\n  ann.t\n  $ echo x\n  y\n")
    code, _ = _runbook("execute", str(path), "--no-color")
    annotated = tmp_path / "ann.t.annotated.md"
    assert code == 1 and annotated.exists()
    assert path.read_text() == "  $ echo $TESTFILE\n  ann.t\n  $ echo x\n  y\n"
    again = tmp_path / "again.json"
    code2, _ = _runbook("execute", str(annotated), "--json", str(again), "--no-color")
    assert code2 == 1
    assert [s["status"] for s in json.loads(again.read_text())["steps"] if s["id"] in ("1", "2")] == ["pass", "fail"]
    _, strip = _runbook("strip", str(annotated), "-o", "-")
    assert strip == path.read_text()


def test_cram_dialect_is_said_in_list_check_and_the_run(tmp_path: Path) -> None:
    path = tmp_path / "say.t"
    path.write_text("  $ echo hi\n  hi\n")
    _, text = _runbook("list", str(path))
    _, js = _runbook("list", str(path), "--format", "json")
    code, checked = _runbook("check", str(path))
    _, cj = _runbook("check", str(path), "--format", "json")
    _, run = _runbook("execute", str(path), "--no-annotate", "--no-color")
    assert text.startswith("dialect: cram (detected)\n")
    assert json.loads(js)["dialect"] == "cram"
    assert "dialect: cram" in checked and code == 0, checked
    assert json.loads(cj)["dialects"] == {str(path): "cram"}
    assert "dialect: cram" in run


def test_markdown_document_says_no_dialect(tmp_path: Path) -> None:
    path = tmp_path / "own.md"
    path.write_text("# T\n\n```bash\necho hi\n```\n")
    _, js = _runbook("list", str(path), "--format", "json")
    _, text = _runbook("list", str(path))
    assert json.loads(js)["dialect"] is None
    assert "dialect" not in text


@pytest.mark.parametrize("name", sorted(set(CASES) - {"clean_env", "runs_in_fresh_folder"}))
def test_markdown_cram_fence_reads_like_the_t_file(tmp_path: Path, name: str) -> None:
    """A ```cram fence in a Markdown document gets the verdict prysk gives the same lines in a .t file."""
    path = tmp_path / f"{name}.md"
    path.write_text(f"# {name}\n\nThe test:\n\n```cram\n{CASES[name]}```\n")
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color")
    assert code == (1 if name in PRYSK_FAILS else 0), f"{name}: prysk's verdict is {name in PRYSK_FAILS}\n{out}"


@pytest.mark.parametrize("name", sorted(CASES))
def test_migrated_cram_file_keeps_every_verdict(tmp_path: Path, name: str) -> None:
    """`runbook migrate foo.t --from cram` writes runbook's own Markdown with the same verdicts, step by step."""
    path = tmp_path / f"{name}.t"
    path.write_text("Intro line.\n\n" + CASES[name])
    code, _ = _runbook("migrate", str(path), "--from", "cram")
    migrated = tmp_path / f"{name}.md"
    assert code == 0 and migrated.exists()
    assert json.loads(_runbook("list", str(migrated), "--format", "json")[1])["dialect"] is None
    verdicts = []
    for doc in (path, migrated):
        out_json = tmp_path / f"{doc.suffix[1:]}.json"
        code, out = _runbook("execute", str(doc), "--no-annotate", "--json", str(out_json))
        listed = json.loads(_runbook("list", str(doc), "--format", "json")[1])["steps"]
        housekeeping = {s["id"] for s in listed if s["role"] in ("setup", "teardown")}
        assert len(housekeeping) == 2  # the fresh folder, made and removed, in both
        steps = json.loads(out_json.read_text())["steps"]
        verdicts.append((code, [s["status"] for s in steps if s["id"] not in housekeeping]))
    assert verdicts[0][0] == verdicts[1][0] == (1 if name in PRYSK_FAILS else 0), verdicts
    assert sorted(verdicts[0][1]) == sorted(verdicts[1][1]), verdicts


def test_migrate_refuses_a_dialect_it_cannot_write(tmp_path: Path) -> None:
    """Every --from choice has a writer now; a dialect without one (Runme) is refused, never guessed."""
    from runbook.errors import RunbookError
    from runbook.write.migrate import SOURCES, migrate

    assert set(SOURCES) == {"cram", "tesh", "ie", "scrut", "byexample"}
    with pytest.raises(RunbookError, match="cannot write --from runme"):
        migrate("# T\n\n```bash {excludeFromRunAll=true}\necho hi\n```\n", str(tmp_path / "doc.md"), "runme")