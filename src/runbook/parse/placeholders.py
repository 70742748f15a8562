"""Placeholders in commands: the input a reader must supply before a step can run.

Recognised (spec §2 "Placeholders", plus two forms real docs use):

* ``<UPPER_SNAKE>`` and ``<kebab-case>`` (at least one hyphen, so ``<none>`` or an
  HTML tag such as ``<em>`` is not one);
* ``YOUR_...`` tokens, named as written;
* GitHub Docs' ``<em>USERNAME</em>`` (named by the emphasised text) and Liquid
  ``{% data variables.product.name %}`` (named by the dotted variable).

Never placeholders: shell redirections and heredocs (``<file``, ``<<EOF``, ``<<<``),
Go templates (``{{ .metadata.name }}``) and anything inside a shell comment.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterator, Mapping

from runbook.lazyre import lazy
from runbook.model import Command, Step

_FORMS = lazy(
    r"<em>(?P<em>[^<>\n]+?)</em>"
    r"|(?<!<)<(?P<upper>[A-Z][A-Z0-9_]*)>"
    r"|(?<!<)<(?P<kebab>[a-z][a-z0-9]*(?:-[a-z0-9]+)+)>"
    r"|(?<![A-Za-z0-9_])(?P<your>YOUR_[A-Z0-9_]+)"
    r"|\{%-?\s*data\s+(?P<liquid>[\w.-]+)\s*-?%\}"
)
_GO_TEMPLATE = lazy(r"\{\{.*?\}\}", re.S)


def _comment_spans(text: str) -> list[tuple[int, int]]:
    """Spans of shell comments (``#`` starting a word, outside quotes)."""
    spans: list[tuple[int, int]] = []
    quote = ""
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 2
                continue
            if ch == quote:
                quote = ""
        elif ch == "\\":
            i += 2
            continue
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and (i == 0 or text[i - 1] in " \t\n;|&("):
            end = text.find("\n", i)
            end = n if end < 0 else end
            spans.append((i, end))
            i = end
            continue
        i += 1
    return spans


def _scan(command: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, name) of every placeholder occurrence, in order."""
    masked = _GO_TEMPLATE.sub(lambda m: " " * len(m.group(0)), command)
    for start, end in _comment_spans(masked):
        masked = masked[:start] + " " * (end - start) + masked[end:]
    for m in _FORMS.finditer(masked):
        name = next(g for g in m.groups() if g is not None)
        yield m.start(), m.end(), name.strip()


def find_placeholders(command: str) -> tuple[str, ...]:
    """Names of the placeholders in ``command`` (no brackets), in order, each once."""
    if "<" not in command and "YOUR_" not in command and "{%" not in command:
        return ()  # every form needs one of these (masking only blanks text out)
    seen: dict[str, None] = {}
    for _, _, name in _scan(command):
        seen.setdefault(name, None)
    return tuple(seen)


def fill_placeholders(command: str, values: Mapping[str, str]) -> str:
    """``command`` with every placeholder whose name is in ``values`` replaced."""
    out: list[str] = []
    pos = 0
    for start, end, name in _scan(command):
        if name in values:
            out.append(command[pos:start])
            out.append(values[name])
            pos = end
    out.append(command[pos:])
    return "".join(out)


def filled_commands(step: Step, values: Mapping[str, str]) -> list[Command]:
    """``step``'s commands with their ``<placeholders>`` filled from ``values`` (the
    commands themselves when the step has none)."""
    if not step.placeholders:
        return list(step.commands)
    return [replace(c, text=fill_placeholders(c.text, values)) for c in step.commands]
