"""Hostile step output cannot break the annotated document (issue 3, item 5)."""

from __future__ import annotations

import re

import pytest
from annotate_fakes import (
    HOSTILE_OUTPUTS,
    assert_regions_render_as_intended,
    assert_renders_same,
    fake_document,
    render,
)

from runbook.model import Check, Output, PhaseResult, RunResult, Status, StepResult
from runbook.source import split_lines
from runbook.write.annotate import annotate, has_annotations, strip
from runbook.write.result_block import MAX_LINE_CHARS

# One step in each container the annotation must respect, then text that must stay put.
DOC = """\
# Hostile

Intro paragraph.

```bash
./print-hostile
```

- Step in a list:
  ```bash
  ./print-hostile
  ```
- next item

> ```bash
> ./print-hostile
> ```

The end.
"""


def annotated_with(output: str, **kw) -> str:
    doc = fake_document(DOC)
    steps = tuple(
        StepResult(
            s.id,
            Status.FAIL,
            phase="0",
            exit_code=1,
            duration_s=0.1,
            attempts=1,
            output=Output(output, total_bytes=len(output), lines=output.count("\n")),
            checks=(Check("output contains `ok`", False, output[:300]),),
            diff="--- expected\n+++ actual\n@@ -1 +1 @@\n-ok\n+" + output[:300],
            reason=output[:100],
            **kw,
        )
        for s in doc.steps
    )
    run = RunResult(DOC, "0.1.0", "2026-11-26T10:00:00Z", 1.0, output[:50] or "host",
                    (PhaseResult("0", "Hostile", False, Status.FAIL),), steps)
    text = annotate(DOC, doc, run)
    check_invariants(text, run)
    return text


def check_invariants(text: str, run: RunResult) -> None:
    assert strip(text) == DOC
    assert annotate(text, fake_document(text), run) == text
    assert [s.source for s in fake_document(text).steps] == [s.source for s in fake_document(DOC).steps]
    assert text.count("<!-- runbook:begin ") == 4
    assert_renders_same(DOC, text)
    assert_regions_render_as_intended(text)
    assert "\x00" not in text and "\r" not in text
    text.encode("utf-8")  # no lone surrogate reaches the file


def output_html(text: str) -> list[str]:
    """The rendered <pre><code> text of each output <details>."""
    return re.findall(r"<details><summary>.*?</summary>\n<pre><code[^>]*>(.*?)</code></pre>", render(text), re.S)


def test_backtick_fences_in_output_get_a_longer_fence():
    text = annotated_with(HOSTILE_OUTPUTS["backticks"])
    assert "\n~~~text\n" in text  # tildes: the output has backtick runs only
    assert output_html(text)[0] == "```\n````bash\nrm -rf /\n````\n```\n"


def test_tilde_fences_in_output():
    text = annotated_with(HOSTILE_OUTPUTS["tildes"])
    assert "\n```text\n" in text
    assert output_html(text)[0] == "~~~\n~~~~~ not a fence ~~~~~\n"


def test_both_fence_kinds_pick_the_shorter_safe_fence():
    text = annotated_with(HOSTILE_OUTPUTS["both_fences"])
    assert "\n``````text\n" in text
    assert output_html(text)[0] == "`````\n~~~~~~~\n``\n"


def test_end_marker_in_output_does_not_end_the_region():
    text = annotated_with(HOSTILE_OUTPUTS["end_marker"])
    assert output_html(text)[0] == "before\n&lt;!-- runbook\\:end --&gt;\nafter\n"
    without_counts = re.sub(r" lines=\d+", "", text)
    assert strip(without_counts) == DOC


def test_begin_marker_in_output_is_not_a_region():
    text = annotated_with(HOSTILE_OUTPUTS["begin_marker"])
    assert has_annotations(text)
    assert re.findall(r"<h\d>.*?</h\d>", render(text)) == ["<h1>Hostile</h1>"]


def test_closing_details_in_output_stays_text():
    text = annotated_with(HOSTILE_OUTPUTS["details"])
    assert output_html(text)[0] == "&lt;/details&gt;\n&lt;/summary&gt;\n&lt;details open&gt;\n"


def test_script_in_output_reason_and_host_is_inert():
    text = annotated_with(HOSTILE_OUTPUTS["script"])
    html = render(text)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_entities_are_shown_not_decoded():
    text = annotated_with(HOSTILE_OUTPUTS["entities"])
    assert output_html(text)[0] == "&amp;amp; &amp;lt;b&amp;gt; &amp;#x3C;script&amp;#x3E; &amp;copy;\n"
    # In the reason line (Markdown, not a fence) too: "&amp;" must show as typed.
    assert "\\&amp; \\&lt;b\\&gt;" in text


def test_nul_and_control_bytes_become_visible_escapes():
    text = annotated_with(HOSTILE_OUTPUTS["control"])
    shown = output_html(text)[0]
    assert shown == "nul:\\x00 bell:\\x07 esc:\\x1b[31m vt:\\x0b ff:\\x0c cr:\\rX del:\\x7f nel:\\x85\n"
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", text)


def test_undecodable_bytes_become_replacement_characters():
    text = annotated_with(HOSTILE_OUTPUTS["surrogate"])
    assert output_html(text)[0] == "bad byte: \ufffd\n"


def test_very_long_lines_are_capped_with_a_note():
    text = annotated_with(HOSTILE_OUTPUTS["long_line"])
    shown = output_html(text)[0]
    assert shown == "x" * MAX_LINE_CHARS + f" … [{5000 - MAX_LINE_CHARS} more characters]\n"


def test_output_without_trailing_newline():
    text = annotated_with(HOSTILE_OUTPUTS["no_newline"])
    assert output_html(text)[0] == "last line without newline\n"


def test_huge_output_is_cut_with_a_note():
    text = annotated_with(HOSTILE_OUTPUTS["huge"])
    shown = output_html(text)[0]
    lines = shown.splitlines()
    assert len(lines) <= 201
    assert lines[0] == "line 0" and lines[-1] == "line 4999"
    note = next(line for line in lines if "more lines in the JSON results" in line)
    assert note == f"… {5000 - len(lines) + 1} more lines in the JSON results …"
    assert "Output (5000 lines, cut)" in text
    assert len(text.encode()) < 4 * 25_000


def test_empty_output_has_no_details():
    text = annotated_with("")
    assert "<details>" not in text


def test_markdown_in_output_stays_literal():
    text = annotated_with(HOSTILE_OUTPUTS["markdown"])
    assert output_html(text)[0] == "# not a heading\n- not a list\n| a | b |\n|---|---|\n&gt; quote\n"


def test_crlf_and_lone_cr_in_output_do_not_make_extra_lines():
    text = annotated_with("a\r\nb\rc\n")
    assert output_html(text)[0] == "a\nb\\rc\n"
    assert len(split_lines(text)) == text.count("\n")


def test_output_that_looks_like_annotation_in_every_field():
    marker = "<!-- runbook:end -->\n</details>\n```\n"
    text = annotated_with(marker, notes=(marker,), troubleshooting=())
    assert text.count("<!-- runbook:end -->") == 4


@pytest.mark.parametrize("name", sorted(HOSTILE_OUTPUTS))
def test_every_hostile_output_keeps_the_invariants(name: str):
    annotated_with(HOSTILE_OUTPUTS[name])
