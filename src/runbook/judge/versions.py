"""Version clauses: a version found in the output, compared as a version, not as text.

Ordering (PEP 440 / semver-ish, no dependency): the release numbers compare as a tuple
padded with zeros (``1.10 > 1.9``, ``24 == 24.0``); a pre-release is older than its
release (``dev < a/alpha < b/beta < rc/pre < final < post``); ``+build`` metadata and a
leading ``v`` are ignored. The version is the first one on the first output line that
names the clause's program (``Docker version 28.2.2, build e6534b4`` for ``docker``), or the
first one in the output (``v20.11.0`` for ``node -v``).
"""

from __future__ import annotations

import re

from runbook.clauses import Clause
from runbook.judge.quantity import OP_WORDS, Verdict, compare
from runbook.lazyre import lazy
from runbook.model import Output

_VERSION_RE = lazy(r"(?<![\d.])v?(\d+(?:\.\d+)+(?:[-.]?(?:dev|a|alpha|b|beta|rc|c|pre|preview|post)\.?\d*)?"
                   r"(?:\+[\w.]+)?)(?![\w.]*\w)", re.I)
_WORD_VERSION_RE = lazy(r"\bversion\s*:?\s*v?(\d+)\b", re.I)
_PARTS_RE = lazy(r"v?(\d+(?:\.\d+)*)(?:[-._]?([a-z]+)\.?(\d*))?", re.I)
_PRE_RANK = {"dev": 0, "a": 1, "alpha": 1, "b": 2, "beta": 2, "c": 3, "rc": 3, "pre": 3, "preview": 3, "post": 5}


def version_key(text: str) -> tuple[tuple[int, ...], int, int]:
    """A sort key: release numbers (trailing zeros dropped), pre/post rank, its number."""
    text = text.split("+", 1)[0].strip()
    m = _PARTS_RE.match(text)
    if not m:
        return (), 4, 0
    release = [int(p) for p in m.group(1).split(".")]
    while len(release) > 1 and release[-1] == 0:
        release.pop()
    tag = (m.group(2) or "").lower()
    return tuple(release), _PRE_RANK.get(tag, 4), int(m.group(3) or 0)


def _cmp(left: str, right: str) -> int:
    a, b = version_key(left), version_key(right)
    width = max(len(a[0]), len(b[0]))
    ka = (a[0] + (0,) * (width - len(a[0])), a[1], a[2])
    kb = (b[0] + (0,) * (width - len(b[0])), b[1], b[2])
    return (ka > kb) - (ka < kb)


def find_version(text: str, program: str | None) -> str | None:
    """The version the clause speaks of (see the module doc), or None."""
    lines = text.splitlines()
    if program:
        word = re.compile(r"(?<![A-Za-z])" + re.escape(program) + r"(?![A-Za-z])", re.I)
        named = [ln for ln in lines if word.search(ln)]
        lines = named + [ln for ln in lines if ln not in named]
    for line in lines:
        m = _VERSION_RE.search(line) or _WORD_VERSION_RE.search(line)
        if m:
            return m.group(1)
    return None


def judge_version(clause: Clause, out: Output) -> Verdict:
    want = clause.value or ""
    found = find_version(out.text, clause.subject)
    what = f"{clause.subject} version" if clause.subject else "version"
    if found is None:
        return None, f"no {what} found in the output", ""
    holds = compare(_cmp(found, want), clause.op, 0)
    words = {">=": "at least", "<=": "at most", ">": "newer than", "<": "older than"}
    return holds, f"{what} was {found}", f"{words.get(clause.op, OP_WORDS[clause.op])} {want}"
