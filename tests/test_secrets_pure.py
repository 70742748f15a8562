"""A step whose text cannot change a shell variable skips the secret query (``run.pure``):
whatever makes such a text run shell code after all (a function or an alias of its name, a
trap, ``set -x`` with a ``PS4`` that assigns) must bring the query back, or the secret that
code sets and prints in the step would reach its output unmasked.

Each hazard is tried as the document's second step (typed at the prompt) and inside a
batch. Real CLI in a subprocess, real pty shell; the secret lives in a file read at run time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.run.pure import commands_of, pure_commands
from runbook.run.shell_state import BashState
from test_secrets import block

READ = 'IFS= read -r API_TOKEN < v.txt; printf "%s\\n" "$API_TOKEN"'

HAZARDS = {
    "function": (f"deploy() {{ {READ}; }}", "deploy now"),
    "function-quoted": (f"deploy() {{ {READ}; }}", "deploy 'now' \"at once\""),
    "alias": (f"alias deploy='{READ}'", "deploy"),
    # a trap that removes itself when it fires: gone by the end of the step it fired in
    "trap": (". ./hook.sh", "/bin/true"),
}


@pytest.mark.parametrize("batched", [False, True], ids=["typed", "batched"])
@pytest.mark.parametrize("hazard", sorted(HAZARDS))
def test_code_run_by_a_pure_looking_step_still_has_its_secret_masked(tmp_path: Path, hazard: str,
                                                                      batched: bool) -> None:
    value = f"pure-{hazard}-{os.urandom(6).hex()}"
    (tmp_path / "v.txt").write_text(value + "\n")
    (tmp_path / "hook.sh").write_text(f"trap '{READ}; trap - CHLD' CHLD\n")
    setup, step = HAZARDS[hazard]
    warm = [block(f"echo warm-{i}") for i in range(4 if batched else 0)]
    # the next step unsets it: the value the hazard printed is only seen if asked for after it
    after = [block("unset API_TOKEN"), *(block(f"echo after-{i}") for i in range(6 if batched else 1))]
    body = [*warm, block(setup), block(step), *after]
    doc = tmp_path / "doc.md"
    doc.write_text("# Pure\n\n" + "".join(f"### S{i}\n\n{b}\n" for i, b in enumerate(body, 1)), encoding="utf-8")
    # No annotated document and no JSON: no state is recorded, so each step's query is the
    # short one that a pure step skips.
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    proc = subprocess.run([sys.executable, "-m", "runbook", "execute", str(doc), "--no-color", "-v", "--no-annotate",
                           "--junit", "r.xml", "--html", "r.html"], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=300)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "••••" in page, proc.stdout + proc.stderr
    for data in (page, (tmp_path / "r.xml").read_text(encoding="utf-8"), proc.stdout + proc.stderr):
        assert value not in data, f"the secret the {hazard} printed leaked"


BUILTINS = frozenset("alias declare echo eval export false printf read set source true unset . : [ [[ "
                     "if for while time coproc exec cd".split())


@pytest.mark.parametrize("code,names", [
    ("echo step-1", ("echo",)),
    ("/bin/true; echo step-2", ("/bin/true", "echo")),
    ("kubectl get pods -n default", ("kubectl",)),
    ("make -C build all && ./run.sh --fast", ("make", "./run.sh")),
    ("echo a=b c,d 1.5 %x @y", ("echo",)),
    (":", (":",)),
    ("echo 'quoted $NOT * ~ {a,b} # x'", ("echo",)),
    ('echo "two  spaces" "it\'s; && ||"', ("echo",)),
    ('curl -fsS "http://localhost:8080/health?a=1&b=2" -H \'Accept: */*\'', ("curl",)),
    ("kubectl get pods -l 'app=web' && echo \"ok\"", ("kubectl", "echo")),
])
def test_commands_of_literal_words_outside_the_shell_are_pure(code: str, names: tuple[str, ...]) -> None:
    assert pure_commands(code, BUILTINS) == names


@pytest.mark.parametrize("code", [
    "printf -v API_TOKEN x", "read API_TOKEN", "export A=1", "API_TOKEN=x env", "echo $API_TOKEN",
    "echo ${API_TOKEN:=x}", "echo $((X=1))", "echo `id`", "echo $(id)", 'echo "$API_TOKEN"',
    'echo "${API_TOKEN:=x}"', 'echo "`id`"', 'echo "a\\"b"', 'echo "!x"', "echo 'unclosed", 'echo "a" > f',
    "'echo' x", '"echo" x', "echo 'a'\\''b'",
    "echo a > f", "echo {a,b}", "echo *", "echo ~", "echo a | cat", "echo a & ", "cd /tmp", ". ./x.sh",
    "source x", "eval echo", "exec true", "coproc sleep", "time echo", "echo a\necho b", "",
    "echo a;;echo b", "echo a # c", "[ -n x ]", "[[ x ]]", "if true", "echo\tx",
])
def test_anything_that_may_run_code_in_the_shell_is_not_pure(code: str) -> None:
    assert pure_commands(code, BUILTINS) is None


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=" ;&|=:.,/+-%@_aE0$'\"\techo", max_size=24))
def test_the_one_command_fast_path_answers_as_the_command_by_command_reading(text: str) -> None:
    assert pure_commands(text, BUILTINS) == (None if not text.strip() else commands_of(text, BUILTINS))


def test_without_bashs_builtins_nothing_is_pure() -> None:
    assert pure_commands("echo hi", frozenset()) is None


def test_a_pure_step_is_not_trusted_under_xtrace_or_with_traps_known_or_watched(tmp_path: Path) -> None:
    # PS4 is expanded for every traced command and can assign (${X:=...}); a known trap runs code.
    state = BashState("abc", str(tmp_path / "traps"))
    state.builtins = BUILTINS
    assert state.pure("echo hi") == (str(tmp_path / "traps-now"), ("echo",))
    state.learn(["braceexpand:hashall:xtrace", "checkwinsize"])
    assert state.pure("echo hi") is None
    state.learn(["braceexpand:hashall", "checkwinsize"])
    assert state.pure("echo hi") is not None
    state.traps = {"DEBUG": "X=1"}
    assert state.pure("echo hi") is None
    state.traps = {}
    state.sent("trap 'X=1' USR1")
    assert state.watching and state.pure("echo hi") is None
    assert BashState("abc", None).pure("echo hi") is None, "a remote shell: no file for trap -p"


@pytest.mark.parametrize("state", [False, True], ids=["short-query", "with-state"])
def test_a_secret_set_in_a_batched_step_and_unset_in_the_next_is_masked(tmp_path: Path, state: bool) -> None:
    # In a batch bash runs ahead: the next step must not start before the session has asked
    # for the value of a name the step's query listed (it unsets it). Before: leaked.
    value = f"ahead-{os.urandom(6).hex()}"
    (tmp_path / "v.txt").write_text(value + "\n")
    body = [*(block(f"echo warm-{i}") for i in range(4)), block(READ), block("unset API_TOKEN"),
            *(block(f"echo after-{i}") for i in range(6))]
    doc = tmp_path / "doc.md"
    doc.write_text("# Ahead\n\n" + "".join(f"### S{i}\n\n{b}\n" for i, b in enumerate(body, 1)), encoding="utf-8")
    outputs = ["--json", "r.json"] if state else ["--no-annotate"]
    proc = subprocess.run([sys.executable, "-m", "runbook", "execute", str(doc), "--no-color", "-v", *outputs,
                           "--html", "r.html"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "••••" in page, proc.stdout + proc.stderr
    files = [page, proc.stdout + proc.stderr] + ([(tmp_path / "r.json").read_text(encoding="utf-8")] if state else [])
    assert all(value not in data for data in files), "the secret leaked"
