"""Match a failed step's output against the document's troubleshooting rows (spec §7).

A row matches when its Symptom shows up in what the step printed: first any
literal phrase of the symptom (a code span or a quoted string) found verbatim,
case-insensitively; else enough of its key words. Generic words ("error",
"failed", "the") are dropped so that every failure does not match every row;
a distinctive word (an error name like ``ECONNREFUSED`` or
``ModuleNotFoundError``, a port or HTTP code) is enough on its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from runbook.lazyre import lazy
from runbook.model import TroubleMatch, TroubleRow

#: At most this many rows are reported for one failure.
MAX_MATCHES = 3

_CODE_SPAN = lazy(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)
_QUOTED = lazy(r"\"([^\"\n]{2,})\"|“([^”\n]{2,})”|'([^'\n]{3,})'")
_WORD = lazy(r"\w+")

# Words that say nothing about *which* failure happened.
_STOP = frozenset(
    """
    a an the and or but nor not no is are was were be been being am it its this that these
    those there here of in on at to for from by with without about into onto over under as
    than then so if when while after before during until via per do does did done doing
    doesn't don't didn't can cannot can't could couldn't will won't would should may might
    must has have had having get gets got getting i you we they he she them our your my me
    error errors err failed fail fails failing failure failures message messages output
    outputs show shows shown showing return returns returned returning see seen appear
    appears appeared print prints printed displayed display displays command commands step
    steps run runs running ran issue issues problem problems symptom symptoms unable able
    something anything nothing some any all still also just only even like e g eg ie etc
    occur occurs occurred happen happens says said saying thrown throws raised try trying
    work working works properly correctly correct wrong instead using use fatal warning
    warn critical exception exceptions
    """.split()
)


def match_troubleshooting(
    rows: Sequence[TroubleRow], output: str, extra: str = ""
) -> tuple[TroubleMatch, ...]:
    """The rows whose symptom occurs in ``output`` (or ``extra``), best first, at most 3.

    ``extra`` is more text produced by the failure, e.g. the reason (``timed out
    after 5 s``); not the checks' details, which repeat the author's own clause text.
    """
    haystack = f"{output}\n{extra}".casefold()
    tokens = {_stem(t) for t in _WORD.findall(haystack)}
    scored: list[tuple[float, int, TroubleMatch]] = []
    for index, row in enumerate(rows):
        found = _score(row.symptom, haystack, tokens)
        if found is not None:
            score, matched = found
            scored.append((score, index, TroubleMatch(row=row, matched=matched)))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return tuple(m for _, _, m in scored[:MAX_MATCHES])


def _score(symptom: str, haystack: str, tokens: set[str]) -> tuple[float, str] | None:
    """(score, matched text) when ``symptom`` occurs in the haystack, else None."""
    phrases = [m.group(2).strip() for m in _CODE_SPAN.finditer(symptom)]
    phrases += [next(g for g in m.groups() if g).strip() for m in _QUOTED.finditer(symptom)]
    if phrases:  # the author named the exact text; key words would only guess
        return _phrase_score(phrases, haystack)
    words = _key_words(symptom)
    if not words:
        return None
    hits = [w for w in words if _stem(w.casefold()) in tokens]
    strong = [w for w in hits if _distinctive(w)]
    ratio = len(hits) / len(words)
    if not strong and (ratio < 2 / 3 or len(hits) < min(2, len(words))):
        return None
    return ratio + 0.5 * len(strong), " ".join(hits)


def _phrase_score(phrases: list[str], haystack: str) -> tuple[float, str] | None:
    best = ""
    for phrase in phrases:
        if len(phrase) >= 2 and phrase.casefold() in haystack and len(phrase) > len(best):
            best = phrase
    return (10.0 + min(len(best), 100) / 100, best) if best else None


def _key_words(symptom: str) -> list[str]:
    """The symptom's significant words, each stem once, in order."""
    words: list[str] = []
    seen: set[str] = set()
    for raw in _WORD.findall(symptom):
        word = raw.strip("_")
        key = _stem(word.casefold())
        if not word or key in seen or key in _STOP or not _significant(word):
            continue
        seen.add(key)
        words.append(word)
    return words


def _significant(word: str) -> bool:
    return len(word) >= 3 or any(c.isdigit() for c in word)


def _distinctive(word: str) -> bool:
    """An error name, a code or an identifier: specific enough to match alone."""
    if sum(c.isdigit() for c in word) >= 3:
        return True
    letters = [c for c in word if c.isalpha()]
    if len(letters) >= 5 and all(c.isupper() for c in letters):
        return True
    if "_" in word or re.search(r"[a-z][A-Z]", word):
        return True
    return False


def _stem(word: str) -> str:
    """Fold plurals so "connections" meets "connection"."""
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
