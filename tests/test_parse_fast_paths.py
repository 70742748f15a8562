"""The fast paths of the big-document work (issue 13) answer exactly as the slow ones.

Lines are split with ``str.splitlines`` when the text holds none of the other separators it
knows; the region scanner goes from one line that may matter (a fence run, a ``<``) to the
next instead of reading every line, and closes a fence at the left margin without its
pattern. Each is compared with the plain path on generated documents.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.parse import regions
from runbook.source import _LINE_RE, split_lines

_BREAKS = ["\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@settings(max_examples=1000)
@given(st.lists(st.one_of(st.sampled_from(_BREAKS), st.text(alphabet="ab <`~", max_size=5)), max_size=12))
def test_lines_split_on_cr_and_lf_only_whichever_path_splits_them(parts: list[str]) -> None:
    text = "".join(parts)
    assert split_lines(text) == _LINE_RE.findall(text)
    assert "".join(split_lines(text)) == text


def _region(prefix: str, body: list[str], summed: bool) -> list[str]:
    args = f"lines={len(body) + 2}" + (f" sum={regions.body_sum(body)}" if summed else "")
    return [f"{prefix}<!-- runbook:begin result 3 {args} -->", *(prefix + b for b in body), f"{prefix}<!-- runbook:end -->"]


_LEADS = ["", "", "", " ", "   ", "> ", ">> ", "- ", "1. ", "2) ", "\t"]
_BODIES = ["echo hi", "", "```", "~~~", "````", "``` x", "<div>", "</div>", "<pre>", "text <b>", "> q",
           "<!-- runbook:end -->", "<!-- runbook:begin result 1 lines=3 -->"]


@st.composite
def _piece(draw: st.DrawFn) -> list[str]:
    kind = draw(st.sampled_from(["fence", "fence", "region", "html", "line", "blank"]))
    lead = draw(st.sampled_from(_LEADS))
    if kind == "fence":
        run = draw(st.sampled_from(["```", "~~~", "````"]))
        body = draw(st.lists(st.sampled_from(_BODIES), max_size=3))
        closing = draw(st.sampled_from([run, run + "`", run + "  ", "```", "~~~~", ""]))
        inner = draw(st.booleans())
        lines = [lead + run + draw(st.sampled_from(["bash", "", " output", "x`"])), *(lead + b for b in body)]
        if inner:
            lines += _region(lead, ["✅ **pass**", ""], draw(st.booleans()))
        return lines + ([lead + closing] if closing else [])
    if kind == "region":
        return _region(lead, draw(st.lists(st.sampled_from(["ok", "", "```", "x <y>"]), max_size=2)),
                       draw(st.booleans()))
    if kind == "html":
        return [lead + draw(st.sampled_from(["<div>", "<pre>", "<b>", "</p>", "<!-- note -->"])),
                lead + draw(st.sampled_from(["```", "text", "</pre>", ""]))]
    return [lead + draw(st.sampled_from(["para", "# h", "<i>x</i>", "`code`"]))] if kind == "line" else [""]


def _every_line(lines: list[str], strict: bool) -> list[regions.Region]:
    """The scan before the fast paths: every line read, every fence closed by its pattern."""
    found: list[regions.Region] = []
    index = 0
    while index < len(lines):
        end = regions._example_end(lines, index) or regions._html_end(lines, index)
        if end is not None:
            index = end
            continue
        region = regions._region_or_damage(lines, index, regions._begin_match(lines[index]), "d.md", strict)
        if region is None:
            index += 1
            continue
        found.append(region)
        index = region.stop
    return found


@settings(max_examples=1500, deadline=None)
@given(st.lists(_piece(), max_size=8), st.booleans())
def test_the_region_scanner_finds_what_a_scan_of_every_line_finds(pieces: list[list[str]], newline: bool) -> None:
    lines = [line + "\n" for piece in pieces for line in piece]
    if lines and not newline:
        lines[-1] = lines[-1].rstrip("\n")
    try:
        expected: list[regions.Region] | str = _every_line(lines, strict=True)
    except Exception as err:  # a damaged region: the fast scan must raise the same error
        expected = str(err)
    try:
        got: list[regions.Region] | str = regions.find_regions(lines, "d.md")
    except Exception as err:
        got = str(err)
    assert got == expected
    assert regions.find_regions(lines, "d.md", strict=False) == _every_line(lines, strict=False)


_SHELLISH = st.text(alphabet="abzAZ_09.+-:/@[]{}()\"'$\\;&|<>=,*#~ \t│├", min_size=1, max_size=24)


@settings(max_examples=3000)
@given(_SHELLISH)
def test_a_plain_command_name_reads_as_shell_exactly_as_every_first_word_rule_says(line: str) -> None:
    from runbook.parse import shellish

    text = line.strip()
    if text:
        assert shellish.first_word_problem(line) == shellish._word_rules(text)


@settings(max_examples=500)
@given(st.sampled_from(["echo", "ls", "kubectl", "x_1", "a.b+c-d", "_", "Echo", "1x", "a:", "a,"]),
       st.sampled_from(["", " step-1", " │ x", " {", ' "a": 1', " ├── dir", "=1", "://x", "@h:p"]))
def test_a_plain_command_name_reads_as_every_rule_reads_it_among_real_words(word: str, rest: str) -> None:
    from runbook.parse import shellish

    text = (word + rest).strip()
    assert shellish.first_word_problem(text) == shellish._word_rules(text)


_PROMPTISH = st.text(alphabet="ab1@.:/~-_()=[]  \t$#%>\u276fPSmysqlredis", max_size=30)


@settings(max_examples=3000)
@given(_PROMPTISH)
def test_no_prompt_and_no_client_prompt_is_missed_by_the_prompt_character_test(line: str) -> None:
    # transcript.find_prompt and contexts.context_of skip a first line without one of
    # these characters: every prompt either reads (and a `#` comment) holds one.
    from runbook.parse import contexts, transcript

    holds = transcript._PROMPT_RE.match(line.lstrip(" \t")) or transcript._COMMENT.match(line) \
        or contexts._CLIENT_PROMPT.match(line)
    if holds:
        assert transcript._PROMPT_CHARS.intersection(line) and contexts._PROMPT_MARKS.intersection(line)


@settings(max_examples=1000)
@given(st.sampled_from(["$ ", "% ", "❯ ", "root@redis:/data# ", "bash-5.1$ ", "PS C:\\> ", "/ # ", "(venv) $ ",
                        "postgres=# ", "mysql> ", "127.0.0.1:6379> ", "irb(main):001:0> ", ">>> ", "# ", ""]),
       st.sampled_from(["ls", "echo step-1", "", "SELECT 1;"]), st.booleans())
def test_real_prompts_are_read_as_before_the_prompt_character_test(prompt: str, cmd: str, root: bool) -> None:
    from runbook.parse import transcript

    line = prompt + cmd
    expected = None
    m = transcript._PROMPT_RE.match(line.lstrip(" \t"))
    if not root and m and (m.group("cmd") or "").strip():
        expected = m.group("host") or m.group("prompt")
    found = transcript.find_prompt([line], root)
    if not root:
        assert (found.literal if found else None) == expected
    elif found is not None:
        assert transcript._PROMPT_CHARS.intersection(line)


@settings(max_examples=3000)
@given(st.lists(st.sampled_from(["echo", "x", "=", "A=1", "export", "declare -a", "for i in 1", "read -r v",
                                 "mapfile", "let", "printf -v", "getopts", ". f", "source f", "eval", "set -a",
                                 "unset", "local", "readonly", "readarray", " ", ";", "&&", "|", "$(", "'", '"',
                                 "#", "\n", "step-1", "a.b", "let=", "select v"]), max_size=8))
def test_a_command_without_any_assigning_word_sets_nothing_as_every_pattern_says(parts: list[str]) -> None:
    from runbook.lint import rules_shell

    text = " ".join(parts)
    assert rules_shell.assigned(text) == rules_shell._assigned(text)


@settings(max_examples=3000)
@given(st.text(alphabet="ab -=$\\\t\n'\"#‘’\u2013\u2014\u2212\u200b\u00a0<EOF", max_size=30), st.booleans())
def test_a_command_without_hazard_characters_has_no_hazard_as_every_rule_says(text: str, transcript: bool) -> None:
    from runbook.lint import rules_shell

    assert rules_shell.hazards(text, transcript) == rules_shell._hazards_in(text, transcript)


@settings(max_examples=500)
@given(st.lists(st.sampled_from(["", "  ", "echo a", "$ ls", "/ # ls", "postgres=# \\dt", "mysql> x", "# c",
                                 "root@redis:/data# ls", "a > b", "100%"]), min_size=1, max_size=4),
       st.sampled_from(["", "> ", "  "]))
def test_a_block_without_a_prompt_mark_is_read_as_by_its_first_filled_line(body: list[str], prefix: str) -> None:
    """contexts.context_of skips a block none of whose lines holds a prompt mark (one test of the
    whole block) before it looks for its first line that is not blank: the same answers."""
    from runbook.parse import contexts
    from runbook.parse.markdown import parse_text

    text = "# T\n\n" + "".join(f"{prefix}{ln}\n" for ln in ["```sh", *body, "```"])
    doc = parse_text(text, "doc.md")
    lines = text.splitlines(keepends=True)
    for step in doc.steps:  # type: ignore[attr-defined]
        start = step.span.start + 1
        first = contexts._first_filled(lines, start, step.span.end - 1)
        if not step.prefix and not contexts._PROMPT_MARKS.intersection(first):
            assert contexts.context_of(step, lines) is None
        elif not contexts._PROMPT_MARKS.intersection("".join(lines[start:step.span.end - 1])):
            assert not contexts._PROMPT_MARKS.intersection(first)


@given(st.sampled_from(["", "\n", "  \n\n"]), st.sampled_from(["", "> "]))
def test_a_prompt_after_blank_lines_is_still_found_by_the_whole_block_test(blanks: str, prefix: str) -> None:
    from runbook.parse.markdown import parse_text

    body = "".join(f"{prefix}{ln}\n" for ln in ["```sh", *blanks.split("\n")[:-1], "/ # ls", "```"])
    (step,) = parse_text("# T\n\n" + body, "doc.md").steps  # type: ignore[attr-defined]
    assert step.skip_reason is not None and "a container" in step.skip_reason
