"""byexample (shell) documents read with byexample's rules (docs/dialects.md).

Each verdict is compared with real byexample (``byexample -l shell``) on the same file.
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

CASES = {
    "capture_tag_matches_any_text": f"{F}shell\n$ echo \"pid $$ ok\"\npid <pid> ok\n{F}\n",
    "ellipsis_tag_spans_lines": f"{F}shell\n$ printf 'a\\nb\\nc\\n'\na\n<...>\nc\n{F}\n",
    "dots_are_literal": f"{F}shell\n$ echo foo-bar\nfoo...bar\n{F}\n",
    "dots_literal_pass": f"{F}shell\n$ echo 'foo...bar'\nfoo...bar\n{F}\n",
    "exit_status_never_judged": f"{F}shell\n$ false\n$ sh -c 'echo out; exit 3'\nout\n{F}\n",
    "no_expected_means_silent": f"{F}shell\n$ echo chatty\n{F}\n",
    "wrong_output_fails": f"{F}shell\n$ echo hello\ngoodbye\n{F}\n",
    "skip_is_not_run": f"{F}shell\n$ echo never   # byexample: +skip\nsomething else\n{F}\n",
    "pass_is_run_not_checked": f"{F}shell\n$ echo whatever   # byexample: +pass\nnot this\n{F}\n",
    "norm_ws": f"{F}shell\n$ echo 'a     b'   # byexample: +norm-ws\na b\n{F}\n",
    "without_norm_ws_spaces_count": f"{F}shell\n$ echo 'a     b'\na b\n{F}\n",
    "hidden_example_in_comment": "<!--\n$ export GREETING=hi\n-->\n\n" + f"{F}shell\n$ echo $GREETING\nhi\n{F}\n",
    "hidden_example_checked": "<!--\n$ echo hidden\nnot hidden\n-->\n",
    "blank_line_ends_expected": f"{F}shell\n$ echo one\none\n\n$ echo two\ntwo\n{F}\n",
    "continuation_lines": f"{F}shell\n$ echo one \\\n> two\none two\n{F}\n",
    "failing_example_does_not_stop_next": f"{F}shell\n$ echo a\nb\n$ echo c\nc\n{F}\n",
}

FAILING = {"dots_are_literal", "no_expected_means_silent", "wrong_output_fails", "without_norm_ws_spaces_count",
           "hidden_example_checked", "failing_example_does_not_stop_next"}
"""The cases byexample itself fails, so both verdicts are compared."""


def _runbook(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.output


def _byexample(path: Path) -> int:
    return subprocess.run([BYEXAMPLE, "-l", "shell", "--timeout", "20", str(path)], capture_output=True,
                          text=True, timeout=120, cwd=path.parent).returncode


@pytest.mark.parametrize("name", sorted(CASES))
def test_byexample_verdict_equals_byexample_verdict(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.md"
    path.write_text(HEAD + CASES[name])
    peer = _byexample(path)
    assert peer == (1 if name in FAILING else 0), f"byexample's own verdict on {name} changed: {peer}"
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color")
    assert code == peer, f"{name}: byexample said {peer}, runbook said {code}\n{out}"


def test_byexample_runs_nothing_byexample_would_not(tmp_path: Path) -> None:
    path = tmp_path / "quiet.md"
    path.write_text(HEAD + f"{F}bash\ntouch {tmp_path}/no-prompt-ran\n{F}\n\n"
                    f"{F}shell\n$ touch {tmp_path}/skipped-ran   # byexample: +skip\n{F}\n\n"
                    f"{F}shell\n$ touch {tmp_path}/ran\n{F}\n")
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color")
    assert code == 0, out
    assert (tmp_path / "ran").exists()
    assert not (tmp_path / "no-prompt-ran").exists() and not (tmp_path / "skipped-ran").exists()


def test_byexample_paste_example_is_skipped_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "paste.md"
    path.write_text(HEAD + f"{F}shell\n$ echo 42\n<n>\n\n$ echo 42   # byexample: +paste\n<n>\n{F}\n")
    out_json = tmp_path / "r.json"
    _runbook("execute", str(path), "--no-annotate", "--json", str(out_json))
    steps = json.loads(out_json.read_text())["steps"]
    assert [s["status"] for s in steps] == ["pass", "skip"]
    assert "+paste" in steps[1]["reason"]


def test_byexample_dialect_is_said_in_list(tmp_path: Path) -> None:
    path = tmp_path / "say.md"
    path.write_text(HEAD + f"{F}shell\n$ echo hi\nhi\n$ echo two\ntwo\n{F}\n")
    _, text = _runbook("list", str(path))
    listing = json.loads(_runbook("list", str(path), "--format", "json")[1])
    assert text.startswith("dialect: byexample\n")
    assert listing["dialect"] == "byexample"
    assert [s["id"] for s in listing["steps"]] == ["0-1.1", "0-1.2"]
