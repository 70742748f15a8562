"""The HTML report writes a step's fenced blocks itself: the same bytes markdown-it writes.

``render_block`` skips markdown-it for a block made only of fences at the margin and
blank lines (a 50,000-step report spent most of its time parsing each one); any
other text goes to markdown-it. These tests compare the two on generated blocks, and on
every step block of the real corpus.
"""

from __future__ import annotations

import pytest
from conftest import corpus_files
from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.parse.markdown import parse_text
from runbook.report.html_markdown import _fences_only, markdown, render_block, segments

_MARKERS = ["```", "````", "~~~", "~~~~", "``", "~~"]
_INFOS = ["", "bash", "output", " bash  timeout=5", "sh x=1 y", 'a"<b>', "bash ", "~x", "{.py}",
          "a`b", "a\\b", "a&amp;", "\tbash", "é"]
_CONTENT = st.text(alphabet=st.sampled_from(list("ab `~<>&\"'\\\t é-#*>|\x0c\u2028")), max_size=12)


def _often(common: str, *rare: str) -> st.SearchStrategy[str]:
    """``common`` about nine times in ten, else one of ``rare``."""
    return st.integers(0, 9).flatmap(lambda n: st.just(common) if n else st.sampled_from(rare))


@st.composite
def _blocks(draw: st.DrawFn) -> str:
    """Blank lines and fences, mostly as a step's block is (about half take the fast
    path), else indented, unclosed, closed by the wrong or a short run, or holding a line
    that looks like a fence or a closing line."""
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        lines += [""] * draw(st.integers(0, 2))
        marker = draw(st.sampled_from(_MARKERS[:4]) if draw(st.integers(0, 9)) else st.sampled_from(_MARKERS))
        lines.append(draw(_often("", " ", "   ", "    ")) + marker + draw(st.sampled_from(_INFOS[:9]) if draw(st.integers(0, 4)) else st.sampled_from(_INFOS)))
        for _ in range(draw(st.integers(0, 3))):
            lines.append(draw(_CONTENT if draw(st.integers(0, 9)) else st.sampled_from(_MARKERS).map(
                lambda m: draw(st.sampled_from(["", " ", "\t"])) + m)))
        lines.append(draw(_often(marker, marker + marker[0], marker[:-1], marker + " ", " " + marker,
                                 marker.replace("`", "~"), marker + "x")))
        if not draw(st.integers(0, 9)):
            lines.pop()  # unclosed
    tail = draw(_often("\n", "\n\n", "", "\r\n", "\n \n"))
    return "\n".join(lines) + (tail if lines else "")


@settings(max_examples=600, deadline=None)
@given(_blocks())
def test_fast_fence_rendering_is_markdown_it_byte_for_byte(text: str) -> None:
    assert render_block(text) == markdown().render(text)


def test_the_common_step_block_takes_the_fast_path() -> None:
    # Otherwise the comparison above would pass with every block sent to markdown-it.
    text = '```bash\necho "<step-1>" & x\n```\n\n~~~~output timeout=5\nstep-1 ```\n~~~~~\n\n'
    fast = _fences_only(text)
    assert fast is not None and fast == markdown().render(text)
    assert _fences_only("```bash\n  ```\n```\n") is None  # an indented closing-like line: markdown-it's call
    assert _fences_only("```bash\necho\n") is None  # unclosed


@pytest.mark.shared
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name[:50])
def test_every_step_block_of_the_corpus_renders_as_markdown_it_does(path) -> None:
    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    doc = parse_text(text, str(path))
    for step, segment in segments(text, doc):
        if step is not None:
            assert render_block(segment) == markdown().render(segment), step.id
