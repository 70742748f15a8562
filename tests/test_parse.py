"""The parser: Markdown playbooks -> Document, rule by rule (spec §1, §2, §5, §7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook.errors import ParseError
from runbook.model import ClauseKind, Document, MatchMode, Step
from runbook.parse.markdown import blank_annotations, parse_document, parse_file
from runbook.source import split_lines

FIX = Path(__file__).resolve().parent / "fixtures" / "parse"


def doc(name: str) -> Document:
    return parse_file(str(FIX / name))


def step(d: Document, sid: str) -> Step:
    found = [s for s in d.steps if s.id == sid]
    assert found, f"no step {sid!r} in {[s.id for s in d.steps]}"
    return found[0]


def line_of(path: Path, needle: str) -> int:
    """0-based index of the first source line containing ``needle``."""
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if needle in line:
            return i
    raise AssertionError(needle)


# -- ids and titles ---------------------------------------------------------------
def test_step_ids_from_attributes_headings_and_position():
    d = doc("ids.md")
    assert [s.id for s in d.steps] == ["A1", "A.1", "3", "B2.1", "B2.2", "0-6", "X9", "Z1"]
    assert step(d, "A1").title == "A1. Check docker"
    assert step(d, "A1").anchor == "a1-check-docker"
    assert step(d, "B2.2").anchor == "b2--deploy"  # GitHub keeps one hyphen per space
    assert step(d, "Z1").attrs["timeout"] == "5"


def test_anchor_slugs_are_deduplicated_like_github():
    d = parse_document("# T\n\n## Example\n\n```bash\necho 1\n```\n\n## Example\n\n```bash\necho 2\n```\n")
    assert [s.anchor for s in d.steps] == ["example", "example-1"]


def test_title_and_title_end():
    d = doc("phases.md")
    assert (d.title, d.title_line, d.title_end) == ("Field trial", 5, 6)
    no_heading = parse_document("---\nrunbook:\n  timeout: 5\n---\n\n```bash\necho\n```\n", "x/plain.md")
    assert (no_heading.title, no_heading.title_line, no_heading.title_end) == ("plain", None, 4)
    setext = parse_document("Title\n=====\n\ntext\n")
    assert (setext.title, setext.title_line, setext.title_end) == ("Title", 0, 2)


def test_duplicate_ids_are_an_error_naming_both_lines():
    text = "# T\n\n```bash id=A1\necho 1\n```\n\n### A1. Again\n\n```bash\necho 2\n```\n"
    with pytest.raises(ParseError) as err:
        parse_document(text, "dup.md")
    assert err.value.where == "dup.md:9"
    assert "line 3" in err.value.message and "'A1'" in err.value.message


@pytest.mark.parametrize("info", ['bash id=""', "bash id= ", 'bash id="a b"'])
def test_malformed_id_is_an_error(info):
    with pytest.raises(ParseError) as err:
        parse_document(f"# T\n\n```{info}\necho\n```\n", "bad.md")
    assert err.value.where == "bad.md:3"
    assert "id=" in err.value.message


# -- phases -----------------------------------------------------------------------
def test_phases_blocking_setup_and_implicit():
    d = doc("phases.md")
    assert [(p.id, p.title, p.blocking) for p in d.phases] == [
        ("setup", "Setup", False),
        ("0", "Field trial", False),
        ("A", "Phase A — Startup", True),   # directive below the heading
        ("B", "Phase B: Deploy", True),     # front matter blocking: [B]
        ("3", "Phase 3) Numbered", False),
        ("troubleshooting", "Troubleshooting", False),  # after phase 3's section closed
        ("C", "Phase C", False),            # a phase without steps is still listed
    ]
    assert [s.id for s in d.steps] == ["setup-1", "0-1", "A-1", "B1", "3-1", "troubleshooting-1"]
    assert step(d, "setup-1").role == "setup"
    assert "blocking" not in step(d, "A-1").attrs
    assert d.front_matter == {"blocking": ["B"], "timeout": 30}


def test_document_without_phases_is_one_phase_named_after_its_title():
    d = doc("ids.md")
    assert [(p.id, p.title, p.line) for p in d.phases] == [("0", "Id rules", 0)]


def test_duplicate_phase_is_an_error():
    with pytest.raises(ParseError) as err:
        parse_document("# T\n\n## Phase A\n\n## Phase A: again\n", "p.md")
    assert err.value.where == "p.md:5" and "line 3" in err.value.message


# -- which blocks are steps -------------------------------------------------------
def test_only_shell_blocks_and_prompt_blocks_are_steps():
    d = doc("blocks.md")
    langs = [(s.lang, s.commands[0].text) for s in d.steps]
    assert langs == [
        ("powershell", "Get-Process"),
        ("bash", "echo skipped"),
        ("bash", "echo skipped with reason"),
        ("sh", "echo sh"),
        ("zsh", "echo zsh"),
        ("shell-session", "echo session"),
        ("terminal", "echo term"),
        ("bash", "echo tildes"),
        ("bash", "echo in-list"),
        ("bash", "echo in-quote"),
        ("bash", "curl -fsS localhost:8080"),
        ("bash", "echo pandoc"),
        ("bash", "echo json"),
    ]
    assert d.steps[0].skip_reason == "platform: powershell blocks do not run on Linux"
    assert d.steps[1].skip_reason == "marked skip"
    assert d.steps[2].skip_reason == "marked skip: needs a GPU"
    assert d.steps[-2].skip_reason == "shown, not run (class .no-copy)"  # issue 12
    assert all(s.skip_reason is None for s in d.steps[3:-2] + d.steps[-1:])


def test_container_prefix_and_spans():
    d = doc("blocks.md")
    in_list = next(s for s in d.steps if s.source == "echo in-list")
    in_quote = next(s for s in d.steps if s.source == "echo in-quote")
    assert in_list.prefix == "   " and in_quote.prefix == "> "
    start = line_of(FIX / "blocks.md", "   ```bash")
    assert (in_list.span.start, in_list.span.end, in_list.end) == (start, start + 3, start + 3)
    assert in_list.line == start + 1


def test_directive_comment_merges_and_info_string_wins():
    d = doc("blocks.md")
    s = next(s for s in d.steps if s.source.startswith("curl"))
    assert s.attrs["timeout"] == "300" and s.attrs["retry"] == "3" and s.attrs["hook"] == "ready"
    line = line_of(FIX / "blocks.md", "hook=ready") + 1
    assert any(w.endswith(f"blocks.md:{line}: unknown attribute 'hook' is ignored") for w in d.warnings)
    assert any("'timout'" in w and "did you mean 'timeout'" in w for w in d.warnings)
    assert len(d.warnings) == 2


def test_pandoc_and_json_attributes():
    d = doc("blocks.md")
    pandoc = next(s for s in d.steps if s.source == "echo pandoc")
    assert pandoc.lang == "bash" and pandoc.attrs == {"class": "no-copy"}
    json_step = next(s for s in d.steps if s.source == "echo json")
    assert json_step.id == "J1" and json_step.attrs["delay"] == "2"


@pytest.mark.parametrize("info, message", [
    ("bash timeout=abc", "invalid value 'abc' for timeout="),
    ("bash timeout=0", "invalid value '0' for timeout="),
    ("bash retry=-1", "invalid value '-1' for retry="),
    ("bash exit=300", "invalid value '300' for exit="),
    ("bash match=fuzzy", "invalid value 'fuzzy' for match="),
    ("bash errexit=maybe", "invalid value 'maybe' for errexit="),
])
def test_invalid_attribute_values_are_errors_at_the_fence_line(info, message):
    with pytest.raises(ParseError) as err:
        parse_document(f"# T\n\ntext\n\n```{info}\necho\n```\n", "a.md")
    assert err.value.where == "a.md:5"
    assert err.value.message == message
    assert err.value.hint


def test_invalid_directive_value_is_reported_at_the_directive_line():
    with pytest.raises(ParseError) as err:
        parse_document("# T\n\n<!-- runbook: retry=many -->\n```bash\necho\n```\n", "d.md")
    assert err.value.where == "d.md:3"


def test_untagged_block_with_prompts_is_a_transcript_step():
    d = parse_document("# T\n\n```\n$ echo hi\nhi\n```\n\n```\nplain text\n```\n")
    assert len(d.steps) == 1
    s = d.steps[0]
    assert s.lang == "" and s.transcript and s.commands[0].expected is not None


# -- transcripts ------------------------------------------------------------------
def test_transcripts():
    d = doc("transcripts.md")
    console = step(d, "0-1")
    assert [(c.text, c.expected.text if c.expected else None) for c in console.commands] == [
        ("echo one", "one"), ("echo two", "two")]
    assert console.commands[1].line == 7 and console.commands[1].expected.span.start == 8
    assert console.commands[0].expected.origin == "transcript"

    github = step(d, "0-2")
    assert github.commands[0].expected is None  # `# Set a new remote` is a comment
    assert github.commands[1].expected.text == (
        "origin  https://example.com/repo.git (fetch)\norigin  https://example.com/repo.git (push)")

    cont = step(d, "0-3")
    assert cont.commands[0].text == "printf 'a,b\\n' | \\\n  cut -d, -f2"
    assert cont.commands[0].expected.text == "b"

    heredoc = step(d, "0-4")
    assert [c.text for c in heredoc.commands] == [
        "cat <<EOF > /tmp/x.yaml\na: 1\n$ not a prompt inside the heredoc\nEOF", "cat /tmp/x.yaml"]
    assert heredoc.commands[0].expected is None
    assert heredoc.commands[1].expected.text == "a: 1"

    root = step(d, "0-5")
    assert [(c.text, c.expected.text) for c in root.commands] == [("id -u", "0")]

    plain = step(d, "0-6")
    assert not plain.transcript and plain.source == 'echo "$ not a transcript"'


# -- expected output --------------------------------------------------------------
def test_expected_output_forms():
    d = doc("expected.md")

    def exp(sid: str):
        e = step(d, sid).commands[-1].expected
        assert e is not None, sid
        return e.origin, e.text, e.illustrative, e.mode

    assert exp("0-1") == ("block", "hi", False, MatchMode.LINES)
    assert exp("0-2") == ("label", "label", False, MatchMode.LINES)
    assert exp("0-3") == ("label", '{"ok": true}', False, MatchMode.LINES)  # bash block after "Output:"
    assert exp("0-4") == ("label", "Wed Apr 20 15:35:31 PDT 2022", True, MatchMode.LINES)
    assert exp("0-5") == ("label", "pong", True, MatchMode.LINES)  # "Sample response" + emoji
    assert exp("0-6") == ("adjacent", "adjacent", False, MatchMode.LINES)
    assert step(d, "0-7").commands[0].expected is None
    assert exp("0-10") == ("adjacent", "c\na", False, MatchMode.UNORDERED)
    assert exp("0-14") == ("label", "Wed Apr 20 15:35:31 PDT 2022", True, MatchMode.LINES)
    assert exp("0-15") == ("label", "under-heading", False, MatchMode.LINES)


def test_expected_span_is_the_text_inside_the_fences():
    d = doc("expected.md")
    e = step(d, "0-1").commands[0].expected
    assert e.span is not None
    lines = (FIX / "expected.md").read_text(encoding="utf-8").splitlines()
    assert lines[e.span.start:e.span.end] == ["hi"]
    assert step(d, "0-1").end == e.span.end + 1  # after the closing fence of the output block


def test_transcript_after_a_label_is_its_own_step():
    d = doc("expected.md")
    assert step(d, "0-8").commands[0].expected is None
    second = step(d, "0-9")
    assert second.transcript and second.commands[0].expected.text == "second"


def test_stray_output_block_warns():
    d = doc("expected.md")
    fence = line_of(FIX / "expected.md", "nobody's output")  # 0-based line after the fence = 1-based fence
    assert [w for w in d.warnings if "expected-output" in w] == [
        f"{FIX / 'expected.md'}:{fence}: expected-output block has no step before it waiting for output: ignored"]


def test_comment_checks_inside_a_block():
    s = step(doc("expected.md"), "0-11")
    assert [(c.text, [(cl.kind, cl.value) for cl in c.clauses]) for c in s.criteria] == [
        ("Should return: PONG", [(ClauseKind.CONTAINS, "PONG")]),
        ("Expected output: 9.0.x", [(ClauseKind.REGEX, r"9\.0\.\d+")]),
    ]


def test_list_after_an_expected_label_is_criteria():
    s = step(doc("expected.md"), "0-12")
    kinds = [[(cl.kind, cl.value) for cl in c.clauses] for c in s.criteria]
    assert kinds == [
        [(ClauseKind.CONTAINS, "2 packets transmitted, 2 received")],
        [(ClauseKind.REGEX, "REACHABLE|STALE")],
        [(ClauseKind.CONTAINS, "127.0.0.1")],  # `ping` is the subject, not output
        [(ClauseKind.MANUAL, None)],
    ]
    assert s.end == line_of(FIX / "expected.md", "- it works") + 1


def test_inline_expected_value_is_a_contains_check():
    s = step(doc("expected.md"), "0-13")
    assert [(cl.kind, cl.value) for c in s.criteria for cl in c.clauses] == [
        (ClauseKind.CONTAINS, "Test step 1")]


def test_match_attribute_on_the_command_block():
    d = parse_document("# T\n\n```bash match=contains\necho a\n```\n\n```output\na\n```\n")
    assert d.steps[0].commands[0].expected.mode is MatchMode.CONTAINS


def test_invalid_match_on_the_expected_block_is_an_error():
    with pytest.raises(ParseError) as err:
        parse_document("# T\n\n```bash\necho a\n```\n\n```output match=nope\na\n```\n", "m.md")
    assert err.value.where == "m.md:7"


# -- criteria ---------------------------------------------------------------------
def test_criteria_forms_and_placement():
    d = doc("criteria.md")

    def crits(sid: str):
        return [(c.negated, [(cl.kind, cl.value) for cl in c.clauses]) for c in step(d, sid).criteria]

    assert crits("0-1") == [(False, [(ClauseKind.CONTAINS, "hello")])]  # before the only block
    assert crits("0-2") == [
        (False, [(ClauseKind.EXIT, None), (ClauseKind.CONTAINS, "ready")]),
        (True, [(ClauseKind.CONTAINS, "panic")]),
    ]
    assert crits("0-3") == [(False, [(ClauseKind.CONTAINS, "a")]), (False, [(ClauseKind.CONTAINS, "b")])]
    assert crits("0-4") == [(False, [(ClauseKind.CONTAINS, "c")]), (False, [(ClauseKind.EXIT, None)])]
    assert crits("0-5") == []
    assert crits("0-6") == [(False, [(ClauseKind.CONTAINS, "two")]), (False, [(ClauseKind.NOT_EMPTY, None)])]
    c = step(d, "0-2").criteria[0]
    assert c.text == "PASS if: exit code is 0 and output contains `ready`"
    assert c.line == line_of(FIX / "criteria.md", "**PASS if:**")


def test_step_end_covers_its_criteria():
    d = doc("criteria.md")
    assert step(d, "0-2").end == line_of(FIX / "criteria.md", "FAIL if") + 1
    assert step(d, "0-1").end == step(d, "0-1").span.end  # the criterion is above the block
    assert step(d, "0-6").end == line_of(FIX / "criteria.md", "### PASS if") + 1


def test_orphan_criteria_and_bare_labels_warn():
    d = doc("criteria.md")
    orphan = line_of(FIX / "criteria.md", "`nothing`") + 1
    label = line_of(FIX / "criteria.md", "## Success Criteria") + 1
    assert any(f"criteria.md:{orphan}: criterion" in w and "belongs to no step" in w for w in d.warnings)
    # "## Success Criteria", "You did it if:", a checklist: a closing recap, neither bare nor orphaned
    assert not any(f"criteria.md:{label}:" in w or "everything works" in w for w in d.warnings)


# -- placeholders -----------------------------------------------------------------
def test_step_placeholders():
    text = ("# T\n\n```bash\ncurl -H \"Authorization: Bearer $YOUR_TOKEN\" https://<HOST>/x\n"
            "kubectl get pods -n <name-space> -o go-template='{{ .metadata.name }}' # <IGNORED>\n"
            "cat <<EOF > f\nEOF\n```\n")
    assert parse_document(text).steps[0].placeholders == ("YOUR_TOKEN", "HOST", "name-space")


# -- troubleshooting --------------------------------------------------------------
def test_troubleshooting_tables():
    d = doc("trouble.md")
    assert [(r.symptom, r.cause, r.fix, r.line) for r in d.troubleshooting] == [
        ("`connection refused`", "service down", "`systemctl start app`", 4),
        ("Disk full", "logs", "rotate logs", 5),
        ("`timeout`", "", "restart it", 9),  # symptom + fix only, any order
    ]


# -- front matter -----------------------------------------------------------------
def test_front_matter_top_level_settings_without_runbook_key():
    d = parse_document("---\ntitle: Hi\ntimeout: 5\nshell: zsh\n---\n# T\n")
    assert d.front_matter == {"timeout": 5, "shell": "zsh"}


def test_unclosed_front_matter():
    with pytest.raises(ParseError) as err:
        parse_document("---\nrunbook:\n  timeout: 5\n# T\n", "fm.md")
    assert err.value.where == "fm.md:1" and "not closed" in err.value.message


def test_front_matter_yaml_error_points_at_the_yaml_line():
    with pytest.raises(ParseError) as err:
        parse_document("---\nrunbook:\n  timeout: 5\n  env: [a\n---\n# T\n", "y.md")
    assert err.value.where == "y.md:4"  # the line with the unclosed [
    assert "invalid YAML" in err.value.message
    with pytest.raises(ParseError) as err:
        parse_document("---\na: 1\n b: 2\n---\n", "y.md")
    assert err.value.where == "y.md:3"


@pytest.mark.parametrize("body, where", [("- a\n- b\n", "f.md:1"), ("runbook: 5\n", "f.md:2")])
def test_front_matter_must_be_mappings(body, where):
    with pytest.raises(ParseError) as err:
        parse_document(f"---\n{body}---\n# T\n", "f.md")
    assert err.value.where == where


# -- bytes: newlines, BOM, annotations --------------------------------------------
SAMPLE = (
    "# Title\n\n## A1. First\n\n```bash\necho one\n```\n\nExpected output:\n\n```\none\n```\n\n"
    "PASS if output contains `one`\n\n- item\n\n   ```bash\n   echo two\n   ```\n"
)


def _shape(d: Document) -> list[tuple]:
    return [(s.id, s.span, s.end, s.prefix, [(c.text, c.line, c.expected) for c in s.commands],
             [(c.line, c.clauses) for c in s.criteria]) for s in d.steps] + [(d.title_line, d.title_end)]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_numbers_match_split_lines_for_crlf_and_lone_cr(newline):
    text = SAMPLE.replace("\n", newline)
    d = parse_document(text)
    lines = split_lines(text)
    assert _shape(d) == _shape(parse_document(SAMPLE))
    for s in d.steps:
        assert lines[s.span.start].lstrip(" >").startswith("```")
        assert lines[s.span.end - 1].strip() == "```"


def test_bom_is_tolerated(tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes(b"\xef\xbb\xbf---\nrunbook:\n  timeout: 5\n---\n" + SAMPLE.encode())
    d = parse_file(str(path))
    assert d.front_matter == {"timeout": 5}
    assert d.title == "Title" and d.steps[0].span.start == 8


ANNOTATION = [
    "<!-- runbook:begin result A1 lines=6 -->\n",
    "**✅ pass** exit 0\n",
    "```bash\n",
    "echo injected\n",
    "```\n",
    "<!-- runbook:end -->\n",
]


def test_annotation_regions_are_ignored():
    lines = split_lines(SAMPLE)
    base = parse_document(SAMPLE)
    at = base.steps[0].end
    annotated_lines = lines[:at] + ANNOTATION + lines[at:]
    annotated_lines[1:1] = ["<!-- runbook:begin summary lines=3 -->\n", "| a | b |\n", "<!-- runbook:end -->\n"]
    annotated = parse_document("".join(annotated_lines))
    assert [s.id for s in annotated.steps] == [s.id for s in base.steps]
    assert [s.source for s in annotated.steps] == [s.source for s in base.steps]
    assert [c.text for s in annotated.steps for c in s.criteria] == [c.text for s in base.steps for c in s.criteria]
    shift = 3
    assert annotated.steps[0].span.start == base.steps[0].span.start + shift
    assert annotated.steps[1].span.start == base.steps[1].span.start + shift + len(ANNOTATION)


def test_blank_annotations_keeps_line_count_and_quote_markers():
    text = "a\n> <!-- runbook:begin result X lines=3 -->\n> body\n> <!-- runbook:end -->\nb\r\n"
    out = blank_annotations(text)
    assert out == "a\n>\n>\n>\nb\r\n"
    assert len(split_lines(out)) == len(split_lines(text))
    unclosed = "a\n<!-- runbook:begin result X lines=3 -->\nb\n"
    with pytest.raises(ParseError, match="^u.md:2: damaged runbook annotation"):
        blank_annotations(unclosed, "u.md")
    assert blank_annotations(unclosed, strict=False) == unclosed


def test_unclosed_fence_is_refused_at_its_line_so_prose_never_runs_as_shell():
    with pytest.raises(ParseError) as exc:
        parse_document("# T\n\n```bash\necho never closed\n\nSome prose: rm -rf here\n", "u.md")
    assert exc.value.where == "u.md:3"
    assert "never closed" in exc.value.message and "end of the file" in exc.value.message
    assert "```" in (exc.value.hint or "")


def test_setup_directive_before_the_first_phase():
    d = parse_document("# T\n\n<!-- runbook: setup -->\n```bash\necho prep\n```\n\n## Phase A\n\n```bash\necho a\n```\n")
    assert [(p.id, [s.id for s in p.steps]) for p in d.phases] == [("setup", ["setup-1"]), ("A", ["A-1"])]
    assert d.steps[0].role == "setup"


def test_expected_attribute_marks_an_output_block():
    d = parse_document("# T\n\n```bash\necho x\n```\n\nAnd then:\n\n```text expected\nx\n```\n")
    e = d.steps[0].commands[0].expected
    assert e is not None and (e.origin, e.text) == ("block", "x")


def test_expected_output_search_stops_at_the_next_heading():
    d = parse_document("# T\n\n```bash\necho x\n```\n\n## Next\n\n```output\nx\n```\n")
    assert d.steps[0].commands[0].expected is None
    assert any("no step before it" in w for w in d.warnings)


def test_dialog_block_of_an_interactive_step():
    text = ("# T\n\n```bash interactive\nread -p 'Name: ' n; echo \"hi $n\"\n```\n\n"
            "```expect\n# answers\nName: => Ada\n(?i)continue\\? => y\n```\n\nPASS if output contains `hi Ada`\n")
    s = parse_document(text).steps[0]
    assert s.dialog == (("Name:", "Ada"), ("(?i)continue\\?", "y"))
    assert s.end == 13 and len(s.criteria) == 1


def test_dialog_errors_and_warnings():
    with pytest.raises(ParseError) as err:
        parse_document("# T\n\n```bash interactive\nx\n```\n```expect\nno arrow here\n```\n", "i.md")
    assert err.value.where == "i.md:7"
    with pytest.raises(ParseError) as err:
        parse_document("# T\n\n```bash interactive\nx\n```\n```expect\n(oops => y\n```\n", "i.md")
    assert err.value.where == "i.md:7" and "regex" in err.value.message
    d = parse_document("# T\n\n```bash\nx\n```\n```expect\na => b\n```\n", "i.md")
    assert d.steps[0].dialog == (("a", "b"),)
    assert d.warnings == ("i.md:6: dialog block follows a step that is not marked interactive: its replies are never sent",)


def test_front_matter_blocking_unknown_phase_warns():
    d = parse_document("---\nblocking: [A, Z]\n---\n# T\n\n## Phase A\n\n```bash\nx\n```\n", "b.md")
    assert d.phases[0].blocking
    assert d.warnings == ("b.md:1: front matter 'blocking' names phase 'Z', which the document does not have",)
