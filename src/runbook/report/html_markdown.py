"""The document's Markdown in the HTML report: rendered by markdown-it-py, made safe.

Raw HTML is reduced to a few harmless, attribute-free tags and images become plain
links (no network request); ``segments`` cuts the document into prose and step blocks
so the report can show each step's result under its block.
"""

from __future__ import annotations

import functools
import html
import re
from array import array
from typing import Any, Callable, Iterator, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from runbook.model import Document, Step
from runbook.source import _LINE_RE, split_lines

_SAFE_TAGS = frozenset(
    "b i em strong code kbd samp var sub sup br s del ins mark small u abbr details summary hr".split()
)
_TAG_RE = re.compile(r"<!--.*?(?:-->|$)|<(/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)

esc = html.escape


def sanitize_html(fragment: str) -> str:
    """Raw HTML from a document -> markup safe to embed: comments dropped, a few
    formatting tags kept without their attributes, everything else shown as text."""
    out: list[str] = []
    pos = 0
    for m in _TAG_RE.finditer(fragment):
        out.append(_text(fragment[pos : m.start()]))
        pos = m.end()
        if m.group(0).startswith("<!--"):
            continue
        closing, name = m.group(1), m.group(2).lower()
        if name in _SAFE_TAGS:
            opened = name == "details" and not closing and re.search(r"\bopen\b", m.group(3) or "")
            out.append(f"<{closing}{name}{' open' if opened else ''}>")
        else:
            out.append(esc(m.group(0)))
    out.append(_text(fragment[pos:]))
    return "".join(out)


def _text(raw: str) -> str:
    return esc(html.unescape(raw), quote=False)


@functools.lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])

    def raw_html(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        return sanitize_html(tokens[idx].content)

    def image(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
        # Loading images would be a network request; link to them instead.
        token = tokens[idx]
        alt = self.renderInlineAsText(token.children or [], options, env) or "image"
        src = str(token.attrGet("src") or "")
        return f'<a class="img-link" href="{esc(src)}">image: {esc(alt)}</a>'

    md.add_render_rule("html_block", raw_html)
    md.add_render_rule("html_inline", raw_html)
    md.add_render_rule("image", image)
    return md


def render_block(text: str) -> str:
    """``markdown().render(text)``: a step's block, most often fenced code blocks and blank
    lines only, which are written here directly (markdown-it's parse of each of 50,000
    steps was most of the report's time); anything else goes to markdown-it."""
    fences = _fences_only(text)
    return str(markdown().render(text)) if fences is None else fences


_OPENER = re.compile(r"(`{3,}|~{3,})([ -~]*)\n")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
"""markdown-it's ``escapeHtml`` (``html.escape`` also escapes ``'``)."""


def _fences_only(text: str) -> str | None:
    """The HTML of ``text`` when it holds nothing but blank lines and fenced code blocks at
    the margin (each closed by a bare run of its marker), else ``None``. Anything that
    could read differently (indentation, ``\\`` or ``&`` in an info string, a line in
    a block that looks like a fence, CR, NUL) is left to markdown-it;
    ``tests/test_report_html.py`` compares the two on generated blocks."""
    if "\r" in text or "\0" in text:
        return None
    lines = text.split("\n")
    if lines[-1]:  # no newline at the end: markdown-it's own (rare, the document's last line)
        return None
    out: list[str] = []
    index, size = 0, len(lines) - 1
    while index < size:
        if not lines[index]:
            index += 1
            continue
        index = _fence(lines, index, size, out)
        if index < 0:
            return None
    return "".join(out)


def _fence(lines: list[str], index: int, size: int, out: list[str]) -> int:
    """Write the fence opened at ``lines[index]``; returns the line after it (-1: not one
    :func:`_fences_only` writes)."""
    opener = _OPENER.fullmatch(lines[index] + "\n")
    if opener is None:
        return -1
    marker, info = opener.groups()
    if "\\" in info or "&" in info or "`" in info:
        return -1
    start = index = index + 1
    while index < size and lines[index].lstrip(" \t")[:3] not in ("```", "~~~"):
        index += 1
    if index == size or lines[index].rstrip(marker[0]) or len(lines[index]) < len(marker):
        return -1  # unclosed, or a fence-like line markdown-it must judge
    content = ("\n".join(lines[start:index]) + "\n").translate(_ESCAPES) if index > start else ""
    lang = info.strip(" ").split(" ", 1)[0]
    attrs = f' class="language-{lang.translate(_ESCAPES)}"' if lang else ""
    out.append(f"<pre><code{attrs}>{content}</code></pre>\n")
    return index + 1


def inline_html(text: str) -> str:
    """A table cell of the document (``code``, *emphasis*, links) rendered inline."""
    return str(markdown().renderInline(text))


def _dedent(lines: list[str], prefix: str) -> list[str]:
    """Remove a step's container prefix (list indent, ``> ``) so its block renders alone."""
    if not prefix:
        return lines
    bare = prefix.rstrip()
    return [ln[len(prefix) :] if ln.startswith(prefix) else ln[len(bare) :] if ln.startswith(bare) else ln
            for ln in lines]


def _front_matter_end(line: Callable[[int], str], size: int) -> int:
    """Index of the first line after YAML front matter (0 when there is none)."""
    if size and line(0).rstrip() == "---":
        for i in range(1, size):
            if line(i).rstrip() in ("---", "..."):
                return i + 1
    return 0


def segments(doc_text: str, doc: Document) -> Iterator[tuple[Step | None, str]]:
    """The document cut into (None, prose) and (step, its block..end) pieces, in order,
    each cut when it is asked for: the text is sliced at line offsets (a list of a
    50,000-step document's lines, or of its pieces, is ~20 MB)."""
    starts = array("q", [0])
    starts.extend(m.end() for m in _LINE_RE.finditer(doc_text))
    size = len(starts) - 1

    def text(a: int, b: int) -> str:
        return doc_text[starts[min(a, size)] : starts[min(b, size)]]

    cursor = _front_matter_end(lambda i: text(i, i + 1), size)
    steps = sorted(doc.steps, key=lambda s: s.span.start)
    for i, step in enumerate(steps):
        start = max(step.span.start, cursor)
        nxt = steps[i + 1].span.start if i + 1 < len(steps) else size
        end = max(start, min(max(step.end, step.span.end), nxt))
        if start > cursor:
            yield None, text(cursor, start)
        block = text(start, end)
        yield step, "".join(_dedent(split_lines(block), step.prefix)) if step.prefix else block
        cursor = end
    if cursor < size:
        yield None, text(cursor, size)
