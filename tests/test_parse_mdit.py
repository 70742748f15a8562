"""runbook's markdown-it (parse/mdit.py) reads exactly what markdown-it's own does: its line
markers and its normalize rule are held to markdown-it's on generated and real texts."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_core.normalize import normalize
from markdown_it.rules_core.state_core import StateCore

from conftest import ROOT, SHARED
from runbook.parse import mdit

TEXTS = st.text(alphabet=st.sampled_from(list(" \t\n\r\0>-*`~#|x1.\u00a0\u3000")), max_size=60)


def _stock_marks(src: str) -> mdit.Marks:
    s = StateBlock(src, MarkdownIt("commonmark"), {}, [])
    return s.bMarks, s.eMarks, s.tShift, s.sCount, s.bsCount


_PIECES = [">", "> ", ">  ", ">   ", "- ", "-  ", "-   ", "1. ", "10)  ", "* ", "   ", "  ", " ", "```", "~~~",
           "``` sh", "x", "# h", "<div>", "***", "---", "===", "| a |", "[r]: /u", "\t", "    ", "     "]
LINES = st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4).map("".join), max_size=10).map(
    lambda lines: "\n".join(lines) + "\n")
"""Lines of container markers and indentation (mostly under four columns) around fences and text."""


def _stock(text: str) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"maxNesting": mdit.MAX_NESTING})
    md = md.enable("table") if "|" in text else md
    if text.startswith("-"):
        from mdit_py_plugins.front_matter import front_matter_plugin
        md = md.use(front_matter_plugin)
    return md


def _tokens(md: MarkdownIt, text: str) -> list[tuple[object, ...]]:
    return [(t.type, t.tag, t.map, t.level, t.content, t.info, t.markup, t.nesting,
             [(c.type, c.content) for c in t.children or []]) for t in md.parse(text)]


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_line_marks_are_markdown_its_own(src: str) -> None:
    for text in (src, src.replace("\r", "\n").replace("\0", "")):
        if text:
            assert mdit.line_marks(text) == _stock_marks(text)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_normalize_is_markdown_its_own(src: str) -> None:
    ours, theirs = StateCore(src, MarkdownIt(), {}), StateCore(src, MarkdownIt(), {})
    mdit._normalize(ours)
    normalize(theirs)
    assert ours.src == theirs.src


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_tokens_are_markdown_its_own(src: str) -> None:
    assert _tokens(mdit.markdown(src), src) == _tokens(_stock(src), src)


def test_tokens_of_real_documents_and_edge_lines_are_markdown_its_own() -> None:
    paths = [*sorted((ROOT / "docs").rglob("*.md")), *sorted((ROOT / "tests").rglob("*.md")),
             *sorted((SHARED / "corpus").rglob("*.md"))]  # the shared corpus: when it is there
    texts = [p.read_text(encoding="utf-8", errors="surrogateescape") for p in paths]
    texts += ["a\n  ", "  ", "\t\tx\n \t y\r\n\rz", "> \t```\n>\tcode\n", "- a\n\n\t- b\n     c\n", "x\0y\n"]
    assert len(texts) > 10
    for text in texts:
        assert _tokens(mdit.markdown(text), text) == _tokens(_stock(text), text)
        assert mdit.line_marks(text) == _stock_marks(text)


def test_one_parser_per_configuration_and_a_parse_leaves_it_as_it_was() -> None:
    a, b = mdit.markdown("x"), mdit.markdown("| a |\n|---|\n| 1 |\n")
    assert a is mdit.markdown("y") and a is not b
    assert "table" in b.block.ruler.get_active_rules() and "table" not in a.block.ruler.get_active_rules()
    first = _tokens(b, "| a |\n|---|\n| 1 |\n")
    _tokens(b, "> deep\n> > quote\n")
    assert _tokens(b, "| a |\n|---|\n| 1 |\n") == first


@settings(max_examples=1500, deadline=None)
@given(LINES)
def test_without_a_tab_or_four_spaces_the_code_rule_changes_no_token(text: str) -> None:
    """The indented-code rule is left out for such a text (mdit._parser): its tokens are the same."""
    md = mdit.markdown(text)
    assert ("code" in md.block.ruler.get_active_rules()) == ("\t" in text or "    " in text)
    assert _tokens(md, text) == _tokens(_stock(text), text)


_FENCE_PIECES = ["```", "````", "~~~", "~~~~~", "``", "~~", "``` sh", "```sh `x`", "~~~ a`b", "``` ", "```\t",
                 "```  x", "~~~~ \t", "```~", "~~~`", "   ```", "    ```", "\t```", "  ~~~", "> ", ">", "- ", "1. ",
                 "  - ", "   ", "\t", "x", "echo a", " ", "  x", "   x", " \tx", "```bash title=`t`"]
FENCED = st.lists(st.lists(st.sampled_from(_FENCE_PIECES), min_size=0, max_size=3).map("".join), max_size=12).map(
    lambda lines: "\n".join(lines) + "\n")
"""Lines of fence runs of both characters and several lengths (with info strings, blanks and text
after them, indented, inside quotes and list items) around content lines."""


@settings(max_examples=1500, deadline=None)
@given(FENCED, st.booleans())
@example("   ```\n  x\n    y\n```\n", True)
@example("- ```sh\n  a\n\t b\n  ```\n", False)
@example("> ~~~\n>  x\n> ~~~~ \n", True)
def test_the_fence_rule_makes_markdown_its_own_tokens(text: str, final_newline: bool) -> None:
    """mdit._fence for markdown-it's ``fence`` rule: the same tokens, every field of each
    (attributes, meta and the block flag too), closed, unclosed, nested or not."""
    text = text if final_newline else text.rstrip("\n")
    assert mdit.markdown(text).parse(text) == _stock(text).parse(text)


def test_the_fence_rule_is_runbooks_and_ends_what_markdown_its_ends() -> None:
    md = mdit.markdown("x")
    ours = next(r for r in md.block.ruler.__rules__ if r.name == "fence")
    stock = next(r for r in MarkdownIt("commonmark").block.ruler.__rules__ if r.name == "fence")
    assert ours.fn is mdit._fence and ours.alt == stock.alt
    tokens = md.parse("- a\n```\nb\n```\n> c\n~~~ x\n")  # a fence ends a list item's paragraph and a quote's
    assert [t.type for t in tokens].count("fence") == 2
