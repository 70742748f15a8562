"""Output normalisation and expected-output matching (spec §3)."""

from __future__ import annotations

import re

import pytest
from conftest import CORPUS
from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.judge.matching import (
    MatchResult,
    expected_lines_kept,
    line_matches,
    match_output,
)
from runbook.judge.normalise import normalise, strip_ansi
from runbook.model import MatchMode

# --- normalise ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("\x1b[1;32mPASS\x1b[0m done", "PASS done"),
        ("\x1b[?2004hprompt\x1b[?2004l", "prompt"),
        ("\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\ text", "link text"),
        ("\x1b]0;window title\x07body", "body"),
        ("\x1b(Bplain\x1b)0", "plain"),
        ("ring\x07bell", "ringbell"),
        ("\x1b7saved\x1b8", "saved"),
        ("\x1b[38;5;196mred\x1b[K", "red"),
        ("no escapes at all", "no escapes at all"),
    ],
)
def test_strip_ansi_removes_escape_sequences(raw: str, clean: str) -> None:
    assert strip_ansi(raw) == clean


def test_normalise_folds_crlf_and_progress_bars() -> None:
    raw = "start\r\n 10%\r 55%\r100%\r\nend\r\r\n"
    assert normalise(raw) == "start\n100%\nend"


def test_normalise_cr_at_end_of_text_is_only_removed() -> None:
    assert normalise("done\r") == "done"


def test_normalise_trims_trailing_blanks_and_outer_blank_lines() -> None:
    raw = "\n  \n  indented   \nnext\t\n\n\n   \n"
    assert normalise(raw) == "  indented\nnext"


def test_normalise_keeps_inner_blank_lines_and_leading_indentation() -> None:
    assert normalise("a\n\n\n  b") == "a\n\n\n  b"


def test_normalise_multi_megabyte_output() -> None:
    line = "\x1b[32mok\x1b[0m progress 50%\rprogress 100%   \r\n"
    raw = line * 100_000  # ~4 MB
    out = normalise(raw)
    assert out.count("\n") == 99_999
    assert out.split("\n")[0] == "progress 100%"
    assert "\x1b" not in out and "\r" not in out


# --- line_matches ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pattern, line, ok",
    [
        ("Docker version 28.2.2", "Docker version 28.2.2", True),
        ("Docker version 28.2.2", "Docker version 28.2.3", False),
        ("Docker version ..., build ...", "Docker version 28.2.2, build e6534b4", True),
        ("Docker version ..., build ...", "Podman version 5", False),
        ("Docker version …", "Docker version 27", True),
        (r"jq-1\.\d+\.\d+ (re)", "jq-1.7.1", True),
        (r"jq-1\.\d+\.\d+ (re)", "jq-1.7.1-dirty", False),  # full-line match
        (r"jq-1\.\d+\.\d+ (regex)", "jq-1.7.1", True),
        ("jq-* (glob)", "jq-1.7.1", True),
        ("jq-? (glob)", "jq-1", True),
        ("jq-? (glob)", "jq-10", False),
        (r"100\* done (glob)", "100* done", True),
        (r"100\* done (glob)", "1000 done", False),
        ("*,dependabot[bot] (glob)", "2025-03-28T00:57:51Z,dependabot[bot]", True),
        ("*,dependabot[bot] (glob)", "2025-03-28T00:57:51Z,dependabotb", False),
        ("a*b (equal)", "a*b", True),
        ("a*b (equal)", "axb", False),
        ("x[ (re)", "x[ (re)", True),  # invalid regex: compared literally
        ("x[ (re)", "x[", False),
        ("  ...", "anything", True),
    ],
)
def test_line_matches(pattern: str, line: str, ok: bool) -> None:
    assert line_matches(pattern, line) is ok


def test_a_line_written_verbatim_always_matches_itself() -> None:
    for text in ["ratio (re)", "a+b (re)", "*star (glob)", "Loading...", "x (equal)"]:
        assert line_matches(text, text)


# --- match_output: lines mode ---------------------------------------------------------------


def test_identical_output_matches() -> None:
    assert match_output("a\nb\n", "a\nb") == MatchResult(True, None)


def test_both_sides_are_normalised() -> None:
    actual = "\x1b[32ma\x1b[0m  \r\nb\r\n\r\n"
    assert match_output("\n\na\nb   \n", actual).ok


@pytest.mark.parametrize("actual", ["a\nz", "a\nb\nz", "a\nb\nc\nd\nz"])
def test_ellipsis_line_matches_zero_or_more_lines(actual: str) -> None:
    assert match_output("a\n...\nz", actual).ok


def test_ellipsis_line_does_not_excuse_a_wrong_line_after_it() -> None:
    res = match_output("a\n...\nz", "a\nb\ny")
    assert not res.ok


def test_leading_and_trailing_ellipsis() -> None:
    assert match_output("...\nmiddle\n...", "x\nmiddle\ny").ok
    assert match_output("...\nmiddle\n...", "middle").ok
    assert not match_output("...\nmiddle\n...", "x\ny").ok


def test_missing_and_extra_lines_fail() -> None:
    assert not match_output("a\nb", "a").ok
    assert not match_output("a", "a\nb").ok
    assert not match_output("a", "").ok
    assert match_output("", "").ok
    assert match_output("...", "").ok


@pytest.mark.shared
def test_corpus_expected_block_with_ellipsis() -> None:
    """The migrations block of a real playbook, with ``...`` standing for more migrations."""
    doc = (CORPUS / "johnazariah__edumind-ai__.github__deployment__playbook__01-first-time-local-setup.md").read_text()
    m = re.search(r"\*\*Expected output:\*\*\n\n```\n(Applying migration.*?)```", doc, re.S)
    assert m, "corpus block moved"
    expected = m.group(1)
    assert "\n...\n" in expected
    actual = (
        "Applying migration '20251015123456_InitialCreate'\n"
        "Applying migration '20251016234567_AddAssessments'\n"
        "Applying migration '20251020000000_AddScores'\n"
        "Applying migration '20251021000000_AddIndexes'\n"
        "Done.\n"
    )
    assert match_output(expected, actual).ok
    assert not match_output(expected, actual.replace("Done.", "Failed.")).ok


@pytest.mark.shared
def test_scrut_style_glob_lines_from_corpus_tutorial() -> None:
    doc = (CORPUS / "facebookincubator__scrut__website__docs__tutorial__04-output-expectations.md").read_text()
    assert "*,* (glob)" in doc
    expected = "\n".join(["*,* (glob)"] * 5)
    actual = "\n".join(f"2025-03-28T00:5{k}:51Z,dependabot[bot]" for k in range(5))
    assert match_output(expected, actual).ok
    assert not match_output(expected, actual + "\nextra,line").ok
    assert not match_output(expected, actual.replace(",", ";", 1)).ok


def test_many_ellipses_on_10k_lines_are_correct() -> None:
    actual = "\n".join(f"line {k}" for k in range(10_000))
    expected = "line 0\n...\nline 2000\n...\nline 5... (re)\n...\nline 9998\n...\nline 9999"
    assert match_output(expected, actual).ok
    # "line 5..." must find line 5000+ after line 2000: the earlier "line 5" .. "line 59" are skipped
    assert match_output("...\nline 2000\n...\nline 5\\d{3} (re)\n...", actual).ok
    assert not match_output("...\nline 5000\n...\nline 4000\n...", actual).ok
    wrong_end = expected.replace("line 9999", "line 10000")
    res = match_output(wrong_end, actual)
    assert not res.ok and res.diff is not None
    assert "-line 10000" in res.diff and "+line 9999" in res.diff


def test_pathological_backtracking_stays_correct() -> None:
    actual = "\n".join(["a"] * 3000 + ["b"])
    expected = "...\na\na\na\n...\na\na\n...\nb"
    assert match_output(expected, actual).ok
    assert not match_output(expected + "\nc", actual).ok


# --- diffs ----------------------------------------------------------------------------------


def test_diff_is_unified_expected_vs_actual() -> None:
    res = match_output("one\ntwo\nthree", "one\n2\nthree")
    assert not res.ok
    assert res.diff == "--- expected\n+++ actual\n@@ -1,3 +1,3 @@\n one\n-two\n+2\n three"


def test_diff_shows_matched_wildcard_lines_as_actual_text() -> None:
    expected = "version \\d+ (re)\nbuild * (glob)\n...\nstatus: ok"
    actual = "version 28\nbuild e6534b4\nnoise 1\nnoise 2\nstatus: failed"
    res = match_output(expected, actual)
    assert res.diff is not None
    lines = res.diff.splitlines()
    assert " build e6534b4" in lines and " noise 2" in lines  # context shows the actual text
    assert [ln for ln in lines[2:] if ln[:1] in "+-"] == ["-status: ok", "+status: failed"]


def test_invalid_regex_is_noted_in_the_diff() -> None:
    res = match_output("count: [0-9 (re)", "count: 7")
    assert not res.ok
    assert res.notes and "invalid regex" in res.notes[0] and "line 1" in res.notes[0]
    assert res.diff is not None and "note: expected line 1: invalid regex" in res.diff


def test_large_mismatch_diff_is_focused() -> None:
    actual = [f"row {k}" for k in range(10_000)]
    expected = list(actual)
    expected[4321] = "row changed"
    res = match_output("\n".join(expected), "\n".join(actual))
    assert res.diff is not None
    changed = [ln for ln in res.diff.splitlines()[2:] if ln[:1] in "+-"]
    assert changed == ["-row changed", "+row 4321"]


# --- other modes ----------------------------------------------------------------------------


def test_exact_mode_has_no_wildcards() -> None:
    assert match_output("a\nb", "a\r\nb  \n", MatchMode.EXACT).ok
    assert not match_output("a\n...", "a\nb", MatchMode.EXACT).ok
    assert not match_output("v* (glob)", "v1", MatchMode.EXACT).ok
    res = match_output("a", "b", MatchMode.EXACT)
    assert res.diff is not None and "-a" in res.diff and "+b" in res.diff


def test_contains_mode_is_an_ordered_subsequence() -> None:
    actual = "header\nalpha\nnoise\nbeta 2\ntrailer"
    assert match_output("alpha\nbeta * (glob)", actual, MatchMode.CONTAINS).ok
    assert not match_output("beta 2\nalpha", actual, MatchMode.CONTAINS).ok  # order matters
    res = match_output("alpha\ngamma\nbeta 2", actual, MatchMode.CONTAINS)
    assert not res.ok and res.diff is not None
    assert [ln for ln in res.diff.splitlines()[2:] if ln[:1] in "+-"] == ["-gamma"]


def test_unordered_mode() -> None:
    actual = "b\na\nc 3"
    assert match_output("a\nb\nc * (glob)", actual, MatchMode.UNORDERED).ok
    assert not match_output("a\nb", actual, MatchMode.UNORDERED).ok  # extra line
    assert match_output("a\n...", actual, MatchMode.UNORDERED).ok  # `...` allows extras
    assert not match_output("a\na\nb\nc 3", actual, MatchMode.UNORDERED).ok  # multiset
    res = match_output("a\nz\nb", actual, MatchMode.UNORDERED)
    assert res.diff is not None
    changed = sorted(ln for ln in res.diff.splitlines()[2:] if ln[:1] in "+-")
    assert changed == ["+c 3", "-z"]


def test_unordered_mode_finds_a_perfect_pairing_when_greedy_would_not() -> None:
    # "x* (glob)" could take "xy" first, leaving "xy (re)"... a maximum matching still pairs all
    assert match_output("x* (glob)\nxy (re)", "xy\nxz", MatchMode.UNORDERED).ok


def test_ignore_mode_always_matches() -> None:
    assert match_output("anything", "else entirely", MatchMode.IGNORE) == MatchResult(True, None)


# --- expected_lines_kept --------------------------------------------------------------------


def test_kept_unchanged_when_still_matching() -> None:
    expected = "Docker version \\d+ (re)\n...\nok   \n"
    assert expected_lines_kept(expected, "Docker version 28\nx\nok") == expected


def test_kept_replaces_a_stale_literal_line_only() -> None:
    expected = "Server: nginx\nversion 1.* (glob)\nuptime \\d+s (re)\nbuild 41\n...\nready"
    actual = "Server: nginx\nversion 1.27\nuptime 33s\nbuild 42\nlog a\nlog b\nready"
    new = expected_lines_kept(expected, actual)
    assert new == "Server: nginx\nversion 1.* (glob)\nuptime \\d+s (re)\nbuild 42\n...\nready"
    assert match_output(new, actual).ok


def test_kept_inserts_new_lines_and_drops_vanished_ones() -> None:
    new = expected_lines_kept("a\ngone\nc (re)\n", "a\nc\nd\n")
    assert new == "a\nc (re)\nd\n"


def test_kept_replaces_after_an_ellipsis_instead_of_swallowing() -> None:
    new = expected_lines_kept("...\nresult: 1", "noise\nresult: 2")
    assert new == "...\nresult: 2"


def test_kept_wildcard_line_that_no_longer_matches_is_replaced() -> None:
    new = expected_lines_kept("v\\d+ (re)\nend", "vX\nend")
    assert new == "vX\nend"


_line = st.text(alphabet="ab.*( )re\\", max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(_line, max_size=8), st.lists(_line, max_size=8))
def test_kept_always_matches_the_actual_output(expected: list[str], actual: list[str]) -> None:
    act = "\n".join(actual)
    new = expected_lines_kept("\n".join(expected), act)
    assert match_output(new, act).ok


@settings(max_examples=200, deadline=None)
@given(st.lists(_line, max_size=10))
def test_any_output_matches_itself(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert match_output(text, text).ok
    assert match_output(text, text, MatchMode.UNORDERED).ok
    assert match_output(text, text, MatchMode.CONTAINS).ok
