"""The reviewer's report: one self-contained HTML file of a run (and its document).

Inline CSS and a little JavaScript (``report.css`` / ``report.js`` beside this
module), no network requests: a Content-Security-Policy allows only this page's own
script (by hash) and inline styles, and document images become plain links. Every
string from a run or a document is escaped; the document's Markdown is rendered by
markdown-it-py with raw HTML reduced to a few harmless, attribute-free tags.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path
from typing import Iterator, Sequence

from runbook.model import (
    FAILING,
    STATUSES,
    Document,
    PhaseResult,
    RunResult,
    Status,
    StepResult,
)
from runbook.wording import (
    STATUS_ORDER,
    fmt_duration,
    leading_id_end,
    step_label,
    verdict,
    visible,
    why,
)
from runbook.report.html_markdown import inline_html, markdown, render_block, segments
from runbook.source import encode
from runbook.report.html_markdown import sanitize_html as sanitize_html  # re-exported

_HERE = Path(__file__).resolve().parent
_TOTALS = STATUSES

esc = html.escape
_TITLE_TAIL = re.compile(r"[\s.:)\u2014\u2013-]*")
_UNSAFE_ID = re.compile(r"[\s\x00-\x1f\x7f]+")


# --- pieces of a step card ----------------------------------------------------------


def safe_id(step_id: str) -> str:
    """An element id for a step: its id with whitespace and control characters made ``-``."""
    cleaned = _UNSAFE_ID.sub("-", step_id).strip("-")
    return cleaned if cleaned and not cleaned.startswith("rb-") else f"step-{cleaned}"


def _badge(status: Status) -> str:
    return f'<span class="badge st-{status.value}"><i class="dot"></i>{status.value}</span>'


def _title_rest(r: StepResult) -> str:
    """The title without its leading id (the id is shown beside it)."""
    end = leading_id_end(r.title, r.step_id, spaces=True)
    tail = _TITLE_TAIL.match(r.title, end) if end is not None else None
    rest = r.title[tail.end() :] if tail else r.title
    return rest.strip() or r.title.strip()


def _diff(text: str) -> str:
    rows = []
    for line in text.rstrip("\n").split("\n"):
        kind = (
            "file" if line.startswith(("+++", "---"))
            else "hunk" if line.startswith("@@")
            else "add" if line.startswith("+")
            else "del" if line.startswith("-")
            else "ctx"
        )
        rows.append(f'<span class="{kind}">{esc(line)}</span>')
    return '<pre class="diff">' + "".join(rows) + "</pre>"


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} B"


def _result_card(run: RunResult, r: StepResult) -> str:
    parts = [_card_head(r)]
    reason = why(run, r)
    if reason and r.status is not Status.PASS:
        parts.append(f'<p class="reason">{esc(reason)}</p>')
    if r.checks:
        parts.append(_checks(r))
    if r.diff:
        title = "Expected vs actual (documented output drifted)" if r.drift else "Expected vs actual"
        parts += [f'<div class="sub">{title}</div>', _diff(r.diff)]
    if r.troubleshooting:
        parts.append(_trouble(r))
    if r.notes:
        parts.append('<ul class="notes">' + "".join(f"<li>{esc(n)}</li>" for n in r.notes) + "</ul>")
    if r.output.text:
        parts.append(_output(r))
    elif r.status not in (Status.SKIP, Status.BLOCKED):
        parts.append('<p class="notrun">No output.</p>')
    parts.append("</div>")
    return "".join(parts)


def _card_head(r: StepResult) -> str:
    meta = [f"line {r.line}"] if r.line else []
    if r.exit_code is not None:
        meta.append(f"exit {r.exit_code}")
    if r.status not in (Status.SKIP, Status.BLOCKED):
        meta.append(fmt_duration(r.duration_s))
    if r.attempts > 1:
        meta.append(f"{r.attempts} attempts")
    return "".join([
        '<div class="result"><div class="result-head">',
        _badge(r.status),
        f'<a class="sid" href="#{esc(safe_id(r.step_id))}">{esc(r.step_id)}</a>',
        f'<h3 class="stitle">{esc(_title_rest(r))}</h3>',
        '<span class="tag drift">drift</span>' if r.drift else "",
        f'<span class="meta">{esc(" · ".join(meta))}</span></div>',
    ])


def _checks(r: StepResult) -> str:
    parts = ['<ul class="checks">']
    for c in r.checks:
        kind, mark = ("manual", "?") if c.manual else ("ok", "✓") if c.ok else ("ko", "✗")
        detail = f' <span class="detail">— {esc(c.detail)}</span>' if c.detail else ""
        parts.append(f'<li class="{kind}"><span class="mark">{mark}</span>'
                     f'<span><code>{esc(c.clause)}</code>{detail}</span></li>')
    return "".join(parts) + "</ul>"


def _trouble(r: StepResult) -> str:
    parts = ['<div class="sub">Troubleshooting</div><table class="trouble">'
             "<tr><th>Symptom</th><th>Likely cause</th><th>Fix</th></tr>"]
    for m in r.troubleshooting:
        symptom, cause, fix = (inline_html(t) for t in (m.row.symptom, m.row.cause, m.row.fix))
        parts.append(f"<tr><td>{symptom}<br><small>matched <code>{esc(m.matched)}</code></small>"
                     f"</td><td>{cause}</td><td>{fix}</td></tr>")
    return "".join(parts) + "</table>"


def _output(r: StepResult) -> str:
    o = r.output
    info = f"{o.lines} line{'s' if o.lines != 1 else ''} · {_size(o.total_bytes)}"
    trunc = (f' · <span class="trunc">{_size(o.dropped_bytes)} not kept (full output in the JSON)</span>'
             if o.truncated else "")
    return (f'<details class="output"><summary>Output · {esc(info)}{trunc}</summary>'
            f'<pre class="out">{esc(o.text)}</pre></details>')


def _step_open(r: StepResult) -> str:
    return (f'<section class="step st-{r.status.value}" id="{esc(safe_id(r.step_id))}" '
            f'data-status="{r.status.value}" data-phase="{esc(r.phase)}" data-drift="{int(r.drift)}">')


# --- page parts -------------------------------------------------------------------------


def _header(run: RunResult, doc: Document | None) -> str:
    ok, headline = verdict(run)
    counts = run.counts()
    title = doc.title if doc and doc.title else Path(run.document).name or run.document
    facts = [("Started", run.started_at), ("Duration", fmt_duration(run.duration_s)),
             ("Host", run.host or "unknown"), ("runbook", run.runbook_version)]
    totals = [
        f'<button type="button" class="total st-{s.value}{" zero" if not counts[s.value] else ""}" '
        f'data-toggle-status="{s.value}" title="Show only {s.value} steps">'
        f'<span class="n">{counts[s.value]}</span> {s.value}</button>'
        for s in _TOTALS
    ]
    totals.append(f'<button type="button" class="total st-drift{" zero" if not counts["drift"] else ""}" '
                  f'data-toggle-status="drift" title="Show only steps with drift">'
                  f'<span class="n">{counts["drift"]}</span> drift</button>')
    return (
        '<header class="top"><div class="wrap"><div class="brand">runbook report</div>'
        f'<h1>{esc(title)}</h1><div class="docpath">{esc(run.document)}</div>'
        f'<div class="verdict {"ok" if ok else "ko"}" id="rb-verdict"><span class="vicon">{"✓" if ok else "✗"}</span>'
        f'{"Passed" if ok else "Failed"}: {esc(headline)}</div>'
        '<dl class="facts">'
        + "".join(f"<div><dt>{k}</dt><dd>{esc(v)}</dd></div>" for k, v in facts)
        + f'</dl><div class="totals" id="rb-totals" data-total="{counts["total"]}">'
        + f'<span class="total" title="All steps"><span class="n">{counts["total"]}</span> step{"s" if counts["total"] != 1 else ""}</span>'
        + "".join(totals) + "</div></div></header>"
    )


def _phases(run: RunResult) -> str:
    rows = []
    for p in run.phases:
        steps = run.results_in(p.id)
        chips = "".join(
            f'<a class="chip st-{r.status.value}{" drift" if r.drift else ""}" href="#{esc(safe_id(r.step_id))}" '
            f'title="{esc(step_label(r))}: {r.status.value}{" (drift)" if r.drift else ""}">{esc(r.step_id)}</a>'
            for r in steps
        )
        name = p.title if p.id in p.title else f"{p.id} {p.title}"
        rows.append(
            f'<div class="phase-row" data-phase="{esc(p.id)}"><div class="phase-name">{_badge(p.status)} '
            f'{esc(name)}{" <span class=tag>blocking</span>" if p.blocking else ""}</div>'
            f'<div class="strip">{chips}</div><div class="phase-meta">{len(steps)} step'
            f'{"s" if len(steps) != 1 else ""} · {fmt_duration(sum(r.duration_s for r in steps))}</div></div>'
        )
    return '<section class="panel phases" id="rb-phases"><h2>Phases</h2>' + "".join(rows) + "</section>"


def _attention(run: RunResult) -> str:
    bad = sorted((r for r in run.steps if r.status in FAILING), key=lambda r: STATUS_ORDER.index(r.status))
    if not bad:
        return ""
    items = "".join(
        f'<li>{_badge(r.status)}<a href="#{esc(safe_id(r.step_id))}">{esc(step_label(r))}</a>'
        f'<span class="why">{esc(why(run, r))}</span></li>'
        for r in bad
    )
    return f'<section class="panel attention" id="rb-attention"><h2>Needs attention</h2><ul>{items}</ul></section>'


def _toolbar(phases: Sequence[PhaseResult]) -> str:
    options = "".join(f'<option value="{esc(p.id)}">{esc(p.title if p.id in p.title else p.id + " " + p.title)}'
                      "</option>" for p in phases)
    return (
        '<nav class="toolbar" id="rb-toolbar"><div class="wrap">'
        '<div class="group"><button type="button" data-filter="all" aria-pressed="true">All</button>'
        '<button type="button" data-filter="failures" aria-pressed="false">Failures only</button></div>'
        '<div class="group" role="group" aria-label="Status">'
        + "".join(f'<button type="button" data-toggle-status="{s.value}" aria-pressed="false">'
                  f'<i class="dot st-{s.value}"></i>{s.value}</button>' for s in _TOTALS)
        + '<button type="button" data-toggle-status="drift" aria-pressed="false">'
        '<i class="dot st-drift"></i>drift</button></div>'
        f'<div class="group"><label class="label" for="rb-phase">Phase</label><select id="rb-phase">'
        f'<option value="">all phases</option>{options}</select></div>'
        '<button type="button" id="rb-expand" aria-pressed="false">Expand all</button>'
        '<span class="count" id="rb-count"></span></div></nav>'
    )


def _body(run: RunResult, doc_text: str | None, doc: Document | None) -> Iterator[str]:
    """The document's pieces with their result cards, one at a time (see :func:`to_html_bytes`)."""
    seen: set[str] = set()
    if doc_text is not None and doc is not None:
        yield from _document_steps(run, doc_text, doc, seen)
    rest = [r for r in run.steps if r.step_id not in seen]
    if rest:
        yield from _other_steps(run, rest, in_document=bool(seen))
    yield '<p class="empty-filter">No step matches these filters.</p>'


_BLANK = " \t\r\n"
"""What a CommonMark blank line holds (a line of other white space, U+00A0 say, is text)."""


def _document_steps(run: RunResult, doc_text: str, doc: Document, seen: set[str]) -> Iterator[str]:
    """The document rendered, each step's result card under its block (adds to ``seen``)."""
    md = markdown()
    for step, text in segments(doc_text, doc):
        if step is None:  # blank lines between steps render to nothing: not parsed (~20 µs each)
            yield f'<div class="prose">{md.render(text) if text.strip(_BLANK) else ""}</div>'
            continue
        block = f'<div class="doc-block">{render_block(text)}</div>'
        r = run.result_for(step.id)
        if r is None:
            yield f'<div class="prose">{block}<p class="notrun">Not run in this run.</p></div>'
            continue
        seen.add(r.step_id)
        yield _step_open(r) + block + _result_card(run, r) + "</section>"


def _other_steps(run: RunResult, rest: list[StepResult], in_document: bool) -> list[str]:
    """Result cards of steps the document does not show; grouped by phase without a document."""
    parts: list[str] = []
    if in_document:
        parts.append('<h2 class="unmatched-title hide-filtered">Steps not found in the document</h2>')
    current = None
    for r in rest:
        if r.phase != current and not in_document:
            current = r.phase
            phase = next((p for p in run.phases if p.id == r.phase), None)
            label = phase.title if phase and phase.id in phase.title else f"Phase {r.phase}"
            parts.append(f'<div class="prose"><h2>{esc(label)}</h2></div>')
        parts.append(_step_open(r) + _result_card(run, r) + "</section>")
    return parts


def _asset(name: str) -> str:
    return (_HERE / name).read_text(encoding="utf-8")


def to_html(run: RunResult, doc_text: str | None = None, doc: Document | None = None) -> str:
    """The whole report page. Without ``doc_text``/``doc`` (re-rendered from JSON) the
    steps are shown alone, grouped by phase."""
    # Escaped text can still hold NUL, controls or lone surrogates (undecodable
    # bytes): make them visible, which also keeps the page encodable as UTF-8.
    return visible("".join(_page(run, doc_text, doc)))


def to_html_bytes(run: RunResult, doc_text: str | None = None, doc: Document | None = None) -> bytes:
    """:func:`to_html` encoded as UTF-8, byte for byte, made piece by piece: a page with an
    emoji in it is 4 bytes a character as one Python string (~180 MB for 50,000 steps),
    its UTF-8 pieces a quarter of that. ``visible`` and UTF-8 work character by
    character, so piece by piece is the same as on the whole page."""
    buf = bytearray()
    for data in html_bytes(run, doc_text, doc):
        buf += data
    return bytes(buf)


def html_pieces(run: RunResult, doc_text: str | None = None, doc: Document | None = None) -> Iterator[str]:
    """:func:`to_html`'s page in pieces, each made as it is asked for (``execute --html``
    writes them to the file one by one)."""
    return (visible(part) for part in _page(run, doc_text, doc))  # visible() left no surrogate


def html_bytes(run: RunResult, doc_text: str | None = None, doc: Document | None = None) -> Iterator[bytes]:
    """:func:`html_pieces` encoded (``encode(visible(piece))``), each piece made, checked and
    encoded in one pass (``execute --html`` writes them one by one)."""
    return (page_bytes(part) for part in _page(run, doc_text, doc))


_INVISIBLE_BYTES = bytes(c for c in range(32) if c not in (9, 10, 13))
"""The C0 controls :func:`~runbook.wording.visible` shows as ``\\xNN``."""


def page_bytes(part: str) -> bytes:
    """``encode(visible(part))``: the UTF-8 bytes of ``part`` when it holds nothing
    ``visible`` changes (no lone surrogate, C0 control but tab, LF and CR, U+FFFE or
    U+FFFF), found on the bytes in C without a regular expression's pass; else that."""
    try:
        data = part.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate (a byte that was not UTF-8)
        return encode(visible(part))
    if len(data.translate(None, _INVISIBLE_BYTES)) != len(data) or (b"\xef\xbf" in data and (
            b"\xef\xbf\xbe" in data or b"\xef\xbf\xbf" in data)):  # U+FFFE, U+FFFF: only these bytes
        return encode(visible(part))
    return data


def _page(run: RunResult, doc_text: str | None, doc: Document | None) -> Iterator[str]:
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    ok, headline = verdict(run)
    title = f"{'✅' if ok else '❌'} {Path(run.document).name or run.document}: {headline} · runbook"
    head = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        f'<meta name="generator" content="runbook {esc(run.runbook_version)}">'
        f"<title>{esc(title)}</title><style>{_asset('report.css')}</style></head>\n<body>"
        + _header(run, doc)
        + _toolbar(run.phases)
        + '<main><div class="wrap">'
        + _phases(run)
        + _attention(run)
        + '<div id="rb-document">'
    )
    tail = ("</div></div></main>"
            f"<footer>Generated by runbook {esc(run.runbook_version)} · {esc(run.started_at)}</footer>"
            f"<script>{script}</script></body></html>\n")
    yield head
    yield from _body(run, doc_text, doc)
    yield tail
