"""Property tests: the annotation invariants over generated Markdown documents."""

from __future__ import annotations

import re

import pytest
from annotate_fakes import (
    assert_regions_render_as_intended,
    assert_renders_same,
    fake_document,
    fake_run,
    renderers_agree,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from runbook.write.annotate import annotate, has_annotations, strip

WORDS = st.sampled_from(
    ["run", "the", "`docker ps`", "*note*", "<b>", "&amp;", "PASS", "|", "x", "Phase", "A1.", "\\", "-", "#", "1."]
)


def _line() -> st.SearchStrategy[str]:
    return st.lists(WORDS, min_size=1, max_size=5).map(" ".join)


def _indent(lines: list[str], first: str, rest: str) -> list[str]:
    return [(first if i == 0 else rest) + line if line else rest.rstrip() for i, line in enumerate(lines)]


@st.composite
def leaf(draw: st.DrawFn) -> list[str]:
    kind = draw(st.sampled_from(["heading", "setext", "para", "pass", "fence", "fence", "table", "html", "code", "comment"]))
    if kind == "heading":
        return ["#" * draw(st.integers(1, 3)) + " " + draw(_line())]
    if kind == "setext":
        return [draw(_line()), draw(st.sampled_from(["===", "---"]))]
    if kind == "para":
        return draw(st.lists(_line(), min_size=1, max_size=3))
    if kind == "pass":
        return ["PASS if exit code is 0 and output contains `ok`"]
    if kind == "fence":
        char = draw(st.sampled_from(["```", "~~~", "````"]))
        lang = draw(st.sampled_from(["bash", "sh", "console", "text", ""]))
        body = draw(st.lists(st.sampled_from(["echo hi", "", "$ ls", "  indented", "```", "\tx"]), max_size=3))
        if char in body:
            body = [b for b in body if b != char]
        return [char + lang, *body, char]
    if kind == "table":
        return ["| a | b |", "| --- | --- |", "| " + draw(_line()) + " | 2 |"]
    if kind == "html":
        return ["<div>", draw(_line()), "</div>"]
    if kind == "comment":
        return ["<!-- runbook: timeout=5 -->"]
    return ["    " + draw(_line())]


@st.composite
def blocks(draw: st.DrawFn, depth: int = 0) -> list[str]:
    out: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["leaf", "leaf", "list", "quote"] if depth < 2 else ["leaf"]))
        if kind == "leaf":
            inner = draw(leaf())
        elif kind == "quote":
            inner = _indent(draw(blocks(depth + 1)), "> ", "> ")
        else:
            marker = draw(st.sampled_from(["- ", "* ", "1. ", "2) "]))
            loose = draw(st.booleans())
            inner = []
            for _ in range(draw(st.integers(1, 3))):
                item = _indent(draw(blocks(depth + 1)), marker, " " * len(marker))
                inner += item + ([""] if loose else [])
        if out:
            out += [""] * draw(st.integers(0, 2))
        out += inner
    return out


@st.composite
def documents(draw: st.DrawFn, tabs: bool = True) -> str:
    lines = draw(blocks())
    text = "\n".join(lines) + "\n"
    if tabs and draw(st.booleans()):
        # Not in quoted lines: see the known gap in runbook.regions.
        text = "\n".join(
            line if re.match(r"[ \t]*>", line) else line.replace("    ", "\t") for line in text.split("\n")
        )
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return text


# derandomize: CI checks the same generated documents on every run (no flaky red);
# widen the search locally with --hypothesis-seed or a larger max_examples.
PROPS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                 suppress_health_check=[HealthCheck.too_slow])

KNOWN_GAP = "# run\n> - # run\n>   # run\n>   <div>\n>   run\n>   </div>\n>   ```bash\n>\n>   ```\n> - run\n>   ```bash\n>   ```\n"


@pytest.mark.xfail(strict=True, reason="known gap of regions.py: a raw HTML block that swallows a fence "
                   "line inside a quoted list item makes the scanner pair fences wrongly")
def test_known_gap_html_block_swallowing_a_fence_in_a_quoted_list():
    doc = fake_document(KNOWN_GAP, all_fences=True, paragraphs=True)
    for seed in range(12):
        assert strip(annotate(KNOWN_GAP, doc, fake_run(doc, seed=seed))) == KNOWN_GAP


@PROPS
@given(documents(), st.integers(0, 11), st.booleans())
def test_strip_annotate_is_identity_and_reannotation_is_stable(text: str, seed: int, paragraphs: bool):
    doc = fake_document(text, all_fences=True, paragraphs=paragraphs)
    run = fake_run(doc, seed=seed)
    annotated = annotate(text, doc, run)
    assert has_annotations(annotated)
    assert strip(annotated) == text
    assert annotate(strip(annotated), doc, run) == annotated
    reparsed = fake_document(annotated, all_fences=True, paragraphs=paragraphs)
    assert [(s.id, s.source, s.prefix) for s in reparsed.steps] == [(s.id, s.source, s.prefix) for s in doc.steps]
    assert annotate(annotated, reparsed, run) == annotated


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.integers(0, 11))
def test_original_blocks_render_the_same(text: str, seed: int):
    # Where the two renderers already disagree on the original (type 7 HTML after a
    # lazy line, say), "renders the same" has no single meaning.
    assume(renderers_agree(text))
    doc = fake_document(text, all_fences=True, paragraphs=True)
    annotated = annotate(text, doc, fake_run(doc, seed=seed))
    assert_renders_same(text, annotated)
    assert_regions_render_as_intended(annotated)


@PROPS
@given(st.text(alphabet=st.sampled_from("ab `~<>!-#*\n\r\t>|"), max_size=200))
def test_strip_never_changes_text_without_annotations(text: str):
    if not has_annotations(text):
        assert strip(text) == text


_near_controls = st.sampled_from(["\x00", "\x08", "\t", "\n", "\x0b", "\r", "\r\n", "\x1b[31m", "\x1f", "\x7f", "\x80",
                                  "\x9f", "\ud800", "\udcff", "\u2028", "\u2029", "é", ":", "runbook:begin",
                                  "RunBook : End", "runbook", "a", " "])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_near_controls, st.text(max_size=4)), max_size=10).map("".join))
def test_text_left_as_it_is_by_the_quick_check_is_what_the_patterns_leave(text: str) -> None:
    # clean() returns most outputs untouched after a check in C (ASCII, no control, no
    # colon): the text must be exactly what the control and marker patterns make of it.
    from runbook.write.result_block import _CONTROL, _MARKER_WORD, _escape_control, clean

    slow = _MARKER_WORD.sub(r"\1\\:\2", _CONTROL.sub(_escape_control, text.replace("\r\n", "\n")))
    assert clean(text) == slow
