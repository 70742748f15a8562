"""The second pass of the big-document work (issue 13): each shortcut answers as the plain path.

Caches keyed by the exact text (the line that closes a fence, the line that opens one), a
Command given its expected output without ``dataclasses.replace``, one search for the words an
assignment needs, and the CLI's collector pause (which must not outlive the command).
"""

from __future__ import annotations

import gc
from dataclasses import fields, replace

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.cli import cli
from runbook.lint import rules_shell
from runbook.model import Command, Expected, MatchMode, Span, Step
from runbook.parse import markdown, unclosed
from runbook.parse.drafts import with_expected
from runbook.parse.markdown import parse_and_scan, parse_document

_FENCE_LINES = ["```", "````", "~~~", "~~~~", "``` x", "  ```", "> ```", ">```", "`` `", "```\t", "   ~~~ ",
                "-", "text", ""]


@settings(max_examples=400)
@given(st.sampled_from(_FENCE_LINES), st.sampled_from(["```", "````", "~~~", "~~~~~"]), st.sampled_from(["\n", "\r\n", ""]))
def test_the_cached_closing_test_answers_as_the_test_of_the_line(line: str, markup: str, end: str) -> None:
    body = (line + end).rstrip("\r\n").lstrip(" \t>").strip()
    assert markdown._closes(line + end, markup) == (len(body) >= len(markup) and set(body) == {markup[:1]})


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_FENCE_LINES + ["```bash", "````text", "echo hi", "~~~sh"]), max_size=12))
def test_fences_closed_and_unclosed_read_the_same_twice_in_one_process(lines: list[str]) -> None:
    """A cached answer for one document's line is never another document's wrong answer."""
    text = "\n".join(lines) + "\n"
    first = parse_and_scan(text, "a.md")
    again = parse_and_scan(text, "a.md")
    assert [(b.kind, b.closed, b.start, b.end) for b in first[1].blocks] == \
        [(b.kind, b.closed, b.start, b.end) for b in again[1].blocks]
    assert first[0].diagnostics == again[0].diagnostics


def test_a_fence_mark_is_read_from_the_opening_line_as_the_pattern_reads_it() -> None:
    for line in ("```bash\n", "  ~~~~ sh\n", "> ````\n", "- ```\n", "1. ~~~\n", "text\n", ""):
        m = unclosed._FENCE_OPEN.match(line.rstrip("\r\n"))
        assert unclosed._mark(line) == (m.group(1) if m else "```")


def test_with_expected_passes_on_every_field_of_command() -> None:
    """If Command gains a field, with_expected must pass it on: this list must then change."""
    assert [f.name for f in fields(Command)] == ["text", "line", "expected", "shown"]
    exp = Expected("out", Span(3, 4))
    for cmd in (Command("echo hi", 2), Command("ls", 0, None, "shown ls")):
        assert with_expected(cmd, exp) == replace(cmd, expected=exp)


@settings(max_examples=2000)
@given(st.text(alphabet="abcdeflmnoprstuxy=.$ \n_-", max_size=30))
def test_one_search_for_the_assigning_words_answers_as_each_substring_test(text: str) -> None:
    needed = any(n in text for n in rules_shell._SETS_NEEDLES)
    assert (rules_shell._SETS_NEEDLE.search(text) is not None) == needed
    if not needed:
        assert rules_shell.assigned(text) == (set(), False)


def test_list_and_check_turn_the_collector_back_on_even_when_they_fail(tmp_path: object) -> None:
    """The CLI pauses the cycle collector for the whole command; a test process (or an API
    user running the CLI in-process) must get it back, also after an error exit."""
    from pathlib import Path

    doc = Path(str(tmp_path)) / "d.md"
    doc.write_text("# T\n\n```bash\necho hi\n```\n", encoding="utf-8")
    bad = Path(str(tmp_path)) / "bad.md"
    bad.write_text("---\nx: [\n---\n# T\n", encoding="utf-8")
    assert gc.isenabled()
    for args in (["list", str(doc)], ["check", str(doc)], ["list", str(bad)], ["check", str(bad)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code in (0, 1, 2), (args, result.output)
        assert gc.isenabled(), args
    assert "echo hi" in CliRunner().invoke(cli, ["list", str(doc)]).output


# -- plain command lines: one match instead of the line rules --------------------------------
_WORDS = ["echo", "step-1", "sleep", "infinity", "watch", "ls", "kubectl", "sudo", "env", "timeout", "python3", "runserver", "--watch", "tail",
          "-f", "a=b", "x/y", "_EOF_", "EOF", "exit", "npm", "start", "x.y+z", "A", "9", "-n", "ssh", "grep", "--"]


@st.composite
def _plainish(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(alphabet="abXY09_.+,/=- ", max_size=6)),
                                   min_size=1, max_size=4), min_size=1, max_size=3))
    return "\n".join(draw(st.sampled_from([" ", " ", "  ", "\t"])).join(words) for words in lines)


@settings(max_examples=3000)
@given(_plainish())
def test_plain_command_lines_read_as_shell_as_every_line_rule_says(text: str) -> None:
    from runbook.parse.shellish import heredoc_body, plain_command, reading

    if plain_command(text):
        lines = text.split("\n")
        r = reading(lines)
        assert r.is_shell and not r.output_like and not heredoc_body(lines), text


@settings(max_examples=3000)
@given(_plainish())
def test_plain_lines_no_rule_names_return_as_every_long_running_rule_says(text: str) -> None:
    from runbook.parse import longrun

    assert longrun.long_running(text) == longrun._long_running(text)
    if longrun._unnamed(text):
        assert longrun._long_running(text) is None, text


def test_long_running_commands_are_still_found_among_plain_lines() -> None:
    from runbook.parse.longrun import long_running

    for text in ("tail -f x.log", "echo a\nkubectl get pods --watch", "python3 -m http.server", "sudo journalctl -f",
                 "npm start", "ssh host", "timeout 5 sleep 10\nsleep infinity", "watch ls"):
        assert long_running(text) is not None, text
    assert long_running("echo step-1\nls -la /tmp") is None


_MD_LINES = ["# T", "", "```bash", "echo hi", "```", "a - b", "--- ---", "a  b", "---", "- item", "   x", "> q", "1. one",
             ":-- :--:", "text", "    code", "<div>", "[x]: /u", "***", "~~~", "Head", "==="]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_MD_LINES), max_size=14))
def test_without_a_pipe_the_table_rule_changes_no_token(lines: list[str]) -> None:
    """The table rule is left out for a text without ``|``: its tokens are the same with it."""
    text = "\n".join(lines) + "\n"
    text = text.replace("|", "")
    with_table = markdown._markdown().parse(text)
    assert [(t.type, t.map, t.content, t.info) for t in markdown._markdown(text).parse(text)] == \
        [(t.type, t.map, t.content, t.info) for t in with_table]
    assert "table" not in [r.name for r in markdown._markdown(text).block.ruler.__rules__ if r.enabled]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_MD_LINES + ["---", "title: x", "...", " ---", "-", "--"]), max_size=14))
def test_without_a_leading_dash_the_front_matter_rule_changes_no_token(lines: list[str]) -> None:
    """The front matter plugin is left out for a text that does not start with ``-``."""
    text = "\n".join(lines) + "\n"
    full = [(t.type, t.map, t.content, t.info) for t in markdown._markdown().parse(text)]
    assert [(t.type, t.map, t.content, t.info) for t in markdown._markdown(text + "|").parse(text)] == full
    if not text.startswith("-"):
        assert "front_matter" not in [r.name for r in markdown._markdown(text).block.ruler.__rules__]


@settings(max_examples=500)
@given(st.lists(st.sampled_from(["exit", " exit 3 ", "", "  \n", "logout", "ls", "exit now", "exit\n", "exit 1\nls"]),
                max_size=4))
def test_a_step_of_only_exits_is_found_as_the_list_of_its_stripped_commands_says(texts: list[str]) -> None:
    import re

    from runbook.model import Step
    from runbook.parse.foreground import _only_exit

    step = Step(id="1", phase="0", title="t", anchor="", lang="bash", span=Span(0, 2), end=2, prefix="",
                commands=tuple(Command(t, 0) for t in texts), transcript=False)
    stripped = [t.strip() for t in texts if t.strip()]
    assert _only_exit(step) == (bool(stripped) and all(re.fullmatch(r"exit(?:\s+\d+)?|logout", t) for t in stripped))


def test_a_step_and_an_expected_built_by_position_have_each_field_where_the_names_put_it() -> None:
    """drafts.to_step builds each Step and fences._bare_expected each Expected by position (a
    third of the cost of keywords): if their fields move, these lists must change, and the calls."""
    assert [f.name for f in fields(Step)] == ["id", "phase", "title", "anchor", "lang", "span", "end", "prefix",
                                              "commands", "transcript", "criteria", "attrs", "skip_reason",
                                              "placeholders", "dialog", "options"]
    assert [f.name for f in fields(Expected)] == ["text", "span", "mode", "illustrative", "volatile", "origin"]
    doc = parse_document("# T\n\n## Check\n\n> ```bash {timeout=5}\n> echo <NAME> 10:00\n> ```\n>\n"
                         "> ```output\n> 10:00\n> ```\n>\n> PASS if: output contains 10\n", "d.md")
    s = doc.steps[0]
    assert (s.id, s.phase, s.title, s.anchor, s.lang, s.span, s.end, s.prefix) == \
        ("0-1", "0", "Check", "check", "bash", Span(4, 7), 13, "> ")
    assert (s.transcript, [c.text for c in s.criteria], dict(s.attrs), s.skip_reason, s.placeholders, s.dialog) == \
        (False, ["PASS if: output contains 10"], {"timeout": "5"}, None, ("NAME",), ())
    assert s.options.timeout_s == 5
    e = s.commands[0].expected
    assert e is not None and (e.text, e.span, e.mode, e.illustrative, e.volatile, e.origin) == \
        ("10:00", Span(9, 10), MatchMode.LINES, False, True, "block")


def test_sections_are_found_only_for_criteria_outside_a_steps_own(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The heading sections serve only to give a loose criterion ("PASS if ..." prose) its step."""
    from runbook.parse import structure
    from runbook.parse.markdown import parse_document

    built: list[int] = []
    real = structure.Sections
    monkeypatch.setattr(structure, "Sections", lambda blocks: built.append(len(blocks)) or real(blocks))
    plain = parse_document("# T\n\n## A1. One\n\n```bash\necho a\n```\n\n```output\na\n```\n", "d.md")
    assert built == [] and plain.steps[0].commands[0].expected is not None  # type: ignore[attr-defined]
    doc = parse_document("# T\n\n## A1. One\n\n```bash\necho a\n```\n\nPASS if: exit code is 0\n", "d.md")
    assert len(built) == 1 and [c.text for c in doc.steps[0].criteria] == ["PASS if: exit code is 0"]  # type: ignore[attr-defined]


def test_the_cached_attributes_of_an_info_string_are_never_changed_by_a_parse() -> None:
    """The fence pass reads the cached attributes of an info string (attrs.read_info) and gives
    the full path its own copy: dropping an invalid value or renaming a duplicate id there
    leaves the cache as it was, so the next fence with that info string reads it afresh."""
    from runbook.parse.attrs import read_info
    from runbook.parse.markdown import parse_text

    info = "bash id=A timeout=soon"
    text = f"# T\n\n```{info}\necho a\n```\n\n```{info}\necho b\n```\n"
    for _ in range(2):
        doc = parse_text(text, "d.md")
        assert [s.id for s in doc.steps] != ["A", "A"]  # type: ignore[attr-defined]
        assert any(d.code != "RB306" for d in doc.diagnostics)  # the invalid timeout, reported
        assert read_info(info) == ("bash", {"id": "A", "timeout": "soon"})
