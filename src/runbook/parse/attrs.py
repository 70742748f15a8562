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

import difflib
import json
import re
from typing import Mapping

from runbook.config import parse_seconds, valid_timeout
from runbook.errors import ParseError
from runbook.model import MatchMode

FLAGS = frozenset({
    "skip", "norun", "setup", "teardown", "background", "interactive", "root", "expected",
})
"""Attributes that are on by being present."""

VALUED = frozenset({"id", "timeout", "retry", "delay", "exit", "match", "errexit", "ready", "skip_unless"})

PASSIVE = frozenset({"class", "highlight"})
"""Keys produced by the syntax itself (Pandoc classes, line highlights): never warned."""

KNOWN_ATTRIBUTES = FLAGS | VALUED
"""Every attribute runbook acts on."""

_TRUE = {"true", "yes", "on", "1", ""}
_FALSE = {"false", "no", "off", "0"}
_TOKEN_RE = re.compile(
    r"""(?P<key>[^\s={}"']+)=(?P<val>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s{}]*)"""
    r"""|(?P<word>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s{}]+)""")
_HIGHLIGHT_RE = re.compile(r"^[\d,\s-]+$")
_DIRECTIVE_RE = re.compile(r"^\s*<!--\s*runbook\s*:(?!\s*(?:begin|end)\b)(.*?)-->\s*$", re.S)


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
    """Info string -> (language lower-cased, attributes). Never raises."""
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
            if attrs[first] == "true" and re.fullmatch(r"[A-Za-z][\w+-]*", first):
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
    return int(value) if re.fullmatch(r"\s*\d+\s*", value) else None


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


def _valid(key: str, value: str) -> bool:
    if key == "id":
        return bool(value) and not re.search(r"\s", value)
    if key == "timeout":
        secs = parse_seconds(value)
        return secs is not None and valid_timeout(secs)
    if key == "delay":
        return parse_seconds(value) is not None
    if key == "retry":
        return _int(value) is not None
    if key == "exit":
        n = _int(value)
        return n is not None and 0 <= n <= 255
    if key == "match":
        return value.lower() in {m.value for m in MatchMode}
    if key == "errexit":
        return value.lower() in _TRUE - {""} or value.lower() in _FALSE
    if key in ("ready", "skip_unless"):
        return bool(value.strip())
    if key in FLAGS and key != "skip":
        return value == "true"
    return True


def check_attrs(attrs: Mapping[str, str], where: str) -> list[str]:
    """Validate known attributes; return one warning per unknown key.

    Raises :class:`ParseError` at ``where`` (``path:line``) for a bad value.
    Warnings are ``path:line: message`` strings.
    """
    warnings: list[str] = []
    for key, value in attrs.items():
        if key in KNOWN_ATTRIBUTES:
            if not _valid(key, value):
                raise ParseError(f"invalid value {value!r} for {key}=", where=where,
                                 hint=_HINTS.get(key, f"{key} is a flag: write it alone"))
        elif key not in PASSIVE:
            near = difflib.get_close_matches(key, sorted(KNOWN_ATTRIBUTES), n=1, cutoff=0.7)
            tip = f" (did you mean {near[0]!r}?)" if near else ""
            warnings.append(f"{where}: unknown attribute {key!r} is ignored{tip}")
    return warnings


def match_mode(attrs: Mapping[str, str]) -> MatchMode | None:
    """The validated ``match=`` attribute, if any."""
    value = attrs.get("match")
    return MatchMode(value.lower()) if value else None
