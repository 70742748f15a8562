"""Killercoda fence endings close their block; the marker says whether it runs."""

from __future__ import annotations

from runbook.parse.labfences import lab_fences
from runbook.parse.markdown import parse_document

F = "```"
DOC = (f"Run the server:\n\n{F}\nnode app.js\n{F}{{{{exec interrupt}}}}\n\nThen prose that must never run.\n\n"
       f"{F}\ncurl http://localhost:3333\n{F}{{{{exec}}}}\n\nCopy this:\n\n{F}\nexport X=1\n{F}{{{{copy}}}}\n\n"
       f"{F}javascript\nconst a = 1\n{F}{{{{}}}}\n\nMore prose.\n")


def test_marked_fences_close_blocks_and_exec_blocks_are_steps() -> None:
    d = parse_document(DOC, "lab.md")
    assert [s.source for s in d.steps] == ["node app.js", "curl http://localhost:3333"]


def test_nothing_but_fences_changes_and_line_numbers_stay() -> None:
    out = lab_fences(DOC)
    assert len(out.splitlines()) == len(DOC.splitlines())
    changed = [(a, b) for a, b in zip(DOC.splitlines(), out.splitlines()) if a != b]
    assert all(a.startswith("```") and b.startswith("```") for a, b in changed)
    assert lab_fences("no markers here\n") == "no markers here\n"


def test_a_marker_line_outside_a_block_is_left_alone() -> None:
    text = f"{F}{{{{exec}}}}\n"
    assert lab_fences(text) == text
