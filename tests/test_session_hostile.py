"""A document controls its shell: nothing it does to it may steer runbook's protocol.

Each test is named after what a step does to the shell. They run through the real pty
session (bash) and, for the verdicts, the real CLI. What they assert in every case: a
failing command still fails its step (as in ``bash -e``), the next steps are judged
right, and the session (cwd, variables) survives, or its loss is reported.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from runbook.run.session import PexpectSession

FENCE = "```"
GENEROUS = 30.0


def _lines(text: str) -> list[str]:
    return text.splitlines()


def _still_judged_right(bash: PexpectSession) -> None:
    """A failing command fails its step, a good step passes, the variables survived."""
    bad = bash.run("false\n/bin/echo after-false", timeout=GENEROUS)
    assert bad.exit_code == 1 and not bad.timed_out and not bad.shell_died, bad
    assert "after-false" not in _lines(bad.output.text)
    good = bash.run('/bin/echo "ok:${KEPT-lost}"', timeout=GENEROUS)
    assert good.exit_code == 0 and not good.timed_out and not good.shell_died, good
    assert "ok:kept" in _lines(good.output.text)
    assert bash.restarts == 0


# -- shell options ------------------------------------------------------------------
@pytest.mark.parametrize("options", [
    "set -u", "set -euo pipefail", "set -o nounset", "set -o posix", "set -e", "set -o errexit",
    "set -eu; set -o posix", "set -E", "set -T", "shopt -s extdebug", "set -f", "set -C", "set -k",
    "set -a", "set -b", "set -H", "set -o history", "shopt -s failglob nullglob extglob lastpipe",
    "shopt -u expand_aliases", "set -x", "set -v", "stty -echo </dev/tty", "set -m", "IFS=/", "TMOUT=0",
])
def test_shell_options_set_by_a_step_do_not_break_errexit(bash, options):
    first = bash.run(f"KEPT=kept\n{options}", timeout=GENEROUS)
    assert first.exit_code == 0 and not first.timed_out, first
    _still_judged_right(bash)


def test_unbound_variable_under_set_u_fails_the_step_and_the_shell_survives(bash):
    bash.run("KEPT=kept; set -euo pipefail", timeout=GENEROUS)
    ex = bash.run('echo "$undefined_variable"; /bin/echo after', timeout=GENEROUS)
    assert ex.exit_code == 1 and not ex.shell_died and "after" not in _lines(ex.output.text)
    assert "unbound variable" in ex.output.text and "FUNCNAME" not in ex.output.text
    _still_judged_right(bash)


def test_unbound_variable_on_an_earlier_line_still_fails_the_step(bash):
    bash.run("KEPT=kept; set -u", timeout=GENEROUS)
    ex = bash.run('echo "$undefined_variable"\n/bin/echo after', timeout=GENEROUS)
    assert ex.exit_code == 1 and "unbound variable" in ex.note and not ex.shell_died
    ex = bash.run("/bin/echo 'bash: x: unbound variable'", timeout=GENEROUS, errexit=False)
    assert ex.exit_code == 0  # without errexit the step's status is its last command's
    _still_judged_right(bash)


def test_a_failing_pipeline_under_pipefail_fails_the_step(bash):
    bash.run("KEPT=kept; set -o pipefail", timeout=GENEROUS)
    ex = bash.run("false | true\n/bin/echo after", timeout=GENEROUS)
    assert ex.exit_code == 1 and "after" not in _lines(ex.output.text)


def test_set_e_of_the_document_holds_in_a_step_without_runbook_errexit(bash):
    bash.run("KEPT=kept; set -e", timeout=GENEROUS)
    ex = bash.run("false\n/bin/echo after", timeout=GENEROUS, errexit=False)
    assert ex.exit_code == 1 and "after" not in _lines(ex.output.text) and not ex.shell_died
    bash.run("set +e", timeout=GENEROUS)
    ex = bash.run("false\n/bin/echo after", timeout=GENEROUS, errexit=False)
    assert ex.exit_code == 0 and _lines(ex.output.text) == ["after"]


def test_options_of_the_document_persist_into_its_next_steps(bash):
    bash.run("set -u -o pipefail -o posix; shopt -s extglob", timeout=GENEROUS)
    ex = bash.run('case $- in *u*) echo nounset;; esac; [[ :$SHELLOPTS: == *:pipefail:* ]] && echo pipefail\n'
                  '[[ :$SHELLOPTS: == *:posix:* ]] && echo posix; shopt -q extglob && echo extglob',
                  timeout=GENEROUS)
    assert _lines(ex.output.text) == ["nounset", "pipefail", "posix", "extglob"]


# -- aliases and functions named like the protocol's commands -----------------------------
PROTOCOL_NAMES = ["printf", "echo", "builtin", "command", "trap", "return", "source", ".", "set",
                  "unset", "eval", "exec", "read", "shopt", "declare", "test", "[", ":", "stty", "cat"]


@pytest.mark.parametrize("name", PROTOCOL_NAMES)
def test_a_function_named_like_a_protocol_command_is_never_called_by_runbook(bash, name):
    bash.run(f"KEPT=kept; function {name} {{ /bin/echo HIJACKED; }}", timeout=GENEROUS)
    bad = bash.run("false\n/bin/echo after-false", timeout=GENEROUS)
    assert bad.exit_code == 1 and bad.output.text == "" and not bad.timed_out
    good = bash.run('/bin/echo "ok:$KEPT"', timeout=GENEROUS)
    assert good.output.text == "ok:kept\n" and good.exit_code == 0 and bash.restarts == 0


def test_every_protocol_command_shadowed_at_once_steers_nothing(bash):
    defs = "".join(f"function {n} {{ /bin/echo HIJACKED; }}\n" for n in PROTOCOL_NAMES if n != "builtin")
    bash.run("KEPT=kept\n" + defs + "function builtin { /bin/echo HIJACKED; }", timeout=GENEROUS)
    _still_judged_right(bash)
    assert bash.run("/bin/echo plain", timeout=GENEROUS).output.text == "plain\n"


def test_aliases_named_like_protocol_commands_steer_nothing(bash):
    names = ["printf", "echo", "builtin", "command", "trap", "return", "set", "unset", "shopt", "eval",
             "exec", "read", "source"]
    aliases = " ".join(f"{n}='/bin/echo HIJACKED'" for n in names)
    bash.run(f"KEPT=kept; alias {aliases}", timeout=GENEROUS)
    _still_judged_right(bash)


def test_aliases_of_the_document_still_expand_in_its_later_steps(bash):
    bash.run("alias hello='/bin/echo hello from alias'", timeout=GENEROUS)
    assert bash.run("hello", timeout=GENEROUS).output.text == "hello from alias\n"
    bash.run("shopt -u expand_aliases", timeout=GENEROUS)
    assert bash.run("hello", timeout=GENEROUS).exit_code == 127


# -- variables --------------------------------------------------------------------------------
def test_readonly_protocol_variables_break_nothing(bash):
    names = "__rb_rc __rb_T __rb_bg __rb_k __rb_f __rb_s __rb_p __rb_b __rb_v __rb_w POSIXLY_CORRECT " \
            "PS0 PS1 PS2 PS4 PROMPT_COMMAND HISTFILE BASH_XTRACEFD"
    bash.run(f"KEPT=kept; readonly {names}; readonly TMOUT=0", timeout=GENEROUS)
    _still_judged_right(bash)


def test_posix_mode_locked_on_with_a_readonly_variable_breaks_nothing(bash):
    bash.run("KEPT=kept; readonly POSIXLY_CORRECT=y", timeout=GENEROUS)
    _still_judged_right(bash)


def test_prompt_hooks_of_the_document_do_not_leak_into_the_next_step(bash):
    bash.run("KEPT=kept; PROMPT_COMMAND='/bin/echo PROMPTED'; PS0='ps0 '; PS1='$ '", timeout=GENEROUS)
    for _ in range(3):
        assert bash.run("/bin/echo x", timeout=GENEROUS).output.text == "x\n"
    _still_judged_right(bash)


# -- traps ------------------------------------------------------------------------------------
def test_a_debug_trap_fires_on_the_documents_commands_only(bash):
    bash.run("KEPT=kept; trap '/bin/echo DBG' DEBUG", timeout=GENEROUS)
    assert bash.run("/bin/echo one", timeout=GENEROUS).output.text == "DBG\none\n"
    assert bash.run("/bin/echo two", timeout=GENEROUS).output.text == "DBG\ntwo\n"
    assert bash.run("trap - DEBUG", timeout=GENEROUS).output.text == "DBG\n"
    _still_judged_right(bash)


def test_a_return_trap_does_not_fire_as_a_step_ends(bash):
    bash.run("KEPT=kept; trap '/bin/echo RET' RETURN", timeout=GENEROUS)
    assert bash.run("/bin/echo one", timeout=GENEROUS).output.text == "one\n"
    assert bash.run("trap -p RETURN", timeout=GENEROUS).output.text == "trap -- '/bin/echo RET' RETURN\n"
    _still_judged_right(bash)


def test_the_documents_err_trap_runs_and_errexit_still_holds(bash):
    bash.run("KEPT=kept; trap '/bin/echo ERR-TRAP status $?' ERR", timeout=GENEROUS)
    ex = bash.run("false\n/bin/echo after", timeout=GENEROUS)
    assert ex.exit_code == 1 and ex.output.text == "ERR-TRAP status 1\n"
    ex = bash.run("(exit 3)\n/bin/echo after", timeout=GENEROUS)
    assert ex.exit_code == 3 and ex.output.text == "ERR-TRAP status 3\n"
    assert bash.run("/bin/echo fine", timeout=GENEROUS).output.text == "fine\n"


def test_extdebug_functrace_and_traps_together_do_not_see_runbooks_commands(bash):
    bash.run("KEPT=kept; shopt -s extdebug; set -T; trap '/bin/echo \"dbg $BASH_COMMAND\"' DEBUG; "
             "trap '/bin/echo RET' RETURN", timeout=GENEROUS)
    ex = bash.run("f() { false; }\nf\n/bin/echo after", timeout=GENEROUS)
    assert ex.exit_code == 1 and "after" not in _lines(ex.output.text)
    assert "__rb" not in ex.output.text and "builtin" not in ex.output.text
    ex = bash.run("/bin/echo plain", timeout=GENEROUS)
    assert ex.output.text == "dbg /bin/echo plain\nplain\n"


# -- output redirected or closed for good -----------------------------------------------------
@pytest.mark.parametrize("redirect", ["exec >/dev/null", "exec 1>&-", "exec 2>&-", "exec >/dev/null 2>&1",
                                      "exec 1>&- 2>&-", "exec 255>&-", "exec 255>/dev/null"])
def test_output_redirected_for_good_is_seen_to_end_at_once(bash, redirect):
    t0 = time.monotonic()
    first = bash.run(f"KEPT=kept; {redirect}", timeout=GENEROUS)
    nxt = bash.run("/bin/echo hidden; false\n/bin/echo after", timeout=GENEROUS)
    assert not first.timed_out and first.exit_code == 0
    assert not nxt.timed_out and nxt.exit_code == 1 and "after" not in nxt.output.text
    assert time.monotonic() - t0 < GENEROUS / 2  # not the whole timeout
    back = bash.run('exec >/dev/tty 2>&1; /bin/echo "back:$KEPT"', timeout=GENEROUS)
    assert back.output.text == "back:kept\n" and bash.restarts == 0


# -- the shell dies or logs out ---------------------------------------------------------------
def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


def test_tmout_logout_between_steps_is_reported_on_the_next_step(bash):
    pid = int(bash.run("echo $$; TMOUT=1", timeout=GENEROUS).output.text.split()[0])
    end = time.monotonic() + GENEROUS
    while not _gone(pid) and time.monotonic() < end:
        time.sleep(0.05)
    assert _gone(pid)
    ex = bash.run("/bin/echo should-not-run", timeout=GENEROUS)
    assert ex.shell_died and "should-not-run" not in ex.output.text
    assert "exited after the previous step" in ex.note and "did not run" in ex.note
    nxt = bash.run("/bin/echo fresh", timeout=GENEROUS)
    assert nxt.output.text == "fresh\n" and bash.restarts == 1


# -- the end-of-step token --------------------------------------------------------------------
HARVEST = r"""
{ history; fc -l 1; cat /proc/$$/cmdline; cat "${BASH_SOURCE[0]}"; cat /proc/$$/environ; set; trap -p; } 2>&1 \
  | grep -o '[0-9a-f]\{16\}' | sort -u > "$HOME/tokens" || true
set -x; /bin/echo traced 2>/dev/null; set +x
while read -r t; do printf '\n__RB_%s:0\n' "$t"; done < "$HOME/tokens"
false
"""


def test_a_step_that_harvests_tokens_cannot_forge_its_end(bash, tmp_path, monkeypatch, issued):
    monkeypatch.setenv("HOME", str(tmp_path))
    bash.run("KEPT=kept; set -o history; HISTFILE=", timeout=GENEROUS)
    issued.clear()  # only the tokens issued from here on
    ex = bash.run(f"export HOME={tmp_path}\n" + HARVEST, timeout=GENEROUS)
    assert ex.exit_code == 1 and not ex.timed_out, ex
    harvested = set((tmp_path / "tokens").read_text().split())
    assert not harvested & {t for t in issued if len(t) == 16}
    _still_judged_right(bash)


def test_removing_runbooks_session_folder_loses_nothing(bash):
    ex = bash.run('KEPT=kept; rm -rf "$(dirname "${BASH_SOURCE[0]}")"', timeout=GENEROUS)
    assert ex.exit_code == 0
    t0 = time.monotonic()
    _still_judged_right(bash)
    assert time.monotonic() - t0 < GENEROUS / 2


# -- the same through the real CLI ------------------------------------------------------------
def _step(i: int, code: str, check: str = "") -> str:
    return f"### S{i}. step {i}\n\n{FENCE}bash\n{code}\n{FENCE}\n" + (f"\n{check}\n" if check else "") + "\n"


def _verdicts(tmp_path: Path, steps: list[tuple[str, str]]) -> tuple[int, dict[str, str]]:
    doc = tmp_path / "doc.md"
    doc.write_text("# Hostile\n\n" + "".join(_step(i + 1, c, k) for i, (c, k) in enumerate(steps)))
    out = tmp_path / "out.json"
    res = CliRunner().invoke(cli, ["execute", str(doc), "--json", str(out), "--no-color", "--timeout", "30"],
                             catch_exceptions=False)
    data = json.loads(out.read_text())
    return res.exit_code, {s["id"]: s["status"] for s in data["steps"]}


@pytest.mark.parametrize("hostile", [
    "set -u", "set -euo pipefail", "set -o nounset", "set -o posix",
    "printf() { :; }; builtin() { :; }; command() { :; }; trap() { :; }; return() { :; }; source() { :; }",
    "alias printf='echo X' builtin='echo X' trap='echo X'",
    "readonly POSIXLY_CORRECT PS1 PS4 TMOUT=0",
    "shopt -s extdebug; set -T; trap 'echo dbg' DEBUG; trap 'echo ret' RETURN; trap 'echo err' ERR",
    "exec >/dev/null", "set -x", "stty -echo </dev/tty",
])
def test_cli_verdicts_stay_exact_after_a_hostile_step(tmp_path, hostile):
    code, verdicts = _verdicts(tmp_path, [
        ("cd /tmp && KEPT=kept\n" + hostile, ""),
        ("false\necho after", ""),
        ('[ "$KEPT" = kept ] && [ "$PWD" = /tmp ]', ""),
        ("false", ""),
        ("true", ""),
    ])
    assert verdicts == {"S1": "pass", "S2": "fail", "S3": "pass", "S4": "fail", "S5": "pass"}
    assert code == 1


def test_cli_set_u_then_false_fails_the_step_as_in_the_issue(tmp_path):
    code, verdicts = _verdicts(tmp_path, [("set -u", ""), ("false\necho after", "PASS if: output contains `after`."),
                                          ("echo ok", "PASS if: output contains `ok`.")])
    assert verdicts == {"S1": "pass", "S2": "fail", "S3": "pass"} and code == 1


def test_a_doc_free_of_hazards_still_has_no_runbook_text_in_its_output(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text("# Plain\n\n" + _step(1, "echo one", "Expected output:\n\n```text\none\n```"))
    out = tmp_path / "out.json"
    CliRunner().invoke(cli, ["execute", str(doc), "--json", str(out), "--no-color"], catch_exceptions=False)
    step = json.loads(out.read_text())["steps"][0]
    assert step["status"] == "pass" and not re.search(r"__rb|builtin", json.dumps(step))
