"""Results written back into the Markdown: placement, markers, strip, re-annotation."""

from __future__ import annotations

import re

import pytest
from annotate_fakes import (
    assert_regions_render_as_intended,
    assert_renders_same,
    fake_document,
    fake_run,
    render,
)

from runbook.errors import ParseError
from runbook.model import (
    Check,
    Command,
    Document,
    Output,
    Phase,
    PhaseResult,
    RunResult,
    Span,
    Status,
    Step,
    StepResult,
)
from runbook.source import Source, split_lines
from runbook.write.annotate import annotate, has_annotations, strip

FIELD = """\
# Field trial

<!-- runbook: blocking -->

## Phase A — Startup

### A1. Check docker

```bash
docker --version
```

PASS if exit code is 0

### A2. Ping redis

1. Run:
   ```bash
   redis-cli ping
   ```
2. Then carry on.

> ```bash
> echo quoted
> ```

Done.
"""


def run_of(doc: Document, *results: StepResult, interrupted: bool = False) -> RunResult:
    return RunResult(
        document=doc.path,
        runbook_version="0.1.0",
        started_at="2026-11-26T10:00:00Z",
        duration_s=3.5,
        host="ci-1",
        phases=tuple(PhaseResult(p.id, p.title, p.blocking, Status.FAIL) for p in doc.phases),
        steps=results,
        interrupted=interrupted,
    )


def result(step_id: str, status: Status = Status.PASS, out: str = "ok\n", **kw) -> StepResult:
    ran = status not in (Status.SKIP, Status.BLOCKED)
    base = dict(exit_code=0 if ran else None, duration_s=0.5 if ran else 0.0, attempts=int(ran))
    base.update(kw)
    return StepResult(step_id, status, phase="0", output=Output(out, lines=out.count("\n")), **base)


def field():
    doc = fake_document(FIELD)
    s1, s2, s3 = doc.steps
    run = run_of(
        doc,
        result(s1.id),
        result(s2.id, Status.FAIL, "PONG?\n", checks=(Check("output contains `PONG`", False, "not found"),)),
        result(s3.id, Status.SKIP, "", reason="not reached"),
        interrupted=True,
    )
    return doc, run


def regions(text: str) -> list[list[str]]:
    """The inserted regions, as lists of lines."""
    out, current = [], None
    for line in split_lines(text):
        if "<!-- runbook:begin " in line:
            current = []
        if current is not None:
            current.append(line)
            if "<!-- runbook:end -->" in line:
                out.append(current)
                current = None
    return out


def test_parser_sees_the_three_steps_with_their_containers():
    doc, _ = field()
    assert [(s.id, s.prefix, s.source) for s in doc.steps] == [
        ("A1", "", "docker --version"),
        ("A2.1", "   ", "redis-cli ping"),
        ("A2.2", "> ", "echo quoted"),
    ]


def test_summary_after_first_heading_and_its_directive():
    doc, run = field()
    text = annotate(FIELD, doc, run)
    lines = split_lines(text)
    assert lines[0] == "# Field trial\n"
    assert lines[2] == "<!-- runbook: blocking -->\n"
    assert lines[3].startswith("<!-- runbook:begin summary lines=")
    summary = regions(text)[0]
    assert "interrupted" in summary[1] and "3 steps: 1 pass, 1 fail, 1 skip" in summary[1]
    assert "host ci-1" in summary[2] and "runbook 0.1.0" in summary[2] and "2026-11-26T10:00:00Z" in summary[2]
    assert "[A2.1](#a2-ping-redis)" in "".join(summary)
    assert "[A1]" not in "".join(summary)


def test_result_right_after_the_criterion_paragraph():
    doc, run = field()
    lines = split_lines(annotate(FIELD, doc, run))
    at = lines.index("PASS if exit code is 0\n")
    assert re.fullmatch(r"<!-- runbook:begin result A1 lines=8 sum=[0-9a-f]{12} -->\n", lines[at + 1])
    assert lines[at + 2] == "**✅ pass** · exit 0 · 0.50 s\n"


def test_result_inside_list_item_and_block_quote_keeps_the_container():
    doc, run = field()
    text = annotate(FIELD, doc, run)
    _, _, in_list, in_quote = regions(text)
    assert all(line.startswith("   ") for line in in_list)
    assert "   - ✗ output contains `PONG` — not found\n" in in_list
    assert all(line.startswith(">") for line in in_quote)
    assert in_quote[1] == "> **⏭️ skip** — not reached\n"
    html = render(text)
    assert re.search(r"<li>Run:\n<pre>.*?</pre>\n<!-- runbook:begin result A2.1.*?<!-- runbook:end -->\n</li>", html, re.S)
    assert re.search(r"<blockquote>\n<pre>.*?<!-- runbook:begin result A2.2.*?<!-- runbook:end -->\n</blockquote>", html, re.S)


def test_tight_list_stays_tight_and_rendering_is_unchanged():
    doc, run = field()
    text = annotate(FIELD, doc, run)
    assert "<li>Then carry on.</li>" in render(text)
    assert_renders_same(FIELD, text)
    assert_regions_render_as_intended(text)


def test_strip_restores_byte_for_byte_and_detects_annotations():
    doc, run = field()
    text = annotate(FIELD, doc, run)
    assert has_annotations(text) and not has_annotations(FIELD)
    assert strip(text) == FIELD
    assert strip(FIELD) == FIELD


def test_reannotating_an_annotated_document_replaces_instead_of_stacking():
    doc, run = field()
    once = annotate(FIELD, doc, run)
    # Parsing the annotated text (regions blanked in place) gives line numbers in it.
    again = annotate(once, fake_document(once), run)
    assert again == once
    assert again.count("runbook:begin") == 4


def test_new_results_replace_old_ones():
    doc, run = field()
    old = annotate(FIELD, doc, run)
    s1 = doc.steps[0]
    newer = run_of(doc, result(s1.id, Status.FAIL, "boom\n"))
    text = annotate(old, fake_document(old), newer)
    assert "**❌ fail**" in text and "**✅ pass**" not in text
    assert text.count("runbook:begin result") == 1
    assert strip(text) == FIELD


def test_crlf_document_gets_crlf_lines():
    crlf = FIELD.replace("\n", "\r\n")
    doc = fake_document(crlf)
    _, run = field()
    text = annotate(crlf, doc, run)
    assert "\n" not in text.replace("\r\n", "")
    assert strip(text) == crlf


def test_missing_final_newline_is_added_then_removed_again():
    body = "# T\n\n```bash\necho hi\n```"
    doc = fake_document(body)
    run = run_of(doc, result(doc.steps[0].id))
    text = annotate(body, doc, run)
    assert re.search(r"```\n<!-- runbook:begin result 0-1 lines=8 sum=[0-9a-f]{12} eofnl -->\n", text)
    assert text.endswith("<!-- runbook:end -->\n")
    assert strip(text) == body


def test_strip_refuses_a_region_a_hand_edit_shortened():
    doc, run = field()
    text = annotate(FIELD, doc, run)
    edited = text.replace("**✅ pass** · exit 0 · 0.50 s\n", "")
    begin = next(i for i, line in enumerate(split_lines(edited)) if "runbook:begin result" in line)
    with pytest.raises(ParseError, match=rf"^doc.md:{begin + 1}: damaged runbook annotation"):
        strip(edited, "doc.md")


def test_begin_without_end_is_refused_not_guessed():
    text = "# T\n<!-- runbook:begin result A1 lines=3 -->\nkept\n"
    with pytest.raises(ParseError, match="doc.md:2: damaged") as err:
        strip(text, "doc.md")
    assert err.value.hint and "by hand" in err.value.hint
    with pytest.raises(ParseError):
        has_annotations(text)


def test_output_that_spells_the_end_marker_cannot_end_the_region():
    body = "```bash\ncat doc.md\n```\n\nafter\n"
    doc = fake_document(body)
    run = run_of(doc, result(doc.steps[0].id, out="<!-- runbook:end -->\n<!-- runbook:begin summary lines=2 -->\n"))
    text = annotate(body, doc, run)
    assert [line for line in split_lines(text) if line.endswith("<!-- runbook:end -->\n")] == [
        "<!-- runbook:end -->\n",
        "<!-- runbook:end -->\n",
    ]
    assert strip(text) == body
    # Even without the line count, the first end marker is the real one.
    assert strip(re.sub(r"(?m)^(<!-- runbook:begin .*?) lines=\d+", r"\1", text)) == body


def test_no_heading_summary_goes_after_front_matter():
    body = "---\nrunbook:\n  timeout: 5\n---\nIntro\n\n```bash\ntrue\n```\n"
    doc = fake_document(body)
    text = annotate(body, doc, run_of(doc, result(doc.steps[0].id)))
    lines = split_lines(text)
    assert lines[:4] == split_lines(body)[:4]
    assert lines[4].startswith("<!-- runbook:begin summary")
    assert strip(text) == body


def test_heading_inside_block_quote_gets_the_summary_inside_it():
    body = "> # Title\n> text\n"
    doc = fake_document(body)
    text = annotate(body, doc, run_of(doc))
    assert all(line.startswith(">") for line in regions(text)[0])
    assert_renders_same(body, text)


def test_empty_document():
    doc = fake_document("")
    text = annotate("", doc, run_of(doc))
    assert text.startswith("<!-- runbook:begin summary") and strip(text) == ""


def test_steps_without_result_get_no_region():
    doc, _ = field()
    text = annotate(FIELD, doc, run_of(doc, result("A2.1")))
    assert text.count("runbook:begin result") == 1


def test_unclosed_fence_gets_no_region_inside_it():
    body = "# T\n\n```bash\necho never closed\n"
    # parse_document refuses an unclosed fence; the annotator must still never write into one.
    doc = fake_document(body, all_fences=True)
    assert len(doc.steps) == 1
    text = annotate(body, doc, run_of(doc, result(doc.steps[0].id)))
    assert "runbook:begin result" not in text
    assert_renders_same(body, text)


def test_every_status_has_its_emoji_and_word():
    body = "".join(f"## S{i}\n\n```bash\ntrue\n```\n\n" for i in range(1, 7))
    doc = fake_document(body)
    statuses = list(Status)
    run = run_of(doc, *(result(f"S{i + 1}", st, drift=st is Status.PASS) for i, st in enumerate(statuses)))
    text = annotate(body, doc, run)
    for emoji, st in zip(["✅", "❌", "⚠️", "⏭️", "⛔", "✋"], statuses):
        assert f"**{emoji} {st.value}**" in text
    assert "⚠️ drift: output differs from the documented example" in text
    assert_regions_render_as_intended(text)


def test_details_diff_troubleshooting_and_notes():
    body = "```bash\nredis-cli ping\n```\n"
    doc = fake_document(body)
    run = fake_run(doc, seed=1)
    text = annotate(body, doc, run)
    (region,) = regions(text)[1:]
    joined = "".join(region)
    assert "\n~~~diff\n" in joined and "| 🔧 Symptom | Likely cause | Fix |\n" in joined
    assert "| `ECONNREFUSED` \\| port | service \\*down\\* | run `make up` \\<x\\> |\n" in joined
    assert "<!-- output --><details><summary>Output (" in joined
    html = render(text)
    assert "<td><code>ECONNREFUSED</code> | port</td>" in html
    assert_regions_render_as_intended(text)


def test_bom_is_kept_outside_annotation():
    data = ("\ufeff" + FIELD).encode("utf-8")
    src = Source.from_bytes(data)
    doc, run = field()
    annotated = src.encode(annotate(src.text, doc, run))
    assert annotated.startswith(b"\xef\xbb\xbf# Field trial\n\n<!-- runbook: blocking -->\n<!-- runbook:begin")
    again = Source.from_bytes(annotated)
    assert again.encode(strip(again.text)) == data


def test_handmade_document_with_hostile_step_id():
    step = Step(id="A1 -->x", phase="A", title="t", anchor="", lang="bash", span=Span(0, 3), end=3,
                prefix="", commands=(Command("true", 1),), transcript=False)
    doc = Document("d.md", "", None, 0, (Phase("A", "A", 0, False, (step,)),))
    body = "```bash\ntrue\n```\n"
    text = annotate(body, doc, run_of(doc, result("A1 -->x")))
    assert "<!-- runbook:begin result A1_--_x lines=" in text
    assert strip(text) == body


DOCUMENTED = """\
# How results look

An annotated step looks like this:

````markdown
```bash
true
```
<!-- runbook:begin result A1 lines=3 -->
**✅ pass** · exit 0 · 0.01 s
<!-- runbook:end -->
````

> ```bash
> echo real step
> ```
"""


def test_markers_shown_inside_the_authors_own_fence_are_content():
    assert not has_annotations(DOCUMENTED)
    assert strip(DOCUMENTED) == DOCUMENTED
    doc = fake_document(DOCUMENTED)
    assert [s.source for s in doc.steps] == ["echo real step"]
    text = annotate(DOCUMENTED, doc, run_of(doc, result(doc.steps[0].id)))
    assert text.count("<!-- runbook:begin result A1 lines=3 -->") == 1
    assert strip(text) == DOCUMENTED
    assert annotate(text, fake_document(text), run_of(doc, result(doc.steps[0].id))) == text


def test_project_docs_that_show_markers_lose_nothing_to_strip():
    from conftest import ROOT

    docs = sorted((ROOT / "docs").rglob("*.md"))
    shown = [p for p in docs if "<!-- runbook:begin" in p.read_text(encoding="utf-8")]
    assert shown, "docs/format.md shows an annotated step"
    for path in shown:
        text = Source.read(path).text
        assert strip(text) == text, path


def test_the_document_written_piece_by_piece_is_the_annotated_text_byte_for_byte():
    # `execute` encodes annotated_pieces one by one (a big annotated document as one
    # string is 4 bytes a character once an emoji is in it): the same bytes, BOM, CRLF,
    # an added final newline and undecodable bytes included.
    from runbook.write.annotate import annotated_pieces

    doc, run = field()
    cases = [("\ufeff" + FIELD).encode("utf-8"), FIELD.replace("\n", "\r\n").encode("utf-8"),
             b"# T\n\n```bash\necho \xff\xfe\n```"]
    for data in cases:
        src = Source.from_bytes(data)
        d = fake_document(src.text) if not data.startswith(b"\xef") else doc
        r = run if d is doc else run_of(d, *(result(s.id) for s in d.steps))
        whole = src.encode(annotate(src.text, d, r))
        assert src.encode_pieces(annotated_pieces(src.text, d, r)) == whole
        assert len(list(annotated_pieces(src.text, d, r))) > 3 and "runbook:begin result".encode() in whole
