"""Ask the document's shell for its variables: which names exist, and the values of some.

Pure text in, text out (the runner sends the scripts through the session). After each
step the runner learns the current value of every shell variable, exported or not,
whose name is secret (``secrets:`` or ``config.SECRET_NAME_RE``), so that a value set
by ``read``, ``source``, ``set -a; . ./.env`` or ``X=$(cat file)`` is masked like an
exported one.

No extra round trip per step in bash: the script (``ask``) runs in the step's own
end-of-step line, after the sentinel, and its answer comes back with it (``learn`` with
``answer``). Other shells get the script as a query of its own after the step. The
script lists the variable names that may be secret (bash: the ``compgen`` builtin, no
process started; other shells: ``set`` through ``sed``) and prints the values of the
secret names already known. Only when a new secret name appears does a second script
ask for its value.

Values travel raw, each in one ``printf`` between a header and a trailer that carry
a fresh nonce (the script holds the nonce only as a separate argument, so its own text
never contains a marker), and so arrive decoded exactly as a step's output would show
them. Tracing (``set -x``) is sent to /dev/null so it cannot interleave. A value
longer than ``MAX_VALUE`` characters is not fetched. Learned values are returned to
the caller only: never logged or written anywhere.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable, Mapping, NamedTuple

from runbook.lazyre import lazy
from runbook.run import tokens
from runbook.run.shell_lines import ANSWER_END, ASK_ARGS, END_ARG, FLAG_ARG, names_listing

MAX_VALUE = 1_000_000
_NAME = lazy(r"[A-Za-z_][A-Za-z0-9_]*")
#: One record: its nonce (group 1, the same at both ends), name and value. One pattern for
#: every nonce: compiling one per step cost ~0.3 ms a step.
_RECORD = lazy(r"\n__RB_V([0-9A-Za-z]+)=([A-Za-z_][A-Za-z0-9_]*)\n(.*?)\n__RB_V\1;", re.DOTALL)
_LISTED = lazy(r"^([A-Za-z_][A-Za-z0-9_]*)(?:=|\r?$)", re.MULTILINE)
def name_filter(pattern: str) -> str:
    """A glob matching at least every name ``pattern`` (an ``A|B|C`` list of words, searched
    case-insensitively) matches: the words' first four letters (three if a word is that
    short), as bracket classes. The shell lists only those names (few bytes over the pty,
    none of a usual environment's); the caller applies ``pattern``."""
    words = pattern.split("|")
    if not all(re.fullmatch(r"[A-Za-z0-9_]{3,}", w) for w in words):
        return ""
    size = 4 if all(len(w) >= 4 for w in words) else 3
    classes = ("".join(sorted({c for w in words for c in (w[i].upper(), w[i].lower())})) for i in range(size))
    return "".join(f"[{c}]" for c in classes)


def name_filters(pattern: str) -> str:
    """``EXACT COARSE`` for ``shell_lines.names_listing``: an extglob taking just the names
    ``pattern`` (an ``A|B|C`` list of words, searched case-insensitively) takes, a letter a
    bracket class, and ``name_filter``'s glob; ``""`` when ``pattern`` is not such a list."""
    coarse = name_filter(pattern)
    if not coarse:
        return ""
    words = ("".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in w) for w in pattern.split("|"))
    return f"@({'|'.join(words)}) {coarse}"


def _both(body: str, glob: str) -> str:
    """``body`` for bash (builtins only: ``compgen``, and ``builtin printf``, which a function
    named printf cannot replace) and for other shells (``set`` through ``sed``). compgen
    fails when nothing matches: ``enable compgen`` tells that from a bash without it."""
    sed = f"\\sed -n 's/^\\([A-Za-z0-9_]*{glob}[A-Za-z0-9_]*\\)=.*/\\1/p'"
    cg = f"\\builtin compgen -v -X '!*{glob}*'" if glob else "\\builtin compgen -v"
    bash = body.replace("@PRINTF", "\\builtin printf").replace(
        "@LIST", f"{cg} 2>/dev/null || \\builtin enable compgen 2>/dev/null || \\set | {sed}")
    posix = body.replace("@PRINTF", "\\printf").replace("@LIST", f"\\set | {sed}")
    return f'{{ if [ -n "${{BASH_VERSION-}}" ]; then\n{bash}\nelse\n{posix}\nfi\n}} 2>/dev/null\n'


def _record(nonce: str, name: str) -> str:
    return (f'[ -n "${{{name}+x}}" ] && [ "${{#{name}}}" -le {MAX_VALUE} ] && '
            f"@PRINTF '\\n__RB_V%s=%s\\n%s\\n__RB_V%s;' {nonce} {name} \"${{{name}-}}\" {nonce}")


def names_script(nonce: str, known: Iterable[str], glob: str = "") -> str:
    """List the variable names that match ``glob`` (every name if empty), then print the
    values of ``known`` names."""
    names = sorted(n for n in known if _NAME.fullmatch(n))
    return _both("\n".join(["@LIST", f"@PRINTF '\\n__RB_V%s.\\n' {nonce}", *(_record(nonce, n) for n in names)]), glob)


def _folded_record(nonce: str, name: str) -> str:
    return (f'[[ -n ${{{name}+x}} ]] && [[ ${{#{name}}} -le {MAX_VALUE} ]] && '
            f"\\builtin printf '\\n__RB_V%s=%s\\n%s\\n__RB_V%s;' {nonce} {name} \"${{{name}-}}\" {nonce}")


class Ask(NamedTuple):
    """What the next bash step's end-of-step line runs after its sentinel, and the room
    (characters) its answer may take."""

    script: str
    room: int
    nonce: str = ""
    """The nonce of the answer's records (``Learner.use``)."""
    asked: frozenset[str] = frozenset()
    """The names whose values the script prints."""


def folded_script(nonce: str, known: Iterable[str], glob: str = "", extra: str = "") -> str:
    """``names_script`` for bash's end-of-step line (one line, keywords and ``\\builtin``
    only: it runs after the step, at the top level, outside posix mode), ending with the
    answer's end (``END_ARG``: the session puts the step's nonce there). The nonces are
    only ever arguments, never in the format text. ``extra`` (one line of bash, its own
    markers) runs after the values, before the end. ``glob``: ``name_filters``' text."""
    names = sorted(n for n in known if _NAME.fullmatch(n)) if known else []
    if not names and not extra and glob:  # the usual case: ``__rb_p`` lists the names itself
        return f"{ASK_ARGS}'{glob}' {nonce}"
    # FLAG_ARG (the session's ``__rb_n<sid>``) is set when a name was listed: ``batch_guard``
    exact, _, coarse = glob.partition(" ")
    listing = f"{{ {names_listing(exact, coarse, FLAG_ARG)}; }}"
    if not names and not extra:  # the end of the list and of the answer in one write
        return f"{listing}; \\builtin printf '\\n__RB_V%s.\\n{ANSWER_END}' {nonce} {END_ARG}"
    parts = [listing, f"\\builtin printf '\\n__RB_V%s.\\n' {nonce}", *(_folded_record(nonce, n) for n in names),
             *([extra] if extra else []), f"\\builtin printf '{ANSWER_END}' {END_ARG}"]
    return "; ".join(parts)


def values_script(nonce: str, names: Iterable[str]) -> str:
    """Print the values of ``names`` only."""
    return _both("\n".join([":", *(_record(nonce, n) for n in sorted(names) if _NAME.fullmatch(n))]), "")


def parse_names(text: str, nonce: str) -> set[str] | None:
    """The variable names listed before the end-of-list marker (``None``: no marker seen)."""
    head, sep, _ = text.partition(f"\n__RB_V{nonce}.\n")
    if not sep:
        return None
    return set(_LISTED.findall(head))


def parse_values(text: str, nonce: str) -> Mapping[str, str]:
    """``name -> value`` of every complete record in ``text``."""
    if f"\n__RB_V{nonce}=" not in text:
        return {}
    return {m.group(2): m.group(3) for m in _RECORD.finditer(text) if m.group(1) == nonce}


Query = Callable[[str, int], str]
"""Runs a script in the shell (with room for this many characters of output), returns its output."""


class Learner:
    """Which secret names the shell held after the last step, and how to ask for their values."""

    def __init__(self, name_re: re.Pattern[str], listed: Iterable[str] = ()) -> None:
        self._re = name_re
        self._globs = name_filters(name_re.pattern)
        """``EXACT COARSE`` (``name_filters``): the end-of-step listing takes both, a query the coarse one."""
        self._listed = {n for n in listed if _NAME.fullmatch(n)}
        self._known: set[str] = set()
        self._nonce = ""
        self._asked: frozenset[str] = frozenset()

    def ask(self, extra: str = "", room: int = 0) -> Ask:
        """The script for the next step's end-of-step line (bash); its answer goes to ``learn``.
        ``extra``: more bash for the same answer (see ``folded_script``), ``room`` its size."""
        return self.asks(1, extra, room)[0]

    def asks(self, count: int, extra: str = "", room: int = 0) -> list[Ask]:
        """``count`` asks, as that many calls of ``ask()`` make them (a batch's steps: the
        nonces from one read of the system's source); the next ``learn`` reads the last one's."""
        known = self._known | self._listed
        self._asked, room = frozenset(known), _room(len(known)) + room
        made = [Ask(folded_script(nonce, known, self._globs, extra), room, nonce, self._asked)
                for nonce in tokens.nonces(count)]
        if made:
            self._nonce = made[-1].nonce
        return made

    @property
    def nonce(self) -> str:
        """The nonce of the answer the next ``learn`` reads."""
        return self._nonce

    def use(self, ask: Ask) -> None:
        """The next ``learn`` reads the answer of ``ask`` (made earlier, for a batch of steps)."""
        self._nonce, self._asked = ask.nonce, ask.asked

    def knows(self) -> bool:
        """Whether a secret name is known (declared, or held by the shell after the last step)."""
        return bool(self._known or self._listed)

    def current(self, ask: Ask) -> bool:
        """Whether ``ask`` still asks for every secret name known now."""
        return ask.asked == self._known | self._listed

    def learn(self, query: Query, answer: str | None = None) -> list[str]:
        """The current values of every secret variable of the shell (empty when it did not answer).

        ``answer``: the output of the last ``ask`` script (``None``: ask now, through ``query``)."""
        if answer is None:
            nonce = tokens.token_hex(8)
            asked = self._known | self._listed
            text = query(names_script(nonce, asked, self._globs.partition(" ")[2]), _room(len(asked)))
        else:
            nonce, text, asked = self._nonce, answer, set(self._asked)
        names = parse_names(text, nonce)
        if names is None:
            return []
        found = dict(parse_values(text, nonce))
        wanted = {n for n in names if self._re.search(n)} | (found.keys() & self._listed)
        new = wanted - asked  # names whose values the script did not print
        if new:
            nonce = tokens.token_hex(8)
            found.update(parse_values(query(values_script(nonce, new), _room(len(new))), nonce))
        self._known = wanted - self._listed
        return [v for n, v in found.items() if n in wanted]


def _room(values: int) -> int:
    return 2 * MAX_VALUE * (values + 1)
