"""Table clauses: the rows of a table in the output, cell by cell.

Two shapes are read. A fixed-width table as ``docker ps``, ``docker compose ps`` and
``kubectl get`` print it: a header line of UPPER-CASE names two or more spaces apart
(``CONTAINER ID`` is one name), and each row split at runs of two or more spaces when that
gives one cell per column, else cut at the columns' start positions, up to a blank line. A ``|`` table (Markdown, ``psql``, box tables): the first ``|`` line is the
header, ``---`` and ``+---+`` lines are skipped. A cell *is* a value when it equals it or
holds it as a word, case-insensitively (``Up 2 minutes (healthy)`` is ``healthy`` and
``Up``, never ``unhealthy``; ``proj-web-1`` holds ``web``); a number is the cell's leading number (``2 (5m ago)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from runbook.clauses import Clause
from runbook.judge.quantity import Verdict, compare, fmt, wanted
from runbook.lazyre import lazy
from runbook.model import Output

_HEAD_CELL = lazy(r"[A-Z][A-Z0-9_%()/.#-]*(?: [A-Z0-9][A-Z0-9_%()/.#-]*)*")
_STATE_COLUMNS = ("STATUS", "STATE", "PHASE", "HEALTH")


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[dict[str, str], ...]


def _pipe_cells(line: str) -> list[str]:
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") else body
    return [c.strip() for c in body.split("|")]


def _pipe_table(lines: list[str]) -> Table | None:
    rows: list[list[str]] = []
    for line in lines:
        if "|" not in line:
            if rows:
                break
            continue
        if re.fullmatch(r"[\s|:+=-]+", line):
            continue
        rows.append(_pipe_cells(line))
    if len(rows) < 1 or len(rows[0]) < 2:
        return None
    head = tuple(rows[0])
    return Table(head, tuple(dict(zip(head, r + [""] * (len(head) - len(r)))) for r in rows[1:]))


def _header_starts(line: str) -> list[tuple[int, str]] | None:
    cells = [(m.start(), m.group(0)) for m in re.finditer(r"\S+(?: \S+)*", line)]
    if len(cells) < 2 or not all(_HEAD_CELL.fullmatch(c) for _, c in cells):
        return None
    return cells


def _fixed_table(lines: list[str], column: str | None) -> Table | None:
    heads = [(i, h) for i, ln in enumerate(lines) if (h := _header_starts(ln))]
    if column:
        heads = [x for x in heads if any(c.lower() == column.lower() for _, c in x[1])] or heads
    if not heads:
        return None
    at, cols = heads[0]
    rows = []
    for line in lines[at + 1:]:
        if not line.strip():
            break
        rows.append(dict(zip((c for _, c in cols), _cells(line, [s for s, _ in cols]))))
    return Table(tuple(c for _, c in cols), tuple(rows))


def _cells(line: str, starts: list[int]) -> list[str]:
    """A row's cells: split at runs of 2+ spaces when that gives one cell per column (robust to
    a row printed out of line), else cut at the header's start positions, each cut moved to
    the next blank so no word is split."""
    split = re.split(r"\s{2,}", line.strip())
    if len(split) == len(starts):
        return split
    cuts = []
    for s in starts[1:]:
        while 0 < s < len(line) and not line[s - 1].isspace() and not line[s].isspace():
            s += 1
        cuts.append(s)
    bounds = [0, *cuts, len(line)]
    return [line[bounds[k]:bounds[k + 1]].strip() for k in range(len(starts))]


def parse_table(text: str, column: str | None = None) -> Table | None:
    """The first table of the output (the first with ``column``, when named), or None."""
    lines = text.splitlines()
    pipes = sum(1 for ln in lines if ln.count("|") >= 2)
    if pipes >= 2:
        found = _pipe_table(lines)
        if found is not None and (column is None or _column(found, column)):
            return found
    return _fixed_table(lines, column)


def _column(table: Table, name: str) -> str | None:
    return next((h for h in table.headers if h.lower() == name.lower()), None)


def cell_is(cell: str, value: str) -> bool:
    """Does a cell read ``value`` (equal, or as a whole word), case-insensitively?"""
    cell, value = cell.strip(), value.strip()
    if cell.lower() == value.lower():
        return True
    return re.search(r"(?<!\w)" + re.escape(value) + r"(?!\w)", cell, re.I) is not None


def _cell_number(cell: str) -> float | None:
    m = re.match(r"\s*(-?\d+(?:\.\d+)?)", cell)
    return float(m.group(1)) if m else None


def _row_name(row: dict[str, str]) -> str:
    for key in ("NAME", "SERVICE", "CONTAINER", "NAMES", "CONTAINER ID"):
        for k, v in row.items():
            if k.upper() == key and v:
                return v
    return next(iter(row.values()), "?")


def _cond(clause: Clause) -> str:
    if clause.value is not None:
        return repr(clause.value)
    return wanted(clause.op, clause.number or 0)


def _row_holds(row: dict[str, str], clause: Clause, cols: list[str]) -> bool | None:
    if clause.value is not None:
        return any(cell_is(row.get(c, ""), clause.value) for c in cols)
    n = _cell_number(row.get(cols[0], ""))
    return None if n is None else compare(n, clause.op, clause.number or 0)


def judge_table(clause: Clause, out: Output) -> Verdict:
    table = parse_table(out.text, clause.subject)
    if table is None:
        return None, "no table found in the output (a header line of UPPER-CASE names, or a | table)", ""
    if clause.subject:
        col = _column(table, clause.subject)
        if col is None:
            return None, f"no column {clause.subject} in the table (columns: {', '.join(table.headers)})", ""
        cols = [col]
    else:
        cols = [h for h in table.headers if h.upper() in _STATE_COLUMNS][:1] or list(table.headers)
    if clause.mode == "column":
        names = [r.get(cols[0], "") for r in table.rows]
        hit = next((n for n in names if cell_is(n, clause.value or "")), None)
        seen = f"{cols[0]} had {hit!r}" if hit else f"{cols[0]} column was {', '.join(names) or '(no rows)'}"
        return (True, seen, "") if hit else (None if out.truncated else False, seen, f"{clause.value!r} in it")
    return _rows_verdict(clause, table, cols, out.truncated)


def _rows_verdict(clause: Clause, table: Table, cols: list[str], truncated: bool) -> Verdict:
    label = cols[0] if len(cols) == 1 else "a cell"
    results = [(_row_holds(r, clause, cols), r) for r in table.rows]
    unknown = [r for h, r in results if h is None]
    if unknown:
        r = unknown[0]
        return None, f"row {_row_name(r)}: {label} {r.get(cols[0], '')!r} is not a number", ""
    if not table.rows:
        return clause.mode == "no", "the table has no rows", ""
    hits = [r for h, r in results if h]
    misses = [r for h, r in results if not h]
    count = f"{len(hits)} of {len(table.rows)} rows"
    if clause.mode == "every":
        holds, shown = not misses, misses[:3]
    elif clause.mode == "no":
        holds, shown = not hits, hits[:3]
    else:
        holds, shown = bool(hits), hits[:1]
    if truncated and clause.mode != "some" and holds:
        return None, f"error: output truncated, rows may be missing ({count} seen)", ""
    rows = "; ".join(f"row {_row_name(r)}: {label} {r.get(cols[0], '')}" for r in shown)
    seen = f"{count} with {label} {_cond(clause)}" + (f" ({rows})" if rows else "")
    return holds, seen, ""


__all__ = ["Table", "cell_is", "fmt", "judge_table", "parse_table"]
