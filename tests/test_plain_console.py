"""The report on a pipe without colour is printed without rich, and must be the very text rich
printed there: every line and table is printed both ways (the plain console and rich with
the pipe's settings, both real) and compared byte for byte; what the plain console
declines (tabs, control codes, wide tables, non-ASCII cells) falls back to rich."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runbook.report.styled import Grid, Line, plain_grid, plain_line
from runbook.report.terminal import PLAIN_WIDTH, PlainConsole, RichConsole, _rich_console, make_console

STYLES = st.sampled_from(["", "bold", "dim", "red", "bold green", "yellow"])
ASCII = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30)
WORDS = st.from_regex(r"\A([!-~]([ -~]{0,12}[!-~])?)?\Z")
"""What the report's tables hold: printable ASCII, no space at either end."""
ANY = st.text(max_size=30)  # every code point but surrogates: controls, tabs, emoji, wide


def _both(item: Line | Grid) -> tuple[str, str]:
    plain, rich = io.StringIO(), io.StringIO()
    PlainConsole(plain).print(item)
    RichConsole(_rich_console(rich, tty=False, colour=False)).print(item)
    return plain.getvalue(), rich.getvalue()


@st.composite
def lines(draw: st.DrawFn, text: st.SearchStrategy[str]) -> Line:
    line = Line(draw(text), draw(STYLES))
    for _ in range(draw(st.integers(0, 4))):
        line.append(draw(text), draw(STYLES))
    return line


@st.composite
def grids(draw: st.DrawFn, text: st.SearchStrategy[str]) -> Grid:
    grid = Grid(draw(st.sampled_from(["Summary", "Documents", "Targets", ""])))
    n = draw(st.integers(1, 9))
    for _ in range(n):
        grid.add_column(draw(text), draw(st.sampled_from(["left", "right"])))
    for _ in range(draw(st.integers(0, 5))):
        grid.add_row(*[draw(st.one_of(text, lines(text))) for _ in range(n)])
    return grid


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines(ANY))
def test_a_plain_line_is_the_text_rich_prints_on_a_pipe(line: Line) -> None:
    plain, rich = _both(line)
    assert plain == rich


LONG = st.text(st.sampled_from("ab \u3000\u754c\u2003"), min_size=120, max_size=450)
"""Lines around and past the pipe's 200 columns: spaces (rich drops those ending a long line),
wide characters, line breaks."""


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines(LONG))
def test_a_line_longer_than_the_pipe_is_the_text_rich_prints(line: Line) -> None:
    plain, rich = _both(line)
    assert plain == rich


def test_the_spaces_ending_a_long_line_are_dropped_as_rich_drops_them() -> None:
    for text in ("a" * 199 + "   ", " " * 250, "short\n" + "ab " * 100 + "\nend", "x" * 1000):
        plain, rich = _both(Line(text, "dim"))
        assert plain == rich


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines(ASCII))
def test_printable_lines_are_printed_without_rich(line: Line) -> None:
    assert plain_line(line, PLAIN_WIDTH) is not None  # the plain path is the one compared above


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids(ASCII))
def test_a_plain_table_is_the_box_rich_draws_on_a_pipe(grid: Grid) -> None:
    plain, rich = _both(grid)
    assert plain == rich


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids(WORDS))
def test_tables_of_trimmed_ascii_that_fit_are_printed_without_rich(grid: Grid) -> None:
    cols = zip(*([n for n, _ in grid.columns], *[[c.plain for c in row] for row in grid.rows]))
    total = sum(max(len(c) for c in col) + 3 for col in cols) + 1
    assert (plain_grid(grid, PLAIN_WIDTH) is not None) == (len(grid.title) <= total <= PLAIN_WIDTH)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grids(ANY))
def test_a_table_of_any_text_falls_back_to_rich_where_needed(grid: Grid) -> None:
    plain, rich = _both(grid)
    assert plain == rich


def test_a_table_wider_than_the_pipe_is_wrapped_by_rich_as_before() -> None:
    grid = Grid("Documents")
    grid.add_column("document")
    grid.add_column("verdict")
    grid.add_row("d/" * 120 + ".md", "PASSED")
    assert plain_grid(grid, PLAIN_WIDTH) is None
    plain, rich = _both(grid)
    assert plain == rich and max(len(x) for x in plain.splitlines()) <= PLAIN_WIDTH


def test_markup_like_names_print_as_written_plain_and_in_colour() -> None:
    """A cell is text, never rich markup: ``x[/b].md`` made rich raise, ``[red]`` vanished."""
    grid = Grid("Documents")
    grid.add_column("document")
    grid.add_row("docs/x[/b].md")
    grid.add_row(Line("[red]a.md", "red"))
    for colour in (False, True):
        out = io.StringIO()
        RichConsole(_rich_console(out, tty=False, colour=colour)).print(grid)
        assert "docs/x[/b].md" in out.getvalue() and "[red]a.md" in out.getvalue()


def test_a_pipe_gets_the_plain_console_and_colour_gets_rich(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert isinstance(make_console(io.StringIO(), color="auto"), PlainConsole)
    assert isinstance(make_console(io.StringIO(), color="always"), RichConsole)
    assert isinstance(make_console(io.StringIO(), no_color=True, color="always"), PlainConsole)


def test_a_stream_that_cannot_take_box_characters_gets_richs_ascii_table() -> None:
    """rich draws an ASCII box on an encoding not named utf-* (``PYTHONIOENCODING=ascii``,
    a latin-1 locale); the plain console leaves such tables to rich."""
    grid = Grid("Summary")
    grid.add_column("phase")
    grid.add_column("pass", "right")
    grid.add_row("0", "1")
    for encoding in ("ascii", "latin-1", "utf-8"):
        plain, rich = io.BytesIO(), io.BytesIO()
        for buf, console in ((plain, PlainConsole), (rich, None)):
            stream = io.TextIOWrapper(buf, encoding=encoding, errors="backslashreplace", write_through=True)
            if console is None:
                RichConsole(_rich_console(stream, tty=False, colour=False)).print(grid)
            else:
                console(stream).print(grid)
            stream.detach()  # the bytes stay readable
        assert plain.getvalue() == rich.getvalue()
        assert (b"+-" in plain.getvalue()) == (encoding != "utf-8")
