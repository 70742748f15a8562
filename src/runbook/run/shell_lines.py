"""The exact lines of shell the session sends, and the dialog that answers prompts.

Kept apart from the pty handling so the protocol can be read in one place. Every
line ends by printing ``\\n__RB_<nonce>:<number>\\n``; the format string sent is
``__RB_%s:%d``, so the text we type never equals the text we wait for, even when
a remote terminal echoes it.
"""

from __future__ import annotations

import os
import re
import shlex
from typing import Mapping, Sequence

def sentinel(nonce: str) -> bytes:
    """What the end-of-step line starts with in the output (before its number)."""
    return b"\n__RB_" + nonce.encode() + b":"


def partial_sentinel(buf: bytes, marks: Sequence[bytes], hold: int) -> int:
    """Where a possible start of a sentinel at the end of ``buf`` begins (``len(buf)`` if none).

    Only that part is held back, so a prompt without newline reaches the dialog at once."""
    i = buf.find(b"\n", max(0, len(buf) - hold))
    while i >= 0:
        tail = buf[i:]
        if any(m.startswith(tail) for m in marks):
            # A CR right before it may be the terminal's half of the sentinel's CRLF.
            return i - 1 if i > 0 and buf[i - 1] == 13 else i
        i = buf.find(b"\n", i + 1)
    return len(buf) - 1 if buf.endswith(b"\r") else len(buf)


def _print(nonce: str, value: str) -> str:
    return f"printf '\\n__RB_%s:%d\\n' {nonce} {value}"


def probe_line(nonce: str, probe_path: str) -> str:
    """Report the shell kind: bit 0..1 = 0 bash, 1 zsh, 2 other; bit 2 = our files invisible."""
    return (
        '__rb_k=2; [ -n "${ZSH_VERSION-}" ] && __rb_k=1; [ -n "${BASH_VERSION-}" ] && __rb_k=0; '
        f"[ -r {shlex.quote(probe_path)} ] || __rb_k=$((__rb_k + 4)); {_print(nonce, '$__rb_k')}\n"
    )


def setup_line(nonce: str, *, bash: bool, zsh: bool, remote: bool, env: Mapping[str, str]) -> str:
    """Make the shell hermetic: no prompts, history expansion, job notices or line editing."""
    parts = ["PS1=''", "PS2=''", "PS4='+ '", "set +m 2>/dev/null"]
    if bash:
        parts += ["set +H", "set +o emacs +o vi +o history 2>/dev/null", "unset PROMPT_COMMAND PS0",
                  "HISTFILE=/dev/null", "shopt -u expand_aliases"]
    if zsh:
        parts += ["unsetopt PROMPT_SP PROMPT_CR ZLE 2>/dev/null", "PROMPT=''", "RPROMPT=''",
                  "stty -echo 2>/dev/null"]
    if remote:
        exports = {"TERM": "dumb", "PAGER": "cat", "GIT_PAGER": "cat", "SYSTEMD_PAGER": "cat",
                   "MANPAGER": "cat", "LESS": "-FRX", **env}
        parts += ["stty -echo 2>/dev/null",
                  "export " + " ".join(f"{k}={shlex.quote(v)}" for k, v in exports.items()),
                  '__rb_f=$(mktemp -d 2>/dev/null || { mkdir -p /tmp/runbook-$$ && echo /tmp/runbook-$$; })/']
    return "; ".join(parts) + "; " + _print(nonce, "0") + "\n"


def step_line(nonce: str, path: str, *, errexit: bool, stdin_null: bool, remote: bool,
              dot: str = ".", bash: bool = False) -> str:
    """Source the step file (``path`` already quoted) and print its status.

    In bash our own commands run with stderr at /dev/null (the step's stderr goes
    through fd 3) so a step that turned on ``set -x`` sees only its own commands
    traced. ``dot`` is ``command .`` for dash, where a syntax error in a plain
    ``.`` file aborts the whole input line, sentinel included.
    """
    stdin = " </dev/null" if stdin_null else ""
    trap = "trap \"$__rb_T\" ERR; set -E; " if errexit else ""
    post = "trap - ERR; set +E; " if errexit else ""
    tty = "stty -echo 2>/dev/null; " if remote else ""
    report = _print(nonce, '"$__rb_rc"')
    if bash:
        run = f"{{ {trap}{dot} {path} 2>&3 3>&-{stdin}; }} 3>&2 2>/dev/null"
    else:
        run = f"{dot} {path}{stdin}"
    return f"{run}; {{ __rb_rc=$?; {post}{tty}{report}; }} 2>/dev/null\n"


_BUILTIN = "\\builtin "
#: In posix mode a quoted special builtin is neither an alias nor a function.
_QUOTED = "\\"
#: Posix mode on (special builtins before functions), unless the user made the variable
#: readonly: assigning it then would abort the whole typed line.
_POSIX_ON = "[[ ${POSIXLY_CORRECT[@]@a} == *r* ]] || POSIXLY_CORRECT=y; "


def _save_traps(traps: str | None, mode: str = ">|", call: str = "") -> str:
    """Save the DEBUG/RETURN/ERR traps to ``traps`` and clear them (``None``: remote,
    where only runbook's ERR trap is cleared). ``call`` goes before each ``trap``."""
    if traps is None:
        return f"{call}trap - ERR; "
    # A failed redirection of a special builtin in posix mode ends the shell: the folder
    # may have been removed by the step.
    folder = shlex.quote(os.path.dirname(shlex.split(traps)[0]))
    return (f"[[ -d {folder} ]] && {call}trap -p DEBUG RETURN ERR {mode}{traps}; "
            f"{call}trap - DEBUG RETURN ERR; ")


def err_trap(tag: str, traps: str | None, user: str | None = None) -> tuple[str, str]:
    """ERR trap giving ``set -e`` semantics to one sourced step without exiting the shell,
    as (head, tail): the trap's text is ``head + tail``, or with the user's own ERR trap
    ``head + user + tail`` (the user's commands see the failing ``$?``).

    Inside a function or file the step calls (``set -E`` passes the trap on) it returns
    the failing status, and the call then fails in the step file, where it saves and clears
    the traps (so the user's RETURN trap does not fire as runbook's ``.`` ends) and
    returns from the file. At the interactive top level it only turns ``-e`` off, so the
    shell survives ``set -e``. Safe under ``set -u`` (no unset array is counted), against
    functions named ``return``/``set``/``trap`` (posix mode puts special builtins first)
    and ``readonly`` (names fresh per step); its own commands print nothing, even to a
    DEBUG trap. ``__rb_w<tag>`` keeps the options as they were before it changed them.
    """
    v, w = f"__rb_v{tag}", f"__rb_w{tag}"
    again = f" (exit ${v});" if user is not None else ""
    head = f"{{ {v}=$? {w}=${{{w}-$SHELLOPTS}};{again} }} >/dev/null 2>&1\n"
    tail = (f"\n{{ {_POSIX_ON}\\set +e; [[ ${{FUNCNAME[0]+f}}${{BASH_SOURCE[1]+n}} ]] && \\return ${v}; "
            f"[[ ${{BASH_SOURCE[0]+s}} ]] && {{ {_save_traps(traps, call=_QUOTED)}\\return ${v}; }}; }} "
            ">/dev/null 2>&1")
    return head, tail


def step_trailer(tag: str, traps: str | None) -> str:
    """The step file's last line: the traps saved and cleared before runbook's ``.`` ends
    (a RETURN trap would fire on it, a DEBUG trap on the post line), then ``return`` with
    the step's status."""
    if traps is None:
        return ""
    v, w = f"__rb_v{tag}", f"__rb_w{tag}"
    return (f"{{ {v}=$? {w}=${{{w}-$SHELLOPTS}}; {_POSIX_ON}{_save_traps(traps, call=_QUOTED)}\\return ${v}; }} "
            ">/dev/null 2>&1\n")


def bash_post(nonce: str, tag: str, *, value: str = "$?", traps: str | None = None,
              extra: str = "", fresh: bool = False) -> str:
    """What runs right after a step in bash: capture ``value``, make the shell neutral, print.

    Every command runs inside ``{ ...; } >/dev/null 2>&1`` so a DEBUG trap of the step
    that fires on them shows nothing. In order: capture the status and options under
    names fresh per step (a ``readonly`` cannot have reached them); posix mode so
    ``unset`` is the special builtin, which removes a function named ``builtin``; then
    only ``\\builtin ...`` (no alias, no function): options that would break the
    protocol off (``-e -v -x -E``, history), traps still set appended to ``traps``
    (``fresh``: written anew) and cleared, alias expansion off (the next typed line is
    parsed without aliases), prompt hooks unset. The sentinel goes to ``/dev/tty``, so
    ``exec >/dev/null`` cannot hide it; the nonce appears in no command before ``set +x``.
    """
    s, p, b, w = (f"__rb_{c}{tag}" for c in "spbw")
    keep = _save_traps(traps, ">|" if fresh else ">>", call=_BUILTIN)
    return (
        f"{{ {s}={value} {p}=$SHELLOPTS {b}=$BASHOPTS; {_POSIX_ON}unset -f builtin; "
        f"unset POSIXLY_CORRECT; \\builtin set +Eevx +o history; {keep}{extra}"
        f"\\builtin shopt -u expand_aliases; \\builtin unset PS0 PS1 PS2 PROMPT_COMMAND; "
        f"\\builtin printf '\\n__RB_%s:%d %s %s\\n' {nonce} \"${s}\" \"${{{w}-${p}}}\" \"${b}\" >/dev/tty; "
        f"\\builtin unset {s} {p} {b} {w} __rb_v{tag}; }} >/dev/null 2>&1"
    )


def bash_step_line(nonce: str, tag: str, path: str, *, prelude: str, stdin_null: bool,
                   traps: str | None) -> str:
    """Source the step file (``path`` already quoted) with ``\\builtin .`` (a function
    named ``.`` is not called) after ``prelude`` (posix mode, aliases back on), then the post."""
    stdin = " </dev/null" if stdin_null else ""
    return f"{prelude}\\builtin . {path}{stdin}; {bash_post(nonce, tag, traps=traps)}\n"


def background_line(nonce: str, path: str, log: str, *, disown: bool) -> str:
    """Start the step file detached in its own process group; print its pid."""
    forget = "disown 2>/dev/null; " if disown else ""
    return (f"set -m; ( . {path} ) </dev/null >>{log} 2>&1 & __rb_bg=$!; set +m; {forget}"
            f"{_print(nonce, '$__rb_bg')}\n")


class Dialog:
    """Answers prompts of an interactive step in order: ``(prompt regex, reply)``."""

    def __init__(self, pairs: Sequence[tuple[str, str]], window: int = 8192) -> None:
        self._pairs = [(self._compile(p), r) for p, r in pairs]
        self._next = 0
        self._seen = ""
        self._window = window

    @staticmethod
    def _compile(pattern: str) -> re.Pattern[str]:
        try:
            return re.compile(pattern)
        except re.error:
            return re.compile(re.escape(pattern))

    def answer(self, text: str) -> list[str]:
        """Replies due after ``text`` arrived (usually none or one)."""
        self._seen = (self._seen + text)[-self._window:]
        replies = []
        while self._next < len(self._pairs):
            rx, reply = self._pairs[self._next]
            m = rx.search(self._seen)
            if m is None:
                break
            self._seen = self._seen[m.end():]
            self._next += 1
            replies.append(reply)
        return replies
