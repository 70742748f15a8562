"""The CI summary in Markdown (``$GITHUB_STEP_SUMMARY``, ``--summary PATH``).

Also home of the few wording helpers every reporter shares (status emoji, a step's
display name, the one-line "why" of a verdict, durations), so the JUnit, HTML and
Markdown reports say the same thing in the same words.
"""

from __future__ import annotations

import re

from runbook.model import EMOJI, FAILING, STATUSES, WORST_FIRST, RunResult, Status, StepResult

#: Display order: what a reviewer must look at first comes first.
STATUS_ORDER = WORST_FIRST


_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def visible(text: str) -> str:
    """``text`` with the characters XML 1.0 / HTML cannot carry (NUL, C0 controls but
    tab, LF and CR, lone surrogates from undecodable bytes) shown as ``\\xNN`` / ``\\uXXXX``."""

    def escape(m: re.Match[str]) -> str:
        code = ord(m.group(0))
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _INVISIBLE.sub(escape, text)


def leading_id_end(title: str, step_id: str, *, spaces: bool = False, joiners: str = "") -> int | None:
    r"""Where ``step_id`` ends when ``title`` leads with it, else None.

    The same as ``re.match(rf"\s*(?:step\s+)?{re.escape(step_id)}(?![{joiners}\w]*\w)", title,
    re.I)`` (``\s*`` only with ``spaces``), without compiling a pattern per step id: a
    compile costs about a millisecond and step ids are all different, so reports of
    50,000 steps spent a minute here. ASCII text (the usual case) is matched by hand,
    trying the positions in the order the pattern would; anything else uses the pattern.
    """
    if not (title.isascii() and step_id.isascii()):
        lead = r"\s*" if spaces else ""
        pattern = rf"{lead}(?:step\s+)?{re.escape(step_id)}(?![{re.escape(joiners)}\w]*\w)"
        m = re.match(pattern, title, re.I)
        return m.end() if m else None
    low, want = title.lower(), step_id.lower()
    start = len(title) - len(title.lstrip(_ASCII_SPACE)) if spaces else 0
    starts: list[int] = []
    if low.startswith("step", start):
        after = start + 4
        gap = len(title) - after - len(title[after:].lstrip(_ASCII_SPACE))
        starts += range(after + gap, after, -1)  # ``\s+`` gives back one space at a time
    starts += range(start, -1, -1)  # then ``\s*`` does
    for at in starts:
        end = at + len(want)
        if low.startswith(want, at) and not _word_follows(title, end, joiners):
            return end
    return None


_ASCII_SPACE = "".join(chr(c) for c in range(128) if chr(c).isspace())  # what ``\s`` matches in ASCII


def _word_follows(text: str, at: int, joiners: str) -> bool:
    r"""``[joiners\w]*\w`` matches at ``at`` (ASCII ``text``)."""
    for ch in text[at:]:
        if ch.isalnum() or ch == "_":
            return True
        if ch not in joiners:
            return False
    return False


def step_label(r: StepResult) -> str:
    """``"A1 Check docker"``: the id, then the title unless the title already leads with it."""
    title = r.title.strip()
    if not title:
        return r.step_id
    if leading_id_end(title, r.step_id, joiners=".-") is not None:
        return title
    return f"{r.step_id} {title}"


def manual_clauses(r: StepResult) -> list[str]:
    """Clauses of a step that need a person (all non-passing ones if none is flagged)."""
    flagged = [c.clause for c in r.checks if c.manual]
    return flagged or [c.clause for c in r.checks if not c.ok]


def failed_clauses(r: StepResult) -> list[str]:
    return [c.clause for c in r.checks if not c.ok and not c.manual]


def blocking_phase(run: RunResult, r: StepResult) -> str | None:
    """Id of the earlier blocking phase that failed and so blocked ``r``'s phase."""
    for p in run.phases:
        if p.id == r.phase:
            return None
        if p.blocking and p.status in (Status.FAIL, Status.ERROR):
            return p.id
    return None


def why(run: RunResult, r: StepResult) -> str:
    """One line saying why ``r`` has its status (the runner's reason when it gave one)."""
    if r.reason:
        return r.reason
    if r.status is Status.FAIL:
        clauses = failed_clauses(r)
        if clauses:
            return "failed: " + "; ".join(clauses)
        if r.diff:
            return "output does not match the expected output"
        if r.exit_code not in (None, 0):
            return f"exit code {r.exit_code}"
        return "failed"
    if r.status is Status.MANUAL:
        clauses = manual_clauses(r)
        return "manual: criterion needs a person" + (": " + "; ".join(clauses) if clauses else "")
    if r.status is Status.BLOCKED:
        phase = blocking_phase(run, r)
        return f"blocked by phase {phase}" if phase else "blocked by an earlier blocking phase"
    if r.status is Status.ERROR:
        return "could not be judged"
    if r.status is Status.SKIP:
        return "skipped"
    return "drift: output differs from the documented output" if r.drift else ""


def fmt_duration(seconds: float) -> str:
    """``0.41 s``, ``12.3 s``, ``2 min 05 s``: precise when short, readable when long."""
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def verdict(run: RunResult) -> tuple[bool, str]:
    """(ok, headline): ``"1 failed, 1 blocked"`` or ``"all 9 steps passed"``."""
    counts = run.counts()
    words = {
        Status.FAIL: "failed",
        Status.ERROR: "errored",
        Status.BLOCKED: "blocked",
        Status.MANUAL: "need a person",
    }
    bad = [f"{counts[s.value]} {words[s]}" for s in STATUS_ORDER if s in FAILING and counts[s.value]]
    if run.interrupted:
        bad.insert(0, "interrupted")
    if bad:
        return False, ", ".join(bad)
    extra = []
    if counts["skip"]:
        extra.append(f"{counts['skip']} skipped")
    if counts["drift"]:
        extra.append(f"{counts['drift']} with drift")
    passed = f"{counts['pass']} of {counts['total']} steps passed"
    return True, passed + (f" ({', '.join(extra)})" if extra else "")


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
            [f"**{counts['total']}** steps"]
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
    return out + [""]


def _drift_list(run: RunResult) -> list[str]:
    drifted = [r for r in run.steps if r.drift and r.status not in FAILING]
    if not drifted:
        return []
    return (["### Drift (output differs from the document)", ""]
            + [f"- **{md_text(step_label(r))}** (line {r.line})" for r in drifted] + [""])


_TOTALS_ORDER = STATUSES
