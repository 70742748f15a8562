"""The cheap pre-tests of the passes after the structure pass (issue 13) answer as the full rule.

Each pre-test is a necessary condition checked before the rule it guards: a verdict line
needs one of its marks, a client's or a transcript's prompt needs a prompt character on the
first filled line, an ``exit`` step starts with ``exit`` or ``logout``. Generated texts are
run through the pre-test and the rule; the rule may never fire where the pre-test says no.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.parse import contexts, foreground, prose

_VERDICTY = ["\u2705 ok", "\u2714", "\u2611 done", "\u274c FAIL", "\u274c  fail now", "[No output = clean]",
             "[exits 0]", "[x]", "[", "]", "  ", "output", "clean", "plain", "\t\u2705", "ok \u2714", "CLEAN"]


@settings(max_examples=800)
@given(st.lists(st.one_of(st.sampled_from(_VERDICTY), st.text(max_size=6)), max_size=6))
def test_a_text_without_a_verdict_mark_has_no_verdict_line(parts: list[str]) -> None:
    text = "\n".join(parts)
    if prose._VERDICT_CHARS.search(text) is None:
        assert not any(prose._VERDICT_LINE.match(ln) for ln in text.split("\n"))


_LINES = ["", "  ", "\r\n", "echo a", "$ ls", "mysql> select 1;", "postgres=# \\dt", "/ # ls", ">>> 1",
          "root@redis:/data# ls", "   ", "\t", "127.0.0.1:6379> get a", "\u276f ls", "% ls", "# note"]


@settings(max_examples=800)
@given(st.lists(st.sampled_from(_LINES), max_size=6), st.integers(0, 7), st.integers(0, 8))
def test_the_first_filled_line_is_the_one_the_body_list_gives(lines: list[str], start: int, stop: int) -> None:
    doc = [ln if ln.endswith("\n") else ln + "\n" for ln in lines]
    body = [ln.rstrip("\r\n") for ln in doc[start:max(start, stop)]]
    assert contexts._first_filled(doc, start, stop) == next((ln for ln in body if ln.strip()), "")


_EXITS = ["exit", "exit 1", "exit  2", "logout", "exit\t3", "exits", "Exit", "quit", "exit x", "logout now", ""]


@settings(max_examples=500)
@given(st.one_of(st.sampled_from(_EXITS), st.text(alphabet="exitlogu 0123\t\n", max_size=9)))
def test_only_a_text_starting_with_exit_or_logout_is_an_exit(text: str) -> None:
    if foreground._EXIT.fullmatch(text) is not None:
        assert text.startswith(("exit", "logout"))
