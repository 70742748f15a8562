"""markdown-it-py as runbook runs it: CommonMark, GFM tables and front matter only when the
text can hold them, and two of its per-character passes done at C speed.

markdown-it's own rules read the document; two steps that only prepare it for them are
replaced by ones that compute exactly the same values with ``str`` methods:

* the ``normalize`` core rule (``\\r\\n`` and lone ``\\r`` to ``\\n``, NUL to U+FFFD) is a
  regular expression that also "replaces" every ``\\n`` by itself (a new string at ~10 ns a
  line); here it does nothing to a text without ``\\r`` or NUL;
* the line markers a block parse starts with (each line's start, end, indentation and
  indentation with tabs expanded: ``StateBlock.bMarks``, ``eMarks``, ``tShift``, ``sCount``,
  ``bsCount``) are made from ``str.split`` and list operations instead of a Python loop per
  line (tests/test_parse_mdit.py holds both to markdown-it's own on generated texts).

Together ~1 µs of the ~8 µs markdown-it takes per step of a document of ``echo`` steps.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import accumulate, repeat
from operator import add, sub
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_core.state_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

MAX_NESTING = 400
"""Block nesting markdown-it follows (a list item counts 2, a quote 1). CommonMark's
preset stops at 20 and silently drops what is deeper; GitHub renders any depth, so
runbook reads far deeper and refuses a document that still reaches the limit."""

Marks = tuple[list[int], list[int], list[int], list[int], list[int]]


def line_marks(src: str) -> Marks:
    """``StateBlock``'s (bMarks, eMarks, tShift, sCount, bsCount) of ``src``, each with the
    trailing sentinel entry: one entry per line, except a last line of only spaces and tabs
    without a ``\\n`` (markdown-it gives that none)."""
    lines = src.split("\n")
    if not lines[-1].strip(" \t"):  # "" after a final "\n", or a last line of blanks only
        lines.pop()
    lens = list(map(len, lines))
    begins = list(accumulate(map(add, lens, repeat(1)), initial=0))  # (maps: no Python loop per line)
    begins[-1] = len(src)  # the sentinel
    ends = list(map(add, begins, lens))
    ends.append(len(src))
    shifts = list(map(sub, lens, map(len, map(str.lstrip, lines, repeat(" \t")))))
    shifts.append(0)
    if "\t" in src:
        counts = [_columns(line[:n]) if n else 0 for line, n in zip(lines, shifts)]
        counts.append(0)
    else:
        counts = shifts.copy()  # a rule may change one list and not the other
    return begins, ends, shifts, counts, [0] * len(begins)


def _columns(indent: str) -> int:
    """The width of an indentation of spaces and tabs, a tab to the next multiple of 4."""
    offset = 0
    for ch in indent:
        offset += 4 - offset % 4 if ch == "\t" else 1
    return offset


class _State(StateBlock):
    """markdown-it's block state, its line markers from :func:`line_marks`."""

    def __init__(self, src: str, md: MarkdownIt, env: Any, tokens: list[Token]) -> None:
        super().__init__("", md, env, tokens)  # every other field, as this markdown-it sets it
        self.src = src
        self.bMarks, self.eMarks, self.tShift, self.sCount, self.bsCount = line_marks(src)
        self.lineMax = len(self.bMarks) - 1  # the sentinel is no line


class _Blocks(ParserBlock):
    """markdown-it's block parser (its rules, ``ruler``, shared), starting from :class:`_State`."""

    def __init__(self, ruler: Any) -> None:
        self.ruler = ruler

    def parse(self, src: str, md: MarkdownIt, env: Any, outTokens: list[Token]) -> list[Token] | None:
        if not src:
            return None
        state = _State(src, md, env, outTokens)
        self.tokenize(state, state.line, state.lineMax)
        return state.tokens


def _fence(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """markdown-it's ``fence`` rule (CommonMark: three or more backticks or tildes, a backtick
    fence's info without a backtick, closed by a run at least as long followed by blanks only),
    with ``str`` methods where it steps through characters, the line tests first that most
    blocks fail, and no debug log call per block: the same tokens (tests/test_parse_mdit.py)."""
    src = state.src
    pos = state.bMarks[startLine] + state.tShift[startLine]
    maximum = state.eMarks[startLine]
    if pos + 3 > maximum or src[pos] not in "`~" or state.is_code_block(startLine):
        return False
    marker = src[pos]
    opening = src[pos:maximum]
    params = opening.lstrip(marker)  # a marker run never reaches past its line's end
    length = len(opening) - len(params)
    if length < 3 or (marker == "`" and "`" in params):
        return False
    if silent:
        return True
    end, closed = _closing(state, startLine, endLine, marker, length)
    state.line = line = end + 1 if closed else end
    # state.push("fence", "code", 0) and the four fields set after it, in one call, by position (by
    # keyword costs ~3 % of a parse); a field markdown-it moves fails test_the_fence_rule_makes_...
    state.tokens.append(Token("fence", "code", 0, {}, [startLine, line], state.level, None,
                              _content(state, startLine + 1, end), opening[:length], params, {}, True, False))
    return True


def _closing(state: StateBlock, startLine: int, endLine: int, marker: str, length: int) -> tuple[int, bool]:
    """The line where the fence opened at ``startLine`` ends, and whether a closing run is there."""
    src, bMarks, eMarks, tShift, sCount, blkIndent = (state.src, state.bMarks, state.eMarks, state.tShift,
                                                      state.sCount, state.blkIndent)
    line = startLine + 1
    while line < endLine:
        pos = bMarks[line] + tShift[line]
        maximum = eMarks[line]
        if pos < maximum:
            if sCount[line] < blkIndent:
                return line, False  # a line indented less ends the container, and the fence with it
            if src[pos] == marker and not state.is_code_block(line):
                text = src[pos:maximum]
                tail = text.lstrip(marker)
                if len(text) - len(tail) >= length and not tail.strip(" \t"):
                    return line, True
        elif pos >= len(src):  # an empty line's text starts at its end: its line feed, or none
            return line, False
        line += 1
    return line, False


def _content(state: StateBlock, begin: int, end: int) -> str:
    """``state.getLines(begin, end, sCount[begin - 1], True)``: without an indentation to take
    off (most fences), each line from its start to its line feed."""
    indent = state.sCount[begin - 1]
    if indent:
        return state.getLines(begin, end, indent, True)
    src, bMarks, eMarks = state.src, state.bMarks, state.eMarks
    if end - begin == 1:
        return src[bMarks[begin]:eMarks[begin] + 1]
    return "".join([src[bMarks[k]:eMarks[k] + 1] for k in range(begin, end)])


def _normalize(state: StateCore) -> None:
    """markdown-it's ``normalize`` rule: line breaks to ``\\n``, NUL to U+FFFD."""
    src = state.src
    if "\r" in src:
        src = src.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in src:
        src = src.replace("\0", "\ufffd")
    state.src = src


def markdown(text: str = "-|\t") -> MarkdownIt:
    """The parser for ``text``: GFM tables only with a ``|`` in it (a table's header row needs one),
    front matter only when it starts with ``-`` (the plugin's rule reads nothing else), indented
    code blocks only with a tab or four spaces in a row in it (see :func:`_parser`)."""
    return _parser("|" in text, text.startswith("-"), "\t" in text or "    " in text)


@lru_cache(maxsize=None)
def _parser(table: bool, front_matter: bool, code: bool) -> MarkdownIt:
    """One parser per configuration (a parse keeps nothing in it: its state is per call).

    ``code``: whether a line can be an indented code block. Every rule asks
    ``StateBlock.is_code_block``: a line indented 4 columns or more past its container's
    content (``sCount - blkIndent >= 4``). Those columns are always whitespace: the line's own
    indentation, the blanks after a quote's ``>`` (past its one optional space) or after a list
    marker (5 or more: the marker then counts 1). Without a tab and without four spaces in a
    row no line reaches 4, the rule (tried at every block) never matches and ``is_code_block``
    is always false, as it is with the rule off: the tokens are the same (tests/test_parse_mdit.py)."""
    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING})
    md = md.enable("table") if table else md
    md = md.use(front_matter_plugin) if front_matter else md
    md = md if code else md.disable("code")
    md.core.ruler.at("normalize", _normalize)
    alt = next(rule.alt for rule in md.block.ruler.__rules__ if rule.name == "fence")  # what it ends, as before
    md.block.ruler.at("fence", _fence, {"alt": alt})
    md.block = _Blocks(md.block.ruler)
    return md
