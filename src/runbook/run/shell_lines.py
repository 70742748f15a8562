"""The exact lines of shell the session sends, and the dialog that answers prompts.

Kept apart from the pty handling so the protocol can be read in one place. Every
line ends by printing ``\\n__RB_<nonce>:<number>\\n``; the format string sent is
``__RB_%s:%d``, so the text we type never equals the text we wait for, even when
a remote terminal echoes it.
"""

from __future__ import annotations

import re
import shlex
from typing import Mapping, Sequence

#: ERR trap giving ``set -e`` semantics to one sourced step without exiting the shell:
#: inside the sourced file (or a function) it returns the failing status; at top
#: level it does nothing.
ERR_TRAP = "__rb_rc=$?; (( ${#BASH_SOURCE[@]} + ${#FUNCNAME[@]} )) && return $__rb_rc"


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
        parts += ["set +H", "set +o emacs +o vi 2>/dev/null", "unset PROMPT_COMMAND",
                  "HISTFILE=/dev/null", f"__rb_T={shlex.quote(ERR_TRAP)}"]
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
