"""``set -v`` and ``set -x`` show the author's commands, never runbook's own.

Under ``-v`` bash echoes every line it reads, the lines of a trap included, as it parses
them; under ``-x`` it traces every command it runs. Runbook's ERR trap (errexit emulated
for a sourced step) and the last line of a step file whose traps are watched are runbook's
lines: a terminal without runbook never shows them, so they must never reach a step's
output, where they would make an expected output fail. Typed and batched alike. Real CLI,
real pty shell.
"""

from __future__ import annotations

import pytest

import pexpect

from runbook.model import Output
from runbook.run.shell_state import BashState
from test_batch import WARM, block, both, doc_of, execute


def outputs(data: dict) -> list[str]:
    return [s["output"] for s in data["steps"][WARM:]]


def assert_only_the_authors(text: str) -> None:
    for ours in ("__rb_", "\\return", "BASH_SOURCE", "FUNCNAME", "return 0", "return 1"):
        assert ours not in text, text


@pytest.mark.parametrize("batch", [False, True], ids=["typed", "batched"])
def test_under_set_v_a_failing_step_shows_its_own_output_and_not_runbooks_err_trap(write_doc, batch):
    doc = write_doc(doc_of(block("set -v"), block("false"), block("echo after"), block("ls /no/such/dir-rb"),
                           block("echo x\nfalse\necho not-reached")))
    _, data, _ = execute(doc, batch=batch)
    got = outputs(data)
    for text in got:
        assert_only_the_authors(text)
    assert got[1:3] == ["false\n", "echo after\nafter\n"]  # each line echoed as bash reads it
    assert got[3].startswith("ls /no/such/dir-rb\n") and got[3].count("\n") == 2  # the echo, the error
    assert "not-reached" not in got[4].replace("echo not-reached", "") and got[4].startswith("echo x\nx\nfalse\n")
    assert [s["status"] for s in data["steps"][WARM:]] == ["pass", "fail", "pass", "fail", "fail"]


@pytest.mark.parametrize("batch", [False, True], ids=["typed", "batched"])
def test_under_set_x_a_failing_step_traces_its_own_commands_and_not_runbooks(write_doc, batch):
    doc = write_doc(doc_of(block("set -x"), block("false"), block("f() { false; echo in-f; }\nf"),
                           block("echo after")))
    _, data, _ = execute(doc, batch=batch)
    got = outputs(data)
    for text in got:
        assert_only_the_authors(text)
    assert got[1].endswith("+ false\n") and got[1].count("\n") == 1
    assert got[2].splitlines()[-2:] == [got[2].splitlines()[-2].split(" ")[0] + " f",
                                        got[2].splitlines()[-1].split(" ")[0] + " false"]
    assert got[3].endswith(" echo after\nafter\n")  # -x is still on after the failures


def test_the_authors_err_trap_is_traced_and_echoed_and_runbooks_lines_are_not(write_doc):
    doc = write_doc(doc_of(block("trap 'echo oops' ERR"), block("set -x"), block("false"), block("echo after"),
                           block("set +x; set -v"), block("false"), block("echo last")))
    plain, batched = both(doc)
    for data in (plain, batched):
        got = outputs(data)
        for text in got:
            assert_only_the_authors(text)
        assert got[2].splitlines()[1:] == [got[2].splitlines()[1].split(" ")[0] + " echo oops", "oops"]
        assert got[3].endswith(" echo after\nafter\n")  # no traced `return` of the step file's last line
        assert got[4].endswith(" set +x\n")  # nor its echo once -v is on
        assert got[5] == "false\necho oops\noops\n"  # the step's line, then the author's trap, as bash reads them
        assert got[6] == "echo last\nlast\n"  # a one-line step is echoed too, as at bash's prompt


def test_the_echo_is_taken_only_where_it_starts_a_line_and_the_counts_follow():
    state = BashState("0123456789ab", None)
    state.opts = frozenset({"verbose"})
    prelude = state.file_prelude(errexit=True)
    assert "trap" in prelude
    echo, first_line = state._last_echo  # the trap's lines as it fires; the prelude as the file is read
    assert first_line == prelude
    crlf = echo.replace("\n", "\r\n")
    text = f"out\r\n{crlf}quoted '{echo}' kept\n"
    whole = Output(text, total_bytes=len(text.encode()), lines=text.count("\n"))
    got = state.unechoed(whole)
    assert got.text == f"out\r\nquoted '{echo}' kept\n"
    assert (got.total_bytes, got.lines) == (len(got.text.encode()), got.text.count("\n"))
    cut = Output(text, total_bytes=10**6, lines=5000, dropped_bytes=900_000, counts={"__rb_e": 7, "out": 3})
    got = state.unechoed(cut)
    assert got.counts == {"__rb_e": 7 - crlf.count("__rb_e"), "out": 3}
    assert got.total_bytes == 10**6 - len(crlf.encode())
    quiet = BashState("0123456789ab", None)
    quiet.file_prelude(errexit=True)
    assert quiet.unechoed(whole) is whole  # no -v, nothing taken


#: Steps whose output under ``set -v`` is the same whether typed at bash's prompt or run by
#: runbook (no failure in the middle of a step: runbook stops a step there, as ``set -e``).
AT_THE_PROMPT = ["echo one", "false", "ls /no/such/dir-rb", "echo a; echo b", "for i in 1 2; do\necho $i\ndone",
                 "f() {\n  echo in-f\n}\nf", "x=$(echo sub)\necho \"$x\"", "true && echo yes || echo no"]


def typed_at_the_prompt(steps: list[str]) -> list[str]:
    """What an interactive bash on a terminal prints for each step typed at its prompt, ``set -v`` on."""
    p = pexpect.spawn("bash", ["--noprofile", "--norc", "--noediting", "-i"], encoding="utf-8", echo=False, timeout=30)
    try:
        p.sendline("PS1=''; PS2=''; stty -echo; set +m; echo RE''ADY")
        p.expect("READY\r\n")
        p.sendline("set -v")
        p.sendline("echo EN''D")
        p.expect("END\r\n")
        got = []
        for code in steps:
            p.sendline(code)
            p.sendline("echo EN''D")
            p.expect("echo EN''D\r\nEND\r\n")
            got.append(p.before.replace("\r\n", "\n"))
        return got
    finally:
        p.close(force=True)


@pytest.mark.parametrize("batch", [False, True], ids=["typed", "batched"])
def test_under_set_v_every_step_shows_what_bashs_prompt_shows(write_doc, batch):
    doc = write_doc(doc_of(block("set -v"), *map(block, AT_THE_PROMPT)))
    _, data, _ = execute(doc, batch=batch)
    got = outputs(data)[1:]
    for text in got:
        assert_only_the_authors(text)
    assert got == typed_at_the_prompt(AT_THE_PROMPT)
    assert got[0] == "echo one\none\n" and got[4].startswith("for i in 1 2; do\necho $i\ndone\n")


def test_the_prelude_is_taken_out_of_the_first_lines_echo_and_only_where_it_starts_a_line():
    state = BashState("0123456789ab", None)
    state.opts = frozenset({"verbose"})
    assert state.line_prelude(echo=True).endswith("\\builtin set -v; ")
    assert "set -v" not in state.line_prelude()  # a background step's subshell: no echo into its log
    for errexit in (False, True):
        prelude = state.file_prelude(errexit=errexit)
        assert prelude.startswith("\\builtin : 0123456789ab; ")
        text = f"{prelude}echo one\none\nsaid: {prelude}kept\n"
        got = state.unechoed(Output(text, total_bytes=len(text.encode()), lines=text.count("\n")))
        assert got.text == f"echo one\none\nsaid: {prelude}kept\n"
        assert got.lines == got.text.count("\n")
