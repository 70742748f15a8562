"""Grammar of the v2 "PASS if" clauses (spec §9): HTTP, headers, JSON, numbers, versions, tables.

Used by :mod:`runbook.parse.grammar` on a cleaned, protected clause shape (values are
``\\x00N\\x00`` placeholders into ``tokens``). :func:`parse_http` is tried before the exit
forms (``returns 201`` is an HTTP status, ``returns 0`` an exit status); :func:`parse_v2`
after every v1 form, so a v1 reading always wins. Each returns None when nothing fits.
Numbers are stored in base units (seconds, bytes); ``unit`` keeps the author's unit.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable

from runbook.lazyre import lazy
from runbook.clauses import Clause, ClauseKind
from runbook.parse.protect import PH, Token
from runbook.parse.protect import value as _value

K = ClauseKind
_I = re.I

_MOD = r"(?:(?:should|must|will|shall|is\s+expected\s+to|needs\s+to|has\s+to)\s+)?"
_IS = r"(?:(?:is|was|are|should\s+be|must\s+be|will\s+be|stays?|remains?|equals|==|=|:)\s*)?"
_CMP = (r"(?P<cmp>exactly|at\s+least|at\s+most|more\s+than|fewer\s+than|less\s+than|no\s+more\s+than|"
        r"no\s+fewer\s+than|no\s+less\s+than|not\s+more\s+than|not\s+less\s+than|not\s+above|not\s+below|"
        r"over|under|below|above|greater\s+than|lower\s+than|higher\s+than|smaller\s+than|bigger\s+than|"
        r"larger\s+than|>=|<=|==|!=|=|>|<|≥|≤)")
OPS = {
    "exactly": "==", "==": "==", "=": "==", "at least": ">=", "no fewer than": ">=", "no less than": ">=",
    "not less than": ">=", "not below": ">=", ">=": ">=", "≥": ">=", "at most": "<=", "no more than": "<=",
    "not more than": "<=", "not above": "<=", "<=": "<=", "≤": "<=", "more than": ">", "over": ">",
    "above": ">", "greater than": ">", "higher than": ">", "bigger than": ">", "larger than": ">", ">": ">",
    "fewer than": "<", "less than": "<", "under": "<", "below": "<", "lower than": "<", "smaller than": "<",
    "<": "<", "!=": "!=",
}
_NUM = r"(?P<n>-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)"
UNIT_RE = (r"(?:ms|msecs?|milliseconds?|µs|us|s|secs?|seconds?|mins?|minutes?|m|h|hrs?|hours?|"
           r"[kmgt]i?b|bytes?|b|%|percent|req/s|rps|requests?/s|ops/s|qps)")
_UNIT = r"(?:\s*(?P<u>" + UNIT_RE + r"))?"
_TIME = {"ms": 0.001, "msec": 0.001, "msecs": 0.001, "millisecond": 0.001, "milliseconds": 0.001,
         "µs": 1e-6, "us": 1e-6, "s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0,
         "m": 60.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
         "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0}
_SIZE = {"b": 1, "byte": 1, "bytes": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
         "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
_OTHER = {"%": "%", "percent": "%", "req/s": "req/s", "rps": "req/s", "request/s": "req/s",
          "requests/s": "req/s", "ops/s": "ops/s", "qps": "req/s"}


def unit_scale(unit: str) -> tuple[str, float]:
    """(dimension, factor to base units) of a unit: ``ms`` -> (``time``, 0.001); '' -> ('', 1)."""
    u = unit.lower()
    if u in _TIME:
        return "time", _TIME[u]
    if u in _SIZE:
        return "size", float(_SIZE[u])
    return _OTHER.get(u, u), 1.0


def _num(text: str) -> float:
    return float(text.replace(",", ""))


# --- HTTP ------------------------------------------------------------------------------------

_CODE = r"(?P<code>[1-5](?:\d\d|xx|XX))"
_HTTP_RULES = (
    lazy(r"(?:http\s+)?(?:response\s+)?status(?:\s+code)?\s*" + _IS + r"(?P<not>not\s+)?"
               r"(?:http\s+)?" + _CODE + r"(?:\s+[a-z][a-z ]*)?", _I),
    lazy(r"(?:http\s+)?(?:response\s+)?(?:status\s+)?code\s+" + _IS + r"(?P<not>not\s+)?" + _CODE
               + r"(?:\s+[a-z][a-z ]*)?", _I),
    lazy(r"(?:(?:request|response|server|endpoint|api|service|curl|it|you)\s+)?" + _MOD
               + r"(?:returns?|responds?\s+with|answers?\s+with|replies\s+with|gives?|gets?)\s+"
               r"(?:(?:an?|the)\s+)?(?:http\s+)?(?:status\s+)?(?:code\s+)?(?P<code>[2-5](?:\d\d|xx|XX))"
               r"(?:\s+(?:status|response|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*|OK))?", _I),
    lazy(r"http\s+(?P<code>[1-5](?:\d\d|xx|XX))(?:\s+[a-z][a-z ]*)?", _I),
    lazy(r"(?:an?\s+)?(?P<code>[1-5]\d\d)\s+(?:ok|created|accepted|no\s+content|not\s+found|found|"
               r"moved\s+permanently|unauthorized|forbidden|bad\s+request|service\s+unavailable|"
               r"(?:http\s+)?(?:status|response)(?:\s+code)?)", _I),
)


_HTTP_ALL = lazy(r"(?:all|every|each)\s+(?:the\s+)?(?:http\s+)?(?:responses?|requests?|answers?|calls?)\s+"
                       r"(?:are|is|were|return(?:s|ed)?|get|got|give|gave)\s+(?:an?\s+)?(?:http\s+)?(?:status\s+)?"
                       + _CODE + r"(?:\s+[a-z][a-z ]*)?", _I)


def parse_http(shape: str, text: str, tokens: list[Token]) -> Clause | None:
    """``HTTP status is 200``, ``status code is 4xx``, ``returns 201``, ``responds with 404``;
    ``all responses are 200 OK`` (mode ``all``: every response of the output)."""
    m = _HTTP_ALL.fullmatch(shape)
    if m:
        return Clause(text, K.HTTP, m.group("code").lower(), mode="all")
    for rx in _HTTP_RULES:
        m = rx.fullmatch(shape)
        if m:
            op = "!=" if m.groupdict().get("not") else "=="
            return Clause(text, K.HTTP, m.group("code").lower(), op=op)
    return None


# --- "for 10 s", ranges, column lists -----------------------------------------------------------

_FOR_RE = lazy(r"(?P<body>.+?)\s+(?:for|during|over|throughout)\s+(?:at\s+least\s+|the\s+next\s+)?"
                     r"(?P<n>\d+(?:\.\d+)?)\s*(?P<u>ms|s|secs?|seconds?|m|mins?|minutes?|h|hours?)", _I)
_BETWEEN_RE = lazy(r"\bbetween\s+-?[\d.,]+\s*[^\s\d]*\Z", _I)
_BARE_RE = lazy(r"[\w.:/-]+")


def split_hold(shape: str) -> tuple[str, float | None]:
    """``... for 10 s``: (the clause without it, the period in seconds), or (shape, None)."""
    m = _FOR_RE.fullmatch(shape)
    if not m:
        return shape, None
    return m.group("body"), float(m.group("n")) * _TIME.get(m.group("u").lower(), 1.0)


def inside_range(shape: str, start: int, end: int) -> bool:
    """Is an ``and`` at ``end`` the one of ``between 1 and 5`` (which must not split)?"""
    return bool(_BETWEEN_RE.search(shape, start, end))


def column_item(prev: Clause | None, cleaned: str, text: str, tokens: list[Token]) -> Clause | None:
    """``the NAME column contains web, db``: ``db`` is one more check of that column."""
    if prev is None or prev.kind is not K.TABLE or prev.mode != "column":
        return None
    if PH.fullmatch(cleaned):
        return replace(prev, text=text, value=_value(cleaned, tokens)[0])
    return replace(prev, text=text, value=cleaned) if _BARE_RE.fullmatch(cleaned) else None


# --- headers and JSON ------------------------------------------------------------------------

_VAL = r"(?P<v>\x00\d+\x00|[^\s\x00]+)"
_HNAME = r"(?P<s>[A-Za-z][A-Za-z0-9-]*|\x00\d+\x00)"
_HEADER_RULES = (
    (lazy(r"(?:response\s+)?header\s+" + _HNAME + r"\s+" + _MOD
                + r"(?P<m>contains?|includes?|is|equals|==|=|matches|exists|is\s+present|is\s+set)"
                r"(?:\s+" + _VAL + r")?", _I)),
    (lazy(_HNAME + r"\s+header\s+" + _MOD
                + r"(?P<m>contains?|includes?|is|equals|==|=|matches|exists|is\s+present|is\s+set)"
                r"(?:\s+" + _VAL + r")?", _I)),
)
_PATH_DOT = r"\.(?:[A-Za-z_][\w-]*|\[-?\d+\])?(?:\.[A-Za-z_][\w-]*|\[-?\d+\])*"
_PATH_WORD = r"[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[-?\d+\])*"
_LEN = r"(?P<len>\s*\|\s*length)?"
_FPATH = r"(?P<p>\x00\d+\x00|" + _PATH_DOT + r"|" + _PATH_WORD + r")" + _LEN
_JSON_LEAD = r"(?:(?:json|yaml)\s+(?:(?:field|key|value|path|property)\s+)?|(?:field|key|property)\s+)"
_EXISTS = r"(?:exists?|is\s+present|is\s+set|is\s+there|is\s+defined)"
_MISSING = r"(?:does\s+not\s+exist|doesn't\s+exist|is\s+(?:absent|missing|not\s+present|not\s+set|undefined))"


def _jsonish(m: re.Match[str], tokens: list[Token]) -> str | None:
    path = _value(m.group("p"), tokens)[0].strip()
    if not re.fullmatch(_PATH_DOT + "|" + _PATH_WORD, path) or (not m.group("lead") and len(path) < 2):
        return None
    if not m.group("lead") and not path.startswith("."):
        return None  # a bare word needs "JSON" / "field" in front: ".status is ok", "field id exists"
    if not path.startswith("."):
        path = "." + path
    return path + (" | length" if m.groupdict().get("len") else "")


def _json_rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    lead_any = r"(?P<lead>" + _JSON_LEAD + r")?" + _FPATH
    return (
        (lazy(r"(?:(?:the\s+)?(?:output|stdout|response(?:\s+body)?|result|body)\s+)?" + _MOD
                    + r"(?:is|be|parses\s+as)\s+(?:an?\s+)?(?:valid\s+)?(?P<f>json|yaml)(?:\s+document)?", _I), "valid"),
        (lazy(r"(?:the\s+)?(?:output|response|body)\s+" + _MOD + r"(?:is\s+not|isn't)\s+(?:valid\s+)?"
                    r"(?P<f>json|yaml)", _I), "invalid"),
        (lazy(lead_any + r"\s+" + _MOD + _EXISTS, _I), "exists"),
        (lazy(lead_any + r"\s+" + _MISSING, _I), "missing"),
        (lazy(lead_any + r"\s+" + _MOD + r"(?:matches|=~)\s+(?P<v>\x00\d+\x00)", _I), "matches"),
        (lazy(lead_any + r"\s+(?:is|equals|should\s+be|must\s+be|==|=|:)?\s*" + _CMP + r"\s+" + _NUM, _I),
         "cmp"),
        (lazy(lead_any + r"\s+(?P<neg>is\s+not|isn't|!=|should\s+not\s+be|must\s+not\s+be)\s+" + _VAL, _I),
         "neq"),
        (lazy(lead_any + r"\s+(?:is|equals|should\s+be|must\s+be|==|=|:)\s*" + _VAL, _I), "eq"),
    )


_JSON_RULES = _json_rules()


def _header(shape: str, text: str, tokens: list[Token]) -> Clause | None:
    for rx in _HEADER_RULES:
        m = rx.fullmatch(shape)
        if not m:
            continue
        word = " ".join(m.group("m").lower().split())
        mode = "exists" if word in ("exists", "is present", "is set") else \
            "matches" if word == "matches" else "contains" if word.startswith(("contain", "include")) else "is"
        value = _value(m.group("v"), tokens)[0] if m.group("v") else None
        if (mode == "exists") != (value is None):
            return None
        return Clause(text, K.HEADER, value, subject=_value(m.group("s"), tokens)[0], mode=mode)
    return None


def _json(shape: str, text: str, tokens: list[Token]) -> Clause | None:
    for rx, mode in _JSON_RULES:
        m = rx.fullmatch(shape)
        if not m:
            continue
        groups = m.groupdict()
        if mode in ("valid", "invalid"):
            return Clause(text, K.JSON, m.group("f").lower(), subject=".", mode=mode)
        path = _jsonish(m, tokens)
        if path is None:
            continue
        if mode == "cmp":
            return Clause(text, K.JSON, None, _num(m.group("n")), OPS[" ".join(m.group("cmp").lower().split())],
                          subject=path, mode="compare")
        value, vkind = _value(groups["v"], tokens) if groups.get("v") else (None, "")
        if mode == "matches" and (vkind != "regex" or not _valid_regex(value or "")):
            continue
        op = "!=" if mode == "neq" else "=="
        return Clause(text, K.JSON, value, op=op, subject=path,
                      mode={"eq": "equals", "neq": "equals"}.get(mode, mode), unit=vkind)
    return None


def _valid_regex(value: str) -> bool:
    try:
        re.compile(value, re.M)
    except re.error:
        return False
    return bool(value)


# --- versions ----------------------------------------------------------------------------------

_VER = r"(?P<ver>v?\d+(?:\.\d+)*(?:\.[xX*])+|v?\d+(?:\.\d+)+(?:[-.+]?[0-9A-Za-z.]+)?|v?\d+)"
_STOP = r"(?!(?:is|was|are|be|should|must|will|shall|stays?|remains?|between|version|has|have)\b)"
_PROG = r"(?P<s>" + _STOP + r"[A-Za-z][\w.+-]*(?:\s+" + _STOP + r"[A-Za-z][\w.+-]*)?|\x00\d+\x00)"
_NEWER = r"(?P<dir>or\s+(?:newer|later|higher|above|greater|more\s+recent)|\+|or\s+(?:older|earlier|lower|below))"
_VERSION_RULES = (
    lazy(r"(?:" + _PROG + r"\s+)?version\s+" + _IS + _CMP + r"\s+(?:version\s+)?" + _VER, _I),
    lazy(r"(?:" + _PROG + r"\s+)?(?:version\s+)?" + _IS + _VER + r"\s*" + _NEWER, _I),
    lazy(_PROG + r"\s+(?:version\s+)?" + r"(?P<cmp>>=|<=|==|!=|>|<|≥|≤)\s*" + _VER, _I),
    lazy(r"(?:" + _PROG + r"\s+)?(?:is\s+)?" + r"(?P<cmp>at\s+least|at\s+most|newer\s+than|older\s+than)"
               r"\s+version\s+" + _VER, _I),
    lazy(r"(?:" + _PROG + r"\s+)?version\s+" + _IS + r"(?P<eq>exactly\s+)?" + _VER, _I),
)
_VER_OPS = {"newer than": ">", "older than": "<"}


def _version(shape: str, text: str, tokens: list[Token]) -> Clause | None:
    for i, rx in enumerate(_VERSION_RULES):
        m = rx.fullmatch(shape)
        if not m:
            continue
        groups = m.groupdict()
        ver = groups["ver"]
        if i == 2 and not re.search(r"\d\.\d", ver):
            continue  # "replicas >= 3" is a number, "docker >= 20.10" a version
        if groups.get("dir"):
            op = "<=" if re.search(r"older|earlier|lower|below", groups["dir"], _I) else ">="
        elif groups.get("cmp"):
            word = " ".join(groups["cmp"].lower().split())
            op = _VER_OPS.get(word) or OPS[word]
        else:
            op = "=="
        subject = _value(groups["s"], tokens)[0] if groups.get("s") else None
        if subject and subject.lower() in ("the", "its", "a", "output"):
            subject = None
        ver = re.sub(r"(?:\.[xX*])+\Z", "", ver.lstrip("vV"))  # "24.x.x or later" is 24 or later
        return Clause(text, K.VERSION, ver, op=op, subject=subject)
    return None


# --- numbers -----------------------------------------------------------------------------------

_NAME = r"(?P<s>" + _STOP + r"[A-Za-z_][\w./-]*(?:\s+" + _STOP + r"[A-Za-z_][\w./-]*){0,3}|\x00\d+\x00)"
_NUMBER_RULES = (
    lazy(_NAME + r"\s+" + _IS + _CMP + r"\s+" + _NUM + _UNIT, _I),
    lazy(r"(?:(?:there\s+(?:are|is)|has|have|with|shows?|reports?|runs?)\s+)?" + _CMP + r"\s+" + _NUM
               + _UNIT + r"\s+(?P<s2>[A-Za-z_][\w./-]*(?:\s+[A-Za-z_][\w./-]*){0,2})", _I),
    lazy(r"(?:" + _NAME + r"\s+)?(?:is\s+|stays\s+|remains\s+)?between\s+(?P<lo>-?[\d.,]+)\s*(?P<lu>"
               + UNIT_RE + r")?\s+and\s+(?P<hi>-?[\d.,]+)" + _UNIT, _I),
    lazy(_CMP + r"\s+" + _NUM + _UNIT, _I),
    lazy(_NAME + r"\s+(?:is|was|equals|==|=|should\s+be|must\s+be)\s+(?:exactly\s+)?" + _NUM + _UNIT, _I),
)
_NOT_NAMES = {"output", "exit code", "exit status", "duration", "time", "lines", "line count", "it"}


def _number(shape: str, text: str, tokens: list[Token]) -> Clause | None:
    for i, rx in enumerate(_NUMBER_RULES):
        m = rx.fullmatch(shape)
        if not m:
            continue
        groups = m.groupdict()
        subject = groups.get("s") or groups.get("s2")
        if subject is not None:
            subject = _value(subject, tokens)[0]
            if subject.lower() in _NOT_NAMES:
                return None
        unit = groups.get("u") or groups.get("lu") or ""
        if i == 3 and not unit:
            return None  # a bare "under 5" says nothing about what is measured
        scale = unit_scale(unit)[1]
        try:
            if i == 2:
                lo, hi = _num(groups["lo"]) * unit_scale(groups.get("lu") or unit)[1], _num(groups["hi"]) * scale
                return Clause(text, K.NUMBER, None, lo, "between", subject=subject, unit=unit, upper=hi)
            number = _num(groups["n"]) * scale
        except ValueError:
            return None
        op = OPS[" ".join(groups["cmp"].lower().split())] if groups.get("cmp") else "=="
        return Clause(text, K.NUMBER, None, number, op, subject=subject, unit=unit)
    return None


# --- tables ------------------------------------------------------------------------------------

_COL = r"(?P<s>(?-i:[A-Z][A-Z0-9_%-]*)|\x00\d+\x00)"
_ROWS = r"(?:every|each|all(?:\s+the)?)\s+rows?"
_HAS = r"(?:has|have|shows?|is|are|reads?)"
_THINGS = (r"pods|containers|services|nodes|deployments|replicas|replicasets|statefulsets|daemonsets|jobs|"
           r"instances|targets|tasks|volumes|brokers|members|endpoints|workers|machines|vms|hosts|units|apps")
_THING = (r"pod|container|service|node|deployment|replica|job|instance|target|task|volume|broker|member|"
          r"endpoint|worker|machine|vm|host|unit|app")
_STATE_TAIL = r"(?:\s+(?:state|status|phase))?"
_TABLE_RULES = (
    (lazy(_ROWS + r"\s+" + _HAS + r"\s+" + _COL + r"\s+" + _CMP + r"\s+" + _NUM, _I), "every"),
    (lazy(_ROWS + r"\s+" + _HAS + r"\s+(?:" + _COL + r"\s+(?:=\s*|of\s+)?)?" + _VAL, _I), "every"),
    (lazy(r"no\s+rows?\s+" + _HAS + r"\s+" + _COL + r"\s+" + _CMP + r"\s+" + _NUM, _I), "no"),
    (lazy(r"no\s+rows?\s+" + _HAS + r"\s+(?:" + _COL + r"\s+(?:=\s*|of\s+)?)?" + _VAL, _I), "no"),
    (lazy(r"(?:an?|some|any|one)\s+rows?\s+" + _HAS + r"\s+(?:" + _COL + r"\s+(?:=\s*|of\s+)?)?" + _VAL,
                _I), "some"),
    (lazy(r"(?:the\s+)?" + _COL + r"\s+column\s+" + _MOD + r"(?:contains?|includes?|lists?|has|shows?)\s+"
                + _VAL, _I), "column"),
    (lazy(r"all\s+(?:the\s+)?(?:" + _THINGS + r")\s+(?:are|show|report|have\s+status|should\s+be|must\s+be)"
                r"\s+(?:in\s+)?(?:state\s+)?" + _VAL + _STATE_TAIL, _I), "every"),
    (lazy(r"(?:every|each)\s+(?:" + _THING + r")\s+(?:is|shows|reports|has\s+status|should\s+be|must\s+be)"
                r"\s+(?:in\s+)?(?:state\s+)?" + _VAL + _STATE_TAIL, _I), "every"),
    (lazy(r"no\s+(?:" + _THINGS + r"|" + _THING + r")\s+(?:(?:are|is|should\s+be)\s+)?(?:in\s+)?(?:state\s+)?"
                + _VAL + _STATE_TAIL, _I), "no"),
)


def _table(shape: str, text: str, tokens: list[Token]) -> Clause | None:
    for rx, mode in _TABLE_RULES:
        m = rx.fullmatch(shape)
        if not m:
            continue
        groups = m.groupdict()
        subject = _value(groups["s"], tokens)[0] if groups.get("s") else None
        if groups.get("cmp"):
            op = OPS[" ".join(groups["cmp"].lower().split())]
            return Clause(text, K.TABLE, None, _num(groups["n"]), op, subject=subject, mode=mode)
        value = _value(groups["v"], tokens)[0]
        if not value or value.lower() in ("a", "the", "no"):
            continue
        return Clause(text, K.TABLE, value, subject=subject, mode=mode)
    return None


_LATE: tuple[Callable[[str, str, list[Token]], Clause | None], ...] = (_header, _json, _table, _version, _number)


def parse_v2(shape: str, text: str, tokens: list[Token]) -> Clause | None:
    """A header, JSON, table, version or number clause, or None."""
    for parse in _LATE:
        clause = parse(shape, text, tokens)
        if clause is not None:
            return clause
    return None
