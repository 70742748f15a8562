"""The run loop's fast paths (issue 13: Python's cost per step) give what the general path gives.

Each shortcut taken for the usual plain step (an output equal to its expected text, an
ASCII chunk decoded without a decoder, a sentinel looked for only where it can be first,
the lines of a normal form cut instead of joined and split) is checked here against the
general definition it stands for, on generated inputs, and the verdicts of failing steps
still carry their diff and reason.
"""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from runbook.api import parse
from runbook.judge.matching import match_output
from runbook.judge.normalise import normalise, normalise_lines
from runbook.judge.patterns import compile_pattern
from runbook.judge.verdict import CommandRun, judge
from runbook.model import Execution, MatchMode, Output, Status
from runbook.run.capture import OutputCapture
from runbook.run.reader import _first_sentinel

_PIECES = ["a", "b c", "  ", "\t", "\r", "\r\n", "\n", "\x1b[31m", "\x1b]0;t\x07", "é", "...", "x (re)",
           "[ (re)", "a* (glob)", "q (equal)", "(", ")", "\x1b", "\u2028"]
texts = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@given(texts)
@settings(max_examples=400, deadline=None)
def test_normalise_lines_is_the_normal_form_split_into_lines(text):
    norm = normalise(text)
    assert normalise_lines(text) == (norm.split("\n") if norm else [])


def _notes_of(text: str) -> tuple[str, ...]:
    """The notes as the general path made them: every expected line compiled."""
    pats = [compile_pattern(line) for line in normalise_lines(text)]
    return tuple(f"expected line {k + 1}: {p.note}" for k, p in enumerate(pats) if p.note)


@given(texts, st.sampled_from(["", "\n", "\n\n", "  \n", "\r\n"]),
       st.sampled_from([MatchMode.LINES, MatchMode.CONTAINS, MatchMode.UNORDERED, MatchMode.EXACT]))
@settings(max_examples=400, deadline=None)
def test_an_output_equal_to_its_expected_text_matches_in_every_mode_with_the_same_notes(text, tail, mode):
    assume(normalise(text + tail) == normalise(text))  # (a CR before the tail can overwrite a line)
    res = match_output(text, text + tail, mode)
    assert res.ok and res.diff is None
    assert res.notes == (() if mode is MatchMode.EXACT else _notes_of(text))


def test_an_invalid_regex_still_gets_its_note_when_the_output_is_the_line_itself():
    res = match_output("[ (re)\nok", "[ (re)\nok\n")
    assert res.ok and res.notes and "invalid regex" in res.notes[0] and res.notes[0].startswith("expected line 1:")


def _step_and_run(expected: str, printed: str, attrs: str = ""):
    doc = parse(f"```bash{attrs}\necho hi\n```\n\n```output\n{expected}\n```\n")
    step = doc.phases[0].steps[0]
    out = Output(printed, len(printed), printed.count("\n"))
    return step, [CommandRun(step.commands[0], Execution(out, 0, 0.01))]


def test_a_failing_step_keeps_its_diff_checks_and_reason():
    step, runs = _step_and_run("hello\nworld", "hello\nthere\n")
    v = judge(step, runs, strict=False, run_command=lambda c: 0)
    assert v.status is Status.FAIL and v.reason == "output differs from the expected output"
    assert v.diff is not None and "-world" in v.diff and "+there" in v.diff
    assert [(c.clause, c.ok, c.detail) for c in v.checks] == [
        ("exit code is 0", True, ""), ("output matches expected", False, "output differs from the expected output")]


def test_a_passing_steps_shared_verdict_says_what_a_fresh_one_would():
    step, runs = _step_and_run("hello", "hello\n")
    v = judge(step, runs, strict=False, run_command=lambda c: 0)
    assert (v.status, v.drift, v.diff, v.reason) == (Status.PASS, False, None, "")
    assert [(c.clause, c.ok, c.detail) for c in v.checks] == [("exit code is 0", True, ""),
                                                              ("output matches expected", True, "")]
    step2, runs2 = _step_and_run("hello", "hello\n", " exit=3")
    failed = judge(step2, runs2, strict=False, run_command=lambda c: 0)
    assert failed.status is Status.FAIL and failed.reason == "exit code 0, expected 3"


@given(st.binary(max_size=40), st.lists(st.integers(min_value=0, max_value=40), max_size=6))
@settings(max_examples=400, deadline=None)
def test_output_cut_into_any_chunks_is_decoded_as_one_read(data, cuts):
    """An ASCII chunk skips the decoder; a character split by a chunk boundary after it is
    still decoded whole, and a bad byte is kept (as an escape), as when read at once."""
    whole = OutputCapture(1000)
    whole.feed(data)
    parts = OutputCapture(1000)
    at = 0
    for cut in sorted(cuts):
        parts.feed(data[at:cut])
        at = max(at, cut)
    parts.feed(data[at:])
    assert parts.finish() == whole.finish()
    assert whole.finish().text == data.decode("utf-8", "surrogateescape").encode(
        "utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def test_a_character_split_after_ascii_chunks_is_one_character():
    cap = OutputCapture(100)
    assert cap.feed(b"abc") == "abc"
    assert cap.feed(b"\xc3") == ""
    assert cap.feed(b"\xa9!\n") == "\u00e9!\n"
    assert cap.finish().text == "abc\u00e9!\n" and cap.finish().total_bytes == 7


marks = st.sampled_from([b"\n__RB_aa:", b"\n__RB_bb:", b"\n__RB_cc:"])


@given(st.lists(st.one_of(marks, st.sampled_from([b"x", b"\n", b"__RB_", b":"])), max_size=15).map(b"".join),
       st.lists(marks, min_size=1, max_size=3, unique=True))
@settings(max_examples=400, deadline=None)
def test_the_sentinel_found_first_is_the_earliest_of_any_mark(buf, wanted):
    found = [(buf.find(m), k) for k, m in enumerate(wanted) if buf.find(m) >= 0]
    first = min(found) if found else (-1, -1)
    assert _first_sentinel(buf, wanted) == (first[1], first[0])


@given(texts)
@settings(max_examples=400, deadline=None)
def test_an_output_that_is_its_expected_text_and_a_newline_is_taken_only_when_both_normalise_alike(text):
    from runbook.judge.verdict import _one_newline_more

    got = text + "\n"
    if _one_newline_more(got, text):
        assert normalise_lines(got) == normalise_lines(text)
    assert not _one_newline_more(text, text) and not _one_newline_more(got + "x", text)
    plain = text.replace("\r", "").replace("\x1b", "").replace("\x07", "")
    assert _one_newline_more(plain + "\n", plain)
