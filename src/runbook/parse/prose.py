"""Pass criteria written as prose: "You should see the pods in a `Running` state".

Authors state how to tell a step worked in sentences far more often than with ``PASS if:``.
This module says whether a sentence (a paragraph, a list item, a comment line) is such a
claim about a step's outcome, and turns it into a :class:`~runbook.model.Criterion`:

* a claim naming a value the output must show (a code span or a quoted string after
  "see", "print", "show", "display", "contain", "include", "return", "message", "state",
  or a value that "is displayed") becomes ``output contains`` checks;
* a claim runbook cannot check (a browser, a screen, "verify that everything works") is one
  **manual** clause with the sentence, never counted as passed.

Prose that merely describes (no claim word, or a measurement such as "Result: ~2.35 times
faster") is left alone. Where a claim sits relative to a step (after it, or a "Verify that
...:" sentence introducing it) is the parser's business, not this module's.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Sequence

from runbook.lazyre import lazy
from runbook.model import Clause, ClauseKind, Criterion, Phase, Step
from runbook.parse.blocks import Block
from runbook.parse.labels import plain, strip_lead

MAX_CLAIM_WORDS = 40
"""A longer sentence is an explanation, not a claim."""

# A claim about what the reader will observe once the step has run.
_OBSERVE = lazy(
    r"\b(?:you|we)(?:'ll|\s+will|\s+should|\s+can|\s+may|\s+must)?(?:\s+now)?\s+(?:see|notice|observe)\b"
    r"|\byou\s+should\s+(?:now\s+)?(?:find|get|have)\b|\byou\s+will\s+(?:find|get)\b"
    r"|\bshould\s+(?:now\s+)?(?:show|print|return|display|output|list|contain|include|appear|succeed|pass|"
    r"work|be|have|report|respond|start|finish|complete|exit|fail)\b"
    r"|\b(?:is|are|gets?)\s+(?:displayed|printed|shown|returned|listed)\b"
    r"|\b(?:the\s+)?(?:output|result|response)\s+(?:shows|includes|contains|lists|returns|reports|indicates)\b"
    r"|\bsuccessful\s+output\b"
    r"|^\s*if\s+(?:successful|all\s+(?:goes|went)\s+well|all\s+is\s+well|everything\s+(?:is|went|goes)\s+"
    r"(?:well|fine|ok|okay|right))\b"
    r"|^\s*success!"
    r"|\b(?:this|it|that)\s+(?:line\s+|command\s+|program\s+|step\s+)?(?:prints|outputs|displays|shows|lists|returns)\b"
    r"|\b(?:becomes|turns)\s+`"
    r"|\b(?:you're|you\s+are)\s+(?:good\s+to\s+go|all\s+set|done)\b",
    re.I)
# Observations that name the value (the rest are manual).
_OBSERVE_VALUE = lazy(
    r"\b(?:see|show|shows|print|prints|display|displays|displayed|printed|shown|contain|contains|include|"
    r"includes|return|returns|returned|called|named|reads?|says?)\b", re.I)

# An instruction to check something (a claim in the imperative): always manual.
_VERIFY = lazy(
    r"^\s*(?:\d+[.)]\s*)?(?:now\s+|then\s+|next,?\s+|finally,?\s+)?(?:verify|validate|confirm|check|ensure|"
    r"make\s+sure|look\s+for)\b"
    r"|\b(?:to|and)\s+(?:verify|validate|confirm|check|ensure)\s+(?:that|if|whether|the|your|it|everything)\b"
    r"|\blet'?s\s+(?:verify|validate|confirm|check)\b"
    r"|\b(?:you|we)\s+can\s+(?:check|verify|confirm)\s+(?:that|if|whether)\b",
    re.I)

# Lines that start like a verdict: "✅ File removed", "[No output = clean]", "Expected: ...".
_VERDICT_MARK = lazy(r"^\s*(?:(?:status|result)\s*:\s*)?(?:\u2705|\u2714|\u2611)", re.I)
_BRACKETED = lazy(r"^\s*\[(?P<body>[^\]]*\b(?:output|exits?|code|errors?|returns?|clean|success\w*|"
                        r"fails?|passe?s?)\b[^\]]*)\]\s*$", re.I)
_EXPECTED_PROSE = lazy(r"^\s*(?:expected|verify)\s*:\s*(?P<body>.+)$", re.I)

# Sentences that are not claims about this step's output: measurements, asides, conditions,
# pointers to other documents, troubleshooting advice.
_NOT_A_CLAIM = lazy(
    r"^\s*(?:result|results)\s*:\s*~?\s*[\d.]+\s*(?:x|times)\b"
    r"|\b(?:times\s+faster|faster\s+than|slower\s+than)\b"
    r"|^\s*(?:note|tip|warning|caution|important|solution|fix|cause|hint|for\s+example|for\s+extra\s+credit|"
    r"depending|congratulations|click|if\s+(?!successful|all\s|everything\s)\w+)\b"
    r"|\b(?:more\s+information|refer\s+(?:back\s+)?to|documentation|troubleshoot\w*)\b",
    re.I)

# What introduces output rather than claiming something about it ("The output displays ...:").
_OUTPUT_LABEL = lazy(r"^\s*(?:the\s+)?(?:output|result|response|sample|example)\b", re.I)

_CODE_OR_QUOTE = lazy(r"(`+)(?P<code>.+?)\1|\"(?P<dq>[^\"\n]{1,120})\"|\u201c(?P<cq>[^\u201d\n]{1,120})\u201d")
_NOUN_CUE = lazy(r"\b(?:message|string|text|word|value|line|status|state|phrase)\W*$", re.I)
_AFTER_SHOWN = lazy(r"\s*(?:is|are)\s+(?:displayed|printed|shown|returned|listed|present)\b", re.I)
_TOOL_AFTER = lazy(r"\s*(?:command|cli|tool|flag|option|file|folder|directory)\b", re.I)
_SENTENCE_END = lazy(r"(?<=[.!?])\s+(?=[A-Z`\"\u201c(])")


def _words(text: str) -> int:
    return len(text.split())


def _sentences(raw: str) -> list[str]:
    """The sentences of a paragraph's inline source (split outside code spans)."""
    spans: list[str] = []

    def hide(m: re.Match[str]) -> str:
        spans.append(m.group(0))
        return f"\x00{len(spans) - 1}\x00"

    hidden = re.sub(r"(`+).+?\1", hide, " ".join(raw.split()))
    return [re.sub(r"\x00(\d+)\x00", lambda m: spans[int(m.group(1))], s)
            for s in _SENTENCE_END.split(hidden) if s.strip()]


def _sentence_is_claim(raw: str) -> bool:
    text = strip_lead(plain(raw))
    if not text or _words(text) > MAX_CLAIM_WORDS or _NOT_A_CLAIM.search(text):
        return False
    if _VERDICT_MARK.match(raw.strip()) or _BRACKETED.match(text):
        return True
    if _OUTPUT_LABEL.match(text) and text.rstrip().endswith(":"):
        return False
    return bool(_OBSERVE.search(text) or _VERIFY.search(text) or _EXPECTED_PROSE.match(text))


def claim_sentences(raw: str) -> list[str]:
    """The sentences of ``raw`` that are claims about a step's outcome (``[]``: none).

    A claim of one or two words ("Success!") takes the sentence after it along: that is
    where it says what succeeded."""
    sentences = _sentences(raw)
    out: list[str] = []
    for i, s in enumerate(sentences):
        if _sentence_is_claim(s):
            short = _words(plain(s)) < 3 and i + 1 < len(sentences)
            out.append(f"{s} {sentences[i + 1]}" if short else s)
    return out


def is_claim(raw: str) -> bool:
    """Does this inline Markdown hold a claim about what a step shows or does?"""
    return bool(claim_sentences(raw))


def _values(sentence: str) -> list[str]:
    """Values an observation says the output shows: code spans or quotes after its verb,
    or named as "the message `X` is displayed"."""
    text = strip_lead(sentence)
    if _VERIFY.search(plain(text)) or not _OBSERVE.search(plain(text)):
        return []
    verb = _OBSERVE_VALUE.search(text)
    out: list[str] = []
    for m in _CODE_OR_QUOTE.finditer(text):
        value = (m.group("code") or m.group("dq") or m.group("cq") or "").strip()
        before, after = text[:m.start()], text[m.end():m.end() + 40]
        cued = (verb is not None and verb.end() <= m.start()) or bool(_NOUN_CUE.search(before)) \
            or bool(_AFTER_SHOWN.match(after))
        if value and cued and not _TOOL_AFTER.match(after):
            out.append(value)
    return out


def claim_criterion(raw: str, line: int) -> Criterion:
    """The claim sentences of ``raw`` as one criterion: contains-checks for the values they
    name, else one manual clause. A negative claim ("no errors should appear") is manual."""
    sentences = claim_sentences(raw) or [raw]
    text = " ".join(" ".join(strip_lead(plain(s, backticks=True)).split()) for s in sentences)
    clauses: list[Clause] = []
    for s in sentences:
        negative = re.search(r"\b(?:no|not|never|without|nothing)\b", plain(s), re.I) is not None
        values = [] if negative else _values(s)
        sub = " ".join(strip_lead(plain(s, backticks=True)).split())
        clauses.extend(Clause(text=sub, kind=ClauseKind.CONTAINS, value=v) for v in values)
        if not values:
            clauses.append(Clause(text=sub, kind=ClauseKind.MANUAL))
    return Criterion(text=text, line=line, negated=False, clauses=tuple(clauses), derived=True)


_COMMENT_CLAIM = lazy(r"^\s*#+\s*(?P<body>.+?)\s*$")
_DESCRIBES_COMMAND = lazy(r"^\s*(?:\d+[.)]\s*)?(?:check|look\s+for|list|show|get|view)\b", re.I)
"""A comment saying what the next command does ("# Check the service selector"), not what
its outcome must be."""


def comment_claim(line_text: str, line: int) -> Criterion | None:
    """``# Verify you're on the main branch`` / ``# ✅ Pass if ...`` inside a command block."""
    m = _COMMENT_CLAIM.match(line_text)
    if not m or not is_claim(m.group("body")) or _DESCRIBES_COMMAND.match(m.group("body")):
        return None
    return claim_criterion(m.group("body"), line)


# -- which step a claim belongs to -------------------------------------------------------------

_PURE_LABEL = lazy(r"^(?:verify|validate|confirm|check|you\s+should\s+see|expected|result|output|status)"
                         r"(?:\s+\w+)?\s*:?\s*$", re.I)
_IMAGE_ONLY = lazy(r"^\s*!\[[^\]]*\]\([^)]*\)\s*$")
_VERDICT_LINE = lazy(r"^\s*(?:\u2705|\u2714|\u2611|\u274c\s*fail)|^\s*\[[^\]]*\b(?:output|exits?|clean)\b[^\]]*\]\s*$",
                           re.I)


_VERDICT_CHARS = re.compile("[\u2705\u2714\u2611\u274c\\[]")
"""What every verdict line holds (a mark, or the ``[`` of ``[No output = clean]``; none has a
case to fold): a text without one has no verdict line (property-tested)."""


def _attachable(block: Block) -> bool:
    if block.kind != "para":
        return False
    text = strip_lead(plain(block.raw))
    if _PURE_LABEL.match(text) or (_VERIFY.match(text) and _words(text) < 3):
        return False
    return is_claim(block.raw)


def _introduces(raw: str) -> bool:
    """Does the claim speak of what comes next ("Verify that ...", "... like this:")?"""
    text = strip_lead(plain(raw)).rstrip().rstrip("*_ ")
    claims = claim_sentences(raw)
    last = strip_lead(plain(claims[-1])) if claims else text
    return text.endswith(":") or bool(_VERIFY.match(last))


def _verdict_lines(step: Step, block: Block) -> list[tuple[int, str]]:
    """``✅ ...`` and ``[No output = clean]`` lines in a step's expected output, or anywhere
    in a transcript (the edges of its outputs are not kept as expected output)."""
    found: dict[int, str] = {}
    for c in step.commands:
        e = c.expected
        if e is None or e.span is None or _VERDICT_CHARS.search(e.text) is None:
            continue
        for i, ln in enumerate(e.text.split("\n")):
            if _VERDICT_LINE.match(ln):
                found[e.span.start + i] = ln.strip()
    if step.transcript and _VERDICT_CHARS.search(block.raw) is not None:
        for i, ln in enumerate(block.raw.split("\n")):
            if _VERDICT_LINE.match(ln):
                found.setdefault(block.start + 1 + i, ln.strip())
    return sorted(found.items()) if found else []


class _Claims:
    """The claims found so far, by step id, with where the last step and pending ones are."""

    def __init__(self, steps: Sequence[Step]) -> None:
        self.by_start = {s.span.start: s for s in steps}
        self.taken = {c.line for s in steps for c in s.criteria}
        self.out: dict[str, list[Criterion]] = {}
        self.section: list[Step] = []  # the steps of the current section so far
        self.runnable: Step | None = None  # its last step without a skip reason
        self.pending: list[Block] = []  # claims that speak of what comes next

    def add(self, step: Step, crit: Criterion) -> None:
        self.out.setdefault(step.id, []).append(crit)

    def prev(self) -> Step | None:
        """The step a claim after it speaks of: other-platform variants give way to the step
        they are a variant of ("Regardless of your operating system, ...")."""
        if self.runnable is not None:  # kept as steps come: no scan of the section per claim
            return self.runnable
        return self.section[-1] if self.section else None

    def flush_to_prev(self) -> None:
        prev = self.prev()
        if prev is not None:
            for b in self.pending:
                self.add(prev, claim_criterion(b.raw, b.start))
        self.pending = []

    def step(self, step: Step, block: Block) -> None:
        for b in self.pending:
            self.add(step, claim_criterion(b.raw, b.start))
        self.pending = []
        for i, ln in enumerate(block.raw.split("\n") if "#" in block.raw else ()):  # claims are comments
            c = comment_claim(ln, block.start + 1 + i) if ln.lstrip().startswith("#") else None
            if c is not None and c.line not in self.taken:
                self.add(step, c)
        for line, text in _verdict_lines(step, block):
            if line not in self.taken:
                self.add(step, claim_criterion(text, line))
        self.section.append(step)
        if not step.skip_reason:
            self.runnable = step

    def prose(self, block: Block) -> None:
        if _introduces(block.raw) or self.prev() is None:
            self.pending.append(block)
        else:
            self.add(self.prev(), claim_criterion(block.raw, block.start))  # type: ignore[arg-type]


def prose_claims(blocks: Sequence[Block], steps: Sequence[Step]) -> dict[str, list[Criterion]]:
    """Claims in the prose around each step, in its block's comments and its transcript's
    verdict lines, by step id.

    A claim after a step, before the next step or heading, belongs to that step. A claim that
    introduces what follows ("Verify that the Pod is running:", "You should see:") belongs to
    the next step when a step follows; when output or a picture follows instead, it speaks of
    the step before it.
    """
    st = _Claims(steps)
    for b in blocks:
        step = st.by_start.get(b.start) if b.kind in ("fence", "code") else None
        if step is not None:
            st.step(step, b)
        elif b.kind == "heading":
            st.flush_to_prev()
            st.section, st.runnable = [], None
        elif b.kind in ("fence", "code") or (b.kind == "para" and _IMAGE_ONLY.match(b.raw)):
            if st.pending:  # nothing pending: nothing to flush
                st.flush_to_prev()
        elif b.start not in st.taken and _attachable(b):
            st.prose(b)
    st.flush_to_prev()
    return st.out


def with_prose_claims(phases: Sequence[Phase], blocks: Sequence[Block]) -> tuple[Phase, ...]:
    """``phases`` with the prose claims added to their steps' criteria."""
    steps = [s for p in phases for s in p.steps]
    claims = prose_claims(blocks, steps)
    if not claims:
        return tuple(phases)
    return tuple(replace(p, steps=tuple(replace(s, criteria=s.criteria + tuple(claims.get(s.id, ())))
                                        for s in p.steps)) for p in phases)
