"""Parse problems are Diagnostic objects from the line that finds them: the parser collects
them in one pass and goes on; `runbook execute` still stops at the first error; `runbook
check` (terminal and JSON) shows the very same code, message, line, column and hint."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from runbook.errors import Diagnostic, ParseError
from runbook.parse.markdown import parse_document, parse_text

DOC = """# D

## Phase A

```bash id=A1 timeout=soon
echo one
```

> ```bash id=A1
> echo two
> ```

## Phase A

```bash
echo three
```

```bash zap=1
echo four
```
"""


def test_parser_collects_every_recoverable_error_in_one_pass_and_goes_on() -> None:
    doc = parse_text(DOC, "d.md")
    assert [(d.code, d.line, d.col, d.error) for d in doc.diagnostics] == [
        ("RB305", 5, 1, True), ("RB308", 13, 1, True), ("RB301", 19, 1, False), ("RB306", 9, 3, True)]
    bad = doc.diagnostics[0]
    assert bad == Diagnostic("RB305", "invalid value 'soon' for timeout=", 5, 1, bad.hint, error=True)
    assert bad.hint.startswith("use a positive number of seconds")
    # it went on: every step is there, the bad value reads as unset, the duplicate id renamed,
    # the duplicate phase heading read as a plain heading (its steps form an implicit phase)
    assert [s.id for s in doc.steps] == ["A1", "A1~dup3", "stage-a-1", "stage-a-2"]
    assert doc.steps[0].options.timeout_s is None
    assert doc.warnings == ("d.md:19: unknown attribute 'zap' is ignored",)


def test_execute_parse_stops_at_the_first_error_with_path_line_and_hint() -> None:
    with pytest.raises(ParseError) as info:
        parse_document(DOC, "d.md")
    assert str(info.value) == ("d.md:5: invalid value 'soon' for timeout=\n  hint: use a positive number "
                               "of seconds (at most 10000000), e.g. timeout=300, timeout=30s or timeout=5m")


def test_check_terminal_and_json_show_the_parsers_diagnostics_unchanged(tmp_path) -> None:
    path = tmp_path / "d.md"
    path.write_text(DOC, encoding="utf-8")
    want = [d for d in parse_text(DOC, str(path)).diagnostics if d.code != "RB301"]
    out = CliRunner().invoke(cli, ["check", "--format", "json", str(path)])
    found = json.loads(out.output)["findings"]
    for d in want:
        assert {"path": str(path), "line": d.line, "col": d.col, "code": d.code, "message": d.message,
                "hint": d.hint} in found
    text = CliRunner().invoke(cli, ["check", str(path)]).output
    for d in want:
        assert f"{path}:{d.line}:{d.col}: {d.code} {d.message}; hint: {d.hint}" in text
