"""The reports of several documents run by one command: one JSON with a ``documents`` list,
an HTML index linking each document's own report, one Markdown summary with a row per
document. (JUnit: :func:`runbook.report.junit.to_junit_many`.) A document that did not run
(no steps, or the run ended before it) is listed with the reason, never dropped."""

from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass
from typing import Any, Sequence

from runbook.model import STATUS_KEYS, RunResult
from runbook.report.json import SUMMARY_KEYS, to_dict
from runbook.report.summary import md_text
from runbook.wording import count, fmt_duration, verdict


@dataclass(frozen=True)
class DocumentRun:
    """One document of a many-document command: its run, or why it did not run."""

    document: str
    run: RunResult | None = None
    not_run: str = ""
    """``no steps``, ``interrupted``, ``--fail-fast``... when ``run`` is None."""
    html: str | None = None
    """Where its own HTML report was written (for the index)."""


def totals(entries: Sequence[DocumentRun]) -> dict[str, int]:
    """The JSON ``summary`` mapping over every document that ran."""
    out = {key: 0 for key in SUMMARY_KEYS}
    for e in entries:
        if e.run is not None:
            for key, n in e.run.counts().items():
                out[key] += n
    return out


def to_dict_many(entries: Sequence[DocumentRun], runbook_version: str) -> dict[str, Any]:
    """The ``documents`` shape of the results (docs/format.md §16, ``$defs/many`` of the schema)."""
    runs = [e.run for e in entries if e.run is not None]
    return {
        "runbook_version": runbook_version,
        "started_at": runs[0].started_at if runs else "1970-01-01T00:00:00Z",
        "duration_s": sum(r.duration_s for r in runs),
        "summary": totals(entries),
        "documents": [to_dict(r) for r in runs],
        "not_run": [{"document": e.document, "reason": e.not_run} for e in entries if e.run is None],
    }


def to_json_many(entries: Sequence[DocumentRun], runbook_version: str) -> str:
    return json.dumps(to_dict_many(entries, runbook_version), indent=2, ensure_ascii=False) + "\n"


def verdict_of(e: DocumentRun) -> tuple[bool | None, str]:
    """(ok, headline) of a document; ``None`` when it did not run."""
    if e.run is None:
        return None, e.not_run
    return verdict(e.run)


def to_markdown_many(entries: Sequence[DocumentRun]) -> str:
    """A row per document and the totals (each document's own summary follows it)."""
    from runbook.report.summary import to_markdown_summary

    t = totals(entries)
    bad = any(verdict_of(e)[0] is False for e in entries)
    out = [f"## {'❌' if bad else '✅'} runbook: {count(len(entries), 'document')}, {count(t['total'], 'step')}",
           "", "| document | verdict | " + " | ".join(STATUS_KEYS) + " | drift |",
           "|---|---|" + "---:|" * (len(STATUS_KEYS) + 1)]
    for e in entries:
        ok, headline = verdict_of(e)
        mark = "⏭️" if ok is None else "✅" if ok else "❌"
        c = e.run.counts() if e.run else {}
        cells = " | ".join(str(c.get(k, "")) for k in (*STATUS_KEYS, "drift"))
        out.append(f"| {md_text(e.document)} | {mark} {md_text(headline)} | {cells} |")
    out.append("")
    return "\n".join(out) + "".join("\n" + to_markdown_summary(e.run) for e in entries if e.run is not None)


def html_report_path(index: str, n: int, document: str) -> str:
    """Where document ``n``'s own report goes beside the index ``report.html``:
    ``report-01-setup.html``."""
    stem, _ = os.path.splitext(index)
    name = os.path.splitext(os.path.basename(document))[0] or "document"
    return f"{stem}-{n:02d}-{name}.html"


def to_html_index(entries: Sequence[DocumentRun], index: str) -> str:
    """A self-contained HTML page: a row per document, linking its own report."""
    here = os.path.dirname(os.path.abspath(index))
    rows = []
    for e in entries:
        ok, headline = verdict_of(e)
        cls = "skip" if ok is None else "pass" if ok else "fail"
        name = html.escape(e.document)
        if e.html:
            href = html.escape(os.path.relpath(os.path.abspath(e.html), here).replace(os.sep, "/"), quote=True)
            name = f'<a href="{href}">{name}</a>'
        took = fmt_duration(e.run.duration_s) if e.run else ""
        rows.append(f'<tr class="{cls}"><td>{name}</td><td>{html.escape(headline)}</td><td>{took}</td></tr>')
    t = totals(entries)
    bad = any(verdict_of(e)[0] is False for e in entries)
    title = f"runbook: {count(len(entries), 'document')}, {count(t['total'], 'step')}"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}"
        "td,th{padding:.3rem .8rem;border-bottom:1px solid #ddd;text-align:left}"
        ".pass td:nth-child(2){color:#1a7f37}.fail td:nth-child(2){color:#cf222e}.skip{color:#777}"
        "</style></head><body>"
        f"<h1>{'FAILED' if bad else 'PASSED'} · {html.escape(title)}</h1>"
        "<table><thead><tr><th>document</th><th>verdict</th><th>time</th></tr></thead><tbody>"
        + "".join(rows) + "</tbody></table></body></html>\n"
    )
