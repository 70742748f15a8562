"""Shell-level lint rules: copy-paste hazards (RB4xx) and variables used but never set (RB502).

A small lexer labels every character of a command with its context -- code,
single-quoted, double-quoted, comment, heredoc body (expanded or literal) -- so
the rules can tell ``echo “x”`` (a hazard) from ``echo 'it’s'`` (text), and
``$HOME`` in ``awk '{print $NF}'`` (not a variable) from ``"$TOKEN"`` (one).
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Iterator

CODE, SINGLE, DOUBLE, COMMENT, HEREDOC, LITERAL_HEREDOC, ESCAPED = "c", "s", "d", "#", "h", "H", "e"
STRIPPED_TAB = "t"
"""Context labels, one per character (``t``: a leading tab of a ``<<-`` body line, which bash strips)."""

_HEREDOC_RE = re.compile(r"<<(-?)[ \t]*(['\"]?)([A-Za-z_][A-Za-z0-9_.-]*)\2")
_WORD_START = " \t\n;|&()"


#: A character that can start a context other than code (without one, all is code).
_CONTEXT_START = re.compile(r"[\\'\"`#<]")


def label(text: str) -> str:
    """One context label per character of ``text`` (see the constants above)."""
    if _CONTEXT_START.search(text) is None:  # most commands: no lexing (~30 µs a step)
        return CODE * len(text)
    return _Lexer(text).run()


class _Lexer:
    """The labelling pass: one method per context, each returning where to go on."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.n = len(text)
        self.out = [CODE] * len(text)
        self.stack: list[list[object]] = [["code", 0]]  # frames: ["code", paren depth] | ["dq"] | ["bq"]
        self.pending: list[tuple[str, bool, bool]] = []  # heredocs opened on this line: word, strip tabs, quoted

    def run(self) -> str:
        i = 0
        while i < self.n:
            ch = self.text[i]
            mode = self.stack[-1][0]
            if ch == "\n":
                i = self._newline(i, mode)
            elif mode == "dq":
                i = self._double(i, ch)
            else:
                i = self._code(i, ch, mode)
        return "".join(self.out)

    def _newline(self, i: int, mode: object) -> int:
        self.out[i] = DOUBLE if mode == "dq" else CODE
        i += 1
        if self.pending and mode != "dq":
            i = _heredoc_bodies(self.text, i, self.pending, self.out)
            self.pending = []
        return i

    def _double(self, i: int, ch: str) -> int:
        self.out[i] = DOUBLE
        if ch == "\\" and i + 1 < self.n:
            self.out[i + 1] = ESCAPED
            return i + 2
        if ch == '"':
            self.stack.pop()
        elif ch == "$" and self.text.startswith("$(", i) and not self.text.startswith("$((", i):
            self.stack.append(["code", 0])
            return i + 2
        elif ch == "`":
            self.stack.append(["bq"])
        return i + 1

    def _code(self, i: int, ch: str, mode: object) -> int:
        """Code or a backtick command substitution."""
        text = self.text
        if ch == "\\" and i + 1 < self.n:
            self.out[i + 1] = ESCAPED if text[i + 1] != "\n" else CODE
            return i + 2
        if ch == "'" or (ch == "$" and text.startswith("$'", i)):
            return self._single(i, ch)
        if ch == '"':
            self.out[i] = DOUBLE
            self.stack.append(["dq"])
            return i + 1
        if ch == "`":
            self._backtick(mode)
            return i + 1
        if ch == "#" and (i == 0 or text[i - 1] in _WORD_START):
            return self._comment(i)
        end = self._heredoc_start(i) if ch == "<" else None
        if end is not None:
            return end
        if mode == "code":
            self._paren(ch)
        return i + 1

    def _backtick(self, mode: object) -> None:
        if mode == "bq":
            self.stack.pop()
        else:
            self.stack.append(["bq"])

    def _single(self, i: int, ch: str) -> int:
        j = i + (2 if ch == "$" else 1)
        while j < self.n and self.text[j] != "'":
            j += 2 if (ch == "$" and self.text[j] == "\\") else 1
        for k in range(i, min(j + 1, self.n)):
            self.out[k] = SINGLE
        return j + 1

    def _comment(self, i: int) -> int:
        j = self.text.find("\n", i)
        j = self.n if j < 0 else j
        for k in range(i, j):
            self.out[k] = COMMENT
        return j

    def _heredoc_start(self, i: int) -> int | None:
        text = self.text
        if not text.startswith("<<", i) or text.startswith("<<<", i) or (i > 0 and text[i - 1] == "<"):
            return None
        m = _HEREDOC_RE.match(text, i)
        if not m:
            return None
        self.pending.append((m.group(3), m.group(1) == "-", bool(m.group(2))))
        return m.end()

    def _paren(self, ch: str) -> None:
        frame = self.stack[-1]
        if ch == "(":
            frame[1] = int(str(frame[1])) + 1
        elif ch == ")":
            depth = int(str(frame[1]))
            if depth == 0 and len(self.stack) > 1:
                self.stack.pop()
            else:
                frame[1] = max(0, depth - 1)


def _heredoc_bodies(text: str, i: int, pending: list[tuple[str, bool, bool]], out: list[str]) -> int:
    """Label the bodies of the heredocs opened on the previous line; return where code resumes."""
    n = len(text)
    for word, strip_tabs, quoted in pending:
        while i < n:
            j = text.find("\n", i)
            j = n if j < 0 else j
            line = text[i:j]
            tag = LITERAL_HEREDOC if quoted else HEREDOC
            for k in range(i, min(j + 1, n)):
                out[k] = tag
            lead = len(line) - len(line.lstrip("\t")) if strip_tabs else 0
            for k in range(i, i + lead):
                out[k] = STRIPPED_TAB  # `<<-` exists for these tabs: required, not a hazard
            i = j + 1
            if (line.lstrip("\t") if strip_tabs else line).rstrip() == word:
                break
    return min(i, n)


# -- copy-paste hazards ----------------------------------------------------------
SMART_QUOTES = "\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033"
INVISIBLE = {
    "\u00a0": "non-breaking space", "\u202f": "narrow non-breaking space", "\u2007": "figure space",
    "\u200b": "zero-width space", "\u200c": "zero-width non-joiner", "\u200d": "zero-width joiner",
    "\u2060": "word joiner", "\ufeff": "zero-width no-break space (BOM)", "\u00ad": "soft hyphen",
}
_HAZARD_CHAR = re.compile("[" + re.escape(SMART_QUOTES + "".join(INVISIBLE) + "\t") + "]")
"""A character :func:`_character_hazards` reports in some context (without one: nothing to report)."""
_DASH_OPTION = re.compile(r"(?:(?<=[\s=])|^)([\u2010\u2011\u2012\u2013\u2014\u2015\u2212]+-?)(?=[A-Za-z])")
_PROMPT = re.compile(r"^[ \t]*\$ \S")


@dataclass(frozen=True)
class Hit:
    """One finding inside a command: 0-based line/column relative to the command text."""

    line: int
    col: int
    code: str
    message: str
    hint: str


def _positions(text: str) -> Iterator[tuple[int, int, int]]:
    """(index in text, line, column) for every character."""
    line = col = 0
    for i, ch in enumerate(text):
        yield i, line, col
        if ch == "\n":
            line, col = line + 1, 0
        else:
            col += 1


class _Hits:
    """Hits in order, at most one per hazard kind per line."""

    def __init__(self) -> None:
        self.hits: list[Hit] = []
        self.seen: set[tuple[str, int]] = set()

    def add(self, line: int, col: int, code: str, message: str, hint: str) -> None:
        if (code, line) not in self.seen:
            self.seen.add((code, line))
            self.hits.append(Hit(line, col, code, message, hint))


_LINE_MARKS = re.compile("[\u2010-\u2015\u2212$\\\\]")
"""What a line hazard needs: a dash used as a hyphen (RB403), a ``$`` prompt (RB404), a backslash (RB405)."""


def hazards(text: str, transcript: bool) -> list[Hit]:
    """RB401..RB406 in one command's text (one hit per hazard kind per line)."""
    if _HAZARD_CHAR.search(text) is None and _LINE_MARKS.search(text) is None:
        return []  # none of the characters a hazard is made of (most commands): no lexing
    return _hazards_in(text, transcript)


def _hazards_in(text: str, transcript: bool) -> list[Hit]:
    ctx = label(text)
    out = _Hits()
    lines = text.split("\n")
    starts = [0]
    for ln in lines[:-1]:
        starts.append(starts[-1] + len(ln) + 1)
    _character_hazards(text, ctx, out)
    for k, ln in enumerate(lines):
        _line_hazards(k, ln, ctx, starts[k], transcript, out)
    body = [k for k, ln in enumerate(lines) if ln.strip()]
    if body:
        last = lines[body[-1]].rstrip()
        end = starts[body[-1]] + len(last) - 1
        if last.endswith("\\") and not last.endswith("\\\\") and ctx[end] == CODE:
            out.add(body[-1], len(last) - 1, "RB405", "trailing backslash at the end of the block: "
                    "the pasted command waits for another line", "remove the backslash or finish the command")
    return out.hits


def _character_hazards(text: str, ctx: str, out: _Hits) -> None:
    if _HAZARD_CHAR.search(text) is None:
        return  # no smart quote, invisible character or tab: nothing to report (most commands)
    for i, line_no, col in _positions(text):
        ch, where = text[i], ctx[i]
        if ch in SMART_QUOTES and where in (CODE, ESCAPED):
            out.add(line_no, col, "RB401", f"smart quote {ch!r} in a command: the shell does not read it as a quote",
                    "replace it with a straight quote (' or \")")
        elif ch in INVISIBLE and where != COMMENT:
            out.add(line_no, col, "RB402", f"{INVISIBLE[ch]} (U+{ord(ch):04X}) in a command",
                    "retype it as a plain space (or delete it); it is invisible but breaks the command")
        elif ch == "\t" and where in (HEREDOC, LITERAL_HEREDOC):
            out.add(line_no, col, "RB406", "tab inside a heredoc: pasted into a terminal it triggers completion",
                    "indent the heredoc body with spaces")


def _line_hazards(k: int, ln: str, ctx: str, start: int, transcript: bool, out: _Hits) -> None:
    for m in _DASH_OPTION.finditer(ln):
        if ctx[start + m.start(1)] == CODE:
            word = ln[m.start(1):].split()[0]
            kind = "en dash" if word[0] == "\u2013" else "em dash" if word[0] == "\u2014" else "dash"
            out.add(k, m.start(1), "RB403", f"{kind} used as an option hyphen in {word!r}",
                    "type options with ASCII hyphens (--force, -f)")
    if not transcript and _PROMPT.match(ln) and ctx[start + ln.index("$")] == CODE:
        out.add(k, ln.index("$"), "RB404", "'$ ' prompt in a command block: it would run '$' as a command",
                "remove the prompt, or make the whole block a transcript (every command after '$ ')")


# -- variables ----------------------------------------------------------------------
COMMON_VARIABLES = frozenset({
    "HOME", "PATH", "USER", "PWD", "SHELL", "TERM", "LANG", "HOSTNAME", "RANDOM", "SECONDS", "UID",
    "OLDPWD", "EUID", "PPID", "IFS", "LINENO", "REPLY", "BASH", "BASHPID", "BASH_SOURCE", "BASH_VERSION",
    "BASH_REMATCH", "FUNCNAME", "PIPESTATUS", "GROUPS", "OSTYPE", "HOSTTYPE", "MACHTYPE", "SHLVL",
    "LOGNAME", "TMPDIR", "EDITOR", "VISUAL", "PAGER", "DISPLAY", "COLUMNS", "LINES", "LC_ALL",
    "LC_CTYPE", "OPTARG", "OPTIND", "EPOCHSECONDS", "EPOCHREALTIME", "SRANDOM", "BASH_ARGV",
    "HISTFILE", "PS1", "PS2", "PS4", "CDPATH", "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
    "XDG_CACHE_HOME", "SSH_AUTH_SOCK", "CI", "GITHUB_WORKSPACE", "GITHUB_ENV", "GITHUB_OUTPUT",
    "GITHUB_STEP_SUMMARY", "GITHUB_PATH",
})
"""Set by the shell or the login environment: never reported as unset."""

_USE = re.compile(r"\$(?:\{([#!]?)([A-Za-z_][A-Za-z0-9_]*)([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_DEFAULTED = re.compile(r"^(?:\[[^\]]*\])?:?[-=+?]")
_ASSIGN = re.compile(r"(?:^|(?<=[\s;&|(!{]))([A-Za-z_][A-Za-z0-9_]*)(?:\[[^\]]*\])?\+?=")
_DECLARE = re.compile(r"\b(?:export|declare|typeset|local|readonly|unset)\b((?:[ \t]+[-+]\w+)*)"
                      r"((?:[ \t]+[A-Za-z_][A-Za-z0-9_]*\b(?!=))+)")
_LOOP = re.compile(r"\b(?:for|select)[ \t]+([A-Za-z_][A-Za-z0-9_]*)\b")
_READ = re.compile(r"\b(read|mapfile|readarray)\b([^;&|\n)]*)")
_MISC = re.compile(r"\b(?:printf[ \t]+-v|getopts[ \t]+\S+|let)[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
_OPAQUE = re.compile(r"(?:^|[;&|(`]|\$\()[ \t]*(?:source|\.|eval|set[ \t]+-a|export[ \t]+\$\()(?=[ \t]|$)",
                     re.M)
_READ_ARGS = "pdntuiN"
_MAPFILE_ARGS = "dnOsuCc"


def _read_names(args: str, takes_arg: str) -> set[str]:
    """Variable names a ``read`` / ``mapfile`` command line assigns."""
    try:
        words = shlex.split(args, comments=False)
    except ValueError:
        words = args.split()
    names: set[str] = set()
    expect = ""
    for w in words:
        if expect:
            if expect == "name" and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", w):
                names.add(w)
            expect = ""
            continue
        if w.startswith("-") and len(w) > 1:
            expect = "name" if w[-1] == "a" and takes_arg == _READ_ARGS else "skip" if w[-1] in takes_arg else ""
            continue
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", w):
            names.add(w)
        elif w[:1] in "<>" or w[:2] in ("0<", "2>"):
            break
    return names


_SETS_NEEDLES = ("=", "export", "declare", "typeset", "local", "unset", "for", "select", "printf", "getopts",
                 "let", "read", "mapfile", "source", ".", "eval", "set")
"""A word or character each pattern :func:`assigned` reads needs (``readonly``, ``readarray``: ``read``)."""


_SETS_NEEDLE = re.compile("|".join(re.escape(n) for n in _SETS_NEEDLES))
"""Any of :data:`_SETS_NEEDLES`, in one search (18 substring tests cost ~3x more)."""


def assigned(text: str) -> tuple[set[str], bool]:
    """(names a command sets, does it source/eval code that may set anything?)."""
    if _SETS_NEEDLE.search(text) is None:
        return set(), False  # no assignment, no declaring or reading word, no `.`/`source`/`eval`
    return _assigned(text)


def _assigned(text: str) -> tuple[set[str], bool]:
    ctx = label(text)
    code = text if ctx == CODE * len(text) else "".join(
        ch if c in (CODE, ESCAPED) else (" " if ch != "\n" else "\n") for ch, c in zip(text, ctx))
    names = {m.group(1) for m in _ASSIGN.finditer(code)}
    for m in _DECLARE.finditer(code):
        names.update(m.group(2).split())
    names.update(m.group(1) for m in _LOOP.finditer(code))
    names.update(m.group(1) for m in _MISC.finditer(code))
    for m in _READ.finditer(text):
        if ctx[m.start()] == CODE:
            names |= _read_names(m.group(2), _READ_ARGS if m.group(1) == "read" else _MAPFILE_ARGS)
    return names, bool(_OPAQUE.search(code))


def uses(text: str) -> list[tuple[int, int, str]]:
    """(line, column, name) of every variable expanded without a default, in order."""
    if "$" not in text:
        return []  # every expansion starts with one (most commands: no lexing, no line table)
    ctx = label(text)
    found: list[tuple[int, int, str]] = []
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    for m in _USE.finditer(text):
        if ctx[m.start()] not in (CODE, DOUBLE, HEREDOC):
            continue
        if m.group(2) is not None:
            if m.group(1) == "" and _DEFAULTED.match(m.group(3)):
                continue
            name = m.group(2)
        else:
            name = m.group(4)
        line = max(k for k, s in enumerate(line_starts) if s <= m.start())
        found.append((line, m.start() - line_starts[line], name))
    return found
