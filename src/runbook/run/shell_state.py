"""What a bash step left behind that runbook must put back before the next step.

The post-step protocol (``shell_lines.bash_post``) makes the shell neutral after every
step: ``-e -v -x -E`` off, alias expansion off, the step's DEBUG/RETURN/ERR traps
saved to a file and cleared. It reports the options (``$SHELLOPTS`` and ``$BASHOPTS``)
on the sentinel line. This module keeps that state and builds the two preludes that
restore it: one in the typed line before ``\\builtin .`` (posix mode, aliases: they
change how the step file is parsed) and one at the start of the step file's first
line (traps, ``-e -E -v -x``), so none of runbook's own commands is traced, echoed or
seen by the user's DEBUG trap.
"""

from __future__ import annotations

import functools
import os
import re
import shlex

from runbook.lazyre import lazy
from runbook.model import Output
from runbook.run.pure import errexit_list, pure_commands
from runbook.run.shell_lines import APPEND_TRAPS, FRESH_TRAPS, NO_TRAPS, err_trap, quote, step_trailer

_TRAPPED = ("RETURN", "ERR", "DEBUG")
#: ``set +e``, ``set +eu``, ``set +o errexit``: a step turning errexit off again.
_ERREXIT_OFF = lazy(r"\bset\s+(?:\+[A-Za-z]*e|(?:[-+][A-Za-z]+\s+)*\+o\s+errexit)")


class BashState:
    """The user's shell options and traps as the last step left them."""

    def __init__(self, sid: str, traps_path: str | None) -> None:
        self.sid = sid
        """The random part of the names of runbook's shell functions and variables."""
        self.traps_path = traps_path
        """Where the post line saves ``trap -p`` (``None``: remote shell, traps untouched)."""
        self._scratch = os.path.join(os.path.dirname(traps_path), "traps-now") if traps_path else ""
        """Where ``pure_check`` writes what it checks."""
        self.watching = False
        """Traps are saved and restored once a step's code mentions ``trap`` (it costs a
        file write per step); until then only runbook's own ERR trap is set and cleared."""
        self.opts: frozenset[str] = frozenset()
        self.aliases = True  # interactive bash expands aliases by default
        self.traps: dict[str, str] = {}
        self._errtrace = False
        self._our_err: tuple[str, str] | None = None
        self._last_echo: tuple[str, ...] = ()
        self._echoed: set[str] = set()
        """What bash echoes of runbook's step lines under ``set -v`` (``unechoed``)."""
        self._we_set_errtrace = False
        self.user_errexit = False
        """The document ran ``set -e``: every later step gets errexit (emulated, not the real
        ``-e``, under which an unbound variable would end the interactive shell)."""
        self._code = ""
        self.tail = ("", "")
        """``SHELLOPTS`` and ``BASHOPTS`` as the last sentinel reported them."""
        self.steady = False
        """The last two steps reported the same options (the first step's end-of-step line
        itself changes one: bash turns ``inherit_errexit`` on with posix mode)."""
        self.builtins: frozenset[str] = frozenset()
        """bash's builtins and keywords, read at start-up (``run.pure``)."""
        self._preludes: dict[tuple[bool, int, bool, frozenset[str], bool],
                             tuple[str, tuple[str, str] | None, bool, tuple[str, ...]]] = {}
        """``file_prelude`` without traps, by what it depends on (a copy of the state shares it)."""

    def sent(self, code: str) -> None:
        """Remember the step's code (to see a ``set +e`` that the options cannot show, and
        a ``trap`` that starts the watching of traps)."""
        self._code = code
        if not self.watching and self.traps_path is not None and "trap" in code:
            self.watching = True

    def pure(self, code: str) -> tuple[str, tuple[str, ...]] | None:
        """For a step that cannot change a variable (``run.pure``): the file ``trap -p`` is
        written to before it and its command names (``shell_lines.pure_check``); ``None``:
        it may, or traps are watched or known, or ``xtrace`` is on (``PS4`` can assign)."""
        if self.traps_path is None or self.watching or self.traps or "xtrace" in self.opts:
            return None
        names = pure_commands(code, self.builtins)
        return None if names is None else (self._scratch, names)

    def inline(self, code: str, errexit: bool, pure: tuple[str, tuple[str, ...]] | None) -> str | None:
        """For a batched step that may be a line of the batch file itself
        (``shell_lines.inline_line``), given its ``pure``: the text to run there. Also no posix
        mode and no ``-v`` (a prelude would set them). Under errexit the first failing command
        must end the step (``pure.errexit_list``)."""
        if pure is None or "posix" in self.opts or "verbose" in self.opts:
            return None
        line = code.strip()
        return errexit_list(line) if (errexit or self.user_errexit) and ";" in line else line

    def post_mode(self, resync: bool = False) -> str:
        """How the post line saves the traps."""
        if not self.watching:
            return NO_TRAPS
        return FRESH_TRAPS if resync else APPEND_TRAPS

    # -- learning -------------------------------------------------------------
    def learn(self, tail: list[str], *, traps: bool = True) -> None:
        """Take the options from the rest of a sentinel line (``SHELLOPTS BASHOPTS``) and,
        with ``traps``, the traps the post line saved."""
        if len(tail) >= 2:
            self.steady = self.tail == (tail[0], tail[1])
            if not self.steady:  # the options and aliases of the same text are the same
                self.tail = (tail[0], tail[1])
                self.opts = frozenset(tail[0].split(":"))
                self.aliases = "expand_aliases" in tail[1].split(":")
            if not self._we_set_errtrace:
                self._errtrace = "errtrace" in self.opts
            if "errexit" in self.opts:
                self.user_errexit = True
            elif self.user_errexit and _ERREXIT_OFF.search(self._code):
                self.user_errexit = False
        if traps and self.watching and self.traps_path is not None:
            self._load_traps(self.traps_path)

    def _load_traps(self, path: str) -> None:
        try:
            with open(path, "rb") as f:
                data = f.read().decode("utf-8", "surrogateescape")
        except OSError:
            return  # the session folder was removed: keep what we knew
        ours = self._our_err
        if not data or (ours is not None and data == f"trap -- {_bash_quote(''.join(ours))} ERR\n"):
            self.traps = {}
            return
        try:
            words = shlex.split(data, posix=True)
        except ValueError:
            return
        found = _trap_settings(words)
        err = found.pop("ERR", None)
        if err is not None and ours is not None:
            err = _without_our_err(err, ours)
        if err is not None:
            found["ERR"] = err
        self.traps = found

    def unechoed(self, output: Output) -> Output:
        """``output`` without bash's echo of runbook's ERR trap: under ``set -v`` bash prints
        the lines of a trap and of the step file's last line as it reads them, which the author's
        own terminal never shows. Each holds the session's random id and is taken only where it
        starts a line, so nothing the step printed goes with it."""
        if "verbose" in self.opts:
            self._echoed.update(self._last_echo)  # also when the step itself set -v
        for echo in self._echoed:
            for nl in ("\r\n", "\n"):
                if (line := echo.replace("\n", nl)) in output.text:
                    output = _without(output, line, echo.count("\n"))
        return output

    # -- restoring ------------------------------------------------------------
    def line_prelude(self, echo: bool = False) -> str:
        """Typed before ``\\builtin .``: what changes how the step file is parsed. ``echo``
        (a step sourced in the foreground): under ``set -v``, ``-v`` is on while bash reads
        the file, so its first line is echoed as the author's terminal echoes a typed line
        (``_file_prelude``: the prelude that starts that line is taken out of the echo)."""
        parts = []
        if "posix" in self.opts:
            parts.append("\\builtin set -o posix; ")
        if self.aliases:
            parts.append("\\builtin shopt -s expand_aliases; ")
        if echo and "verbose" in self.opts:
            parts.append("\\builtin set -v; ")
        return "".join(parts)

    def file_prelude(self, errexit: bool, depth: int = 0) -> str:
        """Put at the start of the step file's first line: traps and ``-e -E -v -x``.

        ``-x`` and the DEBUG trap come last, so no prelude command is traced or trapped.
        ``depth``: see ``err_trap`` (1 for a step file sourced by a batch file). Without traps
        it is made once per state it depends on (a batch asks for it twice a step)."""
        if self.traps or "verbose" in self.opts:  # (under -v it also records what bash echoes)
            return self._file_prelude(errexit, depth)
        key = (errexit or self.user_errexit, depth, self._errtrace, self.opts, self.watching)
        made = self._preludes.get(key)
        if made is None:
            made = self._preludes[key] = (self._file_prelude(errexit, depth), self._our_err, self._we_set_errtrace,
                                          self._last_echo)
        text, self._our_err, self._we_set_errtrace, self._last_echo = made
        return text

    def _file_prelude(self, errexit: bool, depth: int) -> str:
        parts = []
        errexit = errexit or self.user_errexit
        user_err = self.traps.get("ERR")
        self._our_err, self._last_echo = None, ()
        if errexit:
            head, tail = self._our_err = err_trap(self.sid, self.traps_path if self.watching else None,
                                                  user_err, depth)
            text = head + (user_err or "") + tail
            parts.append(f"\\builtin trap -- {quote(text)} ERR")
            # under -v bash echoes each line of the trap as it reads it: the author's own
            # commands (and their output) come between runbook's lines
            self._echo(*((head + tail + "\n",) if user_err is None else (head, tail[1:] + "\n")))
        elif user_err is not None:
            parts.append(f"\\builtin trap -- {shlex.quote(user_err)} ERR")
        self._we_set_errtrace = errexit and not self._errtrace
        if errexit or self._errtrace:
            parts.append("\\builtin set -E")
        if "verbose" in self.opts:
            parts.append("\\builtin set -v")
        if "RETURN" in self.traps:
            parts.append(f"\\builtin trap -- {shlex.quote(self.traps['RETURN'])} RETURN")
        if "xtrace" in self.opts:
            parts.append("\\builtin set -x")
        if "DEBUG" in self.traps:
            parts.append(f"\\builtin trap -- {shlex.quote(self.traps['DEBUG'])} DEBUG")
        return self._joined(parts)

    def _joined(self, parts: list[str]) -> str:
        """The prelude of ``parts``. Under ``set -v``, -v is on while bash reads the step file
        (``line_prelude``): it echoes the first line, this prelude and the author's first line,
        as it reads it. What goes before the author's line is taken out of the echo; it starts
        with the session's id then (never the author's text)."""
        if "verbose" not in self.opts:
            return "; ".join(parts) + "; " if parts else ""
        prelude = "; ".join([f"\\builtin : {self.sid}", *parts]) + "; "
        self._echo(*self._last_echo, prelude)
        return prelude

    def predicted_tail(self, errexit: bool) -> str:
        """The options (``SHELLOPTS BASHOPTS``, as ``__rb_l<sid>`` keeps them) that a step
        run with this state's preludes reports if it changes none: ``errexit`` off (it is
        emulated), ``errtrace`` on when the prelude sets ``-E``, the rest as last reported.
        A batch line runs only if its previous step reported exactly this (``batch_guard``)."""
        return _predicted(self.tail, bool(errexit or self.user_errexit or self._errtrace))

    def trailer(self, typed: bool = False) -> str:
        """The step file's last lines (traps saved before runbook's ``.`` ends; ``typed``:
        the step is ``eval``'d at the prompt, not sourced)."""
        if not self.watching or self.traps_path is None:
            return ""
        text = "\n" + step_trailer(self.sid, self.traps_path, typed)
        self._echo(*self._last_echo, text)
        return text

    def _echo(self, *blocks: str) -> None:
        """What the step file being built echoes under ``set -v`` (``unechoed``)."""
        self._last_echo = blocks
        if "verbose" in self.opts:
            self._echoed.update(blocks)


@functools.lru_cache(maxsize=64)
def _predicted(tail: tuple[str, str], errtrace: bool) -> str:
    """``BashState.predicted_tail`` of a reported ``tail`` (a run of steps reports the same one)."""
    opts = set(tail[0].split(":")) - {"errexit", "errtrace", ""}
    if errtrace:
        opts.add("errtrace")
    return ":".join(sorted(opts)) + " " + tail[1]


def _bash_quote(text: str) -> str:
    """How bash's ``trap -p`` quotes a trap's text."""
    return "'" + text.replace("'", "'\\''") + "'"


def clear_traps_file(path: str | None) -> None:
    """Forget saved traps (a fresh shell has none)."""
    if path is not None:
        try:
            os.unlink(path)
        except OSError:
            pass


def _trap_settings(words: list[str]) -> dict[str, str]:
    """The ``trap -- ACTION SIGNAL`` commands of ``trap -p``'s output, for the trapped signals."""
    found: dict[str, str] = {}
    i = 0
    while i + 4 <= len(words):
        if words[i] == "trap" and words[i + 1] == "--":
            if words[i + 3] in _TRAPPED and words[i + 2] != "-":
                found[words[i + 3]] = words[i + 2]
            i += 4
        else:
            i += 1
    return found


def _without_our_err(err: str, ours: tuple[str, str]) -> str | None:
    """The author's ERR trap inside the one the session wraps around it (None: only ours)."""
    head, tail = ours
    if err.startswith(head) and err.endswith(tail):
        return err[len(head):len(err) - len(tail)] or None
    return err


def _without(output: Output, line: str, lines: int) -> Output:
    """``output`` without the copies of ``line`` (``lines`` lines long) that start a line of its text."""
    text, found = re.subn(f"(?m)^{re.escape(line)}", "", output.text)
    counts = {k: max(0, v - found * line.count(k)) for k, v in output.counts.items()} if output.truncated else {}
    return Output(text, output.total_bytes - found * len(line.encode()), output.lines - found * lines,
                  output.dropped_bytes, counts)
