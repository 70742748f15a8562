"""What the terminal report prints, as plain data: a styled line and a table, and their
plain-text rendering for a stream that is not a terminal, without loading rich.

:mod:`runbook.report.terminal` builds :class:`Line` and :class:`Grid` values and prints them
either through rich (a terminal, or colour asked for) or as the text here. The plain text is
the text rich gives for the same value on a pipe without colour, byte for byte
(``tests/test_plain_console.py`` compares the two); what this module cannot render so (a tab,
a control code rich strips, a line longer than the console that ends in spaces, a table cell
that is not printable ASCII or a table wider than the console) it declines, returning
``None``, and rich renders it.
"""

from __future__ import annotations

from typing import Sequence, Union

_RICH_CHANGES = frozenset("\t\x07\x08\x0b\x0c\x0d")
"""Characters rich rewrites in a printed text: tabs expanded, these control codes dropped."""


class Line:
    """A line of the report: its text and the styles (rich style names) of its parts.

    ``Line(text, style)`` is rich's ``Text(text, style=style)``: the style is the whole
    line's; :meth:`append` adds a part with its own style."""

    __slots__ = ("style", "parts")

    def __init__(self, text: str = "", style: str = "") -> None:
        self.style = style
        self.parts: list[tuple[str, str]] = [(text, "")] if text else []

    def append(self, text: str, style: str = "") -> "Line":
        self.parts.append((text, style))
        return self

    @property
    def plain(self) -> str:
        return "".join(text for text, _ in self.parts)


Cell = Union[str, Line]


class Grid:
    """A table: a title, columns (name, justification) and rows of cells."""

    __slots__ = ("title", "columns", "rows")

    def __init__(self, title: str) -> None:
        self.title = title
        self.columns: list[tuple[str, str]] = []
        self.rows: list[list[Line]] = []

    def add_column(self, name: str, justify: str = "left") -> None:
        self.columns.append((name, justify))

    def add_row(self, *cells: Cell) -> None:
        row = [c if isinstance(c, Line) else Line(c) for c in cells]
        self.rows.append(row + [Line() for _ in range(len(self.columns) - len(row))])


def plain_line(line: Line, width: int) -> str | None:
    """The printed text of ``line`` with its newline; ``None`` if rich would change the text
    (it also drops the spaces that end a line longer than ``width``)."""
    text = line.plain
    if _RICH_CHANGES.intersection(text):
        return None
    if len(text) > width and any(len(part) > width and part[-1:].isspace() for part in text.split("\n")):
        return None
    return text + "\n"


def _simple(text: str) -> bool:
    """Text rich puts in a cell as it is: printable ASCII, no space at either end (rich strips
    a right-justified cell's trailing spaces)."""
    return text.isascii() and text.isprintable() and text == text.strip(" ")


def plain_grid(grid: Grid, width: int) -> str | None:
    """The printed table (rich's heavy-head box, one space of padding), title above it;
    ``None`` unless every cell and the title are printable ASCII without a space at either
    end, the columns justified left or right, and the table fits ``width``."""
    head = [name for name, _ in grid.columns]
    texts = [[c.plain for c in row] for row in grid.rows]
    justify = [j for _, j in grid.columns]
    if not grid.columns or not set(justify) <= {"left", "right"} \
            or not all(_simple(t) for t in [grid.title, *head, *(t for row in texts for t in row)]):
        return None
    widths = [max(len(t) for t in col) for col in zip(head, *texts)]
    total = sum(widths) + 3 * len(widths) + 1
    if total > width or len(grid.title) > total:
        return None

    def row(cells: Sequence[str], bar: str) -> str:
        padded = [c.rjust(w) if j == "right" else c.ljust(w)
                  for c, w, j in zip(cells, widths, justify)]
        return bar + bar.join(f" {p} " for p in padded) + bar

    def rule(left: str, line: str, cross: str, right: str) -> str:
        return left + cross.join(line * (w + 2) for w in widths) + right

    out = [grid.title] if grid.title else []
    out += [rule("┏", "━", "┳", "┓"), row(head, "┃"), rule("┡", "━", "╇", "┩")]
    out += [row(cells, "│") for cells in texts]
    out.append(rule("└", "─", "┴", "┘"))
    return "\n".join(out) + "\n"
