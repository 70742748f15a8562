"""What every report says, in the same words: status order, a step's display name, the
one-line "why" of a verdict, the run's verdict line, durations, and text made safe to show.

The terminal, JSON notes, JUnit, HTML and Markdown summary take their wording from here, so
a reviewer reads the same sentence wherever a verdict appears.
"""

from __future__ import annotations

import re

from runbook.lazyre import lazy
from runbook.model import (
    FAILING,
    WORST_FIRST,
    Document,
    RunResult,
    Status,
    StepResult,
)

def count(n: int, noun: str) -> str:
    """``1 step``, ``3 steps``: a number and its noun, in the plural when it is not one."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def dialect_said(doc: Document) -> str:
    """``byexample (detected)``, ``byexample (declared: --dialect)``, ``runbook (declared: …)``;
    ``""`` for a document read in runbook's own format without a declaration (docs/dialects.md)."""
    if doc.dialect_from:
        return f"{doc.dialect or 'runbook'} (declared: {doc.dialect_from})"
    return f"{doc.dialect} (detected)" if doc.dialect else ""


#: Display order: what a reviewer must look at first comes first.
STATUS_ORDER = WORST_FIRST


_INVISIBLE = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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


FAILING_TAIL = 5
"""Lines of a failed step's output shown beside its reason."""


def failing_tail(r: StepResult, lines: int = FAILING_TAIL) -> list[str]:
    """The last non-blank lines of a failed or errored step's output (what a reader needs
    beside "exit code was 1"); empty for other statuses."""
    if r.status not in (Status.FAIL, Status.ERROR) or not r.output.text:
        return []
    kept = [line.rstrip() for line in r.output.text.replace("\r\n", "\n").split("\n") if line.strip()]
    return kept[-lines:]


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
    passed = f"{counts['pass']} of {count(counts['total'], 'step')} passed"
    return True, passed + (f" ({', '.join(extra)})" if extra else "")
