"""Any Markdown-ish text parses or fails with a ParseError carrying path:line, never a crash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.errors import ParseError
from runbook.parse.markdown import parse_document
from runbook.source import split_lines

PIECES = [
    "# Title", "## Phase A — Start", "### A1. Step", "<!-- runbook: blocking -->", "<!-- runbook: timeout=5 -->",
    "```bash", "```", "~~~", "````markdown", "```output", "```text", "```console", "$ echo hi", "hi",
    "> quoted", "> $ echo q", "- item", "  - nested", "1. first", "   ```bash", "   echo in list", "   ```",
    "PASS if output contains `hi`", "FAIL if exit code is 1", "**Expected output:**", "Pass criteria:",
    "| Symptom | Cause | Fix |", "|---|---|---|", "| `err` | x | y |", "---", "runbook:", "  timeout: 5",
    "<!-- runbook:begin result A1 lines=3 -->", "<!-- runbook:end -->", "# Expected output: 1.x", "",
    "cat <<EOF", "EOF", "echo <NAME> YOUR_TOKEN", "    indented", "\t", "\r", "\u00a0", "✅",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.sampled_from(["\n", "\r\n", "\r"]))
def test_parse_never_crashes(pieces, newline):
    text = newline.join(pieces)
    try:
        d = parse_document(text, "fuzz.md")
    except ParseError as err:
        assert err.where is not None and err.where.startswith("fuzz.md:")
        return
    n = len(split_lines(text))
    for s in d.steps:
        assert 0 <= s.span.start < s.span.end <= s.end <= max(n, 1)
