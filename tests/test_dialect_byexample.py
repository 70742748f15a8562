"""byexample (shell) documents read with byexample's rules (docs/dialects.md).

Each verdict is compared with real byexample (``byexample -l shell``) on the same file.
"""

from __future__ import annotations

import json
import re
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


RUNTIME = {
    "paste_puts_the_captured_value_in_the_code":
        f"{F}shell\n$ echo 'pid 4242 ok'\npid <pid> ok\n\n$ echo '<pid>'   # byexample: +paste\n4242\n{F}\n",
    "paste_makes_the_expected_tag_literal":
        f"{F}shell\n$ echo 4242\n<n>\n\n$ echo 4243   # byexample: +paste\n<n>\n\n$ echo 4243\n<n>\n{F}\n",
    "capture_spans_lines_and_paste_carries_them":
        f"{F}shell\n$ printf 'a\\nb\\nc\\n'\na\n<mid>\n\n$ echo '<mid>'   # byexample: +paste\nb\nc\n{F}\n",
    "hidden_capture_feeds_a_later_paste":
        "<!--\n$ echo secret-dir\n<dir>\n-->\n\n" + f"{F}shell\n$ echo <dir>   # byexample: +paste\nsecret-dir\n{F}\n",
    "if_and_unless_read_the_clipboard":
        f"{F}shell\n$ echo ; echo yes\n<empty>\n<full>\n\n$ echo never   # byexample: +if=empty\n"
        f"$ echo runs   # byexample: +if=full\nruns\n$ echo never   # byexample: +unless=full\n"
        f"$ echo runs2   # byexample: +unless=empty\nruns2\n{F}\n",
    "paste_of_a_tag_never_captured_stops_the_document":
        f"{F}shell\n$ echo a\na\n$ echo '<nope>'   # byexample: +paste\n$ echo after\nafter\n{F}\n",
    "if_on_a_tag_never_captured_stops_the_document":
        f"{F}shell\n$ echo a\na\n$ echo b   # byexample: +if=nope\nb\n$ echo after\nafter\n{F}\n",
    "fail_fast_skips_the_rest_after_a_failure":
        f"{F}shell\n$ echo a\nb\n$ echo c   # byexample: +fail-fast\nc\n$ echo d\nzzz\n$ echo e   # byexample: -skip\ne\n{F}\n",
    "fail_fast_without_a_failure_changes_nothing":
        f"{F}shell\n$ echo c   # byexample: +fail-fast\nc\n$ echo d\nd\n{F}\n",
    "norm_ws_spans_a_blank_line":
        f"{F}shell\n$ printf 'a\\n\\nb\\n'   # byexample: +norm-ws\na\nb\n\n$ printf 'a\\nc\\n'   # byexample: +norm-ws\na\nb\n{F}\n",
    "posix_mode_like_byexample": f"{F}shell\n$ echo $POSIXLY_CORRECT\ny\n{F}\n",
    "terminal_is_80_columns_like_byexample": f"{F}shell\n$ echo $COLUMNS\n80\n{F}\n",
}
"""Rules that act at run time (the clipboard, conditions, fail-fast) and byexample's shell."""

_COUNTS = re.compile(r"\[(PASS|FAIL|ABORT)\] Pass: (\d+) Fail: (\d+) Skip: (\d+)")


def _byexample_counts(path: Path) -> tuple[str, int, int, int]:
    out = subprocess.run([BYEXAMPLE, "-l", "shell", "--pretty", "none", "--timeout", "20", str(path)],
                         capture_output=True, text=True, timeout=120, cwd=path.parent).stdout
    m = _COUNTS.search(out)
    assert m, out
    return m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))


@pytest.mark.parametrize("name", sorted(RUNTIME))
def test_byexample_run_time_rules_give_byexample_verdict_per_example(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.md"
    path.write_text(HEAD + RUNTIME[name])
    verdict, passed, failed, skipped = _byexample_counts(path)
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color", "--json", str(tmp_path / "r.json"))
    steps = [s for s in json.loads((tmp_path / "r.json").read_text())["steps"] if not s["id"].startswith("byexample-")]
    counts = {st: sum(s["status"] == st for s in steps) for st in ("pass", "fail", "error", "skip")}
    assert (code == 0) == (verdict == "PASS"), f"{name}: byexample {verdict}, runbook exit {code}\n{out}"
    assert counts["pass"] == passed and counts["fail"] == failed, f"{name}: {counts} vs byexample {passed}/{failed}"
    if verdict == "ABORT":  # byexample stops at the broken example: it and the rest are not counted
        assert counts["error"] == 1 and passed + failed + counts["error"] + counts["skip"] == len(steps)
    else:
        assert counts["skip"] == skipped and counts["error"] == 0, f"{name}: {counts} vs byexample skip {skipped}"


def test_byexample_job_control_examples_are_skipped_not_misjudged(tmp_path: Path) -> None:
    path = tmp_path / "jobs.md"
    path.write_text(HEAD + f"{F}shell\n$ sleep 1 >/dev/null 2>&1 &\n[<job-id>] <pid>\n\n$ kill %% ; wait   # byexample: +timeout=8\n"
                    f"[<job-id>]<...>Terminated<...>\n\n$ echo ok\nok\n{F}\n")
    assert _byexample_counts(path) == ("PASS", 3, 0, 0)
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color", "--json", str(tmp_path / "r.json"))
    steps = json.loads((tmp_path / "r.json").read_text())["steps"][1:]
    assert code == 0, out
    assert [s["status"] for s in steps] == ["skip", "skip", "pass"]
    assert all("job control" in s["reason"] for s in steps[:2])


def test_byexample_stop_on_silence_example_is_skipped_not_run_to_its_timeout(tmp_path: Path) -> None:
    path = tmp_path / "silence.md"
    path.write_text(HEAD + f"{F}shell\n$ sleep 300; touch {tmp_path}/ran   # byexample: +stop-on-silence\n{F}\n")
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color", "--json", str(tmp_path / "r.json"))
    step = json.loads((tmp_path / "r.json").read_text())["steps"][1]
    assert code == 0, out
    assert step["status"] == "skip" and "+stop-on-silence" in step["reason"]
    assert not (tmp_path / "ran").exists()
    assert _byexample_counts(path)[0] == "PASS"


def test_byexample_paste_runs_the_pasted_value_not_the_tag(tmp_path: Path) -> None:
    path = tmp_path / "paste.md"
    path.write_text(HEAD + f"{F}shell\n$ echo {tmp_path}/made\n<target>\n\n$ touch <target>   # byexample: +paste\n{F}\n")
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color")
    assert code == 0, out
    assert (tmp_path / "made").exists() and not (tmp_path / "<target>").exists()


def test_byexample_dialect_is_said_in_list(tmp_path: Path) -> None:
    path = tmp_path / "say.md"
    path.write_text(HEAD + f"{F}shell\n$ echo hi\nhi\n$ echo two\ntwo\n{F}\n")
    _, text = _runbook("list", str(path))
    listing = json.loads(_runbook("list", str(path), "--format", "json")[1])
    assert text.startswith("dialect: byexample (detected)\n")
    assert listing["dialect"] == "byexample"
    assert [s["id"] for s in listing["steps"]] == ["byexample-shell", "0-1.1", "0-1.2"]


def test_byexample_tag_at_a_line_end_spans_lines_as_byexample_does(tmp_path: Path) -> None:
    path = tmp_path / "span.md"
    path.write_text(HEAD + f"{F}shell\n$ printf 'noise\\nmore\\n=> Parse failed\\nValueError: x\\nlast\\n'\n"
                    f"<...>=> Parse failed\nValueError: <...>\n{F}\n\n"
                    f"{F}shell\n$ printf 'a\\nb\\n'\n<...>=> Parse failed\n{F}\n")
    assert _byexample_counts(path) == ("FAIL", 1, 1, 0)
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color", "--json", str(tmp_path / "r.json"))
    assert [s["status"] for s in json.loads((tmp_path / "r.json").read_text())["steps"][1:]] == ["pass", "fail"], out


def test_byexample_nbsp_line_is_not_blank_and_rm_removes_it(tmp_path: Path) -> None:
    path = tmp_path / "nbsp.md"
    path.write_text(HEAD + f"{F}shell\n$ printf 'a\\n\\nb\\n'   # byexample: +rm=\u00a0\n\u00a0a\n\u00a0\n\u00a0b\n{F}\n")
    assert _byexample_counts(path) == ("PASS", 1, 0, 0)
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color")
    assert code == 0, out


def test_byexample_tag_inside_a_line_spans_lines_as_byexample_does(tmp_path: Path) -> None:
    path = tmp_path / "inner.md"
    path.write_text(HEAD + f"{F}shell\n$ printf 'usage: prog [-a]\\n      [-b] [-c]\\n'\nusage: <prog> [-b] <...>\n{F}\n\n"
                    f"{F}shell\n$ printf 'usage: prog [-a]\\n'\nusage: <prog> [-b] <...>\n{F}\n\n"
                    f"{F}shell\n$ echo 'pid 42 ok'\npid <pid> ok\n\n$ echo '<pid>'   # byexample: +paste\n42\n{F}\n")
    assert _byexample_counts(path) == ("FAIL", 3, 1, 0)
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color", "--json", str(tmp_path / "r.json"))
    steps = json.loads((tmp_path / "r.json").read_text())["steps"][1:]
    assert [s["status"] for s in steps] == ["pass", "fail", "pass", "pass"], out


@pytest.mark.parametrize("option", ["+term=ansi", "+term=as-is", "-filter-esc-seqs", "+stop-on-timeout", "+type"])
def test_byexample_terminal_options_skip_the_example_with_the_reason(tmp_path: Path, option: str) -> None:
    path = tmp_path / "term.md"
    path.write_text(HEAD + f"{F}shell\n$ touch {tmp_path}/ran   # byexample: {option}\n{F}\n")
    code, out = _runbook("execute", str(path), "--no-annotate", "--no-color", "--json", str(tmp_path / "r.json"))
    step = json.loads((tmp_path / "r.json").read_text())["steps"][1]
    assert code == 0 and step["status"] == "skip" and option.split("=")[0] in step["reason"], out
    assert not (tmp_path / "ran").exists()


def test_byexample_step_whose_code_mentions_trap_is_judged_as_any_other(tmp_path: Path) -> None:
    """A step holding the word "trap" gets runbook's trap-saving trailer; a byexample step
    runs as typed at the prompt (``eval``), where the sourced file's ``return`` is an error."""
    doc = tmp_path / "trap.md"
    doc.write_text("# T\n\n<!-- byexample: shell -->\n\n```shell\n$ echo bootstrap\nbootstrap\n"
                   "$ trap 'echo bye' USR1; echo set\nset\n$ echo hi\nhi\n```\n")
    res = CliRunner().invoke(cli, ["execute", str(doc), "--no-annotate", "--no-color"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "can only" not in res.output
