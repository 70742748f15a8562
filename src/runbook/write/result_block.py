"""The Markdown inside annotation regions: a step's result and the run summary.

Every body returned here is a list of lines without terminators or container
prefix, built so that it renders as intended *without any blank line between
its blocks*: a blank line inside a list item would turn a tight list loose and
change how the author's own items render. Blocks therefore follow each other
only where CommonMark ends the previous one by itself: an HTML line starting
with ``<!--`` (an HTML block of type 2, finished on that same line, which also
interrupts paragraphs, lists and tables), a fence, a bullet list after a
paragraph. The ``<details>`` tags ride on such comment lines for that reason.

Whatever came from outside (output, diffs, check details, troubleshooting
cells, host names) is made inert: control characters become visible escapes,
text in HTML is HTML-escaped, text in Markdown is backslash-escaped, fenced
text gets a fence longer than any run inside it, and nothing can spell an
annotation marker.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from urllib.parse import quote

from runbook.lazyre import lazy
from runbook.model import EMOJI, FAILING, STATUSES, Check, Document, RunResult, Status, StepResult
from runbook.wording import count

DRIFT_NOTE = "⚠️ drift: output differs from the documented example"

#: Output beyond these limits is cut in the annotation (the JSON keeps it).
MAX_LINES = 200
MAX_BYTES = 20_000
MAX_LINE_CHARS = 2_000
_HEAD_LINES = 40

_CONTROL = lazy("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
_ASCII_CONTROL = bytes([*range(0x09), *range(0x0b, 0x20), 0x7f])
"""``_CONTROL``'s ASCII characters (``\r`` among them)."""
_MARKER_WORD = lazy(r"(runbook\s*):(\s*(?:begin|end))", re.I)
_MD_SPECIAL = lazy(r"([\\`*_\[\]<>&|~$])")
_BACKTICKS = lazy(r"`+")
_TILDES = lazy(r"~+")
_LINE_BREAK = lazy(r"\s*\n\s*")


# --- making foreign text inert -------------------------------------------------


def clean(text: str) -> str:
    """Visible escapes for control characters; annotation markers defused.

    Tabs and newlines stay (callers decide about line structure); a lone
    surrogate (undecodable byte) becomes U+FFFD so the file stays valid UTF-8.
    """
    if text.isascii() and ":" not in text and \
            len(text.encode("ascii").translate(None, _ASCII_CONTROL)) == len(text):
        return text  # nothing to change (checked in C, most outputs): no pass of the patterns below
    text = _CONTROL.sub(_escape_control, text.replace("\r\n", "\n"))
    return _MARKER_WORD.sub(r"\1\\:\2", text)


def _escape_control(m: re.Match[str]) -> str:
    ch = m.group(0)
    if "\ud800" <= ch <= "\udfff":
        return "\ufffd"
    if ch == "\r":
        return "\\r"
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """``clean`` and fold line breaks, for text that must stay on one line."""
    return _LINE_BREAK.sub(" ↵ ", clean(text).strip())


def md_text(text: str) -> str:
    """Plain text as Markdown inline content that renders literally."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(text))


def _md_fragment(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


@lru_cache(maxsize=1024)
def md_author(text: str, in_table: bool = False) -> str:
    """Author-written inline text (a clause, a symptom): code spans kept, rest literal.

    Kept for the last 1,024 texts: a run's checks repeat the same few clauses."""
    text = one_line(text)
    out: list[str] = []
    pos = 0
    while pos < len(text):
        m = _BACKTICKS.search(text, pos)
        if m is None:
            out.append(_md_fragment(text[pos:]))
            break
        out.append(_md_fragment(text[pos : m.start()]))
        close = _closing_run(text, m.end(), len(m.group(0)))
        if close is None:
            out.append("\\`" * len(m.group(0)))
            pos = m.end()
            continue
        span = text[m.start() : close]
        out.append(span.replace("|", "\\|") if in_table else span)
        pos = close
    return "".join(out)


def _closing_run(text: str, start: int, size: int) -> int | None:
    """End index of the backtick run of exactly ``size`` closing a code span."""
    for m in _BACKTICKS.finditer(text, start):
        if len(m.group(0)) == size:
            return m.end()
    return None


def html_text(text: str) -> str:
    return html.escape(one_line(text), quote=True)


def fence(body_lines: list[str], info: str = "") -> list[str]:
    """A fenced block around ``body_lines`` that no line inside can close."""
    body = "\n".join(body_lines)
    ticks = max((len(r) for r in _BACKTICKS.findall(body)), default=0) if "`" in body else 0
    tildes = max((len(r) for r in _TILDES.findall(body)), default=0) if "~" in body else 0
    char, longest = ("`", ticks) if ticks <= tildes else ("~", tildes)
    marker = char * max(3, longest + 1)
    return [marker + info, *body_lines, marker]


def literal_lines(text: str) -> list[str]:
    """Lines of foreign text for a fence: cleaned, extremely long lines capped."""
    text = clean(text)
    if text.endswith("\n"):
        text = text[:-1]
    lines = text.split("\n") if text else []
    if len(text) <= MAX_LINE_CHARS:  # no line can be too long
        return lines
    return [_cap(line) for line in lines]


def _cap(line: str) -> str:
    if len(line) <= MAX_LINE_CHARS:
        return line
    return f"{line[:MAX_LINE_CHARS]} … [{len(line) - MAX_LINE_CHARS} more characters]"


def cut(lines: list[str]) -> tuple[list[str], int]:
    """Head and tail of ``lines`` within the size limits, and how many were left out."""
    if len(lines) <= MAX_LINES and 4 * sum(map(len, lines)) + len(lines) <= MAX_BYTES:
        return lines, 0  # within the limit without counting bytes: 4 at most a character
    size = sum(len(line.encode("utf-8", "replace")) + 1 for line in lines)
    if len(lines) <= MAX_LINES and size <= MAX_BYTES:
        return lines, 0
    head: list[str] = []
    budget = MAX_BYTES // 5
    for line in lines[:_HEAD_LINES]:
        budget -= len(line.encode("utf-8", "replace")) + 1
        if budget < 0:
            break
        head.append(line)
    tail: list[str] = []
    budget = MAX_BYTES - MAX_BYTES // 5
    for line in reversed(lines[len(head) :]):
        budget -= len(line.encode("utf-8", "replace")) + 1
        if budget < 0 or len(tail) >= MAX_LINES - _HEAD_LINES:
            break
        tail.append(line)
    tail.reverse()
    dropped = len(lines) - len(head) - len(tail)
    return [*head, f"… {dropped} more lines in the JSON results …", *tail], dropped


# --- one step ------------------------------------------------------------------


def duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.2f} s"
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest} s"


def result_body(res: StepResult) -> list[str]:
    """The lines of one step's result region (between the markers)."""
    lines = _result_head(res)
    lines += [_check_item(check) for check in res.checks]
    if res.diff:
        lines += fence(literal_lines(res.diff), "diff")
    if res.troubleshooting:
        lines.append("<!-- troubleshooting rows matching this failure -->")
        lines.append("| 🔧 Symptom | Likely cause | Fix |")
        lines.append("| --- | --- | --- |")
        for match in res.troubleshooting:
            cells = (match.row.symptom, match.row.cause, match.row.fix)
            lines.append("| " + " | ".join(md_author(c, in_table=True) for c in cells) + " |")
    lines += _output_block(res)
    return lines


def _result_head(res: StepResult) -> list[str]:
    """``**✅ pass** · exit 0 · 0.1 s — reason``, then the drift note and notes (hard breaks)."""
    status = res.status
    parts = [f"**{EMOJI[status]} {status.value}**"]
    if res.exit_code is not None:
        parts.append(f"exit {res.exit_code}")
    if res.attempts or res.duration_s:
        parts.append(duration(res.duration_s))
    if res.attempts > 1:
        parts.append(f"{res.attempts} attempts")
    head = " · ".join(parts)
    if res.reason:
        head += " — " + md_author(res.reason)
    lines = [head]
    extra = ([DRIFT_NOTE] if res.drift else []) + [f"Note: {md_author(n)}" for n in res.notes]
    for text in extra:
        lines[-1] += "\\"
        lines.append(text)
    return lines


def _check_item(check: Check) -> str:
    mark = "✋" if check.manual else ("✓" if check.ok else "✗")
    item = f"- {mark} {md_author(check.clause) or md_text('(criterion)')}"
    if check.detail:
        item += " — " + md_author(check.detail)
    elif check.manual:
        item += " — needs a human check"
    return item


def _output_block(res: StepResult) -> list[str]:
    out = res.output
    shown = literal_lines(out.text)
    if not shown:
        return []
    total = max(out.lines, len(shown))
    shown, dropped = cut(shown)
    label = f"Output ({total} line{'s' if total != 1 else ''}"
    if dropped or out.truncated:
        label += ", cut"
    label += ")"
    return [
        f"<!-- output --><details><summary>{html.escape(label)}</summary>",
        *fence(shown, "text"),
        "<!-- output --></details>",
    ]


# --- the run summary -----------------------------------------------------------

_COLUMNS = STATUSES
_LINKED = frozenset({Status.FAIL, Status.ERROR, Status.MANUAL})


def summary_body(doc: Document, run: RunResult) -> list[str]:
    """The lines of the run summary region: verdict, provenance, a row per phase."""
    verdict = Status.FAIL if any(r.status in FAILING for r in run.steps) else Status.PASS
    meta = [
        md_text(run.started_at),
        "host " + md_text(run.host),
        "runbook " + md_text(run.runbook_version),
        duration(run.duration_s),
    ]
    lines = [_summary_head(run, verdict) + "\\", " · ".join(meta)]
    header = ["Phase", "Result", *(f"{EMOJI[s]} {s.value}" for s in _COLUMNS), "drift", "Failed"]
    lines.append("<!-- runbook results by phase -->")
    lines.append("| " + " | ".join(header) + " |")
    lines.append("| --- | --- | " + " | ".join("---:" for _ in range(len(_COLUMNS) + 1)) + " | --- |")
    anchors = {s.id: s.anchor for s in doc.steps}
    rows = [
        (md_author(title, in_table=True) or md_text(phase_id), status,
         run.results_in(phase_id))
        for phase_id, title, status in _phase_rows(run)
    ]
    if len(rows) != 1:
        # Also keeps a table body: cmark-gfm turns a tight list loose around a bodiless table.
        rows.append(("**All phases**", verdict, list(run.steps)))
    lines += [_phase_row(title, status, results, anchors) for title, status, results in rows]
    return lines


def _summary_head(run: RunResult, verdict: Status) -> str:
    """``**✅ runbook: pass** · 3 steps: 3 pass`` (and interruption, drift)."""
    head = f"**{EMOJI[verdict]} runbook: {verdict.value}**"
    if run.interrupted:
        head += " (interrupted)"
    counts = run.counts()
    tally = ", ".join(f"{counts[s.value]} {s.value}" for s in _COLUMNS if counts[s.value])
    total = counts["total"]
    head += f" · {count(total, 'step')}" + (f": {tally}" if tally else "")
    if counts["drift"]:
        head += f", {counts['drift']} drift"
    return head


def _phase_row(title: str, status: Status | None, results: Sequence[StepResult],
               anchors: Mapping[str, str]) -> str:
    cells = [title, f"{EMOJI[status]} {status.value}" if status else ""]
    cells += [str(sum(1 for r in results if r.status is s)) for s in _COLUMNS]
    cells.append(str(sum(1 for r in results if r.drift)))
    links = [_link(r.step_id, anchors.get(r.step_id, "")) for r in results if r.status in _LINKED]
    cells.append(", ".join(links))
    return "| " + " | ".join(cells) + " |"


def _phase_rows(run: RunResult) -> Iterable[tuple[str, str, Status | None]]:
    known = set()
    for phase in run.phases:
        known.add(phase.id)
        yield phase.id, phase.title, phase.status
    for res in run.steps:
        if res.phase not in known:
            known.add(res.phase)
            yield res.phase, res.phase or "(no phase)", None


def _link(step_id: str, anchor: str) -> str:
    text = md_text(step_id)
    if not anchor:
        return text
    target = "".join(c if c.isalnum() or c in "-_" else quote(c, safe="") for c in anchor)
    return f"[{text}](#{target})"
