"""`runbook migrate DOC --from byexample`: runbook's own format, the same verdicts (docs/dialects.md).

Each document runs three ways: the real byexample on the original, runbook on the original
(read in byexample's dialect) and runbook on the migrated document (runbook's own format).
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

BYEXAMPLE = shutil.which("byexample") or str(Path(sys.executable).with_name("byexample"))
F = "```"
HEAD = "# Doc\n\n<!-- byexample: shell examples -->\n\n"

DOCS = {
    "tags_and_literal_dots": f"{F}shell\n$ echo \"pid $$ ok\"\npid <pid> ok\n\n$ echo 'foo...bar'\nfoo...bar\n{F}\n",
    "tag_spans_lines": f"{F}shell\n$ printf 'a\\nb\\nc\\n'\na\n<...>\nc\n\n$ printf 'x\\ny\\nz: 1\\n'\n<...>z: 1\n{F}\n",
    "exit_status_never_judged": f"{F}shell\n$ false\n$ sh -c 'echo out; exit 3'\nout\n{F}\n",
    "silent_example_that_prints_fails": f"{F}shell\n$ echo chatty\n{F}\n",
    "skip_pass_norm_ws_rm": f"{F}shell\n$ echo never   # byexample: +skip\nx\n$ echo whatever   # byexample: +pass\nnot this\n"
                            f"$ echo 'a     b'   # byexample: +norm-ws\na b\n$ echo 'a-b'   # byexample: +rm=-\nab\n{F}\n",
    "hidden_setup_in_a_comment": "<!--\n$ export GREETING=hi\n-->\n\n" + f"{F}shell\n$ echo $GREETING\nhi\n{F}\n",
    "output_that_says_byexample": f"{F}shell\n$ echo 'byexample: error: x'\nbyexample: error: x\n{F}\n",
    "fail_fast_stops_after_a_failure": f"{F}shell\n$ echo a   # byexample: +fail-fast\nb\n$ echo c\nc\n{F}\n",
    "prompt_less_block_does_not_run": f"{F}bash\necho never > ran.txt\n{F}\n\n{F}shell\n$ test -e ran.txt || echo absent\nabsent\n{F}\n",
    "tag_inside_a_line_and_norm_ws_span_lines":
        f"{F}shell\n$ printf 'usage: prog [-a]\\n      [-b] [-c]\\n'\nusage: <prog> [-b] <...>\n\n"
        f"$ printf 'a\\n\\nb\\n'   # byexample: +norm-ws\na\nb\n\n$ printf 'usage: x\\n'\nusage: <x> [-b]\n{F}\n",
    "timeout_option": f"{F}shell\n$ sleep 1; echo done   # byexample: +timeout=20\ndone\n{F}\n",
}


def _runbook(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.output


def _statuses(path: Path, skip_first: int) -> tuple[int, list[str]]:
    report = path.with_suffix(".json")
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color", "--json", str(report))
    steps = json.loads(report.read_text())["steps"][skip_first:]
    return code, [s["status"] for s in steps if "byexample does not run it" not in (s.get("reason") or "")]


@pytest.mark.parametrize("name", sorted(DOCS))
def test_migrated_byexample_document_keeps_every_verdict(tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    original = tmp_path / "orig" / f"{name}.md"
    original.parent.mkdir()
    original.write_text(HEAD + DOCS[name])
    peer = subprocess.run([BYEXAMPLE, "-l", "shell", "--timeout", "20", str(original)], capture_output=True,
                          text=True, timeout=120, cwd=tmp_path).returncode
    migrated = tmp_path / "orig" / f"{name}.runbook.md"
    code, out = _runbook("migrate", str(original), "--from", "byexample", "-o", str(migrated))
    assert code == 0, out
    (tmp_path / "ran.txt").unlink(missing_ok=True)
    before = _statuses(original, 1)
    after = _statuses(migrated, 1)
    assert json.loads(_runbook("list", str(migrated), "--format", "json")[1]).get("dialect") in (None, "")
    assert before[0] == peer, f"byexample said {peer}, runbook on the original {before}"
    assert after == before, f"{name}: original {before}, migrated {after}\n{migrated.read_text()}"


def test_migrate_refuses_paste_with_the_example_line(tmp_path: Path) -> None:
    path = tmp_path / "paste.md"
    path.write_text(HEAD + f"{F}shell\n$ echo 42\n<n>\n\n$ echo <n>   # byexample: +paste\n42\n{F}\n")
    code, out = _runbook("migrate", str(path), "--from", "byexample", "-o", "-")
    assert code == 2
    assert f"{path}:9" in out and "+paste" in out


def test_migrate_refuses_a_document_that_is_not_byexample(tmp_path: Path) -> None:
    path = tmp_path / "plain.md"
    path.write_text(f"# Plain\n\n{F}bash\necho hi\n{F}\n")
    code, out = _runbook("migrate", str(path), "--from", "byexample", "-o", "-")
    assert code == 2 and "not read as a byexample document" in out


def test_migrate_writes_beside_the_document_never_over_it(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    original = HEAD + f"{F}shell\n$ echo hi\nhi\n{F}\n"
    path.write_text(original)
    code, out = _runbook("migrate", str(path), "--from", "byexample")
    assert code == 0, out
    assert path.read_text() == original
    assert "```bash errexit=false\necho hi\n```" in (tmp_path / "doc.runbook.md").read_text()
