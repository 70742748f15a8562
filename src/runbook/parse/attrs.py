"""Fence attributes: read info strings and directive comments, validate known keys.

Pure text functions (no Markdown library). An info string is the text after the
opening fence; every form real documents use is read into one flat ``{key: value}``
mapping of strings:

* ``bash id=A1 timeout=300 ready="curl -fsS localhost:8080/health"``
* bare flags (``skip``, ``setup``, ``root`` ...) become ``"true"``;
* braces after the language: ``bash {#A1 timeout=300 .class}``;
* Pandoc classes ``{ .bash .no-copy }``: the first class is the language, the
  others are kept space-joined under ``class``;
* JSON ``bash {"id": "A1"}``;
* Docusaurus line highlights ``{3-5}`` are kept under ``highlight``.

Flags written with a false value (``skip=false``) are dropped, so a key's presence
always means "on". Validation raises :class:`ParseError`; unknown keys are kept
(other tools' attributes are common) and reported as warnings with a did-you-mean.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Mapping

from runbook.config import parse_duration, parse_seconds, valid_timeout
from runbook.errors import Diagnostic, ParseError
from runbook.lazyre import lazy
from runbook.model import MatchMode, StepOptions

FLAGS = frozenset({
    "skip", "norun", "setup", "teardown", "background", "interactive", "root", "expected", "confirm",
})
"""Attributes that are on by being present."""

VALUED = frozenset({"id", "timeout", "retry", "delay", "exit", "match", "errexit", "ready", "skip_unless"})

PASSIVE = frozenset({"class", "highlight"})
"""Keys produced by the syntax itself (Pandoc classes, line highlights): never warned."""

KNOWN_ATTRIBUTES = FLAGS | VALUED
"""Every attribute runbook acts on."""

_MODES = frozenset(m.value for m in MatchMode)
_TRUE = {"true", "yes", "on", "1", ""}
_FALSE = {"false", "no", "off", "0"}
_TOKEN_RE = re.compile(
    r"""(?P<key>[^\s={}"']+)=(?P<val>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s{}]*)"""
    r"""|(?P<word>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s{}]+)""")
_HIGHLIGHT_RE = lazy(r"^[\d,\s-]+$")
_LANG_WORD = lazy(r"[A-Za-z][\w+-]*")
_INT = re.compile(r"\s*\d+\s*")
_DIRECTIVE_RE = lazy(r"^\s*<!--\s*runbook\s*:(?!\s*(?:begin|end)\b)(.*?)-->\s*$", re.S)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return re.sub(r'\\(["\\])', r"\1", inner) if value[0] == '"' else inner
    return value


def _tokens(text: str) -> list[tuple[str, str | None]]:
    """``key=value`` pairs and bare words (value ``None``), quotes removed."""
    out: list[tuple[str, str | None]] = []
    for m in _TOKEN_RE.finditer(text):
        if m.group("key") is not None:
            out.append((m.group("key"), _unquote(m.group("val"))))
        else:
            out.append((_unquote(m.group("word")), None))
    return out


def _add(attrs: dict[str, str], classes: list[str], key: str, value: str | None) -> None:
    if value is None:
        if key.startswith("#") and len(key) > 1:
            attrs["id"] = key[1:]
        elif key.startswith(".") and len(key) > 1:
            classes.append(key[1:])
        else:
            attrs[key] = "true"
    else:
        attrs[key] = value


def _braces(body: str, attrs: dict[str, str], classes: list[str]) -> None:
    inner = body.strip()
    if inner.startswith('"'):
        import json  # here: only a JSON attribute block needs it

        try:
            data = json.loads("{" + inner + "}")
        except ValueError:
            data = None
        if isinstance(data, dict):
            for k, v in data.items():
                attrs[str(k)] = _json_str(v)
            return
    if _HIGHLIGHT_RE.match(inner):
        attrs["highlight"] = inner.replace(" ", "")
        return
    for key, value in _tokens(inner):
        _add(attrs, classes, key, value)


def _json_str(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    import json

    return v if isinstance(v, str) else json.dumps(v)


def _split_braces(text: str) -> tuple[str, list[str]]:
    """Text outside ``{...}`` groups, and the groups' bodies (quotes respected)."""
    outside: list[str] = []
    groups: list[str] = []
    depth, quote, start = 0, "", 0
    for i, ch in enumerate(text):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'" and depth:
            quote = ch
        elif ch == "{":
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch == "}" and depth:
            depth -= 1
            if depth == 0:
                groups.append(text[start:i])
        elif depth == 0:
            outside.append(ch)
    if depth:  # unbalanced: keep the rest as plain text
        outside.append(text[start - 1:])
    return "".join(outside), groups


def parse_info(info: str) -> tuple[str, dict[str, str]]:
    """Info string -> (language lower-cased, attributes). Never raises.

    A document repeats its info strings (``bash``, ``output``): each distinct one is read
    once (a bounded cache), and every call gets its own copy of the attributes."""
    lang, attrs = _parse_info(info)
    return lang, dict(attrs)


@lru_cache(maxsize=4096)
def _parse_info(info: str) -> tuple[str, dict[str, str]]:
    text = info.strip()
    attrs: dict[str, str] = {}
    classes: list[str] = []
    lang = ""
    if text.startswith("{"):
        plain, groups = _split_braces(text)
        for g in groups:
            _braces(g, attrs, classes)
        for key, value in _tokens(plain):
            _add(attrs, classes, key, value)
        if classes:
            lang = classes.pop(0)
        elif attrs:
            first = next(iter(attrs))
            if attrs[first] == "true" and _LANG_WORD.fullmatch(first):
                lang = first  # R Markdown style {bash echo=FALSE}
                del attrs[first]
    else:
        head, _, rest = text.partition(" ")
        if "{" in head:  # ```bash{#A1}
            head, brace, more = head.partition("{")
            rest = brace + more + " " + rest
        lang = head
        plain, groups = _split_braces(rest)
        for key, value in _tokens(plain):
            _add(attrs, classes, key, value)
        for g in groups:
            _braces(g, attrs, classes)
    if classes:
        attrs["class"] = " ".join(classes)
    return lang.lower(), _normalise_flags(attrs)


read_info: Callable[[str], tuple[str, Mapping[str, str]]] = _parse_info
""":func:`parse_info` without the copy: the cached attributes themselves, for a caller that only reads them."""


def _normalise_flags(attrs: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in attrs.items():
        low = value.strip().lower()
        if key in FLAGS:
            if low in _FALSE:
                continue
            # any other value is kept: a reason for ``skip``, a validation error otherwise
            out[key] = "true" if low in _TRUE else value
        else:
            out[key] = value
    return out


def parse_directive(html: str) -> dict[str, str] | None:
    """``<!-- runbook: timeout=300 retry=2 -->`` -> attributes; ``None`` if not a directive.

    Annotation markers (``<!-- runbook:begin ...-->``, ``<!-- runbook:end -->``) are
    not directives.
    """
    m = _DIRECTIVE_RE.match(html)
    if not m:
        return None
    _, attrs = parse_info("x " + m.group(1).strip())
    return attrs


def _int(value: str) -> int | None:
    return int(value) if _INT.fullmatch(value) else None


_HINTS = {
    "timeout": "use a positive number of seconds (at most 10000000), e.g. timeout=300, timeout=30s or timeout=5m",
    "delay": "use a number of seconds, e.g. delay=3 or delay=500ms",
    "retry": "use a whole number of extra attempts, e.g. retry=20",
    "exit": "use the expected exit status, a whole number from 0 to 255, e.g. exit=1",
    "match": "use one of: " + ", ".join(m.value for m in MatchMode),
    "errexit": "use errexit=true or errexit=false",
    "id": "use a short id without spaces, e.g. id=A1",
    "ready": 'give the readiness command in quotes, e.g. ready="curl -fsS localhost:8080"',
}


def _positive_seconds(value: str) -> bool:
    secs = parse_seconds(value)
    return secs is not None and valid_timeout(secs)


def _exit_status(value: str) -> bool:
    n = _int(value)
    return n is not None and 0 <= n <= 255


_VALIDATORS: dict[str, Callable[[str], bool]] = {
    "id": lambda v: bool(v) and not re.search(r"\s", v),
    "timeout": _positive_seconds,
    "delay": lambda v: parse_seconds(v) is not None,
    "retry": lambda v: _int(v) is not None,
    "exit": _exit_status,
    "match": lambda v: v.lower() in _MODES,
    "errexit": lambda v: v.lower() in _TRUE - {""} or v.lower() in _FALSE,
    "ready": lambda v: bool(v.strip()),
    "skip_unless": lambda v: bool(v.strip()),
}
"""How each valued attribute is validated (flags other than ``skip`` must be bare)."""


def _valid(key: str, value: str) -> bool:
    check = _VALIDATORS.get(key)
    if check is not None:
        return check(value)
    if key in FLAGS and key != "skip":
        return value == "true"
    return True


def _unknown_message(key: str) -> str:
    import difflib

    near = difflib.get_close_matches(key, sorted(KNOWN_ATTRIBUTES), n=1, cutoff=0.7)
    tip = f" (did you mean {near[0]!r}?)" if near else ""
    return f"unknown attribute {key!r} is ignored{tip}"


def attr_problems(attrs: Mapping[str, str], line: int, col: int) -> list[tuple[str, Diagnostic]]:
    """(key, diagnostic) per bad value (error RB305) or unknown key (warning RB301), in key order.

    ``line`` and ``col`` are 1-based: where the attributes are written.
    """
    out: list[tuple[str, Diagnostic]] = []
    for key, value in attrs.items():
        if key in KNOWN_ATTRIBUTES:
            if not _valid(key, value):
                out.append((key, Diagnostic("RB305", f"invalid value {value!r} for {key}=", line, col,
                                            _HINTS.get(key, f"{key} is a flag: write it alone"),
                                            error=True)))
        elif key not in PASSIVE:
            out.append((key, Diagnostic("RB301", _unknown_message(key), line, col)))
    return out


def attr_diagnostics(attrs: Mapping[str, str], line: int, col: int) -> list[Diagnostic]:
    """The diagnostics of :func:`attr_problems`."""
    return [d for _, d in attr_problems(attrs, line, col)]


def check_attrs(attrs: Mapping[str, str], where: str) -> list[str]:
    """Validate known attributes; return one warning per unknown key.

    Raises :class:`ParseError` at ``where`` (``path:line``) for a bad value.
    Warnings are ``path:line: message`` strings.
    """
    found = attr_diagnostics(attrs, 1, 1)
    for d in found:
        if d.error:
            raise ParseError(d.message, where=where, hint=d.hint)
    return [f"{where}: {d.message}" for d in found]


def _on(attrs: Mapping[str, str], key: str, default: bool) -> bool:
    value = attrs.get(key)
    return default if value is None else value.lower() not in _FALSE


def step_options(attrs: Mapping[str, str]) -> StepOptions:
    """The typed options of a step's (validated) attributes; invalid values read as unset.

    Steps share their attributes (none, ``timeout=30``): each distinct set is read once
    (a bounded cache of the frozen result); ``id`` (one per step) is not part of the key."""
    return _step_options(tuple((k, v) for k, v in attrs.items() if k != "id"))


@lru_cache(maxsize=4096)
def _step_options(items: tuple[tuple[str, str], ...]) -> StepOptions:
    attrs = dict(items)
    delay = attrs.get("delay")
    return StepOptions(
        timeout_s=parse_duration(attrs.get("timeout", "")),
        retry=_int(attrs.get("retry", "")) or 0,
        delay_s=parse_seconds(delay.strip()) if delay else None,
        exit=_int(attrs.get("exit", "")) or 0,
        errexit=_on(attrs, "errexit", True),
        match=match_mode(attrs) if attrs.get("match", "").lower() in _MODES else None,
        background="background" in attrs,
        interactive=_on(attrs, "interactive", False),
        root="root" in attrs,
        ready=attrs.get("ready") or None,
        skip_unless=attrs.get("skip_unless") or None,
    )


def match_mode(attrs: Mapping[str, str]) -> MatchMode | None:
    """The validated ``match=`` attribute, if any."""
    value = attrs.get("match")
    return MatchMode(value.lower()) if value else None
