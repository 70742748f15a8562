"""The document's Markdown in the HTML report: rendered by markdown-it-py, made safe.

Raw HTML is reduced to a few harmless, attribute-free tags and images become plain
links (no network request); ``segments`` cuts the document into prose and step blocks
so the report can show each step's result under its block.
"""

from __future__ import annotations

import functools
import html
import re
from typing import Any, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from runbook.model import Document, Step
from runbook.source import split_lines

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


def _front_matter_end(lines: list[str]) -> int:
    """Index of the first line after YAML front matter (0 when there is none)."""
    if lines and lines[0].rstrip() == "---":
        for i in range(1, len(lines)):
            if lines[i].rstrip() in ("---", "..."):
                return i + 1
    return 0


def segments(doc_text: str, doc: Document) -> list[tuple[Step | None, str]]:
    """The document cut into (None, prose) and (step, its block..end) pieces, in order."""
    lines = split_lines(doc_text)
    out: list[tuple[Step | None, str]] = []
    cursor = _front_matter_end(lines)
    steps = sorted(doc.steps, key=lambda s: s.span.start)
    for i, step in enumerate(steps):
        start = max(step.span.start, cursor)
        nxt = steps[i + 1].span.start if i + 1 < len(steps) else len(lines)
        end = max(start, min(max(step.end, step.span.end), nxt))
        if start > cursor:
            out.append((None, "".join(lines[cursor:start])))
        out.append((step, "".join(_dedent(lines[start:end], step.prefix))))
        cursor = end
    if cursor < len(lines):
        out.append((None, "".join(lines[cursor:])))
    return out
