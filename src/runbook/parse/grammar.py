"""Grammar of "PASS if" clauses: criterion text -> Clause values, pure (used by criteria.py).

A criterion body is first *protected*: code spans, quotes and ``/regex/`` after
``matches`` become placeholders (``\\x00N\\x00``), so separators and keywords
inside values are never seen. The shape is split into clauses at ``and``, ``;``,
``,`` (not inside ``1,000``) and list items; each clause is cleaned (bold,
emoji, checkboxes, list markers, leading filler words, trailing period) and
tried against an ordered table of full-match rules, case-insensitively.
Unknown clauses become ClauseKind.MANUAL with the author's text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from typing import Callable, Final, Mapping

from runbook.lazyre import lazy
from runbook.model import Clause, ClauseKind, Criterion
from runbook.parse.grammar_v2 import column_item, inside_range, parse_http, parse_v2, split_hold
from runbook.parse.protect import Token as _Token
from runbook.parse.protect import value as _value
from runbook.parse.protect import protect as _protect
from runbook.parse.protect import restore as _restore


_ITEM_RE = lazy(r"^\s*(?:[-*+]|\d+[.)])\s+")
_SPLIT_RE = lazy(r"\s*(?:;|(?<!\d),|,(?!\d)|\band\b|\bas\s+well\s+as\b)\s*", re.I)
_NOISE_RE = lazy(r"\*\*|__|~~|\*|[\u2190-\u21ff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\U0001f000-\U0001faff]")
_LEAD_RE = lazy(
    r"^(?:\s*(?:[-+]|\d+[.)])\s+|\s*\[[ xX]\]\s*"
    r"|\s*(?:pass(?:es)?|fail|success|acceptance)(?:\s+criteri(?:a|on))?\s*(?:if|when|:)\s+"
    r"|\s*(?:the|its|it|this|that|step|command|script|if|when|only|then|also|and|both|we|verify|check|"
    r"confirm|ensure|make\s+sure|expect)\s+)+", re.I)
_TAIL_RE = lazy(r"(?:\s*\([^()\x00]*\)|[\s.!:;,])+\Z")


def _clean(shape: str) -> str:
    shape = _NOISE_RE.sub("", shape)
    shape = " ".join(shape.split())
    shape = _LEAD_RE.sub("", shape)
    return _TAIL_RE.sub("", shape).strip()


# --- rule fragments -------------------------------------------------------------------------

_MOD = r"(?:(?:should|must|will|shall|is\s+expected\s+to|needs\s+to|has\s+to)\s+)?"
_SUBJ = (r"(?:(?:the|its|command|step|script|terminal|console|standard|command's|step's|program)\s+)*"
         r"(?:output|stdout|response(?:\s+body)?|result)")
_V = r"(?P<v>\x00\d+\x00)"
_VB = r"(?P<v>\x00\d+\x00|[^\s\x00]+)"
_N = r"(?P<n>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\x00\d+\x00|zero|one|two|three|four|five|six|seven|eight|nine|ten)"
_CMP_ALT = (r"exactly|at\s+least|at\s+most|more\s+than|fewer\s+than|less\s+than|no\s+more\s+than|"
            r"no\s+fewer\s+than|no\s+less\s+than|not\s+more\s+than|not\s+less\s+than|over|under|below|above|"
            r"greater\s+than|>=|<=|==|!=|=|>|<|≥|≤")
_CMP = r"(?P<cmp>" + _CMP_ALT + ")"
_UNIT = r"(?P<u>ms|msecs?|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)"
_IN_OUT = r"(?:\s+(?:in|on|to)\s+(?:the\s+)?(?:output|stdout|terminal|console|screen|response))?"
_TRAIL = r"(?:\s+(?:message|messages|line|lines|text|string|word|entry|somewhere|anywhere))?"
_WHAT = r"(?:(?:the|a|an)\s+)?(?:(?:string|text|word|line|message|value|phrase)\s+)?"
_NEG = (r"(?:does\s+not|doesn't|do\s+not|don't|should\s+not|shouldn't|must\s+not|mustn't|will\s+not|won't|"
        r"cannot|can't|never|may\s+not)")
_SHOWV = r"(?:contains?|includes?|shows?|prints?|displays?|mentions?|reports?|lists?|returns?|outputs?|says?|" \
         r"gives?|yields?|produces?|echo(?:es)?|writes?|reads?)"
_BASEV = r"(?:contain|include|show|print|display|mention|report|list|return|have|output|say|produce|echo|write)s?"
_SEEN = r"(?:printed|shown|displayed|present|output|returned|reported|listed|visible|seen|found|logged|echoed|written)"
_EXITV = r"(?:exits?|exited|returns?|returned|terminates?|ends?|finishes|completes?)"


class _Rule:
    """A grammar rule (a plain class with a ``__dict__`` for its cached pattern)."""

    def __init__(self, src: str, kind: ClauseKind, op: str = "==", number: float | None = None,
                 lone: bool = False) -> None:
        self.src: Final = src
        self.kind: Final = kind
        self.op: Final = op
        self.number: Final = number
        self.lone: Final = lone

    @functools.cached_property
    def pattern(self) -> re.Pattern[str]:
        """Compiled on first use: documents without criteria never pay for the grammar."""
        return re.compile(self.src, re.I)


def _r(src: str, kind: ClauseKind, op: str = "==", number: float | None = None, lone: bool = False) -> _Rule:
    return _Rule(src, kind, op, number, lone)


K = ClauseKind
_EXIT_RULES = (
    _r(r"(?:(?:exit|return)(?:\s+(?:code|status|value))?|\$\?)\s*(?:is|was|should\s+be|must\s+be|will\s+be|"
       r"equals|of|:)?\s*(?:(?P<cmp>" + _CMP_ALT + r"|not|isn't|other\s+than|not\s+equal\s+to)\s*)?" + _N, K.EXIT),
    _r(r"(?:exit|return)(?:\s+(?:code|status|value))?\s*(?:is|should\s+be|must\s+be|will\s+be)?\s*"
       r"(?:non-?zero|not\s+zero|nonzero)", K.EXIT, "!=", 0),
    _r(_MOD + _EXITV + r"\s+(?:with\s+)?(?:(?:an?|the)\s+)?(?:(?:exit\s+)?(?:code|status|value)\s+)?(?:of\s+)?"
       r"(?:(?P<cmp>not)\s+)?" + _N, K.EXIT),
    _r(_MOD + _EXITV + r"\s+(?:with\s+)?(?:(?:an?|the)\s+)?(?:non-?zero|nonzero|failure|failing|errors?|"
       r"unsuccessfully)(?:\s+(?:exit\s+)?(?:code|status|value))?", K.EXIT, "!=", 0),
    _r(_MOD + _EXITV + r"\s+(?:with\s+)?(?:(?:an?|the)\s+)?(?:zero|success|successful|successfully|cleanly|ok|"
       r"normally|without\s+(?:any\s+)?errors?)(?:\s+(?:exit\s+)?(?:code|status|value))?", K.EXIT, "==", 0),
    _r(_MOD + r"(?:succeed(?:s|ed)?|pass(?:es)?|works?|is\s+successful|was\s+successful|successful|"
       r"(?:runs?|executes?)\s+(?:successfully|without\s+(?:any\s+)?errors?|cleanly|ok))", K.EXIT, "==", 0),
    _r(_MOD + r"(?:fail(?:s|ed)?|errors(?:\s+out)?|is\s+unsuccessful|(?:does\s+not|doesn't)\s+(?:succeed|work))",
       K.EXIT, "!=", 0),
    _r(r"(?:an?\s+)?(?:zero|0)\s+(?:exit\s+)?(?:code|status)", K.EXIT, "==", 0),
    _r(r"(?:an?\s+)?(?:non-?zero|nonzero)\s+(?:exit\s+)?(?:code|status)", K.EXIT, "!=", 0),
)

_DURATION_RULES = (
    _r(r"(?:" + _MOD + r"(?:completes?|finish(?:es)?|runs?|executes?|terminates?|ends?|responds?|returns?|"
       r"is\s+done|takes)\s+)?(?P<cmp>within|in\s+under|in\s+less\s+than|under|in|in\s+at\s+most|"
       r"in\s+no\s+more\s+than|less\s+than|at\s+most|no\s+more\s+than|faster\s+than)\s+" + _N + r"\s*" + _UNIT,
       K.DURATION, "<="),
    _r(r"(?:(?:total\s+)?(?:duration|run\s*time|elapsed(?:\s+time)?|time|execution\s+time)\s+"
       r"(?:is\s+|should\s+be\s+|must\s+be\s+)?|" + _MOD + r"(?:takes?|lasts?)\s+)" + _CMP + r"\s+" + _N + r"\s*"
       + _UNIT, K.DURATION, "<="),
)

_RULES = (
    # expected-output comparison
    _r(r"(?:" + _SUBJ + r"\s+)?" + _MOD + r"(?:matches|match|is|looks|equals|corresponds\s+to|is\s+identical\s+to|"
       r"is\s+the\s+same\s+as|agrees\s+with|be)\s+(?:as\s+|like\s+)?(?:the\s+)?(?:expected|documented)"
       r"(?:\s+(?:output|result|block|one))?(?:\s+(?:above|below))?", K.EXPECTED),
    _r(r"(?:" + _SUBJ + r"\s+)?(?:is\s+)?as\s+(?:expected|documented|shown(?:\s+(?:above|below))?)", K.EXPECTED),
    _r(r"expected\s+(?:output|result)\s+(?:is\s+)?(?:shown|printed|seen|matches|appears|displayed)", K.EXPECTED),
    # empty / not empty
    _r(_SUBJ + r"\s+(?:is|should\s+be|must\s+be|will\s+be)\s+(?:empty|blank|nothing)", K.EMPTY),
    _r(r"(?:there\s+is\s+)?(?:no|without|" + _MOD + r"(?:prints?|produces?|shows?|returns?|gives?)\s+no)\s+"
       r"output(?:\s+(?:is\s+)?(?:printed|shown|produced))?", K.EMPTY),
    _r(_MOD + r"(?:prints?|outputs?|shows?|displays?|returns?|produces?)\s+nothing", K.EMPTY),
    _r(r"nothing\s+(?:is\s+)?(?:printed|shown|displayed|output|returned)", K.EMPTY),
    _r(_SUBJ + r"\s+(?:(?:is|should\s+be|must\s+be)\s+(?:not\s+empty|non-?empty|not\s+blank)|isn't\s+empty)",
       K.NOT_EMPTY),
    _r(r"(?:there\s+is\s+)?some\s+output(?:\s+is\s+(?:printed|shown|produced))?", K.NOT_EMPTY),
    _r(_MOD + r"(?:prints?|outputs?|produces?|returns?|shows?)\s+(?:something|some\s+output|output)", K.NOT_EMPTY),
    # line counts
    _r(r"(?:" + _SUBJ + r"\s+)?(?:" + _MOD + r"(?:has|have|is|contains?|prints?|shows?|returns?|outputs?|"
       r"produces?|lists?|consists\s+of|be)\s+)?(?:" + _CMP + r"\s+)?" + _N + r"\s+(?:output\s+)?lines?"
       r"(?:\s+of\s+output)?(?:\s+long)?", K.LINES),
    _r(r"(?:" + _SUBJ + r"\s+)?(?:line\s+count|number\s+of\s+(?:output\s+)?lines)\s+(?:is\s+)?(?:" + _CMP
       + r"\s+)?" + _N, K.LINES),
    # occurrence counts
    _r(_WHAT + _VB + r"\s+" + _MOD + r"(?:appears?|occurs?|is\s+(?:printed|shown|listed|found|reported)|"
       r"shows?\s+up)\s+(?:in\s+(?:the\s+)?output\s+)?(?:" + _CMP + r"\s+)?(?P<times>once|twice|thrice|"
       + _N + r"\s+times?)(?:\s+in\s+(?:the\s+)?output)?", K.COUNT),
    _r(_SUBJ + r"\s+" + _MOD + _SHOWV + r"\s+" + _WHAT + _V + r"\s+(?:" + _CMP + r"\s+)?(?P<times>once|twice|"
       r"thrice|" + _N + r"\s+times?)", K.COUNT),
    _r(r"(?:" + _CMP + r"\s+)?" + _N + r"\s+(?:occurrences?|instances?|copies)\s+of\s+" + _V + _IN_OUT, K.COUNT),
    # must not contain (quoted values only: a guessed value could pass wrongly)
    _r(_SUBJ + r"\s+" + _NEG + r"\s+" + _BASEV + r"\s+(?:any\s+)?" + _WHAT + _V + _TRAIL + _IN_OUT,
       K.NOT_CONTAINS),
    _r(_SUBJ + r"\s+" + _MOD + r"(?:contains?|has|have|shows?|includes?|prints?|displays?|lists?|reports?)\s+no\s+"
       + _WHAT + _V + _TRAIL, K.NOT_CONTAINS),
    _r(r"(?:there\s+(?:is|are|should\s+be)\s+)?no\s+" + _WHAT + _V + _TRAIL + r"(?:\s+(?:is|are)\s+" + _SEEN + r")?"
       + _IN_OUT, K.NOT_CONTAINS),
    _r(_WHAT + _V + r"\s+(?:(?:is|are|should\s+be|must\s+be)\s+(?:not|never)|isn't|aren't)\s+(?:" + _SEEN
       + r"|in\s+(?:the\s+)?output)" + _IN_OUT, K.NOT_CONTAINS),
    _r(_WHAT + _V + r"\s+" + _NEG + r"\s+(?:appears?|occurs?|shows?\s+up|be\s+" + _SEEN + r")" + _IN_OUT,
       K.NOT_CONTAINS),
    _r(_NEG + r"\s+" + _BASEV + r"\s+(?:any\s+)?" + _WHAT + _V + _TRAIL + _IN_OUT, K.NOT_CONTAINS),
    _r(r"without\s+" + _WHAT + _V + _TRAIL + _IN_OUT, K.NOT_CONTAINS),
    # regex search
    _r(r"(?:" + _SUBJ + r"\s+|(?:an?|some|any|one)\s+(?:output\s+)?line\s+)?(?:" + _MOD + r"match(?:es)?|=~|~)\s+"
       r"(?:(?:the\s+)?(?:regex|regexp|regular\s+expression|pattern)\s+)?" + _V, K.REGEX),
    # contains
    _r(_SUBJ + r"\s+" + _MOD + r"(?:" + _SHOWV + r"|has|have)\s+" + _WHAT + _VB + _TRAIL, K.CONTAINS),
    _r(_MOD + _SHOWV + r"\s+" + _WHAT + _VB + _TRAIL + _IN_OUT, K.CONTAINS),
    _r(r"(?:you\s+)?" + _MOD + r"(?:can\s+)?sees?\s+" + _WHAT + _VB + _TRAIL + _IN_OUT, K.CONTAINS),
    _r(r"look\s+for\s+" + _WHAT + _VB + _TRAIL + _IN_OUT, K.CONTAINS),
    _r(_WHAT + _V + r"\s+(?:is|are|gets?|should\s+be|must\s+be|will\s+be)\s+" + _SEEN + _IN_OUT, K.CONTAINS),
    _r(_WHAT + _V + r"\s+" + _MOD + r"(?:appears?|shows?\s+up|exists?|occurs?|is\s+in\s+(?:the\s+)?output)"
       + _IN_OUT, K.CONTAINS),
    _r(_V + r"\s+in\s+(?:the\s+)?output", K.CONTAINS),
    _r(_V, K.CONTAINS, lone=True),
    # whole output equals a value: a regex anchored at both ends
    _r(_SUBJ + r"\s+(?:is|equals|should\s+be|must\s+be|reads|==)\s+(?:exactly\s+)?" + _V, K.REGEX, "eq"),
)

_WITHIN_RE = lazy(r"(?P<body>.+?)\s+(?:eventually\s+)?(?:within|in\s+under|in\s+less\s+than)\s+" + _N + r"\s*"
                  + _UNIT, re.I)
_EVENTUALLY_RE = lazy(r"\beventually\s+", re.I)
_COMMAND_RE = lazy(r"(?:(?:running|run|executing)\s+)?" + _V + r"\s+(?P<rest>.+)", re.I)

_WORDS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "once": 1, "twice": 2, "thrice": 3}
_OPS: Mapping[str, str] = {
    "exactly": "==", "==": "==", "=": "==", "at least": ">=", "no fewer than": ">=", "no less than": ">=",
    "not less than": ">=", ">=": ">=", "≥": ">=", "at most": "<=", "no more than": "<=", "not more than": "<=",
    "<=": "<=", "≤": "<=", "more than": ">", "over": ">", "above": ">", "greater than": ">", ">": ">",
    "fewer than": "<", "less than": "<", "under": "<", "below": "<", "<": "<", "!=": "!=", "not": "!=",
    "isn't": "!=", "other than": "!=", "not equal to": "!=", "within": "<=", "in": "<=", "in at most": "<=",
    "in no more than": "<=", "in under": "<", "in less than": "<", "faster than": "<",
}
_UNITS = {"ms": 0.001, "msec": 0.001, "msecs": 0.001, "millisecond": 0.001, "milliseconds": 0.001,
          "m": 60.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
          "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0}


class _NoMatch(Exception):
    """A rule's pattern matched but its values do not fit (e.g. a non-numeric count)."""


def _number(text: str, tokens: list[_Token]) -> float:
    raw = _value(text, tokens)[0].strip().lower()
    if raw in _WORDS:
        return float(_WORDS[raw])
    try:
        return float(raw.replace(",", ""))
    except ValueError:
        raise _NoMatch from None


def _build(rule: _Rule, m: re.Match[str], text: str, tokens: list[_Token]) -> Clause:
    groups = m.groupdict()
    value: str | None = None
    if groups.get("v") is not None:
        value, vkind = _value(groups["v"], tokens)
        if (vkind == "regex" and rule.kind is not K.REGEX) or not value:
            raise _NoMatch
    number = _rule_number(rule, groups, tokens)
    op = rule.op
    if groups.get("cmp"):
        op = _OPS[" ".join(groups["cmp"].lower().split())]
    if rule.kind is K.REGEX:
        assert value is not None
        value, op = _checked_regex(value, op)
    if rule.kind in (K.EXIT, K.LINES, K.COUNT, K.DURATION) and number is None:
        raise _NoMatch
    return Clause(text, rule.kind, value, number, op)


def _rule_number(rule: _Rule, groups: dict[str, str | None], tokens: list[_Token]) -> float | None:
    """The clause's number: a count word, a number (durations in seconds) or the rule's own."""
    number = rule.number
    times = groups.get("times")
    if times is not None and times.lower() in _WORDS:
        number = float(_WORDS[times.lower()])
    elif groups.get("n") is not None:
        number = _number(groups["n"] or "", tokens)
    if rule.kind is K.DURATION and number is not None:
        number *= _UNITS.get((groups.get("u") or "s").lower(), 1.0)
    return number


def _checked_regex(value: str, op: str) -> tuple[str, str]:
    """A regex clause's pattern (``eq``: the whole output is the text); no match if invalid."""
    if op == "eq":
        value, op = r"\A\s*" + re.escape(value) + r"\s*\Z", "=="
    try:
        re.compile(value, re.M)
    except re.error:
        raise _NoMatch from None
    return value, op


def _first(rules: tuple[_Rule, ...], shape: str, text: str, tokens: list[_Token]) -> tuple[Clause, bool] | None:
    for rule in rules:
        m = rule.pattern.fullmatch(shape)
        if m:
            try:
                return _build(rule, m, text, tokens), rule.lone
            except _NoMatch:
                continue
    return None


def _parse_shape(shape: str, text: str, tokens: list[_Token]) -> tuple[Clause, bool]:
    """(clause, was it a lone value?) for one cleaned clause shape."""
    manual = (Clause(text, K.MANUAL), False)
    if not shape:
        return manual
    found = _first(_DURATION_RULES, shape, text, tokens)
    if found:
        return found
    within: float | None = None
    w = _WITHIN_RE.fullmatch(shape)
    if w:
        try:
            within = _number(w.group("n"), tokens) * _UNITS.get(w.group("u").lower(), 1.0)
        except _NoMatch:
            return manual
        shape = w.group("body")
    shape, hold = split_hold(shape)
    shape = _EVENTUALLY_RE.sub("", shape)
    found = _v2(parse_http, shape, text, tokens) or _first(_EXIT_RULES, shape, text, tokens)
    if not found:
        c = _COMMAND_RE.fullmatch(shape)
        if c and _value(c.group("v"), tokens)[1] != "regex":
            sub = _first(_EXIT_RULES, c.group("rest"), text, tokens)
            if sub:
                cmd = _value(c.group("v"), tokens)[0]
                found = (replace(sub[0], kind=K.COMMAND, value=cmd), False)
    if not found:
        found = _first(_RULES, shape, text, tokens) or _v2(parse_v2, shape, text, tokens)
    if not found:
        return manual
    clause, lone = found
    clause = replace(clause, for_s=hold)
    return (replace(clause, within_s=within) if within is not None else clause), lone


def _v2(parse: Callable[[str, str, list[_Token]], Clause | None], shape: str, text: str,
        tokens: list[_Token]) -> tuple[Clause, bool] | None:
    clause = parse(shape, text, tokens)
    return (clause, False) if clause else None


def _author_text(raw: str) -> str:
    """The clause as the author wrote it, minus list marker, surrounding blanks and final period."""
    raw = _ITEM_RE.sub("", " ".join(raw.split()))
    return raw[:-1] if raw.endswith(".") and not raw.endswith("..") else raw


def parse_clause(text: str) -> Clause:
    """One clause (no splitting) -> Clause; never raises, unknown forms are MANUAL."""
    tokens: list[_Token] = []
    shape = _protect(" ".join(text.split()), tokens)
    return _parse_shape(_clean(shape), _author_text(text), tokens)[0]


def _items(text: str) -> list[str]:
    """List items (``- a`` / ``1. b`` lines, continuation lines joined) or the whole text."""
    items: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if _ITEM_RE.match(line) or not items:
            items.append(line.strip())
        else:
            items[-1] += " " + line.strip()
    return items


def _split(shape: str) -> list[str]:
    """Split at separators outside parentheses (``installed (dotnet, docker, git)`` stays whole)."""
    pieces: list[str] = []
    start = 0
    for m in _SPLIT_RE.finditer(shape):
        if shape.count("(", start, m.start()) > shape.count(")", start, m.start()):
            continue
        if m.group(0).strip().lower() == "and" and inside_range(shape, start, m.start()):
            continue  # "between 1 and 5" is one range
        pieces.append(shape[start:m.start()])
        start = m.end()
    pieces.append(shape[start:])
    return pieces


_INHERIT = (K.CONTAINS, K.NOT_CONTAINS, K.REGEX)


def parse_clauses(text: str) -> tuple[Clause, ...]:
    """Split a criterion body into clauses and parse each one."""
    clauses: list[Clause] = []
    for item in _items(text):
        tokens: list[_Token] = []
        shape = _protect(item, tokens)
        for piece in _split(shape):
            cleaned = _clean(piece)
            if not cleaned:
                continue
            raw = _author_text(_restore(piece, tokens))
            clause, lone = _parse_shape(cleaned, raw, tokens)
            prev = clauses[-1] if clauses else None
            if clause.kind is K.MANUAL or lone:
                clause = column_item(prev, cleaned, raw, tokens) or clause
            # "output does not contain `a`, `b`": the bare value takes the previous clause's verb.
            if lone and prev is not None and prev.kind in _INHERIT and clause.value is not None:
                clause = _inherit(prev, clause)
            clauses.append(clause)
    return tuple(clauses)


def _inherit(prev: Clause, clause: Clause) -> Clause:
    if prev.kind is K.REGEX:
        try:
            re.compile(clause.value or "", re.M)
        except re.error:
            return Clause(clause.text, K.MANUAL)
    return replace(clause, kind=prev.kind, within_s=prev.within_s)


def parse_criterion(text: str, line: int, negated: bool) -> Criterion:
    """A PASS-if / FAIL-if body -> Criterion; never raises (unknown clauses are MANUAL)."""
    clauses = parse_clauses(text)
    if not clauses:
        clauses = (Clause(" ".join(text.split()), K.MANUAL),)
    return Criterion(text=text, line=line, negated=negated, clauses=clauses)

