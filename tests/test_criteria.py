"""The "PASS if" language: parsing clauses, splitting, manual fallback and judging (spec §2, §3)."""

from __future__ import annotations

from typing import Callable

import pytest
from conftest import CORPUS
from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.judge.criteria import (
    SUPPORTED_FORMS,
    Evidence,
    clause_summary,
    is_error,
    judge_clause,
    judge_criterion,
    needles,
    parse_clause,
    parse_criterion,
)
from runbook.model import Check, Clause, ClauseKind, Output

K = ClauseKind


def kinds(text: str) -> list[tuple[ClauseKind, str | None]]:
    return [(c.kind, c.value) for c in parse_criterion(text, 0, False).clauses]


# --- clause forms ---------------------------------------------------------------------------

EXIT_FORMS = [
    ("exit code is 0", "==", 0),
    ("Exit status is 2", "==", 2),
    ("exit code: 0", "==", 0),
    ("exit code 0", "==", 0),
    ("exits 0", "==", 0),
    ("exits with 1", "==", 1),
    ("exits with code 3", "==", 3),
    ("should exit with status 0", "==", 0),
    ("returns 0", "==", 0),
    ("returns exit code 4", "==", 4),
    ("exit code is `0`", "==", 0),
    ("succeeds", "==", 0),
    ("the command succeeds", "==", 0),
    ("command exits 0", "==", 0),
    ("it should succeed", "==", 0),
    ("runs successfully", "==", 0),
    ("exits successfully", "==", 0),
    ("fails", "!=", 0),
    ("the step fails", "!=", 0),
    ("exit code is not 0", "!=", 0),
    ("exit code isn't 0", "!=", 0),
    ("exit code is non-zero", "!=", 0),
    ("exits with a non-zero status", "!=", 0),
    ("exit code is at least 1", ">=", 1),
]


@pytest.mark.parametrize("text, op, number", EXIT_FORMS)
def test_exit_forms(text: str, op: str, number: int) -> None:
    c = parse_clause(text)
    assert (c.kind, c.op, c.number) == (K.EXIT, op, number), text


CONTAINS_FORMS = [
    ("output contains `ok`", "ok"),
    ('output shows "Running"', "Running"),
    ("output includes 'ready'", "ready"),
    ("the output should contain `a, b`", "a, b"),
    ("stdout contains PONG", "PONG"),
    ("its output prints `x y`", "x y"),
    ("prints `hello`", "hello"),
    ("`ok` is printed", "ok"),
    ('"Build succeeded" appears in the output', "Build succeeded"),
    ("you should see `Running`", "Running"),
    ("`Ready`", "Ready"),
    ("output contains ``a `tick` b``", "a `tick` b"),
]


@pytest.mark.parametrize("text, value", CONTAINS_FORMS)
def test_contains_forms(text: str, value: str) -> None:
    c = parse_clause(text)
    assert (c.kind, c.value) == (K.CONTAINS, value), text


NOT_CONTAINS_FORMS = [
    ("output does not contain `error`", "error"),
    ("output doesn't contain \"panic\"", "panic"),
    ("output should not show `Traceback`", "Traceback"),
    ("no `ERROR` in output", "ERROR"),
    ("no `ERROR` lines", "ERROR"),
    ("there is no 'denied' in the output", "denied"),
    ("output contains no `warning`", "warning"),
    ("`fatal` is not printed", "fatal"),
    ("`fatal` does not appear in the output", "fatal"),
]


@pytest.mark.parametrize("text, value", NOT_CONTAINS_FORMS)
def test_not_contains_forms(text: str, value: str) -> None:
    c = parse_clause(text)
    assert (c.kind, c.value) == (K.NOT_CONTAINS, value), text


def test_negative_forms_need_a_quoted_value() -> None:
    # a guessed value could make a negative clause pass wrongly
    assert parse_clause("no errors in output").kind is K.MANUAL
    assert parse_clause("output does not contain errors").kind is K.MANUAL


@pytest.mark.parametrize(
    "text, value",
    [
        (r"output matches /^v\d+\.\d+/", r"^v\d+\.\d+"),
        ("output matches `a|b`", "a|b"),
        ('output matches the regex "x+y"', "x+y"),
        ("a line matches /^ok: \\d+$/", "^ok: \\d+$"),
        ("output matches /a, b and c/", "a, b and c"),
    ],
)
def test_regex_forms(text: str, value: str) -> None:
    c = parse_clause(text)
    assert (c.kind, c.value) == (K.REGEX, value), text


def test_invalid_regex_is_manual() -> None:
    assert parse_clause("output matches /a(b/").kind is K.MANUAL


def test_output_is_value_is_a_whole_output_regex() -> None:
    c = parse_clause("output is `PONG`")
    assert c.kind is K.REGEX
    assert judge_clause(c, ev("PONG\n")).ok
    assert not judge_clause(c, ev("PONG PONG")).ok


@pytest.mark.parametrize(
    "text, kind",
    [
        ("output matches expected", K.EXPECTED),
        ("output is as expected", K.EXPECTED),
        ("output matches the expected output", K.EXPECTED),
        ("the output should match the expected output above", K.EXPECTED),
        ("output is empty", K.EMPTY),
        ("no output", K.EMPTY),
        ("prints nothing", K.EMPTY),
        ("output is not empty", K.NOT_EMPTY),
        ("output is non-empty", K.NOT_EMPTY),
    ],
)
def test_expected_and_empty_forms(text: str, kind: ClauseKind) -> None:
    assert parse_clause(text).kind is kind, text


@pytest.mark.parametrize(
    "text, op, number",
    [
        ("output has 3 lines", "==", 3),
        ("output has exactly 3 lines", "==", 3),
        ("at least 5 lines", ">=", 5),
        ("at most 2 lines", "<=", 2),
        ("output has at least 4 lines", ">=", 4),
        ("prints more than 10 lines", ">", 10),
        ("output has 1,000 lines", "==", 1000),
    ],
)
def test_line_count_forms(text: str, op: str, number: int) -> None:
    c = parse_clause(text)
    assert (c.kind, c.op, c.number) == (K.LINES, op, number), text


@pytest.mark.parametrize(
    "text, value, op, number",
    [
        ("`x` appears 3 times", "x", "==", 3),
        ("`ok` appears once", "ok", "==", 1),
        ('"pod" appears twice in the output', "pod", "==", 2),
        ("`z` appears at least 2 times", "z", ">=", 2),
        ("output contains `ready` 3 times", "ready", "==", 3),
        ("at least 2 occurrences of `OK`", "OK", ">=", 2),
    ],
)
def test_count_forms(text: str, value: str, op: str, number: int) -> None:
    c = parse_clause(text)
    assert (c.kind, c.value, c.op, c.number) == (K.COUNT, value, op, number), text


@pytest.mark.parametrize(
    "text, op, seconds",
    [
        ("completes within 5 s", "<=", 5),
        ("completes within 5s", "<=", 5),
        ("in under 200 ms", "<", 0.2),
        ("takes less than 3 seconds", "<", 3),
        ("finishes in 2 minutes", "<=", 120),
        ("runs within 1.5 sec", "<=", 1.5),
        ("duration is under 1 min", "<", 60),
    ],
)
def test_duration_forms(text: str, op: str, seconds: float) -> None:
    c = parse_clause(text)
    assert c.kind is K.DURATION and c.op == op and c.number == pytest.approx(seconds), text


@pytest.mark.parametrize(
    "text, cmd, op, number",
    [
        ("`curl -fsS localhost:8080` succeeds", "curl -fsS localhost:8080", "==", 0),
        ("command `test -f out.txt` exits 0", "test -f out.txt", "==", 0),
        ("`grep -q foo f` exits 1", "grep -q foo f", "==", 1),
        ("`systemctl is-active x` fails", "systemctl is-active x", "!=", 0),
        ("running `make check` returns 0", "make check", "==", 0),
        ("\"docker info\" exits with code 0", "docker info", "==", 0),
    ],
)
def test_command_forms(text: str, cmd: str, op: str, number: int) -> None:
    c = parse_clause(text)
    assert (c.kind, c.value, c.op, c.number) == (K.COMMAND, cmd, op, number), text


def test_within_suffix_is_stripped_and_recorded() -> None:
    c = parse_clause("output contains `healthy` within 60 s")
    assert (c.kind, c.value, c.within_s) == (K.CONTAINS, "healthy", 60)
    c = parse_clause("`curl -fsS localhost:8080` succeeds within 30s")
    assert (c.kind, c.value, c.within_s) == (K.COMMAND, "curl -fsS localhost:8080", 30)
    c = parse_clause("output eventually contains `up` within 2 min")
    assert (c.kind, c.value, c.within_s) == (K.CONTAINS, "up", 120)
    assert parse_clause("completes within 60 s").within_s is None  # that one is a duration


def test_decorations_are_tolerated() -> None:
    for text in ["✅ **output contains `ok`**.", "- [x] output contains `ok`", "* output contains `ok`;",
                 "PASS if output contains `ok`", "**PASS:** output contains `ok`", "Output contains `ok`."]:
        c = parse_clause(text)
        assert (c.kind, c.value) == (K.CONTAINS, "ok"), text


def test_keywords_are_case_insensitive_values_are_not() -> None:
    c = parse_clause("OUTPUT CONTAINS `MiXeD`")
    assert (c.kind, c.value) == (K.CONTAINS, "MiXeD")


def test_clause_text_is_the_authors_text() -> None:
    crit = parse_criterion("exits 0, and **output contains `ok`**.", 3, False)
    assert [c.text for c in crit.clauses] == ["exits 0", "**output contains `ok`**"]


# --- splitting ------------------------------------------------------------------------------


def test_split_on_and_semicolon_comma() -> None:
    assert kinds("exit code is 0 and output contains `ok`; no `x` in output, output has 2 lines") == [
        (K.EXIT, None), (K.CONTAINS, "ok"), (K.NOT_CONTAINS, "x"), (K.LINES, None)]


def test_never_split_inside_values() -> None:
    assert kinds('output contains `a, b and c`; output shows "x; y, z" and output contains \'p and q\'') == [
        (K.CONTAINS, "a, b and c"), (K.CONTAINS, "x; y, z"), (K.CONTAINS, "p and q")]
    assert kinds("output matches /a, b and c/ and succeeds") == [(K.REGEX, "a, b and c"), (K.EXIT, None)]


def test_apostrophes_are_not_quotes() -> None:
    assert kinds("output doesn't contain `x`, and it's `y` is printed") == [
        (K.NOT_CONTAINS, "x"), (K.MANUAL, None)]


def test_list_items_are_clauses() -> None:
    text = "- exits 0\n- output contains `ok`\n  across two lines\n1. no output"
    crit = parse_criterion(text, 0, False)
    assert [c.kind for c in crit.clauses] == [K.EXIT, K.MANUAL, K.EMPTY]
    assert crit.clauses[1].text == "output contains `ok` across two lines"


def test_bare_values_after_a_clause_take_its_verb() -> None:
    assert kinds("output contains `a`, `b` and `c`") == [(K.CONTAINS, "a"), (K.CONTAINS, "b"), (K.CONTAINS, "c")]
    assert kinds("output does not contain `a`, `b`") == [(K.NOT_CONTAINS, "a"), (K.NOT_CONTAINS, "b")]


def test_commas_in_numbers_and_parentheses_do_not_split() -> None:
    assert [c.kind for c in parse_criterion("All software installed (dotnet, docker, git), exits 0", 0,
                                            False).clauses] == [K.MANUAL, K.EXIT]


# --- manual fallback, from real documents ---------------------------------------------------

CORPUS_PROSE = [
    ("johnazariah__edumind-ai__.github__deployment__playbook__01-first-time-local-setup.md",
     "Health check returns \"Healthy\"", K.MANUAL, None),
    ("johnazariah__edumind-ai__.github__deployment__playbook__01-first-time-local-setup.md",
     "Solution builds without errors", K.MANUAL, None),
    ("johnazariah__edumind-ai__.github__deployment__playbook__01-first-time-local-setup.md",
     "Unit tests pass", K.MANUAL, None),
    ("johnazariah__edumind-ai__.github__deployment__playbook__01-first-time-local-setup.md",
     "Look for \"Build succeeded\" message", K.CONTAINS, "Build succeeded"),
    ("johnazariah__edumind-ai__.github__deployment__playbook__01-first-time-local-setup.md",
     "no errors should appear", K.MANUAL, None),
    ("cert-manager__website__content__docs__installation__verify.md",
     "the message `The cert-manager API is ready` is displayed", K.CONTAINS, "The cert-manager API is ready"),
    ("parrsi01__network-engineering-security-foundation__labs__lab_01_linux_network_basics__step_by_step_guide.md",
     "`2 packets transmitted, 2 received`", K.CONTAINS, "2 packets transmitted, 2 received"),
    ("parrsi01__network-engineering-security-foundation__labs__lab_01_linux_network_basics__step_by_step_guide.md",
     "`veth-l01` state is `UP`", K.MANUAL, None),
    ("parrsi01__network-engineering-security-foundation__labs__lab_01_linux_network_basics__step_by_step_guide.md",
     "Neighbor entry for `10.1.1.2` with state like `REACHABLE` or `STALE`", K.MANUAL, None),
    ("docker__awesome-compose__nginx-flask-mysql__README.md",
     "Listing containers should show three containers running", K.MANUAL, None),
]


@pytest.mark.shared
@pytest.mark.parametrize("doc, phrase, kind, value", CORPUS_PROSE)
def test_phrases_from_real_documents(doc: str, phrase: str, kind: ClauseKind, value: str | None) -> None:
    assert phrase in (CORPUS / doc).read_text(encoding="utf-8"), "corpus text moved"
    crit = parse_criterion(phrase, 0, False)
    assert [(c.kind, c.value) for c in crit.clauses] == [(kind, value)]
    if kind is K.MANUAL:
        assert crit.clauses[0].text == phrase


@pytest.mark.parametrize("text", ["pods are in a Running state", "the dashboard loads", "exits 0 or 1",
                                  "every line matches /x/", "output contains the version number",
                                  "stderr is empty", "   ", "`a` `b`"])
def test_unknown_clauses_are_manual(text: str) -> None:
    crit = parse_criterion(text, 7, False)
    assert all(c.kind is K.MANUAL for c in crit.clauses)
    assert crit.line == 7


def test_supported_forms_all_parse() -> None:
    for form in SUPPORTED_FORMS:
        assert parse_clause(form).kind is not K.MANUAL, form


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab `'\"/,;-*()[]x0123 \n") + ["and ", "exit ", "output ", "contains ",
                                                                     "within ", "times ", "lines ", "s "]),
                max_size=25).map("".join))
def test_parse_never_raises(text: str) -> None:
    crit = parse_criterion(text, 0, True)
    assert crit.clauses and crit.negated
    for c in crit.clauses:
        assert c.op in ("==", "!=", ">=", "<=", ">", "<")


# --- judging --------------------------------------------------------------------------------


def no_command(cmd: str) -> int | None:
    raise AssertionError(f"unexpected command {cmd}")


def ev(text: str = "", exit_code: int | None = 0, duration_s: float = 1.0, expected_ok: bool | None = None,
       run_command: Callable[[str], int | None] = no_command, **output: object) -> Evidence:
    lines = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    out = Output(text=text, total_bytes=len(text), lines=lines)
    if output:
        out = Output(text=text, **output)  # type: ignore[arg-type]
    return Evidence(output=out, exit_code=exit_code, duration_s=duration_s, expected_ok=expected_ok,
                    run_command=run_command)


def judge(text: str, evidence: Evidence, negated: bool = False) -> tuple[Check, ...]:
    return judge_criterion(parse_criterion(text, 0, negated), evidence)


def test_exit_checks_and_details() -> None:
    assert judge("exit code is 0", ev(exit_code=0)) == (Check("exit code is 0", True),)
    (c,) = judge("exit code is 0", ev(exit_code=2))
    assert not c.ok and c.detail == "exit code was 2"
    assert judge("fails", ev(exit_code=1))[0].ok
    assert not judge("fails", ev(exit_code=0))[0].ok
    assert not judge("succeeds", ev(exit_code=None))[0].ok


def test_contains_and_not_contains() -> None:
    e = ev("service healthy\nall good\n")
    assert judge("output contains `healthy`", e)[0].ok
    (c,) = judge("output contains `ready`", e)
    assert not c.ok and c.detail == "`ready` not found in output"
    assert judge("no `error` in output", e)[0].ok
    (c,) = judge("output does not contain `good`", e)
    assert not c.ok and "`good` found in output" in c.detail


def test_contains_uses_whole_stream_counts_for_huge_outputs() -> None:
    head_tail = "start\n[... 9 MB dropped ...]\nend\n"
    e = ev(head_tail, lines=200_000, dropped_bytes=9_000_000, counts={"needle": 1, "absent": 0})
    assert judge("output contains `needle`", e)[0].ok  # not in the kept text, but counted
    assert judge("output does not contain `absent`", e)[0].ok
    assert judge("output contains `start`", e)[0].ok  # found in the kept text: certain
    (c,) = judge("output does not contain `other`", e)  # not counted, not in the kept part: unknown
    assert not c.ok and is_error(c)
    assert judge("output has at least 100000 lines", e)[0].ok


def test_regex_search_is_multiline() -> None:
    e = ev("version: 1.2.3\nstatus: ok\n")
    assert judge(r"output matches /^status: \w+$/", e)[0].ok
    (c,) = judge("output matches /^fail/", e)
    assert not c.ok and "no match for /^fail/" in c.detail


def test_expected_clause_uses_the_comparison() -> None:
    assert judge("output matches expected", ev(expected_ok=True))[0].ok
    assert not judge("output is as expected", ev(expected_ok=False))[0].ok
    (c,) = judge("output matches expected", ev(expected_ok=None))
    assert not c.ok and "no expected output" in c.detail


def test_empty_and_line_counts() -> None:
    assert judge("output is empty", ev("  \n"))[0].ok
    assert not judge("output is empty", ev("x"))[0].ok
    assert judge("output is not empty", ev("x"))[0].ok
    (c,) = judge("output has at least 5 lines", ev("a\nb\nc\n"))
    assert not c.ok and c.detail == "3 lines, expected at least 5"
    assert judge("output has 3 lines", ev("a\nb\nc\n"))[0].ok


def test_occurrence_counts() -> None:
    e = ev("ok\nok\nfail\nok\n")
    assert judge("`ok` appears 3 times", e)[0].ok
    (c,) = judge("`fail` appears twice", e)
    assert not c.ok and c.detail == "`fail` found 1 time, expected exactly 2"


def test_duration() -> None:
    assert judge("completes within 5 s", ev(duration_s=4.9))[0].ok
    (c,) = judge("in under 200 ms", ev(duration_s=0.25))
    assert not c.ok and c.detail == "took 0.25 s, expected under 0.2 s"


def test_command_clauses_run_in_the_session() -> None:
    ran: list[str] = []

    def run(cmd: str) -> int | None:
        ran.append(cmd)
        return 0 if "true" in cmd else 3

    assert judge("`true --x` succeeds", ev(run_command=run))[0].ok
    (c,) = judge("command `false` exits 0", ev(run_command=run))
    assert not c.ok and c.detail == "`false` exited 3"
    assert judge("`false` fails", ev(run_command=run))[0].ok
    assert ran == ["true --x", "false", "false"]


def test_command_that_cannot_run_is_an_error() -> None:
    (c,) = judge("`sleep 999` succeeds", ev(run_command=lambda cmd: None))
    assert not c.ok and not c.manual and is_error(c)
    assert c.detail.startswith("error: criterion command could not run")
    (c,) = judge("`sleep 999` succeeds", ev(run_command=lambda cmd: None), negated=True)
    assert not c.ok and is_error(c)  # FAIL-if cannot be judged either


def test_manual_clause_never_passes() -> None:
    (c,) = judge("pods are in a Running state", ev())
    assert c == Check("pods are in a Running state", False, "not a checkable clause", manual=True)
    (c,) = judge("pods are in a Running state", ev(), negated=True)
    assert not c.ok and c.manual


def test_fail_if_negates_each_clause() -> None:
    e = ev("Traceback (most recent call last)\n", exit_code=1)
    checks = judge("output contains `Traceback`, exit code is 0", e, negated=True)
    assert [c.ok for c in checks] == [False, True]
    assert checks[0].detail == "`Traceback` found in output"
    checks = judge("output contains `panic`; output is empty", e, negated=True)
    assert all(c.ok for c in checks)


# --- helpers for the rest of the pipeline ---------------------------------------------------


def test_needles_are_the_substrings_to_count() -> None:
    crits = [parse_criterion("output contains `a`; no `b` in output; `c` appears twice; exits 0", 0, False),
             parse_criterion("output contains `a`, output matches /d/", 1, True)]
    assert needles(crits) == ("a", "b", "c")


@pytest.mark.parametrize(
    "text, summary",
    [
        ("exit code is 0", "exit == 0"),
        ("fails", "exit != 0"),
        ("output contains `ok`", "output contains 'ok'"),
        ("no `x` in output", "output does not contain 'x'"),
        ("output matches /^a/", "output matches /^a/"),
        ("output has at least 5 lines", "lines >= 5"),
        ("`ok` appears twice", "count('ok') == 2"),
        ("in under 200 ms", "duration < 0.2 s"),
        ("`make` succeeds within 30 s", "command 'make' exit == 0 within 30 s"),
        ("pods are ready", "manual: pods are ready"),
    ],
)
def test_clause_summary(text: str, summary: str) -> None:
    assert clause_summary(parse_clause(text)) == summary


def test_clause_summary_of_a_hand_made_clause() -> None:
    assert clause_summary(Clause("x", K.EXPECTED)) == "output matches expected"
