"""The session state a resumed run rebuilds: working directory and exported variables.

After each step the runner already asks the shell for its secret variables (one round
trip, :mod:`runbook.run.shellvars`); :func:`state_script` is appended to that same
script, so recording the state costs bytes on the pty, not an extra round trip. It
prints the working directory and every exported variable, each value raw between a
header and a trailer carrying a fresh nonce (as shellvars does).

:func:`recorded` keeps only what a fresh session would not have anyway and what is no
secret: a secret-looking name, a listed secret, or a value the run's masker would
change is kept as a *name* only (:attr:`StepState.secret_names`), never its value.
:func:`restore_script` turns a state back into ``cd`` and ``export`` commands.
"""

from __future__ import annotations

import re
import shlex
from functools import lru_cache
from typing import Any, Callable, Final, Mapping

from runbook.lazyre import lazy

MAX_STATE_VALUE = 100_000
"""Exported values longer than this are not recorded (nor restored)."""
SHELL_OWN = frozenset({"PWD", "OLDPWD", "SHLVL", "_", "COLUMNS", "LINES",
                       "SSH_CLIENT", "SSH_CONNECTION", "SSH_TTY", "SSH_AUTH_SOCK"})
"""Variables the shell (or the ssh connection under it) sets itself: never restored."""

_SAVE_IFS = ("case ${IFS+x} in x) __rb_i=$IFS; __rb_s=1;; *) __rb_s=;; esac\n"
             "IFS='\n'\n")
"""The names are split on newlines whatever ``IFS`` the document set (put back after)."""
_RESTORE_IFS = 'if [ -n "$__rb_s" ]; then IFS=$__rb_i; else \\unset IFS; fi\n'
_SURROGATE = lazy("[\ud800-\udfff]")
_LIST_POSIX = "\\export -p | \\sed -n 's/^export \\(-[A-Za-z0-9]* \\)*\\([A-Za-z_][A-Za-z0-9_]*\\)[= ].*/\\2/p'"


def state_script(nonce: str) -> str:
    """Print ``cwd`` and every exported variable, between markers carrying ``nonce``.

    bash starts no process for it (``$PWD`` and the ``export -p`` builtin, read by
    :func:`runbook.run.exports.parse_exports`); other shells run ``pwd`` and ``export -p | sed``
    and print each value raw."""
    record = "@PRINTF '\\n__RB_E%s=%s\\n%s\\n__RB_E%s;' " + nonce + ' "$__rb_n" "$__rb_v" ' + nonce
    cwd = "@PRINTF '\\n__RB_C%s\\n%s\\n__RB_C%s;' " + nonce + " @CWD " + nonce + "\n"
    bash = (cwd.replace("@CWD", '"$PWD"').replace("@PRINTF", "\\builtin printf")
            + f"\\builtin printf '\\n__RB_X%s\\n' {nonce}; \\builtin export -p; "
            f"\\builtin printf '\\n__RB_X%s;\\n' {nonce}")
    posix = (cwd.replace("@CWD", '"$(pwd)"') + _SAVE_IFS
             + f"for __rb_n in $({_LIST_POSIX}); do case \"$__rb_n\" in __rb_[nvis]) continue;; esac; "
             'eval "[ -n \\"\\${$__rb_n+x}\\" ]" || continue; eval "__rb_v=\\${$__rb_n}"; '
             f"[ ${{#__rb_v}} -le {MAX_STATE_VALUE} ] && {record}; done\n" + _RESTORE_IFS
             + "\\unset __rb_n __rb_v __rb_i __rb_s").replace("@PRINTF", "\\printf")
    return f'{{ if [ -n "${{BASH_VERSION-}}" ]; then\n{bash}\nelse\n{posix}\nfi\n}} 2>/dev/null\n'


def folded_state_script(nonce: str) -> str:
    """``state_script``'s bash part on one line, for the end-of-step line's ``ask``."""
    return (f"\\builtin printf '\\n__RB_C%s\\n%s\\n__RB_C%s;' {nonce} \"$PWD\" {nonce}; "
            f"\\builtin printf '\\n__RB_X%s\\n' {nonce}; \\builtin export -p; "
            f"\\builtin printf '\\n__RB_X%s;\\n' {nonce}")


def _between(text: str, head: str, tail: str) -> str | None:
    """The text between the first ``head`` and the first ``tail`` after it (``None``: either missing)."""
    start = text.find(head)
    if start < 0:
        return None
    start += len(head)
    end = text.find(tail, start)
    return None if end < 0 else text[start:end]


#: One pattern for every nonce (compiling one per step cost ~0.7 ms a step): a record
#: counts only when both of its markers carry the step's nonce.
_RECORD = lazy(r"\n__RB_E([0-9A-Za-z]+)=([A-Za-z_][A-Za-z0-9_]*)\n(.*?)\n__RB_E\1;", re.DOTALL)


def parse_state(text: str, nonce: str) -> tuple[str, dict[str, str]] | None:
    """``(cwd, exported)`` from the script's output (``None``: the shell did not answer)."""
    text = text.replace("\r\n", "\n")
    cwd = _between(text, f"\n__RB_C{nonce}\n", f"\n__RB_C{nonce};")
    if cwd is None:
        return None
    listed = _between(text, f"\n__RB_X{nonce}\n", f"\n__RB_X{nonce};")
    if listed is not None:  # bash
        return cwd, dict(_bash_exports(listed))
    exported = {m.group(2): m.group(3) for m in _RECORD.finditer(text) if m.group(1) == nonce}
    return cwd, {k: v for k, v in exported.items() if len(v) <= MAX_STATE_VALUE}


@lru_cache(maxsize=4)
def _bash_exports(listed: str) -> Mapping[str, str]:
    """``export -p``'s variables worth recording, read once per distinct listing: most steps
    export nothing, and reading the same ~3 KB again cost ~0.1 ms a step (callers copy it)."""
    from runbook.run.exports import parse_exports  # once a listing (cached): not loaded before a step's state is

    return {k: v for k, v in parse_exports(listed).items() if len(v) <= MAX_STATE_VALUE}


class StepState:
    """What the session held after one step (no secret value, ever; a plain slotted class:
    nothing compares or replaces one)."""

    __slots__ = ("cwd", "env", "secret_names")

    def __init__(self, cwd: str, env: Mapping[str, str] | None = None, secret_names: tuple[str, ...] = ()) -> None:
        self.cwd: Final = cwd
        self.env: Final[Mapping[str, str]] = {} if env is None else env
        """Exported variables that differ from a fresh session's, secrets left out."""
        self.secret_names: Final = secret_names
        """Exported secret variables present then: their values are not recorded."""

    def to_dict(self) -> dict[str, Any]:
        return {"cwd": self.cwd, "env": dict(self.env), "secret_names": list(self.secret_names)}

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> "StepState":
        env = data.get("env") or {}
        return StepState(str(data.get("cwd", "")), {str(k): str(v) for k, v in env.items()},
                         tuple(str(n) for n in data.get("secret_names") or ()))


def recorded(cwd: str, exported: Mapping[str, str], baseline: Mapping[str, str],
             is_secret: Callable[[str, str], bool]) -> StepState:
    """The state worth keeping: variables the fresh session would not have, secrets by name only."""
    env: dict[str, str] = {}
    secret: list[str] = []
    for name, value in sorted(exported.items()):
        if name in SHELL_OWN or baseline.get(name) == value:
            continue
        if is_secret(name, value):
            secret.append(name)
        elif not _SURROGATE.search(value):  # bytes that were not UTF-8: not restorable as text
            env[name] = value
    return StepState(cwd, env, tuple(secret))


def restore_script(state: StepState, baseline: Mapping[str, str]) -> str:
    """``cd`` to the recorded directory and export the recorded variables (POSIX quoting:
    bash, dash and zsh read it alike)."""
    parts = [f"\\cd -- {shlex.quote(state.cwd)}"] if state.cwd else []
    parts += [f"\\export {name}={shlex.quote(value)}" for name, value in sorted(state.env.items())
              if baseline.get(name) != value]
    return "\n".join(parts) + "\n" if parts else ":\n"
