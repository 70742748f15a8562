"""Terminal transcripts: split a ``$ cmd`` + output block into commands and outputs.

The rule, written to fit both the spec (§2, rule 4) and the real corpus:

* A block is a transcript when its first line that is neither blank nor a ``# ``
  comment starts with the prompt ``$ `` (or ``# `` too under the ``root``
  attribute, where ``#`` lines are prompts, never comments).
* ``$ cmd`` starts a command; a ``$`` line with nothing after it is ignored.
* While the command is syntactically incomplete -- it ends with ``\\``, ``|``,
  ``&&`` or ``||``, a quote is open, or a heredoc (``<<EOF``) has not reached its
  terminator -- every next line belongs to it, a leading ``> `` (scrut and PS2
  style) removed.
* Once the command is complete, ``# `` lines right after it are comments (github
  docs: ``$ git remote -v`` / ``# Verify new remote``), and every other line up to
  the next prompt is that command's output. So a ``> `` line after a *complete*
  command is output, not a continuation: github docs show output as ``> origin ...``
  (and ``> fatal: remote origin already exists.`` right after the command). When
  every non-blank output line starts with ``>``, that marker is removed.
* Leading and trailing blank output lines are dropped; a command without output
  lines has no expected output (it is then not compared).
* Lines before the first prompt (comments, stray text) are ignored.
"""

from __future__ import annotations

import re
from typing import Final

from runbook.lazyre import lazy

_HEREDOC = lazy(r"(?<!<)<<(?!<)(-?)\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
_COMMENT = lazy(r"^\s*#(?:\s|$)")
_PROMPT_CHARS = PROMPT_CHARS = frozenset("$#%>\u276f")
"""The last character of every prompt :data:`_PROMPT_RE` reads (``$ # % > ❯``): a block
without any has no prompt line (not a transcript, unless ``root``)."""
_PIPE_END = lazy(r"(\|\||&&|\|)$")


_PROMPT_RE = lazy(
    r"""^(?P<venv>\([^()\s]{1,40}\)\s)?
        (?P<prompt>
            (?P<host>[\w.-]+@[\w.-]+)(?::[^\s$#%>]*)?(?P<hsign>[$#%])   # user@host:~$, root@redis:/data#
          | [\w.-]+-\d[\d.]*[$#]                                    # bash-5.1$, sh-4.4#
          | PS\s[^>\n]{0,80}>                                       # PS C:\>
          | /\s\#                                                   # busybox: / #
          | [$%\u276f]                                              # $  %  ❯
        )(?:[ \t]+(?P<cmd>.*)|[ \t]*)$""", re.X)


class Prompt:
    """The prompt a transcript uses, read off its first command line.

    ``$ `` is the usual one; ``% `` (zsh, macOS), ``❯ ``, ``user@host:~$ ``,
    ``root@redis:/data# ``, ``bash-5.1$ ``, ``PS C:\\> ``, ``/ # `` and a ``(venv) `` in
    front are read too, and ``# `` under the ``root`` attribute. Within one block every
    prompt line uses the same prompt (a ``user@host`` prompt may change its path)."""

    __slots__ = ("literal", "host", "sign")

    def __init__(self, literal: str, host: bool = False, sign: str = "") -> None:
        self.literal: Final = literal
        """The prompt itself (``$``, ``%``, ``PS C:\\>``); for ``user@host`` ones, ``user@host``."""
        self.host: Final = host
        self.sign: Final = sign

    def command(self, line: str) -> str | None:
        """The command after this prompt, ``""`` for a bare prompt, ``None`` if none."""
        s = line.lstrip(" \t")
        if self.literal == "#":  # root transcripts: '# cmd'
            if s.rstrip() == "#":
                return ""
            return s[2:] if s.startswith(("# ", "#\t")) else None
        m = _PROMPT_RE.match(s)
        if not m:
            return None
        if self.host:
            if m.group("host") != self.literal or m.group("hsign") != self.sign:
                return None
        elif m.group("prompt") != self.literal:
            return None
        return (m.group("cmd") or "").rstrip("\r")


DOLLAR = Prompt("$")


def find_prompt(lines: list[str], root: bool = False) -> Prompt | None:
    """The prompt of a transcript block: its first meaningful line starts with a prompt and a
    command (``None``: not a transcript)."""
    for line in lines:
        if not line.strip():
            continue
        if root:
            cmd = Prompt("#").command(line)
            if cmd is None:
                cmd = DOLLAR.command(line)
                return DOLLAR if cmd and cmd.strip() else None
            return Prompt("#") if cmd.strip() else None
        if not _PROMPT_CHARS.intersection(line):
            return None  # every prompt has one of these (and a comment a `#`)
        if _COMMENT.match(line) and not line.lstrip().startswith("$"):
            continue
        m = _PROMPT_RE.match(line.lstrip(" \t"))
        if not m or not (m.group("cmd") or "").strip():
            return None
        if m.group("host"):
            return Prompt(m.group("host"), host=True, sign=m.group("hsign"))
        return Prompt(m.group("prompt"))
    return None


def _prompt(line: str, root: bool) -> str | None:
    """The command after a ``$`` (or, under ``root``, ``#``) prompt (kept for callers)."""
    cmd = DOLLAR.command(line)
    if cmd is None and root:
        cmd = Prompt("#").command(line)
    return cmd


def is_transcript(lines: list[str], root: bool = False) -> bool:
    """Does this block's first meaningful line start with a prompt?"""
    return find_prompt(lines, root) is not None


class _ShellState:
    """Enough of a shell lexer to know whether a command needs more lines."""

    __slots__ = ("quote", "heredocs", "in_heredoc", "last", "depth")

    def __init__(self) -> None:
        self.quote = ""
        self.heredocs: list[tuple[str, bool]] = []
        self.in_heredoc: tuple[str, bool] | None = None
        self.last = ""
        self.depth = 0
        """Open compound commands (``if``/``for``/``while``/``case``/``{``) awaiting their end."""

    def feed(self, line: str) -> None:
        if self.in_heredoc is not None:
            word, strip_tabs = self.in_heredoc
            if (line.lstrip("\t") if strip_tabs else line).rstrip() == word:
                self.in_heredoc = self.heredocs.pop(0) if self.heredocs else None
            return
        code = self._scan(line)
        if self.heredocs and not self.quote:
            self.in_heredoc = self.heredocs.pop(0)
        self.last = code
        self.depth = max(0, self.depth + _compound_delta(code))

    def _scan(self, line: str) -> str:
        """Track quotes across ``line``; return its code outside comments and quotes."""
        out: list[str] = []
        i, n = 0, len(line)
        while i < n:
            ch = line[i]
            if self.quote:
                if ch == "\\" and self.quote == '"':
                    i += 2
                    continue
                if ch == self.quote:
                    self.quote = ""
                i += 1
                continue
            if ch == "\\":
                out.append(line[i:i + 2])
                i += 2
                continue
            heredoc = _HEREDOC.match(line, i) if ch == "<" else None
            if heredoc and (i == 0 or line[i - 1] != "<"):
                self.heredocs.append((heredoc.group(3), heredoc.group(1) == "-"))
                out.append("<<")
                i = heredoc.end()
                continue
            if ch in "'\"":
                self.quote = ch
                out.append(" ")
            elif ch == "#" and (i == 0 or line[i - 1] in " \t;|&("):
                break
            else:
                out.append(ch)
            i += 1
        return "".join(out)

    @property
    def complete(self) -> bool:
        if self.quote or self.in_heredoc is not None or self.depth > 0:
            return False
        tail = self.last.rstrip()
        if tail.endswith("\\") and not tail.endswith("\\\\"):
            return False
        return not _PIPE_END.search(tail)


_OPENERS = {"if": 1, "for": 1, "while": 1, "until": 1, "case": 1, "select": 1, "{": 1,
            "fi": -1, "done": -1, "esac": -1, "}": -1}
_SEGMENT_RE = lazy(r"&&|\|\||[;&|\n]")


def _compound_delta(code: str) -> int:
    """How many compound commands ``code`` opens minus closes, judged by each simple
    command's first word (``for f in *; do`` opens one, ``done`` closes it)."""
    delta = 0
    for segment in _SEGMENT_RE.split(code):
        words = segment.split()
        while words and words[0] in ("then", "do", "else", "elif", "!"):
            words = words[1:]
        if not words:
            continue
        delta += _OPENERS.get(words[0], 0)
        if words[-1] == "{" and words[0] != "{":
            delta += 1  # f() {
        if len(words) > 1 and words[-1] in ("fi", "done", "esac", "}"):
            delta -= 1  # if x; then y; fi written on one line
    return delta


class Entry:
    """One command of a transcript and its output (line numbers relative to the block)."""

    __slots__ = ("command", "line", "output")

    def __init__(self, command: str, line: int) -> None:
        self.command = command
        self.line = line
        self.output: list[tuple[int, str]] = []

    def expected(self) -> tuple[str, int, int] | None:
        """(text, first line, end line) of the output, or ``None`` when there is none."""
        rows = list(self.output)
        while rows and (not rows[0][1].strip() or _VERDICT_NOTE.match(rows[0][1])):
            rows.pop(0)
        while rows and (not rows[-1][1].strip() or _AUTHOR_NOTE.match(rows[-1][1])):
            rows.pop()
        if not rows:
            return None
        texts = [t for _, t in rows]
        if all(t.startswith(">") for t in texts if t.strip()):
            texts = [t[2:] if t.startswith("> ") else t[1:] if t.startswith(">") else t for t in texts]
        return "\n".join(texts), rows[0][0], rows[-1][0] + 1


_VERDICT_NOTE = lazy(r"^\s*(?:[\u2705\u2714\u2611]|\[[^\]]*\]\s*$)")
_AUTHOR_NOTE = lazy(_VERDICT_NOTE.pattern + r"|^\s*#\s")
"""Edges of a transcript's output that are the author's words, not output: a ``✅ verdict``
or a ``[No output]`` remark at either end; at the end, a ``# note`` that introduces the next
prompt (at the start, ``# ...`` may be output: ``cat`` of a config file)."""


def _command_at(prompt: Prompt, line: str, root: bool) -> str | None:
    """The command a prompt line starts (a root transcript takes ``$`` prompts too)."""
    cmd = prompt.command(line)
    if cmd is None and root and prompt.literal == "#":
        cmd = DOLLAR.command(line)
    return cmd


def _continuation(line: str) -> str:
    return line[2:] if line.startswith("> ") else line[1:] if line.startswith(">") else line


def split_transcript(lines: list[str], root: bool = False) -> list[Entry]:
    """The commands of a transcript block, each with its output lines."""
    prompt = find_prompt(lines, root)
    if prompt is None:
        return []
    entries: list[Entry] = []
    cur: Entry | None = None
    state = _ShellState()
    started = False
    for i, line in enumerate(lines):
        if cur is not None and not state.complete:
            cur.command += "\n" + _continuation(line)
            state.feed(_continuation(line))
            continue
        cmd = _command_at(prompt, line, root)
        if cmd is not None:
            cur = Entry(command=cmd.rstrip(), line=i) if cmd.strip() else None
            if cur is not None:
                entries.append(cur)
                state = _ShellState()
                state.feed(cmd)
                started = False
        elif cur is not None and (started or root or not _COMMENT.match(line)):
            started = started or bool(line.strip())
            cur.output.append((i, line))
    return entries
