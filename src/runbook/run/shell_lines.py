"""The exact lines of shell the session sends, and the dialog that answers prompts.

Kept apart from the pty handling so the protocol can be read in one place. Every
line ends by printing ``\\n__RB_<nonce>:<number>\\n``; the format string sent is
``__RB_%s:%d`` (an inline line of a batch: ``$'\\n__RB_'<nonce>:``, ``_word``), so the text
we type never equals the text we wait for, even when a remote terminal echoes it.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
from typing import Mapping, Sequence

#: ``shlex.quote``, remembered: a batch quotes the same paths, options and trap texts for every line.
quote = functools.lru_cache(maxsize=1024)(shlex.quote)

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


def step_line(nonce: str, path: str, *, stdin_null: bool, remote: bool, dot: str = ".") -> str:
    """zsh and other POSIX shells: source the step file (``path`` already quoted), print
    its status. ``dot`` is ``command .`` for dash, where a syntax error in a plain ``.``
    file aborts the whole input line, sentinel included."""
    stdin = " </dev/null" if stdin_null else ""
    tty = "stty -echo 2>/dev/null; " if remote else ""
    report = _print(nonce, '"$__rb_rc"')
    return f"{dot} {path}{stdin}; {{ __rb_rc=$?; {tty}{report}; }} 2>/dev/null\n"


#: Posix mode on (special builtins before functions), unless the user made the variable
#: readonly: assigning it then would abort the whole typed line.
_POSIX_ON = "[[ ${POSIXLY_CORRECT[@]@a} == *r* ]] || POSIXLY_CORRECT=y"
_B = "\\builtin "
#: The builtins the protocol calls, enabled again after a step (``enable -n trap`` would
#: otherwise break every later step's errexit and end-of-step line).
_ENABLE = "enable builtin trap printf set shopt unset readonly return . exit; "
#: What ``__rb_t<sid> NONCE NUMBER [CLOSE]`` prints: a sentinel, and with ``CLOSE`` ``ANSWER_END``.
_TEXT = f"{{ {_B}printf '\\n__RB_%s:%s\\n' \"$1\" \"$2\"; [[ -z ${{3-}} ]] || {_B}printf '\\n__RB_%s!\\n' \"$1\"; }}"
#: Traps saved by the post line: none (0), appended to the file (1), the file anew (2).
NO_TRAPS, APPEND_TRAPS, FRESH_TRAPS = "0", "1", "2"


def _save_traps(traps: str | None, mode: str = ">|", call: str = "\\") -> str:
    r"""Save the DEBUG/RETURN/ERR traps to ``traps`` and clear them. Inline, never in a
    function: there bash hides the DEBUG and RETURN traps. ``call`` goes before ``trap``
    (``\`` in posix mode: the special builtin). The folder is checked first: a failed
    redirection of a special builtin in posix mode ends the shell, and the step may have
    removed runbook's folder."""
    if traps is None:
        return f"{call}trap - ERR; "
    folder = shlex.quote(os.path.dirname(traps))
    return (f"[[ -d {folder} ]] && {call}trap -p DEBUG RETURN ERR {mode}{shlex.quote(traps)}; "
            f"{call}trap - DEBUG RETURN ERR; ")


def names_listing(exact: str, coarse: str, flag: str, q: str = "'") -> str:
    """bash listing the variable names that hold ``exact`` (all names when empty), one a line,
    and setting ``flag`` when it listed one (``batch_guard``: a listed name ends a batch).
    ``exact`` is an extglob that takes just the names the session's pattern takes
    (``shellvars.name_filters``), so no name that only looks like a secret (``*_PASSENV``) ends
    a batch: extglob is on for ``compgen`` only, the user's setting put back at once. A bash
    without ``compgen`` lists through ``set`` and ``sed`` the names holding ``coarse`` (a
    bracket glob: the session applies its pattern) and sets ``flag``. Both are shell text
    inside ``q`` quotes."""
    sed = f"\\sed -n {q}s/^\\([A-Za-z0-9_]*{coarse}[A-Za-z0-9_]*\\)=.*/\\1/p{q}"
    if not exact:
        return f"{flag}=; if \\builtin compgen -v; then {flag}=1; elif ! \\builtin enable compgen; then " \
               f"\\builtin set | {sed}; {flag}=1; fi"
    on = f"[[ ${flag} ]] && \\builtin shopt -u extglob"
    return (f"{flag}=; \\builtin shopt -q extglob || {{ {flag}=x; \\builtin shopt -s extglob; }}; "
            f"if \\builtin compgen -v -X {q}!*{exact}*{q}; then {on}; {flag}=1; else {on}; {flag}=; "
            f"\\builtin enable compgen || {{ \\builtin set | {sed}; {flag}=1; }}; fi")


def _listing(sid: str) -> str:
    """The common secret query (``ASK_ARGS``), in ``__rb_p``: the names matching the globs ``$3``
    (``EXACT COARSE``: ``names_listing``),
    then the end of the list (nonce ``$4``) and of the answer (the step's nonce ``$1``); with a
    fifth argument (``pure_check`` passed: the step changed no variable), the answer's end only.
    ``__rb_n<sid>`` is set when a name was listed (the batch's next line then does not run
    before the session has asked for its value: ``batch_guard``)."""
    n = f"__rb_n{sid}"
    return (f"if (( $# > 3 )); then {n}=; if [[ ${{5-}} ]]; then \\builtin printf '\\n__RB_%s!\\n' \"$1\"; "
            f"else {{ {names_listing('${3%% *}', '${3#* }', n, chr(34))}; }} 2>/dev/null; "
            "\\builtin printf '\\n__RB_V%s.\\n\\n__RB_%s!\\n' \"$4\" \"$1\"; fi; fi")


#: What starts an ``ask`` that is only arguments of ``__rb_p`` (``GLOB LIST_NONCE``, shell-quoted).
ASK_ARGS = "@RB_ARGS "


def bash_functions(sid: str) -> str:
    r"""runbook's two bash functions, defined once at start-up and made ``readonly -f``.

    They are parsed before any step ran, so no alias of the document reaches them, and
    a step cannot redefine or remove them; their names carry the session's random
    ``sid``, so no document can name their variables in advance (``readonly``). Posix
    mode is on when they run (special builtins before functions; a function named
    ``builtin`` is gone). ``__rb_p<sid> NONCE STATUS`` ends a step: ``-e -v -x -E`` and
    history off, alias expansion off (the next typed line is parsed without the step's
    aliases), prompt hooks unset, then the sentinel with the options, to the terminal:
    bash's own descriptor 255 if it is still one, else ``/dev/tty`` (a step's ``exec
    >/dev/null`` cannot hide it); the options it reported stay in ``__rb_l<sid>`` for
    the guard of the next line of a batch (``batch_guard``). With two more arguments
    (``GLOB LIST_NONCE``: an ``ask`` of ``ASK_ARGS``) it also lists the variable names
    matching ``GLOB`` after the sentinel, in the same write target (the usual secret query:
    no second redirection, test of the terminal or parse of a script per step, ~35 us of
    bash a step). ``__rb_e<sid>`` starts runbook's ERR trap. ``__rb_w<sid>`` keeps the
    options as the step left them. ``__rb_t<sid> NONCE NUMBER [CLOSE]`` prints a sentinel
    (with ``CLOSE``, and ``ANSWER_END``) to the terminal as ``__rb_p`` does: the "not run"
    markers, and an inline line's sentinel when bash's stdout is not the terminal
    (``inline_line``), in a few words of a batch line.
    """
    w, v, l = (f"__rb_{c}{sid}" for c in "wvl")
    sentinel = f"\\builtin printf '\\n__RB_%s:%d %s\\n' \"$1\" \"$2\" \"${l}\"; {_listing(sid)}"
    return (
        f"__rb_p{sid}() {{ {l}=\"${{{w}-$SHELLOPTS}} $BASHOPTS\"; "
        f"[[ ${{POSIXLY_CORRECT[@]@a}} == *r* ]] || unset POSIXLY_CORRECT; "
        f"\\builtin set +Eevx +o history; \\builtin shopt -u expand_aliases; "
        f"\\builtin unset PS0 PS1 PS2 PROMPT_COMMAND {w} {v} __rb_s{sid} __rb_u{sid}; "
        f"{_to_terminal(f'{{ {sentinel}; }}')}; }}; "
        f"__rb_e{sid}() {{ {v}=$? {w}=${{{w}-$SHELLOPTS}}; {_POSIX_ON}; \\set +ex; }}; "
        f"__rb_t{sid}() {{ {_to_terminal(_TEXT)} 2>/dev/null; }}; "
        f"readonly -f __rb_p{sid} __rb_e{sid} __rb_t{sid}"
    )


@functools.lru_cache(maxsize=256)
def err_trap(sid: str, traps: str | None, user: str | None = None, depth: int = 0) -> tuple[str, str]:
    r"""ERR trap giving ``set -e`` semantics to one sourced step without exiting the shell,
    as (head, tail): the trap's text is ``head + tail``, or with the user's own ERR trap
    ``head + user + tail`` (the user's commands see the failing ``$?``).

    Inside a function or file the step calls (``set -E`` passes the trap on) it returns
    the failing status; the call then fails in the step file, where, with ``traps``
    (watched), the traps are saved first. At the interactive top level it only turns
    ``-e`` off, so the shell survives ``set -e`` (and puts ``-x`` back: ``__rb_e`` turns it
    off, so that none of runbook's commands is traced). Safe under ``set -u`` (no unset array
    is counted); in posix mode (set by ``__rb_e``) a quoted ``\return`` is neither an
    alias nor a function. ``depth``: how many files source the step file (1 in a batch,
    ``batch_guard``): the batch file's own level then counts as the top level.
    """
    v, x_on = f"__rb_v{sid}", f"[[ $__rb_w{sid} == *xtrace* ]] && \\builtin set -x"
    again = f"{{ {x_on}; (\\exit ${v}); }} 2>/dev/null\n" if user is not None else ""
    head = f"{{ __rb_e{sid}; }} >/dev/null 2>&1\n{again}"
    save = f"{{ {_save_traps(traps)}}} >/dev/null 2>&1; " if traps else ""
    x_off = "{ \\builtin set +x; } 2>/dev/null; " if user is not None else ""
    tail = (f"\n{x_off}[[ ${{FUNCNAME[0]+f}}${{BASH_SOURCE[{1 + depth}]+n}} ]] && \\return ${v}; "
            f"[[ ${{BASH_SOURCE[{depth}]+s}} ]] && {{ {save}\\return ${v}; }}; {x_on}")
    return head, tail


def step_trailer(sid: str, traps: str, typed: bool = False) -> str:
    """The step file's last line, when traps are watched: save and clear them before
    runbook's ``.`` ends (a RETURN trap would fire on it), then ``return`` the status
    (``typed``, run by ``eval`` at the prompt where ``return`` is an error: a subshell exits
    with it). The protocol's builtins are enabled again first (the step may have run
    ``enable -n trap``), ``-x`` is off (the ``return`` is not traced), and nothing in it
    can fire the ERR trap (``|| :``)."""
    v, w = f"__rb_v{sid}", f"__rb_w{sid}"
    end = f"( \\exit ${v} )" if typed else f"\\return ${v}"
    return (f"{{ {v}=$? {w}=${{{w}-$SHELLOPTS}}; {_POSIX_ON}; \\set +x; unset -f enable; {_ENABLE}{_save_traps(traps)}}} "
            f">/dev/null 2>&1 || :; {end}\n")


def bash_post(nonce: str, sid: str, *, value: str = "$?", traps: str | None = None,
              mode: str = NO_TRAPS, ask: str = "", pure: bool = False) -> str:
    """What runs right after a step: the status and options kept, posix mode on, functions
    named ``builtin`` or ``enable`` removed, the protocol's builtins enabled again, runbook's ERR trap cleared (with ``mode``, all
    traps saved to ``traps`` and cleared), then one call of ``__rb_p<sid>``. All of it
    at the top level (in a function a failing special builtin would abort it); its
    output (a DEBUG trap of the step firing on it) goes nowhere. ``ask`` (one line of
    bash) runs after the sentinel, its output to the terminal like the sentinel's and
    ended by ``answer_end(nonce)``: the step's own round trip brings its answer back
    (``shellvars.folded_script``)."""
    s, w = f"__rb_s{sid}", f"__rb_w{sid}"
    keep = _save_traps(traps if mode != NO_TRAPS else None, ">|" if mode == FRESH_TRAPS else ">>",
                       call=_B)
    args = ""
    if ask.startswith(ASK_ARGS):  # the common query: run by __rb_p itself, after the sentinel
        args, ask = " " + ask[len(ASK_ARGS):] + (f' "${{__rb_u{sid}-}}"' if pure else ""), ""
    return (f"{{ {s}={value} {w}=${{{w}-$SHELLOPTS}}; {_POSIX_ON}; unset -f builtin enable; {_ENABLE}{keep}"
            f"__rb_p{sid} {nonce} \"${s}\"{args}; {_asked(nonce, sid, ask)}}} >/dev/null 2>&1")


#: The ``printf`` format that ends an ``ask``'s answer, and where its argument (the step's nonce) goes.
ANSWER_END, END_ARG = "\\n__RB_%s!\\n", "@RB_END"
#: Where an ``ask`` names the variable set when its listing printed a name (``batch_guard``).
FLAG_ARG = "@RB_FLAG"


def answer_end(nonce: str) -> bytes:
    """What ends the answer of a post line's ``ask`` (after the sentinel of ``nonce``)."""
    return b"\n__RB_" + nonce.encode() + b"!"


def _asked(nonce: str, sid: str, ask: str) -> str:
    """``ask`` (ending with ``ANSWER_END`` of ``END_ARG``), output to bash's descriptor 255
    if it is a terminal, else /dev/tty."""
    if not ask:
        return ""
    t = f"__rb_t{sid}"
    return (f"if [[ -t 255 ]]; then {t}=/dev/fd/255; else {t}=/dev/tty; fi; "
            f"{{ {ask.replace(END_ARG, nonce).replace(FLAG_ARG, f'__rb_n{sid}')}; }} >\"${t}\" 2>/dev/null; "
            f"\\builtin unset {t}; ")


def bash_step_line(nonce: str, sid: str, path: str, *, prelude: str, stdin_null: bool,
                   traps: str | None = None, mode: str = NO_TRAPS, ask: str = "", typed: bool = False,
                   pure: tuple[str, Sequence[str]] | None = None) -> str:
    r"""Source the step file (``path`` already quoted) with ``\builtin .`` (a function
    named ``.`` is not called) after ``prelude`` (posix mode, aliases back on), then the post.

    ``typed``: ``\builtin eval`` of the file's text instead, so bash runs it as typed at its
    prompt: a sourced file is not interactive, and a POSIX-mode bash exits on a failed
    special builtin (``exec {fd}>&-``) there, but not at its prompt (byexample's shell)."""
    stdin = " </dev/null" if stdin_null else ""
    run = f'\\builtin eval "$(< {path})"' if typed else f"\\builtin . {path}"
    check = pure_check(sid, *pure) if pure is not None and ask.startswith(ASK_ARGS) else ""
    post = bash_post(nonce, sid, traps=traps, mode=mode, ask=ask, pure=bool(check))
    return f"{check}{prelude}{run}{stdin}; {post}\n"


def pure_check(sid: str, scratch: str, names: Sequence[str]) -> str:
    """Before a step that cannot change a variable (``run.pure``): ``__rb_u<sid>`` is set if
    bash confirms it: no trap is set, no alias at all, and no function of the step's
    ``names`` (``trap -p``, ``alias`` and ``declare -F`` all print nothing into ``scratch``;
    a failed write confirms nothing). Checked before the step: a pure step sets no trap,
    alias or function, and a trap that removes itself when it fires would be gone after it."""
    return f"__rb_u{sid}=; {_nothing_in_the_way(scratch, names)} && __rb_u{sid}=1; "


def _nothing_in_the_way(scratch: str, names: Sequence[str]) -> str:
    """bash that succeeds when no trap, no alias and no function of ``names`` exists: ``trap -p``,
    ``alias`` and ``declare -F`` print nothing into ``scratch`` (a failed write confirms nothing)."""
    f = quote(scratch)
    return (f"{{ \\builtin trap -p; \\builtin alias; \\builtin declare -F -- {' '.join(quote(n) for n in names)}; :; }} "
            f"2>/dev/null >|{f} && [[ ! -s {f} ]]")


def _to_terminal(command: str) -> str:
    """``command`` with its output to bash's descriptor 255 if it is still the terminal, else
    ``/dev/tty`` (a step's ``exec >/dev/null`` cannot hide it)."""
    return f"if [[ -t 255 ]]; then {command} >&255; else {command} >/dev/tty; fi"


def _not_run(sid: str, mark: str, number: int) -> str:
    """Print the "not run" marker ``mark`` with ``number`` and return from the batch file."""
    return f"{{ __rb_t{sid} {mark} {number}; {_B}return 0; }}; "


def _word(nonce: str, rest: str, close: bool = False) -> str:
    r"""One shell word of ``\n__RB_<nonce><rest>\n`` (``rest``: shell text), and with ``close``
    ``ANSWER_END``'s ``\n__RB_<nonce>!\n`` after it: ``printf %s`` writes it in one go (a
    format's own newlines are a write each to a line-buffered terminal). Its text holds a quote
    between ``__RB_`` and the nonce: never the text waited for."""
    end = f"$'\\n\\n__RB_'{nonce}$'!\\n'" if close else "$'\\n'"
    return f"$'\\n__RB_'{nonce}{rest}{end}"


def inline_line(nonce: str, sid: str, code: str, tail: str | None, *, answer: bool) -> str:
    r"""A pure step (``BashState.inline``) as a line of the batch file itself: no step file,
    no preludes, no post. It cannot change an option, a trap, a function, an alias or a
    variable, so the shell stays as the previous step's post left it. The batch's last line
    leaves the options a step file would have reported (``tail``, the session's prediction)
    in ``__rb_l<sid>`` for the first guard of the next batch (no guard after an inline line
    reads them, and a step file's post reports its own; ``None``: not the last line); its
    sentinel carries none (the session knows them). ``answer``: the step's ``ask`` is answered
    with its end only: the names, the values of secret variables and the folder and exports
    recorded for a resume are what the previous step's answer gave (an empty answer changes
    nothing: ``Learner.learn``; ``trial`` records no new state). Its stdin is the batch's
    (``Batch._type`` types the batch file's ``.`` with ``</dev/null``; a step file's
    ``exec 0<...`` ends with its own ``.``). Its sentinel is one write to bash's stdout when the
    run's check found that to be the terminal (``__rb_o<sid>``: no redirection and no test of
    the terminal, 3 system calls a line of ``echo``, not 16), else to the terminal by ``__rb_t<sid>``."""
    s, o = f"__rb_s{sid}", f"__rb_o{sid}"
    keep = "" if tail is None else f" __rb_l{sid}={quote(tail)}"
    word, close = _word(nonce, f':"${s}"', close=answer), " 1" if answer else ""
    return (f"{{ {code.strip()}; }}; {s}=$?{keep}; "
            f"if [[ ${{{o}-}} ]]; then {_B}printf %s {word}; else __rb_t{sid} {nonce} \"${s}\"{close}; fi\n")


def inline_check(sid: str, mark: str, scratch: str, names: Sequence[str]) -> str:
    """What starts the first inline line of a run of them: bash confirms that no trap, alias
    or function of the run's command ``names`` exists (a pure step adds none, so once for the
    run); otherwise the line prints its "not run" marker with the number 1 and the batch
    file returns: the session sends the step again, from a file. Then, once for the run (a
    pure step has no redirection: it changes no descriptor of bash), the flag of the secret
    query is cleared and ``__rb_o<sid>`` is set if the lines' sentinels may go to stdout
    (``inline_line``): descriptor 1 is the same terminal as bash's 255 (``-ef``: both are one
    device), and Linux's ``fdinfo`` shows it open for writing and blocking (a program of the
    run that makes it non-blocking makes 255 so too when, as usual, both are one open file);
    anywhere else, or in any doubt, they go to the terminal as a step file's do."""
    o, y = f"__rb_o{sid}", f"__rb_y{sid}"
    flags = f"(8#${y} & 04003)"  # O_NONBLOCK and the access mode
    return (f"{_nothing_in_the_way(scratch, names)} || {_not_run(sid, mark, 1)}__rb_n{sid}= {o}=; "
            f"[[ -t 255 && /dev/fd/1 -ef /dev/fd/255 ]] && {{ {_B}mapfile -t -n 2 {y} </proc/self/fdinfo/1; }} "
            f"2>/dev/null && {y}=${{{y}[1]-}} && [[ ${y} == flags:$'\\t'0* ]] && {y}=${{{y}#flags:?}} "
            f"&& [[ ${y} != *[!0-7]* ]] && (( {flags} == 1 || {flags} == 2 )) && {o}=1; {_B}unset {y}; ")


def batch_guard(sid: str, token: str, expected: str, mark: str, after_inline: bool = False) -> str:
    r"""What starts every line of a batch but the first: the line runs only while the
    ``token`` file exists (the session deletes it before it stops a timed-out or
    interrupted step), the previous step reported the options the session ``expected``
    when it built this line's preludes, and its secret query listed no name (the session
    asks for the value before the next step runs: a step may unset it). Otherwise it prints the sentinel of ``mark`` (the
    "not run" marker) and returns from the batch file: no later line runs. ``after_inline``:
    the previous line was an ``inline_line``, which changes no option (its run's first line
    cleared the flag): the token is all there is to check."""
    state = "" if after_inline else f" && ${{__rb_l{sid}-}} == {quote(expected)} && -z ${{__rb_n{sid}-}}"
    return f"[[ -e {quote(token)}{state} ]] || {_not_run(sid, mark, 0)}"


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
