"""``runbook check``: lint a playbook without running it; pure, returns findings.

Every finding has a stable code, grouped like ruff's (see :data:`CODES` and
docs/check.md): RB1xx structure, RB2xx criteria, RB3xx attributes, directives,
ids and phases, RB4xx copy-paste hazards, RB5xx placeholders and variables,
RB6xx troubleshooting, RB7xx expected output no step owns, RB8xx commands that do not return or
run in another context.

The parser's diagnostics are findings too, recoverable errors included (a
duplicate step id, an invalid attribute value, a duplicate phase): the parser
records them in its one pass and goes on, so one bad id does not hide every other
finding. Any other parse error (broken front matter...) is raised as
:class:`~runbook.errors.ParseError`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Iterable, Mapping, Sequence

from runbook.errors import RunbookError
from runbook.lint.codes import CODES, Context, Finding
from runbook.model import Document
from runbook.parse.dialects import READ, Declared
from runbook.parse.markdown import Scan, parse_and_scan
from runbook.parse.pause import collector_paused

_OWN_RULES = frozenset({"RB301", "RB701"})
"""Parser diagnostics a lint rule reports itself, with more context (where the key is)."""


def parse_for_lint(text: str, path: str, dialect: Declared | None = None,
                   default: Declared | None = None) -> tuple[Document, Scan, list[Finding]]:
    """Parse ``text`` once; every parser diagnostic (recoverable errors too) as a finding."""
    doc, sc = parse_and_scan(text, path, dialect=dialect, default_dialect=default)
    return doc, sc, [Finding.of(path, d) for d in doc.diagnostics if d.code not in _OWN_RULES]


def check_document(text: str, path: str = "<string>", dialect: Declared | None = None,
                   default: Declared | None = None) -> list[Finding]:
    """Every finding in ``text`` (no BOM, annotations allowed), sorted by position.

    Raises :class:`ParseError` when the document cannot be parsed at all.
    """
    return check_text(text, path, dialect, default)[0]


def check_text(text: str, path: str = "<string>", dialect: Declared | None = None,
               default: Declared | None = None, codes: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
               ) -> tuple[list[Finding], Document]:
    """:func:`check_document`, and the Document it read (its ``dialect`` is reported too);
    ``dialect`` / ``default``: the declared dialect (``--dialect``, the project's). ``codes``:
    (selected, ignored) prefixes the caller will :func:`select` with: findings it would drop
    may be left out (per-step rules do not make them)."""
    with collector_paused():  # see parse/pause.py: ~20 µs a step at 50,000 steps
        return _check_text(text, path, dialect, default, codes)


def _check_text(text: str, path: str, dialect: Declared | None, default: Declared | None,
                codes: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())) -> tuple[list[Finding], Document]:
    from runbook.lint.rules_doc import doc_rules
    from runbook.lint.rules_longrun import longrun_rules
    from runbook.lint.rules_steps import step_rules

    doc, sc, found = parse_for_lint(text, path, dialect, default)
    ctx = Context(path, doc, sc, tuple(line.rstrip("\r\n") for line in sc.lines), codes)
    if doc.dialect in READ:  # read with another tool's rules (docs/dialects.md): runbook's authoring rules do not apply
        return found, doc
    found += step_rules(ctx)
    found += doc_rules(ctx)
    found += longrun_rules(ctx)
    ignored = front_matter_ignores(doc)
    found = [f for f in found if not _matches(f.code, ignored)]
    unique = {(f.line, f.col, f.code, f.message): f for f in found}
    return sorted(unique.values(), key=lambda f: (f.line, f.col, f.code)), doc


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


def to_json(findings: Sequence[Finding], errors: Sequence[tuple[str, str]], checked: int,
            dialects: Mapping[str, tuple[str, str]] | None = None) -> str:
    """The ``--format json`` document (``dialects``: path -> dialect, for files read as another
    tool's or declared; ``dialects_from``: path -> ``detected`` or where it was declared)."""
    files = len({f.path for f in findings})
    return json.dumps({
        "dialects": {p: name for p, (name, _) in (dialects or {}).items()},
        "dialects_from": {p: source for p, (_, source) in (dialects or {}).items()},
        "findings": [asdict(f) for f in findings],
        "errors": [{"path": p, "message": m} for p, m in errors],
        "summary": {"files_checked": checked, "files_with_findings": files, "findings": len(findings),
                    "errors": len(errors)},
    }, indent=2, ensure_ascii=False) + "\n"


def check_paths(paths: Sequence[str], selected: Sequence[str] = (), ignored: Sequence[str] = (),
                dialects: dict[str, tuple[str, str]] | None = None, dialect: Declared | None = None,
                default: Declared | None = None) -> tuple[list[Finding], list[tuple[str, str]]]:
    """``runbook check`` over files: the selected findings, and (path, message) for each file
    that could not be read or parsed. ``dialects`` receives each file's dialect and where it
    came from (``detected``, or where it was declared), when it has one or was declared."""
    from runbook.source import Source

    findings: list[Finding] = []
    errors: list[tuple[str, str]] = []
    for path in paths:
        try:
            found, doc = check_text(Source.read(path).text, path, dialect, default, (tuple(selected), tuple(ignored)))
            findings += select(found, selected, ignored)
            if (doc.dialect or doc.dialect_from) and dialects is not None:
                dialects[path] = (doc.dialect or "runbook", doc.dialect_from or "detected")
        except RunbookError as err:
            errors.append((path, str(err)))
    return findings, errors
