"""Does a code block read as shell? A small, explainable classifier over shell syntax.

Real documents tag sample output ``bash``/``shell``/``sh`` all the time: ``NAME READY STATUS``
tables after ``kubectl get``, bare values, log lines, JSON, YAML, URLs, directory trees. This
module reads each *command line* of a block (continuation lines and heredoc bodies belong to
the line that starts them; blank lines and comments say nothing) and says whether its first
word can start a shell command:

* shell: an assignment ``NAME=value``, a reserved word or builtin (``if``, ``for``, ``cd``,
  ``export``, ``[``, ``{``, ``(``...), a path (``./run``, ``/usr/bin/env``, ``~/bin/x``), a
  parameter expansion (``$EDITOR``), or a plain command name (lower-case letter or ``_``
  first, then letters, digits, ``_ . + -``).
* not shell, with the reason: a word ending in ``:`` (``key: value``, ``error: ...``), an
  upper-case word (table header ``NAME  READY``, prose, a log level), a leading digit
  (values, timestamps), ``{``/``[`` opening JSON, ``[INFO]`` log tags, box-drawing or
  ``.``-alone directory trees, ``://`` or ``user@host:path`` URLs, ``-`` list items, markup.

The verdict for a block is the count of each; see :func:`reading`. Nothing here depends on
any corpus: the rules are shell's own grammar for the first word of a simple command.
"""

from __future__ import annotations

import re
from typing import Sequence

from runbook.lazyre import lazy

_ASSIGN = lazy(r"^(?:[A-Za-z_]\w*(?:\[[^\]]*\])?\+?=|[A-Za-z_][\w:.-]*\(\))")  # or `name()`
_NAME = lazy(r"^[a-z_][A-Za-z0-9_.+-]*$")
_PATH = lazy(r"^(?:\.{1,2}/|/|~)[^\s:]*$")
_EXPANSION = lazy(r"^[\"']?\$(?:\{|\(|[A-Za-z_])")
_HEREDOC = lazy(r"<<-?\s*(['\"]?)([A-Za-z_]\w*)\1")
_TREE = lazy(r"[\u2500-\u257f]|^(?:\|--|`--|\+--)")
_BOX = lazy(r"[\u2500-\u257f]")
_LOG_TAG = lazy(r"^\[[^\]\s]+\]")
_JSON_OPEN = lazy(r"^(?:[{\[]\s*\"|[{\[][{\[\d-]|\"[^\"]*\"\s*:)")
_KEY_AFTER = lazy(r"^[{\[]\s*\"[^\"]*\"\s*:")
"""``{ "key": ...``: a JSON object even with a space after the brace (``{ "$x"; }`` is a group)."""
_UPPER_LOG = lazy(r"^[IWEFD]\d{4}$")
_TABLE_HEADER = lazy(r"^[A-Z][A-Z0-9_()%/.-]*(?: {2,}|\t+)[A-Z][A-Z0-9_()%/.-]*(?:\s+\S+)*$")
"""Column headers (``NAME      READY   STATUS``): upper-case words parted by runs of spaces."""
_WORDS = frozenset("""
if then else elif fi for while until do done case esac function select time coproc
! { } ( ) (( [[ [ test . : source export alias unalias unset set shopt local declare typeset
readonly read echo printf cd pushd popd dirs eval exec exit return trap wait kill shift
ulimit umask type hash command builtin true false let break continue getopts jobs fg bg
disown enable help logout mapfile readarray suspend times
""".split())


_NOOP_ARGS = lazy(r"^:\s*(?:$|[$\"'>])")
_CONTROL_END = lazy(r"^([^;&|<>]+)[;&|<>]")
_USER_HOST = lazy(r"^[\w.-]+@[\w.{}%-]+.*:")
_HEREDOC_END = lazy(r"EOF|EOT|END|EOL|_EOF_")


def first_word_problem(line: str) -> str | None:
    """Why the command line ``line`` cannot start a shell command; None when it can."""
    text = line.strip()
    if _NAME.match(text.split(None, 1)[0]) and not _BOX.search(text):
        return None  # a plain command name first (`echo x`): no rule of _word_rules says otherwise
    return _word_rules(text)


def _word_rules(text: str) -> str | None:
    word = _bare_word(text.split()[0])
    if _TREE.search(text) or (word == "." and len(text.split()) == 1):
        return "a directory tree"
    if _ASSIGN.match(word) or _EXPANSION.match(word):
        return None
    if word == ":" and not _NOOP_ARGS.match(text):
        return "a message"  # `: exit status 1`; the no-op builtin takes `: "${X:=1}"`
    if text in ("{", "[") or _JSON_OPEN.match(text) and not (word in _WORDS and _KEY_AFTER.match(text) is None):
        return "JSON"
    if word in _WORDS:
        return None
    return _word_problem(word)


def _bare_word(word: str) -> str:
    """The command word inside ``\\false`` (alias bypass), ``(cd x; make)`` (a subshell) and ``false;``."""
    word = word[1:] if word.startswith("\\") and len(word) > 1 else word
    word = word[1:] if word.startswith("(") and word[1:2] not in ("", "(") else word
    control = _CONTROL_END.match(word)  # `false;` `make&&` `ls|`: the operator ends the word
    return control.group(1) if control else word


def _word_problem(word: str) -> str | None:
    if _LOG_TAG.match(word):
        return "a log line"
    if "://" in word or _USER_HOST.match(word):
        return "a URL"
    if word.endswith(":") or word.endswith(","):
        return "a `key: value` line or a message"
    if _PATH.match(word) or _NAME.match(word):
        return None
    return _other_problem(word)


def _other_problem(word: str) -> str:
    if word[0].isdigit():
        return "a value or a timestamp"
    if _UPPER_LOG.match(word):
        return "a log line"
    if word[0].isupper():
        return "a table header or prose" if word.isupper() else "prose or a message"
    if word[0] in "-*":
        return "a list or YAML"
    if word[0] in "<\"'":
        return "markup or a quoted value"
    return "not a command name"


class Reading:
    """What the command lines of a block read as."""

    __slots__ = ("shell", "other", "why", "first_other")

    def __init__(self, shell: int = 0, other: int = 0, why: list[str] | None = None, first_other: bool = False) -> None:
        self.shell = shell
        self.other = other
        self.why: list[str] = [] if why is None else why
        """The reason for each line that is not shell, in order."""
        self.first_other = first_other
        """The first command line does not read as shell."""

    @property
    def output_like(self) -> bool:
        """The first command line is not shell, and neither are most of the others."""
        return self.first_other and self.other > self.shell

    @property
    def is_shell(self) -> bool:
        """Every command line reads as shell (and there is at least one)."""
        return self.shell > 0 and self.other == 0

    @property
    def reason(self) -> str:
        return self.why[0] if self.why else "no command"


def command_lines(lines: Sequence[str]) -> list[str]:
    """The lines of ``lines`` that start a command: no blanks, comments, continuations or heredoc bodies."""
    out: list[str] = []
    carry = False
    until: str | None = None
    for raw in lines:
        text = raw.strip()
        if until is not None:
            if text == until:
                until = None
            continue
        if carry or not text or text.startswith("#"):
            carry = bool(text) and carry and _continues(text)
            continue
        out.append(text)
        carry = _continues(text)
        m = _HEREDOC.search(text)
        until = m.group(2) if m else None
    return out


def _continues(text: str) -> bool:
    return text.endswith(("\\", "|", "&&", "||")) or text.count("'") % 2 == 1


def reading(lines: Sequence[str]) -> Reading:
    """Classify every command line of a block."""
    r = Reading()
    found = command_lines(lines)
    if found and _TABLE_HEADER.match(found[0]):
        return Reading(other=len(found), why=["a table"] * len(found), first_other=True)
    for text in found:
        why = first_word_problem(text)
        if why is None:
            r.shell += 1
        else:
            r.first_other = r.first_other or r.shell == 0
            r.other += 1
            r.why.append(why)
    return r


_PLAIN_LINE = r"[a-z][A-Za-z0-9_.+-]*(?: [A-Za-z0-9_.+,/=-]+)*"  # `_EOF_` ends a heredoc body
_PLAIN = re.compile(rf"{_PLAIN_LINE}(?:\n{_PLAIN_LINE})*")


def plain_command(text: str) -> bool:
    """Every line of ``text`` is a plain command name (a lower-case letter first), then words of letters, digits and
    ``_ . + , / = -`` parted by single spaces (``echo step-1``): no quote, operator, comment,
    expansion, redirection or continuation. Such text reads as shell line by line
    (:func:`reading`: all shell; :func:`heredoc_body`: no), one regex match instead of the
    line rules (property-tested against them)."""
    return _PLAIN.fullmatch(text) is not None


def heredoc_body(lines: Sequence[str]) -> bool:
    """A heredoc body shown without its command: it ends at a bare terminator no ``<<`` opened."""
    body = [ln.strip() for ln in lines if ln.strip()]
    if len(body) < 2 or any(_HEREDOC.search(ln) for ln in body):
        return False
    return _HEREDOC_END.fullmatch(body[-1]) is not None
