"""tesh documents (``tesh-session`` fences) read with tesh's rules (docs/dialects.md).

Each verdict is compared with real tesh (``tesh --no-debug``) on the same file.
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

TESH = shutil.which("tesh") or str(Path(sys.executable).with_name("tesh"))
F = "```"


def _block(session: str, body: str, extra: str = "", lang: str = "console") -> str:
    return f'{F}{lang} tesh-session="{session}"{extra}\n{body}{F}\n\n'


CASES = {
    "blocks_of_a_session_share_a_shell": _block("s", "$ export GREETING=hi\n") + _block("s", "$ echo $GREETING\nhi\n"),
    "each_session_has_its_own_folder": _block("a", "$ touch made-in-a\n") + _block("b", "$ ls\n"),
    "exit_status_not_judged_without_exitcodes": _block("s", "$ false\n$ echo after\nafter\n"),
    "exitcodes_judged": _block("s", "$ false\n$ true\n", ' tesh-exitcodes="1 0"'),
    "exitcodes_wrong": _block("s", "$ false\n", ' tesh-exitcodes="0"'),
    "wrong_output_fails": _block("s", '$ echo "foo"\nbar\n'),
    "silent_command_must_print_nothing": _block("s", "$ echo surprise\n"),
    "extra_prompt_ps1": _block("s", '$ PS1="(foo) $ "\n\n(foo) $ echo "bar"\nbar\n', ' tesh-ps1="(foo) $"'),
    "custom_prompt_runs_the_command": _block("s", "$ true\n(foo) $ echo ran\nnot this\n", ' tesh-ps1="(foo) $"'),
    "fixture_is_written_first": _block("s", "1 + 1\n", ' tesh-fixture="foo.py"', "python")
    + _block("s", "$ cat foo.py\n1 + 1\n"),
    "wildcards": _block("s", "$ echo '{\"a\":\"yes\",b:[1,2,3]}'\n{\"a\":\"yes\",b:[...]}\n"),
    "star_is_literal": _block("s", "$ echo abc\na*\n"),
    "indentation_trimmed_to_first_line": "- item\n\n  " + _block("s", "  $ printf '  x\\n'\n    x\n").replace(
        "\n", "\n  ").rstrip(" ") + "\n",
    "multiline_command": _block("s", '$ echo "Hello from" \\\n>   "another" \\\n>   "line!"\nHello from another line!\n'),
    "timeout": _block("s", "$ sleep 3\nfoo\n", ' tesh-timeout="1"'),
    "blank_lines_between_commands": _block("s", "$ echo one\none\n\n\n$ echo two\ntwo\n\n"),
    "sessions_do_not_share_variables": _block("a", "$ export LEAK=1\n$ cd /\n")
    + _block("b", '$ echo "[$LEAK]"\n[]\n$ test "$PWD" != / && echo fresh\nfresh\n'),
    "sessions_do_not_share_functions": _block("a", "$ greet() { echo hi; }\n")
    + _block("b", "$ type greet >/dev/null 2>&1 || echo none\nnone\n"),
    "long_running_last_command_is_judged_on_its_output_so_far": _block(
        "s", "$ echo one\none\n$ echo started; sleep 60\nstarted\n", ' tesh-timeout="2" tesh-long-running="true"'),
    "long_running_last_command_output_still_compared": _block(
        "s", "$ echo started; sleep 60\nsomething else\n", ' tesh-timeout="2" tesh-long-running="true"'),
    "long_running_only_the_last_command_may_time_out": _block(
        "s", "$ sleep 60\n$ echo after\nafter\n", ' tesh-timeout="2" tesh-long-running="true"'),
    "long_running_that_ends_keeps_its_exit_code": _block(
        "s", "$ false\n", ' tesh-timeout="5" tesh-long-running="true" tesh-exitcodes="1"'),
    "ellipsis_inside_a_line_spans_lines": _block("s", "$ printf 'a\\nb\\nc\\n'\na...c\n"),
    "ellipsis_line_needs_a_line_of_its_own": _block("s", "$ printf 'a\\nc\\n'\na\n...\nc\n"),
    "ellipsis_line_matches_many_lines": _block("s", "$ printf 'a\\nb\\nb\\nc\\n'\na\n...\nc\n"),
    "blank_output_line_is_compared": _block("s", "$ printf 'a\\n\\nb\\n'\na\nb\n"),
    "trailing_whitespace_ignored": _block("s", "$ printf 'a  \\nb\\n\\n\\n'\na\nb   \n"),
    "exitcodes_count_mismatch": _block("s", "$ false\n$ true\n", ' tesh-exitcodes="1"'),
    "two_prompts_in_one_session": _block("s", "$ true\n", ' tesh-ps1="(a) $"') + _block("s", "$ true\n", ' tesh-ps1="(b) $"'),
    "blocks_inside_a_tilde_fence_are_read_by_tesh": "~~~\n" + _block("s", "$ echo inner\nnot inner\n") + "~~~\n",
    "only_fixture_blocks": _block("s", "x\n", ' tesh-fixture="f.txt"', "text"),
    "other_platform_block_is_not_run": _block("s", "$ echo never\nnope\n", ' tesh-platform="darwin"')
    + _block("s", "$ echo yes\nyes\n"),
}

FAILING = {"exitcodes_wrong", "wrong_output_fails", "silent_command_must_print_nothing",
           "custom_prompt_runs_the_command", "star_is_literal", "timeout",
           "long_running_last_command_output_still_compared", "long_running_only_the_last_command_may_time_out",
           "ellipsis_line_needs_a_line_of_its_own", "blank_output_line_is_compared", "exitcodes_count_mismatch",
           "two_prompts_in_one_session", "blocks_inside_a_tilde_fence_are_read_by_tesh"}
"""The cases tesh itself fails: both verdicts are compared."""


def _runbook(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.output


def _tesh(path: Path) -> int:
    return subprocess.run([TESH, "--no-debug", str(path)], capture_output=True, text=True, timeout=120,
                          cwd=path.parent, stdin=subprocess.DEVNULL).returncode


@pytest.mark.parametrize("name", sorted(CASES))
def test_tesh_verdict_equals_tesh_verdict(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.md"
    path.write_text(f"# {name}\n\n" + CASES[name])
    peer = _tesh(path)
    assert peer == (1 if name in FAILING else 0), f"tesh's own verdict on {name} changed: {peer}"
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color")
    assert code == peer, f"{name}: tesh said {peer}, runbook said {code}\n{out}"


def test_tesh_setup_file_is_sourced_first(tmp_path: Path) -> None:
    (tmp_path / "setup.sh").write_text('export FOO="bar"\n')
    path = tmp_path / "setup.md"
    path.write_text("# s\n\n" + _block("s", "$ echo $FOO\nbar\n", ' tesh-setup="setup.sh"'))
    assert _tesh(path) == 0
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color")
    assert code == 0, out


def test_tesh_stops_at_the_first_failure_and_runs_nothing_after(tmp_path: Path) -> None:
    path = tmp_path / "stop.md"
    path.write_text("# s\n\n" + _block("a", "$ echo one\ntwo\n")
                    + _block("a", f"$ touch {tmp_path}/same-session-ran\n")
                    + _block("b", f"$ touch {tmp_path}/next-session-ran\n")
                    + f"{F}bash\ntouch {tmp_path}/plain-block-ran\n{F}\n")
    out_json = tmp_path / "r.json"
    code, out = _runbook("execute", str(path), "--no-annotate", "--json", str(out_json))
    assert code == 1, out
    assert not list(tmp_path.glob("*-ran"))
    statuses = {s["id"]: s["status"] for s in json.loads(out_json.read_text())["steps"]}
    assert statuses["a-1"] == "fail" and statuses["a-2"] == "skip" and statuses["b-1"] == "skip"


def test_tesh_exitcodes_count_mismatch_fails_its_session_with_the_reason_and_runs_nothing_of_it(
        tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("# s\n\n" + _block("a", "$ echo first\nfirst\n")
                    + _block("s", f"$ touch {tmp_path}/ran\n$ true\n", ' tesh-exitcodes="1"'))
    assert _tesh(path) == 1
    assert not (tmp_path / "ran").exists()
    out_json = tmp_path / "r.json"
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color", "--json", str(out_json))
    assert code == 1, out
    assert not (tmp_path / "ran").exists(), "a command of the refused session ran"
    steps = {s["id"]: s for s in json.loads(out_json.read_text())["steps"]}
    assert steps["a-1"]["status"] == "pass" and steps["s-start"]["status"] == "fail"
    assert f"{path}:8" in steps["s-start"]["output"] and "tesh-exitcodes gives 1" in steps["s-start"]["output"]
    assert "tesh-exitcodes" in steps["s-start"]["title"]


def test_tesh_session_processes_are_stopped_before_the_next_session(tmp_path: Path) -> None:
    """tesh leaves a session's background job running; runbook closes the session's shell,
    and every process it started, before the next session's fresh shell starts."""
    pid = tmp_path / "pid"
    path = tmp_path / "procs.md"
    path.write_text("# s\n\n" + _block("a", f"$ sleep 300 & echo $! > {pid}\n")
                    + _block("b", f"$ kill -0 $(cat {pid}) 2>/dev/null && echo alive || echo gone\ngone\n"))
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color")
    assert code == 0, out
    assert pid.read_text().strip().isdigit()


def test_tesh_dialect_is_said_and_its_attributes_are_not_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "say.md"
    path.write_text("# s\n\n" + _block("one", "$ echo hi\nhi\n") + _block("two", "$ echo hi\nhi\n"))
    listing = json.loads(_runbook("list", str(path), "--format", "json")[1])
    assert listing["dialect"] == "tesh"
    assert [p["id"] for p in listing["phases"]] == ["tesh", "one", "two"]
    assert not [w for w in listing["warnings"] if "tesh-" in w["message"]]
