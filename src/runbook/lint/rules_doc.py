"""Lint rules about the document as a whole: attributes, directives, ids, phases (RB1xx,
RB2xx, RB3xx) and troubleshooting tables (RB6xx). The parser's own diagnostics become
findings in :mod:`runbook.lint.check`."""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Iterator, Sequence

from runbook.parse.attrs import KNOWN_ATTRIBUTES, PASSIVE, parse_directive, parse_info
from runbook.parse.blocks import Block, phase_id, slugify

if TYPE_CHECKING:
    from runbook.lint.codes import Context, Finding
    from runbook.parse.markdown import TableCells

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:+-]*$")
_ALLOWED = KNOWN_ATTRIBUTES | PASSIVE
_NEAR_DIRECTIVE = re.compile(r"^\s*<!--\s*([A-Za-z][\w-]*)\s*(:?)")
_TROUBLE = re.compile(r"troubleshoot", re.I)
_EMPTY_TEXT = re.compile(r"^\W*(?:todo|tbd|tba|none|n/?a|coming soon|to do)?\W*$", re.I)


def doc_rules(ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    out += _fence_attrs(ctx)
    out += _directives(ctx)
    out += _phases(ctx)
    out += _tables(ctx)
    out += _declared_troubleshooting(ctx)
    return out


def _col(ctx: Context, line0: int) -> int:
    text = ctx.lines[line0] if 0 <= line0 < len(ctx.lines) else ""
    return len(text) - len(text.lstrip(" \t>"))


def _key_col(ctx: Context, line0: int, key: str) -> int:
    text = ctx.lines[line0] if line0 < len(ctx.lines) else ""
    m = re.search(rf"(?<![\w-])[#.]?{re.escape(key)}(?=[=\s}}'\"]|$)", text)
    return m.start() if m else _col(ctx, line0)


def _unknown(ctx: Context, line0: int, attrs: dict[str, str], where: str) -> Iterator[Finding]:
    for key, value in attrs.items():
        if key == "blocking":
            yield ctx.finding(line0, _key_col(ctx, line0, key), "RB303",
                              f"'blocking' on {where} does nothing: it marks a phase",
                              "put <!-- runbook: blocking --> on the line right below a 'Phase X' heading, "
                              "or list the phase in front matter blocking: [X]")
        elif key not in _ALLOWED:
            near = difflib.get_close_matches(key, sorted(KNOWN_ATTRIBUTES), n=1, cutoff=0.7)
            tip = f" (did you mean {near[0]!r}?)" if near else ""
            yield ctx.finding(line0, _key_col(ctx, line0, key), "RB301",
                              f"unknown attribute {key!r} on {where} is ignored{tip}",
                              f"write {near[0]}=" if near else
                              "remove it if it is meant for runbook; attributes of other tools are kept but unused")
        elif key == "id" and not _ID_RE.match(value):
            yield ctx.finding(line0, _key_col(ctx, line0, key), "RB307",
                              f"step id {value!r} is malformed",
                              "use letters, digits and . _ - : only, starting with a letter or digit, e.g. id=A1")


def _fence_attrs(ctx: Context) -> Iterator[Finding]:
    starts = {s.span.start for s in ctx.doc.steps}
    for b in ctx.scan.blocks:
        if b.kind == "fence" and b.start in starts:
            _, attrs = parse_info(b.info)
            yield from _unknown(ctx, b.start, attrs, "the code block")


def _directives(ctx: Context) -> Iterator[Finding]:
    blocks = ctx.scan.blocks
    for i, b in enumerate(blocks):
        if b.kind != "html":
            continue
        attrs = parse_directive(b.raw)
        if attrs is None:
            yield from _near_miss(ctx, b.start, b.raw)
            continue
        prev = blocks[i - 1] if i > 0 else None
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        below_phase = prev is not None and prev.kind == "heading" and phase_id(prev.text) is not None
        above_fence = nxt is not None and nxt.kind == "fence"
        if below_phase:
            attrs.pop("blocking", None)
            if attrs and not above_fence:
                yield ctx.finding(b.start, _col(ctx, b.start), "RB304",
                                  "directive below a phase heading only takes 'blocking'; "
                                  f"{', '.join(attrs)} applies to no code block",
                                  "put step attributes in a comment right above the code block")
                continue
        elif not above_fence:
            if "blocking" in attrs:
                yield from _unknown(ctx, b.start, {"blocking": "true"}, "this comment")
                if len(attrs) == 1:
                    continue
            yield ctx.finding(b.start, _col(ctx, b.start), "RB304",
                              "directive applies to nothing: it must be right above a code block "
                              "(or right below a phase heading)",
                              "move it to the line above the ``` fence it configures")
            continue
        yield from _unknown(ctx, b.start, attrs, "the directive")


def _near_miss(ctx: Context, line0: int, raw: str) -> Iterator[Finding]:
    m = _NEAR_DIRECTIVE.match(raw)
    if not m:
        return
    word, colon = m.group(1), m.group(2)
    if word.lower() == "runbook" and not colon:
        yield ctx.finding(line0, _col(ctx, line0), "RB302", "runbook directive without a colon is ignored",
                          "write <!-- runbook: key=value -->")
    elif word.lower() != "runbook" and colon and \
            difflib.SequenceMatcher(None, word.lower(), "runbook").ratio() >= 0.75:
        yield ctx.finding(line0, _col(ctx, line0), "RB302",
                          f"unknown directive {word + ':'!r} is ignored (did you mean 'runbook:'?)",
                          "write <!-- runbook: key=value -->")


def _phase_numbers(ids: list[str]) -> tuple[list[int], bool] | None:
    """(1-based positions, lettered?) of phase ids all letters or all numbers, else None."""
    letters = all(len(i) == 1 and i.isalpha() for i in ids)
    if not ids or not (letters or all(i.isdigit() for i in ids)):
        return None
    return [ord(i) - ord("A") + 1 if letters else int(i) for i in ids], letters


def _phases(ctx: Context) -> Iterator[Finding]:
    named = [p for p in ctx.doc.phases if phase_id(p.title) == p.id]
    numbered = _phase_numbers([p.id.upper() for p in named])
    if numbered is None:
        return
    values, letters = numbered

    def name(v: int) -> str:
        return chr(ord("A") + v - 1) if letters else str(v)

    top = 0
    for p, v in zip(named, values):
        if v < top:
            yield ctx.finding(p.line, _col(ctx, p.line), "RB309",
                              f"phase {p.id} comes after phase {name(top)}: phases are out of order",
                              "reorder the sections or renumber the phases")
        top = max(top, v)
    missing = sorted(set(range(1, max(values) + 1)) - set(values))
    for m in missing:
        p = next(p for p, v in zip(named, values) if v > m)
        yield ctx.finding(p.line, _col(ctx, p.line), "RB310",
                          f"phase {name(m)} is missing (the document goes on with phase {p.id})",
                          "add the missing phase or renumber the phases")


def _tables(ctx: Context) -> Iterator[Finding]:
    wanted = ("symptom", "cause", "fix")
    for t in ctx.scan.tables:
        roles = [r for r in t.roles if r]
        present = [w for w in wanted if w in roles]
        if len(present) < 2:
            continue
        missing = [w for w in wanted if w not in roles]
        if missing:
            yield ctx.finding(t.line, _col(ctx, t.line), "RB601",
                              "troubleshooting table has no " + " or ".join(m.capitalize() for m in missing)
                              + " column",
                              "give the table Symptom, Cause and Fix columns")
        if "symptom" in roles and "fix" in roles:
            yield from _empty_cells(ctx, t)


def _empty_cells(ctx: Context, t: TableCells) -> Iterator[Finding]:
    for line0, cells in t.rows:
        empty = [(t.header[n] or r or "") for n, r in enumerate(t.roles)
                 if r and (n >= len(cells) or not cells[n].strip())]
        if empty:
            yield ctx.finding(line0, _col(ctx, line0), "RB602",
                              "troubleshooting row has an empty " + ", ".join(repr(e) for e in empty)
                              + " cell", "fill in every Symptom, Cause and Fix cell")


def _declared_troubleshooting(ctx: Context) -> Iterator[Finding]:
    yield from _empty_trouble_sections(ctx)
    yield from _broken_trouble_links(ctx)


def _has_troubleshooting(section: Sequence[Block], table_lines: set[int]) -> bool:
    if any(s.kind == "table" and s.start in table_lines for s in section):
        return True
    return any(s for s in section if s.kind not in ("heading", "hr", "list")
               and not (s.kind == "para" and _EMPTY_TEXT.match(s.text))
               and not (s.kind == "html" and s.raw.lstrip().startswith("<!--")))


def _empty_trouble_sections(ctx: Context) -> Iterator[Finding]:
    blocks = ctx.scan.blocks
    table_lines = {t.line for t in ctx.scan.tables if "symptom" in t.roles and "fix" in t.roles}
    for i, b in enumerate(blocks):
        if b.kind != "heading" or not _TROUBLE.search(b.text):
            continue
        end = next((k for k in range(i + 1, len(blocks))
                    if blocks[k].kind == "heading" and blocks[k].level <= b.level), len(blocks))
        if not _has_troubleshooting(blocks[i + 1:end], table_lines):
            yield ctx.finding(b.start, _col(ctx, b.start), "RB603",
                              f"section {b.text!r} has no troubleshooting in it",
                              "add a table with Symptom | Cause | Fix columns, one row per known failure")


def _broken_trouble_links(ctx: Context) -> Iterator[Finding]:
    blocks = ctx.scan.blocks
    slugs = {slugify(b.text) for b in blocks if b.kind == "heading"}
    for b in blocks:
        if b.kind not in ("para", "heading"):
            continue
        for m in re.finditer(r"\]\(#([^)\s]*troubleshoot[^)\s]*)\)", b.raw, re.I):
            if m.group(1).lower() not in slugs:
                line0 = b.start + b.raw[:m.start()].count("\n")
                yield ctx.finding(line0, _col(ctx, line0), "RB603",
                                  f"link to #{m.group(1)}, but the document has no such troubleshooting section",
                                  "add the section (a Symptom | Cause | Fix table) or fix the link")
