"""Volatile tokens: the parts of a sample output that change from run to run.

Authors paste one run's output: the ages, timestamps, pod hashes, addresses and
versions in it are that run's, and a careful reader does not expect them byte for
byte. This module names those tokens with a documented set of rules
(docs/format.md, "Volatile tokens"):

* :func:`volatile_rules` -- the names of the rules that fire on a text; an expected
  output with any is *illustrative* (a mismatch is drift, never a failure);
* :func:`mask` -- the text with each volatile token replaced by its rule's
  placeholder (``<duration>``, ``<ip>`` ...). The judge masks both the expected and the
  actual output of an illustrative expectation before comparing them, so a drift is
  reported only when the stable parts differ.

Pure text functions; the parser flags, the judge masks.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from runbook.lazyre import lazy


class Rule(NamedTuple):
    name: str
    pattern: re.Pattern[str]
    placeholder: str
    """What a matched token becomes in :func:`mask` (``""``: the rule only flags)."""


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"

RULES: tuple[Rule, ...] = (
    Rule("uuid", lazy(r"\b[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}\b"), "<uuid>"),
    Rule("pod-hash", lazy(
        r"(?<=[a-z0-9])-(?=[a-z0-9]*\d)[a-z0-9]{8,10}(?:-[a-z0-9]{5})?\b"
        r"|(?<=[a-z0-9])-(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{5}\b"), "-<hash>"),
    Rule("hex-id", lazy(r"\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\d)[0-9a-f]{7,64}\b|\b\d{10,}\b"), "<id>"),
    Rule("timestamp", lazy(  # ~9 ms to compile: only when a text may hold one (see _MAYBE)
        r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2}|\s?UTC)?)?\b"
        rf"|\b(?:{_DAY},?\s+)?{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?"
        r"(?:\s+[A-Z]{3,4})?(?:\s+\d{4})?"
        r"|\b[IWEF]\d{4}\s+\d{2}:\d{2}:\d{2}\.\d+"
        r"|\b\d{8}-\d{2}:\d{2}:\d{2}\b"
        r"|\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b|\b\d{1,2}:[0-5]\d\b"), "<time>"),
    Rule("ip", lazy(
        r"\b(?:\d{1,3}\.){3}(?:\d{1,3}|x)(?::\d{1,5})?\b|\[::1?\](?::\d{1,5})?"), "<ip>"),
    Rule("duration", lazy(
        r"\b\d+(?:\.\d+)?\s?(?:ms|µs|us|ns|secs?|seconds?|mins?|minutes?|hours?)\b"
        r"|\b\d+(?:\.\d+)?(?:[dhms]\d+)+[smh]?\b"), "<duration>"),
    Rule("age", lazy(r"(?<![\w.-])(?:\d+|[Xx])[smhd](?![\w.-])"), "<duration>"),
    Rule("version", lazy(
        r"(?<![\w.])v?\d+(?:\.(?:\d+|[xX*])){2,}(?:[-+][\w.]+)?(?![\w.])"
        r"|(?<![\w.])v?\d+\.[xX*](?![\w])|\bgo\d+(?:\.\d+)+\b"), "<version>"),
    Rule("pid", lazy(r"(?<=\[)\d{1,7}(?=\])|\b(?:pid|PID)[=: ]\s*\d+\b"), "<pid>"),
    Rule("elision", lazy(r"\.\.\.|…|^\s*#?\s*etc\.?\s*$|--%<--", re.M), ""),
    Rule("placeholder", lazy(
        r"\{%.*?%\}|\{\{.*?\}\}|\$\{\w+\}|</?em>"
        r"|<(?!(?:none|pending|unknown|nil|invalid|div|span|p|a|b|i|br|li|ul|td|tr|html|body|pre|code)>)"
        r"[a-z][\w -]*>"
        r"|\bx{4,}\b|\bX{2,}\b"), ""),
    Rule("home-path", lazy(r"(?<![\w/])~/|/(?:home|Users)/\w+"), ""),
    Rule("help-text", lazy(r"\A\s*(?:usage|Usage|USAGE):\s"), ""),
    Rule("quoted-output", lazy(r"\A(?:[ \t]*>[ \t][^\n]*(?:\n|\Z)|[ \t]*\n)+\Z"), ""),
)
"""The rules in the order :func:`mask` applies them (more specific first)."""


def volatile_rules(text: str) -> tuple[str, ...]:
    """Names of the rules with a token in ``text`` (empty: nothing volatile)."""
    return tuple(r.name for r in RULES if r.pattern.search(text))


_MAYBE = re.compile(
    r"-(?:[a-z0-9]{8}|[a-z]+\d|\d+[a-z])|[:.\[/<>{…]|[\dXx](?:[smhd]|(?<=\d)(?:-|\d{9}|\s?[mµunshd]))"
    r"|[0-9a-fA-F](?:[0-9a-fA-F]{7}-|(?<=[0-9a-f])[0-9a-f]{6})|pid|PID|etc|xxxx|XX")
"""What a token of each rule needs (uuid: 8 hex and ``-``; pod-hash: ``-`` and 8 more, or
letters and digits; hex-id: 7 hex or 10 digits; timestamp: a digit then ``-``, or ``:``; ip,
version: ``.`` or ``[``; duration, age: a digit (or ``x``) then a unit's first letter; pid:
``[`` or the word; elision: ``...``, ``…``, ``etc``, ``--%<--``; placeholder: ``{``, ``<``,
``xxxx``, ``XX``; home-path: ``/``; help-text: ``:``; quoted-output: ``>``): one search of
these rules out most text (``step-1``) without the fourteen searches of :data:`RULES`.
The needs are grouped by their first character (``-``; a digit, ``X`` or ``x``; a hex digit),
so the search tries nine alternatives at each character instead of fifteen; the texts it
finds are those of the fifteen needs side by side (tests/test_volatile_prefilter.py)."""


def is_volatile(text: str) -> bool:
    """Whether ``text`` shows anything a careful reader would not expect byte for byte."""
    return bool(text.strip()) and _MAYBE.search(text) is not None and any(r.pattern.search(text) for r in RULES)


_COLUMNS = lazy(r"(?<=\S)[ \t]{2,}")
"""Column padding: a value of another width re-aligns the columns after it."""
_REGEX_LINE = lazy(r" \((?:re|glob)\)\s*$", re.M)


def mask(text: str) -> str:
    """``text`` with every volatile token replaced by its rule's placeholder.

    Only rules with a placeholder rewrite; a line that is a pattern (`` (re)``,
    `` (glob)``) is kept as written, so a mask never breaks an author's pattern.
    """
    out: list[str] = []
    for line in text.split("\n"):
        if _REGEX_LINE.search(line) or line.strip() == "...":
            out.append(line)
            continue
        for r in RULES:
            if r.placeholder:
                line = r.pattern.sub(r.placeholder, line)
        out.append(_COLUMNS.sub(" ", line))
    return "\n".join(out)
