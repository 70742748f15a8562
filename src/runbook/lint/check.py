"""``runbook check``: lint a playbook without running it; pure, returns findings.

Every finding has a stable code, grouped like ruff's (see :data:`CODES` and
docs/check.md): RB1xx structure, RB2xx criteria, RB3xx attributes, directives,
ids and phases, RB4xx copy-paste hazards, RB5xx placeholders and variables,
RB6xx troubleshooting, RB7xx expected output no step owns.

Some parse errors are findings too (a duplicate step id, an invalid attribute
value, a duplicate phase): the offending line is neutralised and the document
parsed again, so one bad id does not hide every other finding. Any other parse
error (broken front matter...) is raised as :class:`~runbook.errors.ParseError`.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from typing import Iterable, Mapping, Sequence

from runbook.errors import ParseError, RunbookError
from runbook.lint.codes import CODES, Context, Finding
from runbook.model import Document
from runbook.parse.attrs import parse_info
from runbook.parse.markdown import parse_document, scan, unclosed_fence

_RECOVERABLE = (
    (re.compile(r"^duplicate step id"), "RB306"),
    (re.compile(r"^invalid value .* for [\w.-]+=$"), "RB305"),
    (re.compile(r"^duplicate phase"), "RB308"),
)
_FENCE_RE = re.compile(r"^([ \t>]*)(`{3,}|~{3,})(.*?)(\r?\n|\r)?$", re.S)
_DIRECTIVE_LINE_RE = re.compile(r"^([ \t>]*<!--\s*runbook\s*:)(.*?)(-->.*)$", re.S)


def _line_of(err: RunbookError, path: str) -> int | None:
    where = err.where or ""
    if where.startswith(path + ":") and where[len(path) + 1:].isdigit():
        return int(where[len(path) + 1:]) - 1
    return None


def _info_text(attrs: Mapping[str, str]) -> str:
    parts = []
    for k, v in attrs.items():
        parts.append(k if v == "true" else f'{k}="{v}"' if '"' not in v else f"{k}='{v}'")
    return " ".join(parts)


def _neutralise(lines: list[str], line0: int, code: str, err: RunbookError, serial: int) -> bool:
    """Rewrite ``lines[line0]`` so the recoverable error goes away; False if it cannot."""
    if line0 >= len(lines):
        return False
    text = lines[line0]
    if code == "RB308":
        new = re.sub(r"(?i)phase", "Stage", text, count=1)
    else:
        fence = _FENCE_RE.match(text)
        directive = _DIRECTIVE_LINE_RE.match(text)
        key = m.group(1) if (m := re.search(r"for ([\w.-]+)=$", err.message)) else ""
        if fence:
            lang, attrs = parse_info(fence.group(3))
            if code == "RB306":
                attrs["id"] = f"{attrs.get('id', 'step')}~dup{serial}"
            else:
                attrs.pop(key, None)
            new = f"{fence.group(1)}{fence.group(2)}{lang} {_info_text(attrs)}{fence.group(4) or ''}"
        elif directive and code == "RB305":
            _, attrs = parse_info("x " + directive.group(2))
            attrs.pop(key, None)
            new = f"{directive.group(1)} {_info_text(attrs)} {directive.group(3)}"
        else:
            return False
    if new == text:
        return False
    lines[line0] = new
    return True


def parse_for_lint(text: str, path: str) -> tuple[Document, list[Finding]]:
    """Parse ``text``, turning recoverable parse errors into findings."""
    from runbook.source import split_lines

    lines = split_lines(text)
    found: list[Finding] = []
    for serial in range(1, 200):
        try:
            return parse_document("".join(lines), path, allow_unclosed=True), found
        except ParseError as err:
            code = next((c for rx, c in _RECOVERABLE if rx.match(err.message)), None)
            line0 = _line_of(err, path)
            if code is None or line0 is None or not _neutralise(lines, line0, code, err, serial):
                raise
            col = max(0, len(lines[line0]) - len(lines[line0].lstrip(" \t>")))
            found.append(Finding(path, line0 + 1, col + 1, code, err.message, err.hint or ""))
    raise ParseError("too many errors to lint this document", where=path)


def check_document(text: str, path: str = "<string>") -> list[Finding]:
    """Every finding in ``text`` (no BOM, annotations allowed), sorted by position.

    Raises :class:`ParseError` when the document cannot be parsed at all.
    """
    from runbook.lint.rules_doc import doc_rules
    from runbook.lint.rules_steps import step_rules

    doc, found = parse_for_lint(text, path)
    sc = scan(text)
    ctx = Context(path, doc, sc, tuple(line.rstrip("\r\n") for line in sc.lines))
    found += step_rules(ctx)
    found += doc_rules(ctx)
    found += _unclosed(ctx)
    ignored = front_matter_ignores(doc)
    found = [f for f in found if not _matches(f.code, ignored)]
    unique = {(f.line, f.col, f.code, f.message): f for f in found}
    return sorted(unique.values(), key=lambda f: (f.line, f.col, f.code))


def _unclosed(ctx: Context) -> list[Finding]:
    """RB104: the fences ``execute`` refuses because they are never closed."""
    out = []
    for b in ctx.scan.blocks:
        err = unclosed_fence(b, ctx.scan.lines, ctx.path)
        if err is not None:
            col = len(ctx.lines[b.start]) - len(ctx.lines[b.start].lstrip(" \t>"))
            out.append(Finding(ctx.path, b.start + 1, col + 1, "RB104", err.message, err.hint or ""))
    return out


def front_matter_ignores(doc: Document) -> tuple[str, ...]:
    """Codes (or prefixes) listed in front matter ``runbook: check: ignore: [...]``."""
    cfg = doc.front_matter.get("check")
    if not isinstance(cfg, Mapping):
        return ()
    value = cfg.get("ignore")
    if isinstance(value, str):
        return tuple(v.strip().upper() for v in value.split(",") if v.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip().upper() for v in value)
    return ()


def _matches(code: str, prefixes: Iterable[str]) -> bool:
    return any(code.startswith(p) for p in prefixes)


def parse_codes(values: Sequence[str], option: str) -> tuple[str, ...]:
    """``--select RB1,RB401`` (repeatable, comma-separated) -> prefixes; unknown ones raise."""
    out: list[str] = []
    for value in values:
        for part in value.split(","):
            p = part.strip().upper()
            if not p:
                continue
            if p != "ALL" and not any(c.startswith(p) for c in CODES):
                raise RunbookError(f"{option}: no check code starts with {p!r}",
                                   hint="codes look like RB101; prefixes such as RB4 select a group; "
                                        "see docs/check.md")
            out.append("" if p == "ALL" else p)
    return tuple(out)


def select(findings: Iterable[Finding], selected: Sequence[str] = (), ignored: Sequence[str] = ()) -> list[Finding]:
    """Findings whose code starts with a selected prefix (all when none) and no ignored one."""
    return [f for f in findings
            if (not selected or _matches(f.code, selected)) and not _matches(f.code, ignored)]


def summary_line(findings: int, files: int, errors: int = 0) -> str:
    """``Found 3 findings in 2 files.`` or ``All checks passed.`` (plus unreadable files)."""
    failed = f" {errors} file{'s' if errors != 1 else ''} could not be checked." if errors else ""
    if not findings:
        return ("No findings." + failed) if errors else "All checks passed."
    return (f"Found {findings} finding{'s' if findings != 1 else ''} in "
            f"{files} file{'s' if files != 1 else ''}.{failed}")


def to_json(findings: Sequence[Finding], errors: Sequence[tuple[str, str]], checked: int) -> str:
    """The ``--format json`` document."""
    files = len({f.path for f in findings})
    return json.dumps({
        "findings": [asdict(f) for f in findings],
        "errors": [{"path": p, "message": m} for p, m in errors],
        "summary": {"files_checked": checked, "files_with_findings": files, "findings": len(findings),
                    "errors": len(errors)},
    }, indent=2, ensure_ascii=False) + "\n"
