"""Heading sections of a block list: which heading each block is under, where sections end,
the step a loose criterion belongs to, and the headings' anchor slugs.

Computed once from the blocks' kinds and levels (linear time), so attaching criteria
costs a binary search per criterion, not a scan of the document.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Sequence

from runbook.parse.blocks import Block, slugify
from runbook.parse.drafts import Draft


class Sections:
    """Heading structure of ``blocks`` (kinds and levels only; texts may change later)."""

    def __init__(self, blocks: Sequence[Block]) -> None:
        self.count = len(blocks)
        self.heading_of: list[int | None] = []
        self.end: dict[int, int] = {}
        """Heading index -> index of the next heading of the same or a higher level."""
        open_: list[int] = []
        heading: int | None = None
        for i, b in enumerate(blocks):
            if b.kind == "heading":
                while open_ and blocks[open_[-1]].level >= b.level:
                    self.end[open_.pop()] = i
                open_.append(i)
                heading = i
            self.heading_of.append(heading)
        for h in open_:
            self.end[h] = self.count
        self.first_heading = min(self.end, default=self.count)

    def owner(self, c: int, drafts: Sequence[Draft], starts: Sequence[int]) -> Draft | None:
        """The step a criterion at block ``c`` belongs to (spec §2), or None.

        ``drafts`` are in block order and ``starts`` are their block indexes.
        """
        h = self.heading_of[c]
        lo, hi = (h, self.end[h]) if h is not None else (0, self.first_heading)
        a, z = bisect_left(starts, lo), bisect_left(starts, hi)
        if z - a == 1:
            return drafts[a]
        k = bisect_right(starts, c - 1)
        if k == 0:
            return None
        d = drafts[k - 1]
        if d.heading is None:
            ok = h is None or h < d.index
        else:
            ok = c < self.end[d.heading]
        return d if ok else None


def heading_slugs(blocks: Sequence[Block]) -> dict[int, str]:
    """GitHub anchors of the headings, ``-1``, ``-2`` appended to repeated ones."""
    slugs: dict[int, str] = {}
    seen: dict[str, int] = {}
    for i, b in enumerate(blocks):
        if b.kind != "heading":
            continue
        base = slugify(b.text)
        slug, n = base, seen.get(base, 0)
        while slug in seen:
            n += 1
            slug = f"{base}-{n}"
        seen[base] = n
        seen.setdefault(slug, 0)
        slugs[i] = slug
    return slugs
