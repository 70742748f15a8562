"""Parse a Markdown playbook into a :class:`~runbook.model.Document`.

The module that reads markdown-it-py's tokens (the parser is configured in
:mod:`runbook.parse.mdit`) and YAML. It turns the token stream into :class:`~runbook.parse.blocks.Block` records with their
source lines (``token.map``), reads the front matter and the troubleshooting tables, and
leaves the meaning of the blocks (steps, output, criteria, ...) to :mod:`runbook.parse.structure`.

markdown-it folds ``\\r\\n`` and lone ``\\r`` into ``\\n`` before splitting lines, so
its line numbers equal the indexes of :func:`runbook.source.split_lines`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from runbook.errors import ParseError, where
from runbook.lazyre import lazy
from runbook.model import Document, TroubleRow
from runbook.parse.blocks import Block
from runbook.parse.contexts import with_contexts
from runbook.parse.dialects import Declared, declared_dialect, detect, is_cram_path, read_dialect, read_t_file
from runbook.parse.drafts import Report
from runbook.parse.foreground import with_long_running
from runbook.parse.labfences import lab_fences
from runbook.parse.mdit import MAX_NESTING, markdown
from runbook.parse.mkdocs import open_containers, with_tab_alternatives
from runbook.parse.noncommands import with_non_commands
from runbook.parse.pause import collector_paused
from runbook.parse.prose import with_prose_claims
from runbook.parse.regions import find_regions
from runbook.parse.structure import build
from runbook.parse.unclosed import report_unclosed
from runbook.source import Source, split_lines, strip_newline

SETTINGS_KEYS = ("shell", "timeout", "cwd", "env", "env_file", "secrets", "requires",
                 "blocking", "strict", "check", "skip_unless", "dialect")
"""Top-level front-matter keys read as runbook settings when there is no ``runbook:`` key."""

_SYMPTOM = lazy(r"^(?:symptoms?|issues?|problems?|errors?)(?: messages?)?$")
_CAUSE = lazy(r"^(?:(?:likely|root|probable|possible)\s+)?(?:causes?|reasons?)$")
_FIX = lazy(r"^(?:fix(?:es)?|solutions?|resolutions?|actions?|remed(?:y|ies)|workarounds?)$")


def _markdown(text: str = "-|\t") -> MarkdownIt:
    """The parser for ``text`` (:func:`runbook.parse.mdit.markdown`)."""
    return markdown(text)


def blank_annotations(text: str, path: str = "<string>", strict: bool = True) -> str:
    """``text`` with every annotation region emptied in place.

    Regions are found exactly as ``runbook strip`` finds them (:mod:`regions`), so an
    author's example of a region inside a fenced block is left alone. Each line of a
    region keeps its terminator and its block-quote markers (so a quote around the
    region stays one quote) and loses everything else; line numbers do not move.
    A damaged region raises :class:`ParseError` (``strict=False``: left as content).
    """
    if "<!-- runbook:begin" not in text and "<!-- runbook:end -->" not in text:
        return text  # no marker, no region: the common case costs two substring tests
    lines = split_lines(text)
    out = list(lines)
    for region in find_regions(lines, path, strict):
        for k in range(region.start, region.stop):
            body = strip_newline(lines[k])
            quote = re.match(r"[ \t>]*", body)
            marks = quote.group(0).rstrip() if quote and ">" in quote.group(0) else ""
            out[k] = marks + lines[k][len(body):]
    return "".join(out)


# -- inline text ----------------------------------------------------------------
def _inline_text(tok: Token) -> str:
    parts: list[str] = []
    for child in tok.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content)
    return " ".join("".join(parts).split())


# -- blocks ---------------------------------------------------------------------
def _list_items(tokens: Sequence[Token], k: int) -> tuple[tuple[str, int, int], ...]:
    level = tokens[k].level
    items: list[list[Any]] = []
    j = k + 1
    while j < len(tokens) and not (tokens[j].type == tokens[k].type.replace("_open", "_close")
                                   and tokens[j].level == level):
        tok = tokens[j]
        if tok.type == "list_item_open" and tok.level == level + 1 and tok.map:
            items.append(["", tok.map[0], tok.map[1]])
        elif (tok.type == "inline" and items and not items[-1][0] and tok.level == level + 3
              and tokens[j - 1].type == "paragraph_open" and tok.map):
            items[-1][0], items[-1][1] = tok.content, tok.map[0]
        j += 1
    return tuple((str(raw), int(a), int(b)) for raw, a, b in items if raw)


@lru_cache(maxsize=1024)
def _closes(line: str, markup: str) -> bool:
    """Whether ``line`` closes a fence opened by ``markup`` (a document repeats its closing lines)."""
    body = strip_newline(line).lstrip(" \t>").strip()
    return len(body) >= len(markup) and set(body) == {markup[:1]}


def _blocks(tokens: Sequence[Token], lines: Sequence[str]) -> list[Block]:
    blocks: list[Block] = []
    owners: list[int] = []
    for k, tok in enumerate(tokens):
        owner = owners[-1] if owners else -1
        t = tok.type
        if t in ("bullet_list_close", "ordered_list_close"):
            owners.pop()
            continue
        if tok.map is None:
            continue
        start, end = tok.map
        if t in ("bullet_list_open", "ordered_list_open"):
            blocks.append(Block("list", start, end, items=_list_items(tokens, k), owner=owner))
            owners.append(len(blocks) - 1)
        elif t in ("heading_open", "paragraph_open"):
            inline = tokens[k + 1]
            kind = "heading" if t == "heading_open" else "para"
            blocks.append(Block(kind, start, end, inline.content, _inline_text(inline), "",
                                int(tok.tag[1:]) if kind == "heading" else 0, (), owner))
        elif t == "fence":  # closed: its last line (not its first) closes it
            closed = start < end - 1 < len(lines) and _closes(lines[end - 1], tok.markup)
            blocks.append(Block("fence", start, end, tok.content, "", tok.info, 0, (), owner,  # by position: half
                                closed))  # the cost (field order pinned: test_parse_bare_fence)
        elif t == "html_block":
            blocks.append(Block("html", start, end, tok.content, "", "", 0, (), owner))
        elif t == "code_block":
            blocks.append(Block("code", start, end, tok.content, "", "", 0, (), owner))
        elif t == "table_open":
            blocks.append(Block("table", start, end, owner=owner))
        elif t == "hr":
            blocks.append(Block("hr", start, end, owner=owner))
    return blocks


def _refuse_deep(tokens: Sequence[Token], path: str) -> None:
    """Markdown nested deeper than :data:`MAX_NESTING` is dropped by markdown-it, steps included."""
    deep = next((t for t in tokens if t.nesting == 1 and t.level >= MAX_NESTING - 1), None)
    if deep is not None:
        raise ParseError(f"lists or quotes are nested too deeply here (over {MAX_NESTING // 2} levels): "
                         "runbook cannot read what is inside", where=where(path, deep.map[0] if deep.map else 0),
                         hint="flatten the nesting; a step does not need to be inside so many levels")


# -- front matter ---------------------------------------------------------------
def _yaml(content: str, path: str) -> object:
    import yaml  # only a document with front matter pays for PyYAML

    try:
        return yaml.safe_load(content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = 1 + mark.line if mark is not None else 0
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ParseError(f"invalid YAML in front matter: {problem}", where=where(path, line),
                         hint="fix the YAML between the --- lines (quote values holding ': ' or '#')") from None


def _front_matter(tokens: Sequence[Token], lines: Sequence[str], path: str) -> tuple[dict[str, object], int | None]:
    """(runbook settings mapping, line after the front matter or None)."""
    tok = tokens[0] if tokens and tokens[0].type == "front_matter" else None
    if tok is None:
        if lines and strip_newline(lines[0]).rstrip() == "---":
            raise ParseError("front matter is not closed", where=where(path, 0),
                             hint="end the YAML front matter with a line holding only ---")
        return {}, None
    assert tok.map is not None
    data = _yaml(tok.content, path)
    if data is None:
        return {}, tok.map[1]
    if not isinstance(data, dict):
        raise ParseError("front matter is not a YAML mapping", where=where(path, 0),
                         hint="write key: value lines, e.g. runbook: {timeout: 60}")
    if "runbook" in data:
        return _runbook_key(data["runbook"], tok.map, lines, path), tok.map[1]
    return {k: data[k] for k in SETTINGS_KEYS if k in data}, tok.map[1]


def _fm_lines(tok: Token) -> dict[str, int]:
    """Line of each top-level key of the front matter token (none: no such token)."""
    return _key_lines(tok.content, tok.map[0] + 1) if tok.type == "front_matter" and tok.map else {}


def _runbook_key(settings: object, span: Sequence[int], lines: Sequence[str], path: str) -> dict[str, object]:
    """The mapping under front matter ``runbook:`` (empty when it is empty)."""
    if settings is None:
        return {}
    if not isinstance(settings, dict):
        line = next((k for k in range(span[0], span[1]) if re.match(r"runbook\s*:", lines[k])), 0)
        raise ParseError("front matter 'runbook:' is not a mapping", where=where(path, line),
                         hint="indent the settings under runbook:, e.g. '  timeout: 60'")
    return {str(k): v for k, v in settings.items()}


def _key_lines(content: str, first: int) -> dict[str, int]:
    """0-based document line of each settings key (those under ``runbook:`` when it is there)."""
    import yaml  # only a document with front matter gets here

    try:
        node = yaml.compose(content)
    except yaml.YAMLError:
        return {}
    if isinstance(node, yaml.MappingNode):
        inner = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == "runbook"), None)
        node = inner if inner is not None else node
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(k.value): first + k.start_mark.line for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def _blocking(fm: dict[str, object]) -> tuple[str, ...]:
    value = fm.get("blocking")
    if isinstance(value, (list, tuple)):
        return tuple(str(v) for v in value)
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return tuple(v.strip() for v in str(value).split(",") if v.strip())
    return ()


# -- troubleshooting tables -----------------------------------------------------
def _column(header: str) -> str | None:
    name = re.sub(r"[^a-z ]", "", header.lower().replace("(s)", "")).strip()
    name = " ".join(name.split())
    for role, rx in (("symptom", _SYMPTOM), ("cause", _CAUSE), ("fix", _FIX)):
        if rx.match(name):
            return role
    return None


class TableCells(NamedTuple):
    """A GFM table as written: header cells, their troubleshooting roles, body rows."""

    line: int
    """0-based line of the header row."""
    header: tuple[str, ...]
    roles: tuple[str | None, ...]
    """Per header cell: ``symptom``, ``cause``, ``fix`` or ``None``."""
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    """(0-based line, cell sources) per body row."""


def _table_cells(tokens: Sequence[Token]) -> list[TableCells]:
    tables: list[TableCells] = []
    k = 0
    while k < len(tokens):
        if tokens[k].type == "table_open":
            table, k = _one_table(tokens, k)
            tables.append(table)
        k += 1
    return tables


def _one_table(tokens: Sequence[Token], k: int) -> tuple[TableCells, int]:
    """The table opening at token ``k``, and the index of its ``table_close``."""
    tmap = tokens[k].map
    start = tmap[0] if tmap else 0
    header: list[str] = []
    body: list[tuple[int, list[str]]] = []
    in_head = False
    k += 1
    while k < len(tokens) and tokens[k].type != "table_close":
        tok = tokens[k]
        if tok.type in ("thead_open", "thead_close"):
            in_head = tok.type == "thead_open"
        elif tok.type == "tr_open" and not in_head:
            body.append((tok.map[0] if tok.map else 0, []))
        elif tok.type == "inline":
            if in_head:
                header.append(_inline_text(tok))
            elif body:
                body[-1][1].append(tok.content.strip())
        k += 1
    return TableCells(start, tuple(header), tuple(_column(h) for h in header),
                      tuple((line, tuple(cells)) for line, cells in body)), k


def _tables(tables: Sequence[TableCells]) -> list[TroubleRow]:
    rows: list[TroubleRow] = []
    for table in tables:
        roles = {role: n for n, role in reversed(list(enumerate(table.roles))) if role}
        if "symptom" in roles and "fix" in roles:
            for line, cells in table.rows:
                def cell(role: str) -> str:
                    n = roles.get(role)
                    return cells[n] if n is not None and n < len(cells) else ""
                rows.append(TroubleRow(symptom=cell("symptom"), cause=cell("cause"), fix=cell("fix"), line=line))
    return rows


class Scan(NamedTuple):
    """The token-level facts ``runbook check`` needs beyond the Document."""

    lines: tuple[str, ...]
    """Source lines with terminators (annotation regions blanked)."""
    blocks: tuple[Block, ...]
    """Every block in reading order, as :mod:`runbook.parse.structure` sees them."""
    tables: tuple[TableCells, ...]


def scan(text: str) -> Scan:
    """Blocks and tables of ``text`` (no BOM) as CommonMark sees them (MkDocs containers shut); never raises."""
    text = lab_fences(blank_annotations(text, strict=False))
    lines = split_lines(text)
    tokens = _markdown(text).parse(text)
    return Scan(tuple(lines), tuple(_blocks(tokens, lines)), tuple(_table_cells(tokens)))


# -- entry points ---------------------------------------------------------------
def parse_text(text: str, path: str = "<string>", *, strict: bool = False, dialect: Declared | None = None,
               default_dialect: Declared | None = None) -> Document:
    """Parse ``text`` (no BOM) in one pass, collecting every diagnostic in ``Document.diagnostics``.

    Recoverable errors (an invalid attribute value, a duplicate step id or phase) are
    diagnostics with ``error=True`` and the parse goes on as if the offending attribute
    were absent, the later id were unique and the duplicate heading were not a phase.
    ``strict`` raises :class:`ParseError` at the first one instead. Problems nothing can
    recover from (broken front matter, a bad dialog line) always raise.

    ``dialect`` (``--dialect``) wins over the front matter's ``dialect:``, which wins over
    ``default_dialect`` (the project's), which wins over what the document's syntax says.
    """
    return parse_and_scan(text, path, strict=strict, dialect=dialect, default_dialect=default_dialect)[0]


def parse_and_scan(text: str, path: str = "<string>", *, strict: bool = False, dialect: Declared | None = None,
                   default_dialect: Declared | None = None) -> tuple[Document, Scan]:
    """:func:`parse_text` and :func:`scan` of ``text`` from one markdown-it pass."""
    with collector_paused():
        return _parse_and_scan(text, path, strict, dialect, default_dialect)


def _parse_and_scan(text: str, path: str, strict: bool, dialect: Declared | None = None,
                    default_dialect: Declared | None = None) -> tuple[Document, Scan]:
    if is_cram_path(path): return read_t_file(blank_annotations(text, path), path, dialect, default_dialect), scan("")  # noqa: E701
    original, raw = text, lab_fences(blank_annotations(text, path))
    text = open_containers(raw)
    lines = split_lines(text)
    tokens = _markdown(text).parse(text)
    front_matter, fm_end = _front_matter(tokens, lines, path)
    fm_lines = _fm_lines(tokens[0]) if front_matter else {}
    declared = declared_dialect(front_matter, fm_lines, path, dialect, default_dialect)
    if declared is not None and declared[0] == "cram":  # prysk reads any file it is given as a test
        return read_t_file(blank_annotations(original, path), path, declared), scan("")
    blocks = _blocks(tokens, lines)
    _refuse_deep(tokens, path)
    tables = tuple(_table_cells(tokens))
    del tokens  # the token stream is ~1 KB a step: not kept through the passes below
    report = Report(path, lines, strict)
    report_unclosed(blocks, lines, report, path, ie=declared is not None and declared[0] == "ie")
    first = next((b for b in blocks if b.kind == "heading"), None)
    title, title_line, title_end = (first.text, first.start, first.end) if first is not None else \
        (Path(path).stem, None, fm_end or 0)
    phases = build(blocks, lines, report, title, title_line, _blocking(front_matter))
    phases = with_tab_alternatives(with_long_running(with_non_commands(with_contexts(with_prose_claims(
        phases, blocks), lines, "shell" in front_matter), blocks), lines), raw)
    name, source = declared or (detect(path, blocks, text), "")
    doc = Document(path=path, title=title, title_line=title_line, title_end=title_end, phases=phases,
                   troubleshooting=tuple(_tables(tables)), front_matter=front_matter, front_matter_lines=fm_lines,
                   diagnostics=tuple(report.found), dialect="" if name == "runbook" else name, dialect_from=source)
    return read_dialect(doc, blocks, lines, _yaml, original), Scan(tuple(lines), tuple(blocks), tables)


def parse_document(text: str, path: str = "<string>", *, dialect: Declared | None = None,
                   default_dialect: Declared | None = None) -> Document:
    """Parse ``text`` (no BOM) into a Document; raises :class:`ParseError` with ``path:line``."""
    return parse_text(text, path, strict=True, dialect=dialect, default_dialect=default_dialect)


def parse_file(path: str) -> Document:
    """Read ``path`` (BOM tolerated) and parse it."""
    src = Source.read(path)
    return parse_document(src.text, path)
