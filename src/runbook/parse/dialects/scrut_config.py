"""scrut's configuration: per test case (``{…}`` on the fence, ``%`` lines), per document
(front matter ``defaults``, ``prepend``, ``append``), and the shell code a case runs with.

From scrut's reference (website/docs/reference/fundamentals/inline-configuration.md) and
its selftests (selftest/complex/inline-configuration): both syntaxes are YAML; a case's own
keys win over the document's ``defaults``; ``environment`` is exported before the case (and
stays set, as if the case had exported it); ``wait`` sleeps, or polls for ``path`` (under
``$TMPDIR``) at most its ``timeout``, before the case runs; ``prepend`` / ``append`` name
documents (relative to the document's folder) whose cases run before / after its own.
"""

from __future__ import annotations

import os
import re
import shlex
from typing import Callable, Sequence

from runbook.config import parse_seconds
from runbook.errors import ParseError
from runbook.parse.blocks import Block

READ_KEYS = frozenset({"timeout", "output_stream", "keep_crlf", "environment", "wait", "detached", "interpolated",
                       "detached_kill_signal", "skip_document_code", "strip_ansi_escaping", "fail_fast",
                       "total_timeout"})
"""Per-case keys runbook honours (and ``mode``: ``output`` or ``jsonschema``); a case using any
other is skipped with that reason, never misjudged. ``strip_ansi_escaping`` changes nothing: runbook
removes ANSI codes from the output it judges, and from escaped expectations alike."""

_FENCE = re.compile(r"^(`{3,}|~{3,})\s*(.*)$")


YamlLoader = Callable[[str, str], object]
"""``(text, path) -> data``: the parser's one PyYAML user (parse/markdown.py) hands it in."""


def _load(load: YamlLoader, text: str, path: str) -> object:
    try:
        return load(text, path)
    except ParseError:
        return None


def _mapping(value: object) -> dict[str, object]:
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}


def case_config(info: str, lines: Sequence[str], defaults: dict[str, object], path: str,
                load: YamlLoader) -> dict[str, object]:
    """A case's configuration: the document's defaults, then ``{…}`` on the fence, then ``%`` lines."""
    found = dict(defaults)
    brace = re.search(r"\{.*\}", info)
    percent = [x[2:] if x.startswith("% ") else x[1:] for x in lines if x.startswith("%")]
    for text in ([brace.group(0)] if brace else []) + (["\n".join(percent)] if percent else []):
        data = _load(load, text, path)
        if not isinstance(data, dict):  # not YAML: the case is skipped rather than run without it
            found["configuration that is not a YAML mapping"] = text
        found.update(_mapping(data))
    return found


def front_matter(lines: Sequence[str], path: str, load: YamlLoader) -> dict[str, object]:
    """The document's own YAML front matter (scrut's keys are not runbook settings)."""
    if not lines or lines[0].rstrip("\r\n") != "---":
        return {}
    end = next((n for n in range(1, len(lines)) if lines[n].rstrip("\r\n") == "---"), None)
    return _mapping(_load(load, "".join(x if x.endswith("\n") else x + "\n" for x in lines[1:end]), path)) if end else {}


def unread_key(cfg: dict[str, object]) -> str | None:
    """The first key runbook does not read (its case is skipped), or None."""
    return next((k for k in cfg if k not in READ_KEYS and not (k == "mode" and cfg[k] in ("output", "jsonschema"))), None)


def seconds(value: object) -> float | None:
    """A scrut duration (``10s``, ``300ms``, ``1m``) in seconds, or None."""
    return parse_seconds(str(value).strip()) or None if value is not None else None


def prelude(cfg: dict[str, object]) -> list[str]:
    """Shell lines run before the case: its ``environment`` exported, its ``wait`` waited."""
    out = [f"export {k}={shlex.quote(str(v))}" for k, v in _mapping(cfg.get("environment")).items()
           if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", k)]
    wait = cfg.get("wait")
    if isinstance(wait, dict):
        limit, where = seconds(wait.get("timeout")) or 0.0, str(wait.get("path", ""))
        ticks = max(1, int(limit * 10))
        out.append(f'for __rb_w in $(seq {ticks}); do [ -e "$TMPDIR"/{shlex.quote(where)} ] && break; sleep 0.1; done')
    elif wait is not None and seconds(wait):
        out.append(f"sleep {seconds(wait)}")
    return out


def included(doc_path: str, names: object) -> list[tuple[str, list[Block]]]:
    """The documents named by ``prepend`` / ``append`` (relative to the document's folder):
    each path with its headings and fences, as scrut reads them (their front matter ignored)."""
    folder = os.path.dirname(os.path.abspath(doc_path))
    found: list[tuple[str, list[Block]]] = []
    for name in names if isinstance(names, list) else []:
        path = os.path.join(folder, str(name))
        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as f:
                found.append((path, fences(f.read().split("\n"))))
        except OSError as exc:
            raise ParseError(f"scrut: cannot read {name}: {exc.strerror}", where=doc_path,
                             hint="prepend / append paths are relative to the document's folder") from None
    return found


def fences(lines: Sequence[str]) -> list[Block]:
    """Headings and fenced blocks of a Markdown text, the few rules scrut's own reader has."""
    blocks: list[Block] = []
    n = 0
    while n < len(lines):
        m = _FENCE.match(lines[n])
        if m:
            close = next((k for k in range(n + 1, len(lines)) if lines[k].strip() == m.group(1)), len(lines))
            blocks.append(Block("fence", n, close + 1, raw="\n".join(lines[n + 1:close]), info=m.group(2)))
            n = close + 1
            continue
        if lines[n].startswith("#"):
            blocks.append(Block("heading", n, n + 1, raw=lines[n], text=lines[n].lstrip("#").strip()))
        n += 1
    return blocks
