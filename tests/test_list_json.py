"""``runbook list --format json``: the reading of a document, exact lines, for tools and scorers."""

from __future__ import annotations

import json

from click.testing import CliRunner

from runbook.cli import cli

DOC = """# Demo

## Phase A — Startup

### A1. Greets

```bash
echo hello
```

Expected output (similar to):

```text
hello
```

PASS if: output contains `hello` and exit code is 0

### A2. Transcript

```console
$ printf 'a\\nb\\n'
a
b
$ true
```
"""


def _listing(tmp_path, text: str = DOC, *args: str) -> dict:
    doc = tmp_path / "doc.md"
    doc.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(cli, ["list", str(doc), "--format", "json", *args])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_steps_commands_and_expected_lines_are_one_based(tmp_path) -> None:
    data = _listing(tmp_path)
    assert data["schema"] == "runbook-list/1"
    a1, a2 = data["steps"]
    assert (a1["id"], a1["line"], a1["end"], a1["lang"], a1["transcript"]) == ("A1", 7, 9, "bash", False)
    (cmd,) = a1["commands"]
    assert (cmd["line"], cmd["text"]) == (8, "echo hello")
    assert cmd["expected"]["lines"] == [14, 14] and cmd["expected"]["text"].strip() == "hello"
    assert cmd["expected"]["illustrative"] is True
    assert [c["line"] for c in a2["commands"]] == [22, 25]
    assert a2["commands"][0]["expected"]["lines"] == [23, 24]
    assert a2["transcript"] is True


def test_criteria_with_their_clauses(tmp_path) -> None:
    a1 = _listing(tmp_path)["steps"][0]
    written = [c for c in a1["criteria"] if not c["derived"]]
    assert len(written) == 1 and written[0]["line"] == 17 and written[0]["negated"] is False
    assert [cl["kind"] for cl in written[0]["clauses"]] == ["contains", "exit"]
    assert written[0]["clauses"][0]["value"] == "hello"


def test_selection_marks_planned_steps(tmp_path) -> None:
    data = _listing(tmp_path, DOC, "--step", "A2", "--no-deps")
    assert {s["id"]: s["planned"] for s in data["steps"]} == {"A1": False, "A2": True}
    assert data["phases"][0]["blocking"] is False


def test_a_parse_error_is_exit_2_with_file_and_line(tmp_path) -> None:
    doc = tmp_path / "bad.md"
    doc.write_text("---\nrunbook: [unclosed\n---\n# T\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["list", str(doc), "--format", "json"])
    assert res.exit_code == 2
    assert "bad.md:" in res.output
