"""The state a resume rebuilds, read from real bash, dash and zsh: every exported value
exactly (quotes, backslashes, newlines, control bytes, a value that looks like another
variable), whatever the document did to the shell (``set -u``, ``IFS``, ``set -x``), and
the document's ``IFS`` left as it was."""

from __future__ import annotations

import subprocess

import pytest

from runbook.run.state import StepState, parse_state, recorded, restore_script, state_script

VALUES = {
    "PLAIN": "x y",
    "QUOTES": "say \"hi\" and 'bye'",
    "BACKSLASH": "C:\\path\\to $HOME `cmd`",
    "NEWLINE": "line1\nline2",
    "FAKE": "a\ndeclare -x INJECTED=\"1\"\nexport INJECTED2=1",
    "CONTROL": "bell\x07tab\tend",
    "UNICODE": "héllo ☃",
    "EMPTY": "",
}


def _state(shell: str, prelude: str) -> tuple[str, dict[str, str], str]:
    exports = "".join(f"export {k}={_q(v)}\n" for k, v in VALUES.items())
    script = f"{exports}cd /tmp\n{prelude}\n{state_script('n0nce')}printf '[%s]' \"${{IFS-unset}}\"\n"
    out = subprocess.run(shell.split(), input=script.encode(), capture_output=True, timeout=30).stdout
    text = out.decode("utf-8", "surrogateescape")
    parsed = parse_state(text, "n0nce")
    assert parsed is not None, text
    return parsed[0], parsed[1], text.rsplit("[", 1)[1]


def _q(v: str) -> str:
    return "'" + v.replace("'", "'\\''") + "'"


@pytest.mark.parametrize("shell", ["bash --norc", "dash", "zsh -f"])
@pytest.mark.parametrize("prelude", ["", "set -u", "IFS=:", "set -x", "unset IFS"])
def test_every_exported_value_is_read_exactly_whatever_the_shell_state(shell, prelude):
    cwd, env, ifs = _state(shell, prelude)
    assert cwd == "/tmp"
    for k, v in VALUES.items():
        assert env.get(k) == v, (k, env.get(k))
    assert "INJECTED" not in env and "INJECTED2" not in env
    assert ifs == {"IFS=:": ":]", "unset IFS": "unset]"}.get(prelude, ifs)  # IFS put back as it was


@pytest.mark.parametrize("shell", ["bash --norc", "dash", "zsh -f"])
def test_a_restore_script_puts_the_values_back_exactly(shell):
    state = StepState("/tmp", dict(VALUES))
    script = restore_script(state, {}) + state_script("again")
    out = subprocess.run(shell.split(), input=script.encode(), capture_output=True, timeout=30, cwd="/").stdout
    parsed = parse_state(out.decode("utf-8", "surrogateescape"), "again")
    assert parsed is not None and parsed[0] == "/tmp"
    assert {k: parsed[1].get(k) for k in VALUES} == VALUES


def test_a_secret_is_recorded_by_name_only():
    state = recorded("/w", {"DB_PASSWORD": "hunter2x", "URL": "https://u:hunter2x@h", "OK": "1", "PWD": "/w"},
                     {}, lambda name, value: "PASSWORD" in name or "hunter2x" in value)
    assert state.env == {"OK": "1"}
    assert set(state.secret_names) == {"DB_PASSWORD", "URL"}
    assert "hunter2x" not in repr(state.to_dict())


def test_only_the_records_of_the_steps_own_nonce_are_read():
    """A stale answer (an earlier, timed-out step's) in the same stream is not this step's state."""
    old, new = "a1b2c3d4e5f60718", "0f1e2d3c4b5a6978"
    bash = (f"\n__RB_C{old}\n/old\n__RB_C{old};\n__RB_X{old}\ndeclare -x A=\"old\"\n__RB_X{old};"
            f"\n__RB_C{new}\n/new\n__RB_C{new};\n__RB_X{new}\ndeclare -x A=\"new\"\n__RB_X{new};\n")
    assert parse_state(bash, new) == ("/new", {"A": "new"})
    assert parse_state(bash, "ffffffffffffffff") is None
    posix = (f"\n__RB_C{new}\n/p\n__RB_C{new};\n__RB_E{old}=A\nold\n__RB_E{old};"
             f"\n__RB_E{new}=A\nnew\nlines\n__RB_E{new};\n__RB_E{new}=B\n\n__RB_E{new};")
    assert parse_state(posix, new) == ("/p", {"A": "new\nlines", "B": ""})
