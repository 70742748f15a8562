"""The words that give prose a role: expected-output labels, PASS/FAIL labels, checks.

Pure text functions over a paragraph's (or heading's, list item's, HTML comment's)
inline Markdown source. The parser decides *where* a label counts; this module only
says *what* a piece of text is:

* :func:`expected_label` -- "Expected output:", "You should see:", "Sample response:",
  "The output should be similar to:" ... (spec §2, expected output rule 2);
* :func:`inline_expected` -- ``**Expected output**: Test step 1`` (rule 6);
* :func:`criterion_label` -- "PASS if", "Success criteria:", "FAIL if" ... (spec §2);
* :func:`comment_check` -- ``# Expected output: 9.0.x`` inside a command block (rule 5);
* :func:`fragment_criterion` -- a list item under an expected-output label whose
  back-ticked fragments are ``output contains`` checks (rule 6).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from runbook.lazyre import lazy
from runbook.model import Clause, ClauseKind, Criterion

MAX_LABEL_WORDS = 40
"""Longer paragraphs are prose, not labels."""

_STRONG = re.compile(
    r"^(?:the\s+)?(?:expected\b|(?:sample|example|typical)\s+(?:output|response|result))"
    r"|^(?:the\s+)?(?:output|result|response|outcome)s?\b"
    r"|\byou\s+should\s+(?:see|get)\b|\bshould\s+(?:now\s+)?(?:show|return|print|output|display|look|read)\b"
    r"|\bexpected[\s_-]+(?:output|result|response|similarity)\b",
    re.I,
)
_WEAK = re.compile(r"\b(?:expected|output|result|response|outcome)s?\b", re.I)
_ILLUSTRATIVE = lazy(
    r"\b(?:similar|something\s+like|resembl\w*|for\s+example|e\.g\.|sample|example|such\s+as|"
    r"approximately|roughly|may\s+look|might\s+look|could\s+look|along\s+the\s+lines)\b", re.I)
_SIMILARITY = lazy(r"expected_similarity\s*=\s*([0-9.]+)", re.I)
_MARKUP = re.compile(r"\*\*|__|(?<![\w`])[*_](?=\S)|(?<=\S)[*_](?![\w`])")
_CHECKBOX = re.compile(r"^\[[ xX]\]\s*")
_CODE = re.compile(r"(`+)(.+?)\1", re.S)


class Label:
    """An expected-output label."""

    __slots__ = ("strong", "illustrative")

    def __init__(self, strong: bool, illustrative: bool) -> None:
        self.strong: Final = strong
        """Starts like a label (``Expected output:``): enough to read even a ``bash`` block as output."""
        self.illustrative: Final = illustrative
        """Says the output is an example ("similar to", "for example"): mismatch is drift."""


def _is_decoration(ch: str) -> bool:
    return unicodedata.category(ch) in ("So", "Mn", "Cf", "Zs") or ch in " \t*_>"


def strip_lead(text: str) -> str:
    """``text`` without leading emphasis, emoji and task-list checkboxes."""
    out = text.strip()
    while True:
        before = out
        out = _CHECKBOX.sub("", out)
        i = 0
        while i < len(out) and _is_decoration(out[i]):
            i += 1
        out = out[i:]
        if out == before:
            return out


def plain(raw: str, backticks: bool = False) -> str:
    """Inline Markdown source -> words: emphasis markers removed, code spans kept as text
    (with their backticks when ``backticks``)."""
    spans: list[str] = []

    def keep(m: re.Match[str]) -> str:
        spans.append(m.group(0) if backticks else m.group(2))
        return f"\x00{len(spans) - 1}\x00"

    text = _CODE.sub(keep, raw)
    text = " ".join(_MARKUP.sub("", text).split())
    # Code spans keep their inner spacing (CommonMark only turns line endings into spaces).
    return re.sub(r"\x00(\d+)\x00", lambda m: re.sub(r"\r?\n", " ", spans[int(m.group(1))]), text)


def expected_label(raw: str) -> Label | None:
    """Is this text an expected-output label?"""
    text = strip_lead(plain(raw.strip().removeprefix("<!--").removesuffix("-->")))
    if not text or len(text.split()) > MAX_LABEL_WORDS:
        return None
    strong = bool(_STRONG.search(text))
    if not strong and not _WEAK.search(text):
        return None
    sim = _SIMILARITY.search(text)
    illustrative = bool(_ILLUSTRATIVE.search(text))
    if sim:
        try:
            illustrative = illustrative or float(sim.group(1)) < 1.0
        except ValueError:
            pass
    return Label(strong=strong, illustrative=illustrative)


_INLINE = lazy(
    r"^(?:expected(?:\s+(?:output|result|response|outcome))?|output|result|response|you\s+should\s+see)"
    r"\s*:\s*(?P<value>\S.*)$", re.I | re.S)


def _unwrap(value: str) -> str:
    value = value.strip()
    for q in ('"', "'", "`", "\u201c"):
        close = "\u201d" if q == "\u201c" else q
        if len(value) >= 2 and value.startswith(q) and value.endswith(close):
            return value[1:-1]
    return value


def inline_expected(raw: str) -> str | None:
    """The value of ``**Expected output**: Test step 1`` (``None`` if not that form)."""
    text = _MARKUP.sub("", strip_lead(raw))
    m = _INLINE.match(" ".join(text.split()))
    if not m:
        return None
    value = _unwrap(m.group("value"))
    return value or None


_CRITERION = re.compile(
    r"^(?:(?P<pass>pass\s+if\b|pass(?:\*\*|__)?\s*:|pass(?:ing)?\s+criteri(?:a|on)\b|success\s+criteri(?:a|on)\b|"
    r"acceptance\s+criteri(?:a|on)\b|passes\s+(?:when|if)\b)"
    r"|(?P<fail>fail\s+if\b|fail(?:\*\*|__)?\s*:|fail(?:ure)?\s+criteri(?:a|on)\b|fails\s+(?:when|if)\b))",
    re.I)


def criterion_label(raw: str) -> tuple[bool, str] | None:
    """``(negated, body)`` for a PASS/FAIL label; body keeps code spans, may be empty."""
    text = strip_lead(raw)
    # emphasis around the label ("**PASS if:**") must not hide it; drop it up front
    unbold = re.sub(r"^(\*\*|__)", "", text)
    m = _CRITERION.match(unbold)
    if not m:
        return None
    body = unbold[m.end():]
    body = re.sub(r"^(?:\s|\*\*|__|:|\uff1a)*", "", body)
    body = re.sub(r"[ \t]*\r?\n[ \t]*", " ", body).strip()
    return m.group("fail") is not None, body


_COMMENT = lazy(  # ~8 ms to compile (case-insensitive): only for a command line with a `#`
    r"^\s*#+\s*(?P<label>expected(?:\s+(?:output|result|response))?|"
    r"should\s+(?:return|show|print|output|display|see)|output|returns?|result)\s*:\s*(?P<value>.+?)\s*$",
    re.I)
_VERSION = lazy(r"\d+(?:\.(?:\d+|[xX*]))+")
_LATER = lazy(r"\bor\s+(?:later|newer|higher|above|greater)\b|\bat\s+least\b", re.I)


def comment_check(line: str, lineno: int) -> Criterion | None:
    """A contains-check from ``# Expected output: 9.0.x`` / ``# Should return: PONG``.

    Version wildcards (``9.0.x``) become a regex; "or later" cannot be checked
    literally and is a manual clause.
    """
    m = _COMMENT.match(line) if "#" in line else None
    if not m:
        return None
    value = _unwrap(m.group("value"))
    text = line.strip().lstrip("#").strip()
    if _LATER.search(value):
        clause = Clause(text=text, kind=ClauseKind.MANUAL, value=value)
    elif any(re.search(r"\.[xX*]", v.group(0)) for v in _VERSION.finditer(value)):
        clause = Clause(text=text, kind=ClauseKind.REGEX, value=_version_regex(value))
    else:
        clause = Clause(text=text, kind=ClauseKind.CONTAINS, value=value)
    return Criterion(text=text, line=lineno, negated=False, clauses=(clause,), derived=True)


def _version_regex(value: str) -> str:
    out: list[str] = []
    pos = 0
    for v in _VERSION.finditer(value):
        out.append(re.escape(value[pos:v.start()]))
        parts = v.group(0).split(".")
        out.append(r"\.".join(r"\d+" if p in ("x", "X", "*") else re.escape(p) for p in parts))
        pos = v.end()
    out.append(re.escape(value[pos:]))
    return "".join(out)


_SUBJECT_VERB = lazy(
    r"^\s*(?:returns?|shows?|prints?|outputs?|reports?|lists?|displays?|includes?|contains?|"
    r"responds?|gives?)\b", re.I)
_OR = lazy(r"^\s*(?:or|/|\|)\s*$", re.I)


def fragment_criterion(raw: str, lineno: int) -> Criterion:
    """A list item under an expected-output label -> one PASS criterion.

    Every back-ticked fragment must appear in the output, except a fragment that is
    the subject of a verb (```curl` returns ...``: the command, not its output);
    fragments joined by "or" are alternatives. An item without fragments cannot be
    checked automatically: one manual clause.
    """
    text = strip_lead(raw)
    found = list(_CODE.finditer(text))
    groups: list[list[str]] = []
    for i, m in enumerate(found):
        after = text[m.end():found[i + 1].start()] if i + 1 < len(found) else text[m.end():]
        if _SUBJECT_VERB.match(after):
            continue
        between = text[found[i - 1].end():m.start()] if i else ""
        if groups and i and _OR.match(between):
            groups[-1].append(m.group(2).strip())
        else:
            groups.append([m.group(2).strip()])
    clauses: list[Clause] = []
    for g in groups:
        if len(g) == 1:
            clauses.append(Clause(text=text, kind=ClauseKind.CONTAINS, value=g[0]))
        else:
            clauses.append(Clause(text=text, kind=ClauseKind.REGEX,
                                  value="|".join(re.escape(v) for v in g)))
    if not clauses:
        clauses.append(Clause(text=text, kind=ClauseKind.MANUAL))
    return Criterion(text=text, line=lineno, negated=False, clauses=tuple(clauses), derived=True)


def inline_criterion(raw: str, value: str, lineno: int) -> Criterion:
    """``**Expected output**: Test step 1`` -> an ``output contains`` criterion."""
    text = " ".join(plain(raw).split())
    return Criterion(text=text, line=lineno, negated=False,
                     clauses=(Clause(text=text, kind=ClauseKind.CONTAINS, value=value),), derived=True)
