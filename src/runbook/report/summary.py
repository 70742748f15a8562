"""The CI summary in Markdown (``$GITHUB_STEP_SUMMARY``, ``--summary PATH``).

The words themselves (a step's display name, the "why" of a verdict, durations) come from
:mod:`runbook.wording`, shared by every reporter.
"""

from __future__ import annotations

import re

from runbook.model import (
    EMOJI,
    FAILING,
    STATUSES,
    RunResult,
    Status,
    StepResult,
)
from runbook.wording import (
    STATUS_ORDER,
    failing_tail,
    visible,
    fmt_duration,
    step_label,
    verdict,
    why,
)

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_text(text: str) -> str:
    """Inline Markdown that shows ``text`` literally, on one line, HTML-safe (GitHub
    renders HTML in step summaries)."""
    one_line = " ".join(text.split())
    escaped = one_line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", escaped)


def to_markdown_summary(run: RunResult) -> str:
    """Totals, a per-phase table and the steps that need attention, as Markdown."""
    ok, headline = verdict(run)
    counts = run.counts()
    out = [
        f"## {'✅' if ok else '❌'} runbook: {md_text(run.document)} — {md_text(headline)}",
        "",
        " · ".join(
            [f"**{counts['total']}** {'step' if counts['total'] == 1 else 'steps'}"]
            + [f"{EMOJI[s]} {counts[s.value]} {s.value}" for s in _TOTALS_ORDER]
            + [f"〰️ {counts['drift']} drift", f"⏱️ {fmt_duration(run.duration_s)}"]
        ),
        "",
        f"<sub>runbook {md_text(run.runbook_version)} on {md_text(run.host or 'unknown host')}, "
        f"started {md_text(run.started_at)}</sub>",
        "",
    ]
    out += _phase_table(run) + _attention_list(run) + _drift_list(run)
    return "\n".join(out)


def _phase_table(run: RunResult) -> list[str]:
    if not run.phases:
        return []
    out = [
        "| Phase | Status | Steps | ✅ | ❌ | ⚠️ | ⏭️ | ⛔ | ✋ | Time |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for p in run.phases:
        steps = run.results_in(p.id)
        n = {s: sum(1 for r in steps if r.status is s) for s in Status}
        name = md_text(p.title if p.id in p.title else f"{p.id} {p.title}")
        out.append(
            f"| {name}{' (blocking)' if p.blocking else ''} | {EMOJI[p.status]} {p.status.value} "
            f"| {len(steps)} | {n[Status.PASS]} | {n[Status.FAIL]} | {n[Status.ERROR]} "
            f"| {n[Status.SKIP]} | {n[Status.BLOCKED]} | {n[Status.MANUAL]} "
            f"| {fmt_duration(sum(r.duration_s for r in steps))} |"
        )
    return out + [""]


def _attention_list(run: RunResult) -> list[str]:
    attention = [r for r in run.steps if r.status in FAILING]
    if not attention:
        return []
    out = ["### Needs attention", ""]
    for r in sorted(attention, key=lambda r: STATUS_ORDER.index(r.status)):
        where = f" (line {r.line})" if r.line else ""
        reason = why(run, r)
        if not reason.startswith(r.status.value):
            reason = f"{r.status.value}: {reason}"
        out.append(f"- {EMOJI[r.status]} **{md_text(step_label(r))}**{where} — {md_text(reason)}")
        out += _tail_block(r)
    return out + [""]


def _tail_block(r: StepResult) -> list[str]:
    """The failing step's last output lines, as a code block inside its list item."""
    tail = failing_tail(r)
    if not tail:
        return []
    longest = max((len(m) for m in re.findall(r"`+", "\n".join(tail))), default=0)
    fence = "`" * max(3, longest + 1)
    return ["", f"  {fence}text", *(f"  {visible(line)}" for line in tail), f"  {fence}", ""]


def _drift_list(run: RunResult) -> list[str]:
    drifted = [r for r in run.steps if r.drift and r.status not in FAILING]
    if not drifted:
        return []
    return (["### Drift (output differs from the document)", ""]
            + [f"- **{md_text(step_label(r))}** (line {r.line})" for r in drifted] + [""])


_TOTALS_ORDER = STATUSES
