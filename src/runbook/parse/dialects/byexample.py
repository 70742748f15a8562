"""byexample (shell language) documents read with byexample 11's rules.

What byexample does (``modules/shell.py``, ``modules/delimiters.py``, ``parser.py``,
``modules/cond.py``), and so what this reader does:

* Examples live in any fenced block and in any HTML comment (``<!-- ... -->``); an
  example is a ``$ `` line, its ``> `` continuation lines, then its expected output:
  the non-blank lines up to a blank line or the next ``$ `` line.
* Each example is judged on its output alone: the exit status is never judged, and a
  failing example does not stop the next one. An example with no expected lines must
  print nothing.
* In expected output ``<...>`` and a capture tag ``<name>`` (``[A-Za-z.][A-Za-z0-9:.-]*``)
  match any text; everything else, ``...`` included, is literal. Trailing whitespace
  is ignored.
* ``# byexample: +opt ...`` on the example's lines sets its options, for that example
  only: ``+skip`` (not run), ``+pass`` (run, never checked), ``+norm-ws`` (any run of
  whitespace equals any other), ``+timeout=N`` (seconds), ``+rm=X`` (X removed from the
  expected text). ``+paste``, ``+if=`` / ``+unless=`` and ``+fail-fast`` act at run time
  (:mod:`runbook.run.clipboard`): the options and the expected text as written travel in
  the step's ``byexample`` / ``byexample-expected`` attributes. ``+stop-on-silence`` and
  ``+input`` / ``+type`` need byexample's terminal driving: such an example is skipped,
  with that reason, never run differently.

byexample types each example at an interactive bash's prompt: each step is ``typed``
(``StepOptions.typed``), so a failing special builtin does not end the POSIX-mode shell,
and its output is judged with tabs expanded, as byexample's dumb terminal shows it
(:func:`runbook.run.clipboard.dumb_terminal`).

Each example becomes one step (the block's step id, ``.1``, ``.2`` … when a block holds
several); blocks byexample would not read (a ``bash`` block without ``$`` prompts) do
not run. Expected lines are written in runbook's own line patterns (`` (re)`` lines,
``...`` lines) that match what byexample's would on one line; a tag alone on its line
matches any number of lines.
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass, replace
from typing import Mapping, Sequence

from runbook.model import Clause, ClauseKind, Command, Criterion, Document, Expected, Phase, Span, Step
from runbook.model import StepOptions
from runbook.parse.blocks import Block

_TAG = re.compile(r"<[A-Za-z.][A-Za-z0-9:.-]*>")
_OPTIONS = re.compile(r"#\s*byexample:\s*([^\n'\"]*)$", re.M)
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_RUNBOOK_PATTERN = re.compile(r"\.\.\.|…| \((?:re|regex|glob|equal)\)$")
_DRIVEN = ("stop-on-silence", "stop-on-timeout", "input", "type", "term")
"""Options that drive the example's process or terminal (byexample suspends it, types into
it, emulates a terminal for it): not read."""
SHELL_SETUP = "shopt -u checkwinsize; export COLUMNS=80 LINES=24; set -o posix"
"""byexample's shell: bash in POSIX mode (``--posix``) on a 24x80 terminal (its geometry)."""


@dataclass
class Example:
    """One byexample example: its code, expected lines and options, with source lines."""

    line: int
    end: int
    code: list[str]
    expected: list[str]
    options: dict[str, str]


def options_of(code: Sequence[str]) -> dict[str, str]:
    """The ``# byexample:`` options of an example (``+skip`` -> ``{"skip": ""}``)."""
    found: dict[str, str] = {}
    for m in _OPTIONS.finditer("\n".join(code)):
        found.update(_words(m.group(1)))
    return found


def step_options(attrs: Mapping[str, str]) -> dict[str, str]:
    """The options of an example read back from its step's ``byexample`` attribute."""
    return _words(attrs.get("byexample", ""))


def _words(text: str) -> dict[str, str]:
    try:
        words = shlex.split(text)
    except ValueError:
        words = text.split()
    found: dict[str, str] = {}
    for word in words:
        if word.startswith(("+", "-")):
            name, _, value = word[1:].partition("=")
            found[name] = value if word[0] == "+" else "-"
    return found


def examples(text: str, first_line: int) -> list[Example]:
    """The shell examples in one zone (a fence's content or a comment's), byexample's way."""
    lines = text.split("\n")
    found: list[Example] = []
    n = 0
    while n < len(lines):
        m = re.match(r"( *)\$ (.*)$", lines[n])
        if not m:
            n += 1
            continue
        indent = len(m.group(1))
        start, code = n, [m.group(2)]
        n += 1
        while n < len(lines) and re.match(r" *>", lines[n]):
            code.append(re.sub(r"^ *> ?", "", lines[n]))
            n += 1
        expected: list[str] = []
        while n < len(lines) and lines[n].strip(" \t") and not re.match(r" *\$", lines[n]):
            cut = lines[n][:indent]
            expected.append(lines[n][indent:] if not cut or cut.isspace() else lines[n].lstrip())
            n += 1
        found.append(Example(first_line + start, first_line + n, code, expected, options_of(code)))
    return found


def expected_line(line: str, norm_ws: bool) -> str:
    """One byexample expected line in runbook's line patterns (a tag at either end of the line
    may span lines, as byexample's does: a ``...`` line on that side)."""
    line = line.rstrip()
    if _TAG.fullmatch(line.strip()):
        return "..."
    body = _line_pattern(line, norm_ws)
    edge = line.strip() if norm_ws else line
    head = "...\n" if _TAG.match(edge) else ""
    tail = "\n..." if re.search(_TAG.pattern + "$", edge) else ""
    return head + body + tail


def _line_pattern(line: str, norm_ws: bool) -> str:
    if not norm_ws and not _TAG.search(line) and not _RUNBOOK_PATTERN.search(line):
        return line
    parts = _TAG.split(line.strip() if norm_ws else line)
    literal = [re.escape(p) for p in parts]
    if norm_ws:
        literal = [re.sub(r"(?:\\ |\\\t|\s)+", r"\\s+", p) for p in literal]
    body = ".*".join(literal)
    return (r"\s*" + body + r"\s*" if norm_ws else body) + " (re)"


def expected_text(raw: str, opts: dict[str, str]) -> str:
    """An example's expected text (``+rm=`` applied) in runbook's line patterns (``""``: none)."""
    for removed in [opts["rm"]] if opts.get("rm") else []:
        raw = raw.replace(removed, "")
    if not raw.strip():
        return ""
    return "\n".join(expected_line(x, "norm-ws" in opts) for x in raw.split("\n"))


def tags_regex(expected: str, norm_ws: bool, names: dict[str, str] | None = None) -> str:
    """byexample's regex for an expected text: its literals, each tag lazy and free to span
    lines, trailing whitespace free. With ``names``, a named tag is a group (its name is
    recorded there) and its repeats a back-reference, as the clipboard reads them."""
    text = "\n".join(line.rstrip() for line in expected.split("\n")).strip("\n")
    parts: list[str] = []
    last = 0
    for m in _TAG.finditer(text):
        parts.append(_literal(text[last:m.start()], norm_ws))
        name = m.group(0)[1:-1]
        if names is None or name == "...":
            parts.append("(?:.*?)")
        elif name in names:
            parts.append(f"(?P={names[name]})")
        else:
            names[name] = f"g{len(names)}"
            parts.append(f"(?P<{names[name]}>.*?)")
        last = m.end()
    parts.append(_literal(text[last:], norm_ws))
    return "".join(parts)


def _literal(text: str, norm_ws: bool) -> str:
    if norm_ws:
        return r"\s+".join(re.escape(w) for w in re.split(r"\s+", text))
    return r"[ \t]*\n".join(re.escape(line) for line in text.split("\n"))


def whole_regex(expected: str, norm_ws: bool) -> str:
    """:func:`tags_regex` anchored to the whole output (leading blank lines and trailing
    whitespace free), for the judge's ``output matches /…/``."""
    return r"(?s)\A(?:[ \t]*\n)*" + (r"\s*" if norm_ws else "") + tags_regex(expected, norm_ws) + r"\s*\Z"


def _inner_tag(raw: str, norm_ws: bool) -> bool:
    """A tag inside a line (text on both sides): byexample's may span lines, a line pattern cannot."""
    for line in raw.split("\n"):
        edge = line.strip() if norm_ws else line.rstrip()
        if any(0 < m.start() and m.end() < len(edge) for m in _TAG.finditer(edge)):
            return True
    return False


def judgement(raw: str, opts: dict[str, str], line: int, span: Span | None) -> tuple[Expected | None, tuple[Criterion, ...]]:
    """How an example is judged: its expected text as runbook line patterns (or, with a tag
    inside a line or ``+norm-ws`` over several lines, as byexample's whole regex), ``+pass``,
    or nothing printed."""
    text = expected_text(raw, opts)
    if "pass" in opts and opts["pass"] != "-":
        return (Expected("...", None, origin="transcript"),
                (Criterion("byexample: +pass", line, False, (Clause("output is ignored (+pass)", ClauseKind.EXPECTED),)),))
    if not text:
        return None, (Criterion("byexample: prints nothing", line, False,
                                (Clause("output is empty", ClauseKind.EMPTY),)),)
    expected = Expected(text, span, origin="transcript")
    norm_ws = "norm-ws" in opts
    removed = raw.replace(opts["rm"], "") if opts.get("rm") else raw
    if _inner_tag(removed, norm_ws) or (norm_ws and "\n" in removed.strip()):
        clause = Clause("output matches expected (byexample's regex: tags and +norm-ws span lines)", ClauseKind.REGEX,
                        value=whole_regex(removed, norm_ws))
        return expected, (Criterion("byexample: output matches expected", line, False, (clause,)),)
    return expected, (Criterion("byexample: output matches expected", line, False,
                                (Clause("output matches expected", ClauseKind.EXPECTED),)),)


def _judgement(ex: Example) -> tuple[Expected | None, tuple[Criterion, ...]]:
    return judgement("\n".join(ex.expected), ex.options, ex.line, Span(ex.line + len(ex.code), ex.end))


_JOBS = re.compile(r"(?<![&|>])&\s*(?:#.*)?$|^\s*(?:jobs|fg|bg)\b|%(?:%|\d|\+)", re.M)
"""Job control: a job started with a final ``&`` (bash prints ``[1] PID``), ``jobs``, ``fg``, ``%1``."""


def _skip(opts: dict[str, str], code: Sequence[str] = ()) -> str | None:
    if "skip" in opts and opts["skip"] != "-":
        return "byexample: +skip"
    if _JOBS.search("\n".join(code)):
        return "byexample: job control ([1] PID lines, jobs, fg, %N): runbook's shell runs with job control off"
    driven = next((o for o in _DRIVEN if o in opts and opts[o] != "-"), None)
    if driven or opts.get("filter-esc-seqs") == "-":
        option = f"+{driven}" if driven else "-filter-esc-seqs"
        return f"byexample: {option} needs byexample's own terminal driving, which runbook does not do"
    return None


def _timeout(opts: dict[str, str]) -> float | None:
    try:
        return float(opts["timeout"]) if opts.get("timeout") else None
    except ValueError:
        return None


def _step(ex: Example, sid: str, base: Step | None, block: Block, prefix: str, title: str, phase: str) -> Step:
    expected, criteria = _judgement(ex)
    return Step(id=sid, phase=phase, title=base.title if base else title, anchor=base.anchor if base else "",
                lang=base.lang if base else "byexample", span=Span(ex.line, ex.end), end=block.end,
                prefix=prefix, commands=(Command("\n".join(ex.code), ex.line, expected),), transcript=True,
                criteria=criteria, attrs=_attrs(ex), skip_reason=_skip(ex.options, ex.code), placeholders=(),
                options=StepOptions(errexit=False, timeout_s=_timeout(ex.options), typed=True))


def _attrs(ex: Example) -> dict[str, str]:
    """What the run needs of the example as written: its options and its expected text."""
    opts = " ".join(("-" + k) if v == "-" else shlex.quote("+" + k + ("=" + v if v else "")) for k, v in ex.options.items())
    return {"byexample": opts, "byexample-expected": "\n".join(ex.expected)}


def _zones(block: Block) -> list[tuple[str, int]]:
    if block.kind == "fence":
        return [(block.raw, block.start + 1)]
    if block.kind == "html":
        return [(m.group(1), block.start + block.raw.count("\n", 0, m.start(1))) for m in _COMMENT.finditer(block.raw)]
    return []


def read_byexample(doc: Document, blocks: Sequence[Block], lines: Sequence[str]) -> Document:
    """``doc`` with its steps replaced by byexample's examples (one step each)."""
    by_start = {s.span.start: s for s in doc.steps}
    phases = list(doc.phases) or [Phase("0", doc.title, 0, False, ())]
    steps: dict[str, list[Step]] = {p.id: [] for p in phases}
    for block in blocks:
        found = [ex for zone, first in _zones(block) for ex in examples(zone, first)]
        if not found:
            continue
        base = by_start.get(block.start)
        phase = base.phase if base else next((p.id for p in reversed(phases) if p.line <= block.start), phases[0].id)
        prefix = re.match(r"[ \t>]*", lines[block.start]).group(0) if block.start < len(lines) else ""  # type: ignore[union-attr]
        stem = base.id if base else f"L{block.start + 1}"
        title = next((p.title for p in phases if p.id == phase), doc.title)
        for k, ex in enumerate(found, 1):
            sid = stem if len(found) == 1 else f"{stem}.{k}"
            steps[phase].append(_step(ex, sid, base, block, prefix, title, phase))
    if any(steps.values()):
        steps[phases[0].id].insert(0, _shell_setup(phases[0].id))
    new = tuple(replace(p, steps=tuple(steps[p.id])) for p in phases)
    # byexample runs in the folder it is started from, not the document's
    front = doc.front_matter if "cwd" in doc.front_matter else {**doc.front_matter, "cwd": os.getcwd()}
    return replace(doc, phases=new, dialect="byexample", front_matter=front)


def _shell_setup(phase: str) -> Step:
    """A setup step giving the shell byexample's settings (:data:`SHELL_SETUP`)."""
    return Step(id="byexample-shell", phase=phase, title="byexample: bash --posix, 24x80 (its geometry)", anchor="",
                lang="byexample", span=Span(0, 0), end=0, prefix="", commands=(Command(SHELL_SETUP, 0),),
                transcript=False, attrs={"setup": ""}, options=StepOptions())
