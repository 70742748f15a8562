"""Mask secret values wherever they appear: raw, escaped, base64- or hex-encoded.

A value is masked raw and in the forms programs commonly print it in: URL-encoded,
JSON-, shell- and double-quote-escaped, backslash-escaped (``printf %q``), each line
of a multi-line value, base64 (standard and URL-safe, with and without padding, of
the value and of the value plus the newline ``echo`` adds, and the part of it that
does not depend on neighbouring bytes when the value is encoded inside a longer
text, e.g. ``user:password``), and hex (lower and upper case). Encoded forms may be
wrapped over lines (``base64`` wraps at 76 columns, ``xxd -p`` at 60): they are
matched across line breaks, and the line breaks are kept.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
from typing import Iterable, Iterator
from urllib.parse import quote, quote_plus

from runbook.model import Check, Output, StepResult, TroubleMatch

MASK = "••••"
MIN_LEN = 3
"""Shorter values are not masked at all: masking every ``a`` would destroy the output."""
ENCODED_MIN = 4
"""Values shorter than this (in bytes) are masked raw and escaped only, never in their
base64 or hex forms: a 3-byte value's base64 is 4 characters, common in any output."""
FORM_MIN = 6
"""Derived forms (a line of a multi-line value, an encoding) shorter than this are not masked."""
_BREAK = r"(?:\r?\n)?"
_B64_DROP = (0, 2, 3)
"""Leading base64 characters that mix bits of the bytes before a value at offsets 0, 1, 2."""


def _escaped(v: str) -> Iterator[str]:
    import json

    yield v
    yield quote(v, safe="")
    yield quote_plus(v)
    yield json.dumps(v)[1:-1]
    yield json.dumps(v, ensure_ascii=False)[1:-1]
    yield shlex.quote(v)
    yield v.replace("'", "'\\''")
    yield re.sub(r'([\\"$`])', r"\\\1", v)
    if v.isprintable():
        yield re.sub(r"([^\w@%+=:,./-])", r"\\\1", v)
    if "\n" in v:
        for line in v.split("\n"):
            line = line.rstrip("\r")
            if len(line) >= FORM_MIN:
                yield line


def _encoded(v: str) -> Iterator[str]:
    import base64

    data = v.encode("utf-8", "surrogateescape")
    if len(data) < ENCODED_MIN:
        return
    yield data.hex()
    yield data.hex().upper()
    for whole in (data, data + b"\n"):
        std = base64.b64encode(whole).decode("ascii")
        yield std
        yield std.rstrip("=")
    for shift, drop in enumerate(_B64_DROP):
        # Encoded after `shift` other bytes: only these characters depend on the value alone.
        core = base64.b64encode(b"\0" * shift + data).decode("ascii")
        yield core[drop:(8 * (shift + len(data))) // 6]


def _urlsafe(form: str) -> str:
    return form.replace("+", "-").replace("/", "_")


class Masker:
    """Replaces every known secret value (and its common encodings) with ``••••``."""

    def __init__(self, values: Iterable[str] = ()) -> None:
        self._values: set[str] = set()
        self._forms: set[str] = set()
        self._encoded: set[str] = set()
        self._re: re.Pattern[str] | None = None
        self._probe: tuple[str, ...] = ()
        self._wrapped: re.Pattern[str] | None = None
        self.add(values)

    def add(self, values: Iterable[str]) -> None:
        """Learn more secret values (e.g. ones a step set in the shell)."""
        before = len(self._forms) + len(self._encoded)
        for v in values:
            if not v or len(v) < MIN_LEN or v in self._values:
                continue
            self._values.add(v)
            self._forms.update(f for f in _escaped(v) if len(f) >= MIN_LEN)
            for form in _encoded(v):
                if len(form) >= FORM_MIN:
                    self._encoded.update((form, _urlsafe(form)))
        if len(self._forms) + len(self._encoded) != before:
            self._compile()

    def _compile(self) -> None:
        self._re = re.compile(_alternation(self._forms))
        encoded = self._encoded - self._forms
        if encoded:
            # Cheap test first, on the text with its line breaks removed (``str.find`` is
            # far faster than any regex); the line-break-tolerant regex runs only when an
            # encoded form is really there.
            self._probe = tuple(sorted(encoded))
            self._wrapped = re.compile(_trie(encoded, _BREAK))

    @property
    def generation(self) -> int:
        """Grows each time a value is learned (what was masked before may need masking again)."""
        return len(self._values)

    def __bool__(self) -> bool:
        return self._re is not None

    def __call__(self, text: str) -> str:
        if self._re is None or not text:
            return text
        if self._wrapped is not None:
            flat = text.replace("\n", "").replace("\r", "") if "\n" in text else text
            if any(form in flat for form in self._probe):
                text = self._wrapped.sub(_replace, text)
        return self._re.sub(MASK, text)

    def result(self, r: StepResult, outputs: bool = True) -> StepResult:
        """A step's result with every text it carries masked: the outputs too (for values
        learned after it ran) unless ``outputs`` is false (they were masked as they came)."""
        if self._re is None:
            return r
        if outputs:
            o = r.output
            r = dataclasses.replace(r, output=Output(self(o.text), o.total_bytes, o.lines, o.dropped_bytes, o.counts),
                                    command_outputs=tuple(map(self, r.command_outputs)))
        return dataclasses.replace(
            r, checks=tuple(Check(self(c.clause), c.ok, self(c.detail), c.manual,
                                  c.confirmed and dataclasses.replace(c.confirmed, note=self(c.confirmed.note)))
                            for c in r.checks),
            diff=None if r.diff is None else self(r.diff), reason=self(r.reason),
            notes=tuple(map(self, r.notes)),
            troubleshooting=tuple(TroubleMatch(m.row, self(m.matched)) for m in r.troubleshooting))


_Node = dict[str, "_Node"]


def _alternation(words: Iterable[str]) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


def _trie(words: Iterable[str], sep: str) -> str:
    """One regex for ``words``, longest first, as a trie: at each position the regex engine
    follows one branch instead of trying every word (a 10 MB output is masked in well under
    a second). ``sep`` may occur between any two characters (a wrapped encoded form)."""
    root: _Node = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _branches(root, sep) if root else ""


def _branches(node: _Node, sep: str) -> str:
    alts = []
    for ch in sorted(k for k in node if k):
        sub, run = node[ch], [re.escape(ch)]
        while len(sub) == 1 and "" not in sub:  # a chain of single characters: no recursion
            (ch2, sub), = sub.items()
            run.append(re.escape(ch2))
        tail = ""
        if any(sub):
            tail = f"(?:{sep}{_branches(sub, sep)})" + ("?" if "" in sub else "")
        alts.append(sep.join(run) + tail)
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def _replace(m: re.Match[str]) -> str:
    """The mask, keeping the line breaks of a wrapped encoded form (so lines stay lines)."""
    return MASK + "\n" * m.group(0).count("\n")
