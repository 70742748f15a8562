"""Lint rules about steps: completeness (RB1xx), criteria (RB2xx), commands (RB4xx, RB5xx),
and expected output no step owns (RB7xx)."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Iterator

from runbook.judge.criteria import SUPPORTED_FORMS
from runbook.lint.rules_shell import COMMON_VARIABLES, assigned, hazards, uses
from runbook.model import ClauseKind, Command, Step
from runbook.parse.attrs import parse_directive, parse_info
from runbook.parse.blocks import Block
from runbook.parse.commands import OTHER_PLATFORM, OUTPUT_LANGS
from runbook.parse.labels import criterion_label, expected_label, inline_expected, plain

from runbook.lint.rules_v2 import http_rules, v2_suggestions

if TYPE_CHECKING:
    from runbook.lint.codes import Context, Finding

EXEMPT_ROLES = frozenset({"background", "teardown"})
"""Steps that need no expected output or criterion: services started, cleanup."""


def step_rules(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    out += _completeness(ctx)
    out += _manual_clauses(ctx)
    out += _hazards(ctx)
    out += _placeholders(ctx)
    out += _variables(ctx)
    out += _orphans(ctx)
    out += http_rules(ctx)
    return out


def _steps(ctx: Context) -> list[Step]:
    return ctx.by_line


# -- RB1: every step gives expected output and a PASS/FAIL criterion -------------
def _criterion_lines(ctx: Context) -> set[int]:
    """Source lines of PASS/FAIL labels and of the lists that follow them."""
    lines: set[int] = set()
    blocks = ctx.scan.blocks
    for i, b in enumerate(blocks):
        if b.kind in ("para", "heading") and criterion_label(b.raw) is not None:
            lines.update(range(b.start, b.end))
            if i + 1 < len(blocks) and blocks[i + 1].kind == "list":
                lines.update(range(blocks[i + 1].start, blocks[i + 1].end))
    return lines


_COMPLETENESS = {
    "RB103": ("has neither expected output nor a PASS/FAIL criterion",
              "add an 'Expected output:' block after it and a 'PASS if: ...' line"),
    "RB101": ("has no expected output", "add an 'Expected output:' label and a fenced block with what it prints"),
    "RB102": ("has no PASS/FAIL criterion", "add a line such as 'PASS if: exit code is 0 and output contains `ready`'"),
}


def _completeness(ctx: Context) -> Iterator[Finding]:
    wanted = {code for code in _COMPLETENESS if ctx.wants(code)}
    if not wanted:
        return  # none of them reported (check --ignore RB1): no step need be looked at
    crit_lines = _criterion_lines(ctx)
    for s in _steps(ctx):
        if s.skip_reason or (s.attrs and s.role in EXEMPT_ROLES):  # a role needs an attribute
            continue
        code = _missing(s, crit_lines)
        if code in wanted:  # incomplete, and reported
            message, hint = _COMPLETENESS[code]
            yield ctx.finding(s.span.start, _fence_col(ctx, s.span.start), code, f"step {s.id} {message}", hint)


def _missing(s: Step, crit_lines: set[int]) -> str:
    """RB103 (neither expected output nor a criterion), RB101 (no expected output), RB102 (no
    criterion) or ``""``: complete."""
    if not s.criteria:  # no criterion: complete only in part, by its expected output
        return "RB103" if all(c.expected is None for c in s.commands) else "RB102"
    real = [c for c in s.criteria if c.line in crit_lines]
    derived = [c for c in s.criteria if c.line not in crit_lines]
    has_expected = any(c.expected is not None for c in s.commands) or bool(derived)
    return "RB103" if not has_expected and not real else "RB101" if not has_expected else "RB102" if not real else ""


def _fence_col(ctx: Context, line0: int) -> int:
    text = ctx.lines[line0] if line0 < len(ctx.lines) else ""
    return len(text) - len(text.lstrip(" \t>"))


# -- RB2: clauses runbook cannot check --------------------------------------------
def _manual_clauses(ctx: Context) -> Iterator[Finding]:
    for s in _steps(ctx):
        for crit in s.criteria:
            for clause in crit.clauses:
                if clause.kind is not ClauseKind.MANUAL:
                    continue
                near = v2_suggestions(clause.text) or \
                    difflib.get_close_matches(clause.text.lower(), SUPPORTED_FORMS, n=3, cutoff=0.0)
                line = ctx.lines[crit.line] if crit.line < len(ctx.lines) else ""
                col = line.find(clause.text[:20]) if clause.text else -1
                if col < 0:
                    col = len(line) - len(line.lstrip(" \t>-*+0123456789."))
                yield ctx.finding(crit.line, col, "RB201",
                                  f"step {s.id}: runbook cannot check the clause {clause.text!r} (it would be manual)",
                                  "write it in a supported form, e.g. " + "; ".join(near))


# -- RB4 / RB5: the commands themselves --------------------------------------------
def _command_lines(ctx: Context, cmd: Command) -> list[tuple[int, int]]:
    """(source line, column offset) of each line of ``cmd.text``."""
    out = []
    for k, text in enumerate(cmd.text.split("\n")):
        line0 = cmd.line + k
        src = ctx.lines[line0] if line0 < len(ctx.lines) else ""
        offset = src.rfind(text) if text else -1
        out.append((line0, offset if offset >= 0 else len(src) - len(src.lstrip(" \t>"))))
    return out


def _shell_steps(ctx: Context) -> list[Step]:
    return [s for s in _steps(ctx) if s.lang not in OTHER_PLATFORM]


def _hazards(ctx: Context) -> Iterator[Finding]:
    for s in _shell_steps(ctx):
        for cmd in s.commands:
            hits = hazards(cmd.text, s.transcript)
            where = _command_lines(ctx, cmd) if hits else []  # located only when there is a hit
            for hit in hits:
                line0, offset = where[min(hit.line, len(where) - 1)]
                yield ctx.finding(line0, offset + hit.col, hit.code, hit.message, hit.hint)


def _placeholders(ctx: Context) -> Iterator[Finding]:
    env = ctx.doc.front_matter.get("env")
    defined = {str(k) for k in env} if isinstance(env, dict) else set()
    for s in _shell_steps(ctx):
        for name in s.placeholders:
            if name in defined:
                continue
            line0, col = _locate(ctx, s, name)
            yield ctx.finding(line0, col, "RB501", f"step {s.id} needs input {name!r} (unresolved placeholder)",
                              f"run with --set {name}=value, or replace it with a real value or a variable")


def _locate(ctx: Context, s: Step, name: str) -> tuple[int, int]:
    for cmd in s.commands:
        for (line0, offset), text in zip(_command_lines(ctx, cmd), cmd.text.split("\n")):
            for form in (f"<{name}>", f"<em>{name}</em>", name):
                k = text.find(form)
                if k >= 0:
                    return line0, offset + k
    return s.span.start, _fence_col(ctx, s.span.start)


def _names(value: object) -> set[str]:
    if isinstance(value, dict):
        return {str(k) for k in value}
    if isinstance(value, (list, tuple)):
        return {str(v) for v in value}
    if isinstance(value, str):
        return {v.strip() for v in value.split(",")}
    return set()


def _variables(ctx: Context) -> Iterator[Finding]:
    fm = ctx.doc.front_matter
    if fm.get("env_file"):
        return  # variables come from a file we do not read here
    known = set(COMMON_VARIABLES) | _names(fm.get("env")) | _names(fm.get("requires")) | _names(fm.get("secrets"))
    reported: set[str] = set()
    for s in _shell_steps(ctx):
        opaque = False
        for cmd in s.commands:
            names, sources = assigned(cmd.text)
            known |= names
            opaque = opaque or sources
        for cmd in s.commands if s.skip_reason is None else ():  # never typed: sample output, a file
            where: list[tuple[int, int]] = []
            for line, col, name in uses(cmd.text):
                if name in known or name in reported:
                    continue
                reported.add(name)
                where = where or _command_lines(ctx, cmd)
                line0, offset = where[min(line, len(where) - 1)]
                yield ctx.finding(line0, offset + col, "RB502",
                                  f"step {s.id} uses ${name}, which no earlier step, front matter env: or "
                                  "requires: sets",
                                  f"set it in an earlier step (export {name}=...), list it under front matter "
                                  f"env: or requires:, or write ${{{name}:-default}}")
        if opaque:
            return  # a sourced file or eval may set anything from here on


# -- RB7: expected output that no step owns ------------------------------------------
def _attached_fences(ctx: Context) -> set[int]:
    """Opening-fence lines of the blocks the parser took as a step's expected output."""
    return {c.expected.span.start - 1 for s in ctx.doc.steps for c in s.commands
            if c.expected is not None and c.expected.span is not None
            and c.expected.origin in ("block", "label", "adjacent")}


def _ends_search(heading: Block) -> bool:
    """Whether a heading ends the search for a step's output (a short label heading does not)."""
    label = expected_label(heading.raw)
    return label is None or not label.strong or len(heading.text.split()) > 6


def _orphans(ctx: Context) -> Iterator[Finding]:
    blocks = ctx.scan.blocks
    step_starts = {s.span.start: s for s in ctx.doc.steps}
    attached = _attached_fences(ctx)
    last_step: Step | None = None
    for i, b in enumerate(blocks):
        if b.kind == "heading":
            if _ends_search(b):
                last_step = None
            continue
        if b.kind == "fence" and b.start in step_starts:
            last_step = step_starts[b.start]
            continue
        if b.kind == "fence" and b.start not in attached:
            yield from _orphan_block(ctx, i, last_step)
        elif b.kind == "para" and last_step is not None:
            yield from _lonely_label(ctx, i)


def _label_before(ctx: Context, i: int) -> tuple[int, dict[str, str]]:
    """(index of the block before fence ``i`` past a directive, the directive's attributes)."""
    blocks = ctx.scan.blocks
    prev = i - 1
    directive: dict[str, str] = {}
    if prev >= 0 and blocks[prev].kind == "html":
        found = parse_directive(blocks[prev].raw)
        if found is not None:
            directive = found
            prev -= 1
    return prev, directive


def _orphan_block(ctx: Context, i: int, last_step: Step | None) -> Iterator[Finding]:
    blocks = ctx.scan.blocks
    b = blocks[i]
    lang, attrs = parse_info(b.info)
    prev, directive = _label_before(ctx, i)
    merged = {**directive, **attrs}
    if lang == "expect" or "norun" in merged or not b.raw.strip():
        return
    labelled = False
    if prev >= 0 and blocks[prev].kind in ("para", "heading", "html"):
        label = expected_label(blocks[prev].raw)
        labelled = label is not None and label.strong and _ends_like_label(blocks[prev].raw)
    if not (lang in OUTPUT_LANGS or "expected" in merged or labelled):
        return
    if last_step is None:
        why = "there is no step before it in its section"
    else:
        why = f"step {last_step.id} before it already has expected output (is the block after the wrong step?)"
    yield ctx.finding(b.start, _fence_col(ctx, b.start), "RB701",
                      f"expected-output block belongs to no step: {why}",
                      "put it right after the command block it belongs to (or drop the label)")


def _ends_like_label(raw: str) -> bool:
    text = plain(raw.strip().removeprefix("<!--").removesuffix("-->")).rstrip()
    return text.endswith(":") or len(text.split()) <= 4


def _picture(b: Block) -> bool:
    """A paragraph that is only an image: the label introduces a screenshot, not output."""
    raw = b.raw.strip()  # ![alt](x.png), <img ...>, and linked or reference images [![alt]][ref]
    return b.kind == "para" and "\n" not in raw and raw.startswith(("![", "[![", "<img", "<IMG")) \
        and raw.endswith((")", ">", "]"))


def _lonely_label(ctx: Context, i: int) -> Iterator[Finding]:
    blocks = ctx.scan.blocks
    b = blocks[i]
    label = expected_label(b.raw)
    if label is None or not label.strong or criterion_label(b.raw) is not None or inline_expected(b.raw):
        return
    if not plain(b.raw).rstrip().endswith(":"):
        return
    nxt = i + 1
    while nxt < len(blocks) and blocks[nxt].kind == "html" and (
            parse_directive(blocks[nxt].raw) is not None or blocks[nxt].raw.lstrip().startswith("<!--")):
        nxt += 1  # a directive or an HTML comment between the label and its block
    if nxt < len(blocks) and (blocks[nxt].kind in ("fence", "list", "table") or _picture(blocks[nxt])):
        return
    if nxt < len(blocks) and blocks[nxt].kind == "code":
        msg = f"{plain(b.raw)!r} is followed by an indented code block, which runbook does not read as output"
        hint = "fence the output with ``` lines"
    else:
        msg = f"{plain(b.raw)!r} is followed by no code block: the step's expected output is missing"
        hint = "add a fenced block with the output right after the label, or remove the label"
    yield ctx.finding(b.start, _fence_col(ctx, b.start), "RB702", msg, hint)
