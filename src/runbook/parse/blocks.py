"""Markdown blocks as the parser hands them over, and what headings say by themselves.

A :class:`Block` is one block-level element in reading order with its source lines
(markdown-it's ``token.map``); :mod:`runbook.parse.markdown` makes them,
:mod:`runbook.parse.structure` reads them. The heading helpers are pure text rules: GitHub's anchor slug, the
step-id token a heading starts with, and the ``Phase X`` prefix.
"""

from __future__ import annotations

import re
import unicodedata

from runbook.record import record

_PHASE_RE = re.compile(r"^(?i:phase)\s+([A-Za-z]|\d+)(?=[.:\u2014\u2013\-)\s]|$)")
_ID_TOKEN_RE = re.compile(
    r"^(?:(?i:step)\s+)?([A-Z]{0,2}\d+(?:\.\d+)*[a-z]?|[A-Z](?:\.\d+)+)(?=[.:\u2014\u2013\-)]|\s|$)")


@record
class Block:
    """One Markdown block in reading order."""

    kind: str
    """``heading``, ``para``, ``fence``, ``html``, ``list``, ``code``, ``table`` or ``hr``."""
    start: int
    end: int
    raw: str = ""
    """Inline Markdown source (headings, paragraphs), fence content or HTML."""
    text: str = ""
    """Plain text of a heading or paragraph."""
    info: str = ""
    level: int = 0
    items: tuple[tuple[str, int, int], ...] = ()
    """List blocks: (inline source of the item's first paragraph, start, end) per item."""
    owner: int = -1
    """Index of the innermost list block holding this block (``-1``: none)."""
    closed: bool = True
    """Fences: False when the closing fence is missing."""


def slugify(text: str) -> str:
    """GitHub's heading anchor: lower-case, punctuation dropped, each space -> ``-``."""
    keep = []
    for ch in text.lower():
        cat = unicodedata.category(ch)
        if ch in " -_" or cat[0] in "LNM" or cat == "Pc":
            keep.append(ch)
    return "".join(keep).replace(" ", "-")


def heading_id(text: str) -> str | None:
    """``A1. Check docker`` -> ``A1``; ``Step 3: Build`` -> ``3``; ``Install`` -> None."""
    m = _ID_TOKEN_RE.match(text.strip())
    return m.group(1) if m else None


def phase_id(text: str) -> str | None:
    """``Phase A — Startup`` -> ``A``; any other heading -> None."""
    m = _PHASE_RE.match(text.strip())
    return m.group(1) if m else None
