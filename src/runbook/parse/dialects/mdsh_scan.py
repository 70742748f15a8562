"""mdsh's reading of a document (``src/parser.rs``, mdsh 0.9.2): its commands and output regions.

mdsh does not parse Markdown: it walks the text line by line and takes, at each point, the
first of these that fits (``markdown_piece``):

* an output region, ``<!-- BEGIN mdsh -->`` … ``<!-- END mdsh -->`` (dropped and made again);
* a command: a fenced block whose info string holds one (```` ```sh > yaml $ ````), a line
  that is only an inline code span holding one (`` `> $ echo hi` ``), a link whose text
  starts with one (``[> $ text](./gen.sh)``), or a comment starting with one
  (``<!-- > $ echo hi -->``, the rest of the comment being its data);
* a comment, a fenced block without a command (never run), or any other line.

A command is ``OUT IN [data line]``: OUT is ``> lang`` (a code block of that language),
``>`` (raw Markdown) or ``!`` (environment variables); IN is ``$`` (run it), ``<`` (read
files) or nothing (the data as it is).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BEGIN = "<!-- BEGIN mdsh -->"
END = "<!-- END mdsh -->"

_COMMAND = re.compile(r"(?:>[ \t]*(?P<lang>[A-Za-z0-9/._-]+)|(?P<out>[>!]))[ \t]*(?P<in>[$<]?)")
_FENCE = re.compile(r"[ \t]*(?:`{3,}|~{3,})")
_FILEPATH = re.compile(r"[A-Za-z0-9/._-]+")
_TICKS = re.compile(r"`{1,2}(?!`)")
_LINK_END = re.compile(r"[^\]]*\]\((?P<path>[A-Za-z0-9/._-]+)\)\n")


@dataclass(frozen=True)
class Action:
    """One mdsh command: what it reads, what it makes, where it is."""

    out: str
    """``markdown``, ``env`` or ``code``."""
    lang: str
    """The code block's language (``out == "code"``)."""
    how: str
    """``$`` run, ``<`` read, ``""`` the data as it is."""
    data_line: str | None
    data: str | None
    start: int
    """Offset of its first character in the text."""
    end: int
    """Offset after its source (the text mdsh writes back before the output)."""


@dataclass(frozen=True)
class Region:
    """An output region: ``content`` is what lies between the two marker lines."""

    start: int
    end: int
    """Offset after the END marker, its line's end and the blank space after it (mdsh's
    parser eats that space and writes one line end)."""
    content: str


class MdshSyntaxError(ValueError):
    """Text where mdsh's parser stops with an error (``cut``); ``offset`` is where."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def _command(text: str) -> tuple[str, str, str, int] | None:
    """(out, lang, how, length) of the command at the start of ``text``."""
    m = _COMMAND.match(text)
    if m is None:
        return None
    out = "code" if m.group("lang") else ("env" if m.group("out") == "!" else "markdown")
    return out, m.group("lang") or "", m.group("in"), m.end()


def _region(text: str, at: int) -> Region | None:
    if not text.startswith(BEGIN + "\n", at):
        return None
    body, depth, pos = at + len(BEGIN) + 1, 0, at + len(BEGIN) + 1
    while True:
        nb, ne = text.find(BEGIN, pos), text.find(END, pos)
        if ne < 0:
            raise MdshSyntaxError("an mdsh output region is never closed (no `<!-- END mdsh -->`)", at)
        if 0 <= nb < ne:
            depth, pos = depth + 1, nb + len(BEGIN)
            continue
        if depth:
            depth, pos = depth - 1, ne + len(END)
            continue
        break
    after = ne + len(END)
    m = re.compile(r"[ \t]*(?:\n|\Z)").match(text, after)
    if m is None:
        raise MdshSyntaxError("text after `<!-- END mdsh -->` on its line", after)
    rest = re.compile(r"\s*").match(text, m.end())
    return Region(at, rest.end() if rest else m.end(), text[body:ne])


def _fenced(text: str, at: int) -> tuple[Action | None, int] | None:
    m = _FENCE.match(text, at)
    if m is None:
        return None
    fence = m.group(0)
    eol = text.find("\n", m.end())
    if eol < 0:
        return None
    meta = text[m.end():eol]
    lang = _FILEPATH.match(meta)
    meta_rest = meta[lang.end():] if lang else meta
    cmd = _command(meta_rest.lstrip(" \t"))
    close = re.compile(r"\n" + re.escape(fence)).search(text, eol)
    if text.startswith(fence, eol + 1):
        close_at, data = eol, "\n"  # an empty block
    elif close is None:
        raise MdshSyntaxError("a fenced block is never closed", at)
    else:
        close_at, data = close.start(), text[eol + 1:close.start() + 1]
    end = close_at + 1 + len(fence)
    if not text.startswith("\n", end):
        raise MdshSyntaxError("a closing fence with text after it", close_at + 1)
    if cmd is None:
        return None, end + 1
    out, lang_name, how, n = cmd
    line = meta_rest.lstrip(" \t")[n:].lstrip(" \t") or None
    return Action(out, lang_name, how, line, data, at, end + 1), end + 1


def _inline(text: str, at: int) -> Action | None:
    """A line that is one code span: the span ends at the first run of its backticks, which
    must end the line (``take_until1``: no later run is tried)."""
    m = _TICKS.match(text, at)
    close = text.find(m.group(0), m.end() + 1) if m else -1
    if m is None or close < 0 or not text.startswith("\n", close + len(m.group(0))):
        return None
    body = text[m.end():close]
    cmd = _command(body)
    if cmd is None:
        return None
    out, lang, how, n = cmd
    return Action(out, lang, how, body[n:].lstrip(" \t"), None, at, close + len(m.group(0)) + 1)


def _link(text: str, at: int) -> Action | None:
    """``[OUT IN text](path)``: once ``[`` and a command are read, the rest must follow
    (mdsh's ``cut``), so ``[!NOTE] text`` at the start of a line is an mdsh error."""
    cmd = _command(text[at + 1:at + 200]) if text.startswith("[", at) else None
    if cmd is None or text.startswith("[", at + 1 + cmd[3]):
        return None
    out, lang, how, n = cmd
    m = _LINK_END.match(text, at + 1 + n)
    if m is None:
        raise MdshSyntaxError("a line starting with `[` and an mdsh command is not an mdsh link "
                              "(`[> $ text](./path)` on a line of its own)", at)
    return Action(out, lang, how, m.group("path"), None, at, m.end())


def _comment(text: str, at: int) -> tuple[Action | None, int] | None:
    if not text.startswith("<!--", at):
        return None
    close = text.find("-->", at + 4)
    if close < 0:
        raise MdshSyntaxError("a comment is never closed (`-->`)", at)
    inner, after = text[at + 4:close], close + 3
    eol = re.compile(r"[ \t]*\n").match(text, after)
    cmd = _command(inner.lstrip(" \t")) if inner and eol else None
    if cmd is None or eol is None:
        return None, after
    out, lang, how, n = cmd
    rest = inner.lstrip(" \t")[n:].lstrip(" \t")
    first, _, data = rest.partition("\n")
    return Action(out, lang, how, first.rstrip() or None, data, at, eol.end()), eol.end()


Read = tuple["Action | Region | None", int]
"""What a reader found at a point (``None``: text mdsh keeps as it is) and where it ends."""


def _piece(text: str, at: int) -> Read | None:
    region = _region(text, at)
    if region is not None:
        return region, region.end
    action = _inline(text, at) or _link(text, at)
    return (action, action.end) if action is not None else None


def pieces(text: str) -> list[Action | Region]:
    """mdsh's commands and output regions in ``text``, in order (mdsh's own rules: at each
    point the first reader that fits; any other line is kept as it is)."""
    found: list[Action | Region] = []
    at = 0
    while at < len(text):
        got = _piece(text, at) if text.startswith(("<!-- BEGIN", "`", "["), at) else None
        got = got or _fenced(text, at) or _comment(text, at)
        if got is None:
            eol = text.find("\n", at)
            at = len(text) if eol < 0 else eol + 1
            continue
        if got[0] is not None:
            found.append(got[0])
        at = got[1]
    return found
