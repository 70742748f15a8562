"""Steps that could vanish or swallow prose: unclosed fences, deep nesting, lazy lines.

Each case goes through the real parser, the real `runbook check` and the real
`runbook execute` (a real shell): a step is found and run, or the document is
refused with file:line; never dropped while `check` says all is well.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from runbook.errors import ParseError
from runbook.lint.check import check_document
from runbook.parse.markdown import MAX_NESTING, parse_document


def run_cli(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.output


def nested(markers: tuple[str, ...], fence: str, body: str = "echo deep", lazy: bool = False) -> str:
    """A step inside ``markers`` (``-``, ``1.``, ``>``, outermost first)."""
    lines = ["# Nested", ""]
    prefix = ""
    for depth, mark in enumerate(markers):
        lines.append(f"{prefix}{mark} level {depth}")
        if lazy:
            lines.append(f"lazy continuation of level {depth}")
        prefix += "> " if mark == ">" else " " * (len(mark) + 1)
        lines.append(prefix.rstrip())
    lines += [f"{prefix}{fence}bash", *(f"{prefix}{b}" for b in body.split("\n")), f"{prefix}{fence}", "",
              "PASS if: exit code is 0", ""]
    return "\n".join(lines)


MARKS = ("-", "1.", ">")
SHAPES = [tuple(MARKS[(k + shift) % 3] for k in range(depth)) for depth in range(1, 9) for shift in range(3)]
SHAPES += [(m,) * depth for depth in (4, 8) for m in MARKS]
SHAPES += [("-", ">", ">", "1.", "-", ">", "1.", "1."), (">", ">", "-", "-", "1.", ">", "-", ">")]


@pytest.mark.parametrize("lazy", [False, True], ids=["plain", "lazy"])
@pytest.mark.parametrize("fence", ["```", "~~~~"])
@pytest.mark.parametrize("markers", SHAPES, ids=["".join(s) for s in SHAPES])
def test_step_nested_in_lists_and_quotes_is_found(markers, fence, lazy):
    text = nested(markers, fence, lazy=lazy)
    doc = parse_document(text, "n.md")
    assert [c.text for s in doc.steps for c in s.commands] == ["echo deep"]
    fence_line = text.split("\n").index(next(line for line in text.split("\n") if line.endswith(fence + "bash")))
    assert doc.steps[0].line == fence_line + 1
    assert [c.text for c in doc.steps[0].criteria] == ["PASS if: exit code is 0"]
    assert not any(f.code == "RB104" for f in check_document(text, "n.md"))


def test_step_nested_deeper_than_commonmarks_limit_is_not_dropped():
    # markdown-it's CommonMark preset stops at 20 levels and drops the rest silently.
    text = nested(("-", "1.") * 15, "```")
    assert [c.text for s in parse_document(text, "n.md").steps for c in s.commands] == ["echo deep"]


def test_nesting_past_the_limit_is_refused_by_execute_and_check(tmp_path: Path):
    marker = tmp_path / "ran"
    path = tmp_path / "deep.md"
    path.write_text(nested((">",) * MAX_NESTING, "```", body=f"touch {marker}"), encoding="utf-8")
    code, out = run_cli("execute", str(path), "--no-color")
    assert code == 2 and f"{path}:" in out and "nested too deeply" in out
    assert not marker.exists() and "Traceback" not in out
    code, out = run_cli("check", str(path))
    assert code == 2 and "nested too deeply" in out


def test_failing_step_eight_levels_deep_fails_the_run(tmp_path: Path):
    path = tmp_path / "deep.md"
    path.write_text(nested(("-", ">", "1.", "-", ">", "1.", "-", ">"), "~~~", body="false\necho after"),
                    encoding="utf-8")
    results = tmp_path / "r.json"
    code, out = run_cli("execute", str(path), "--no-color", "--json", str(results), "--timeout", "20")
    assert code == 1, out
    step = json.loads(results.read_text())["steps"][0]
    assert step["status"] == "fail" and step["exit_code"] == 1 and "after" not in step["output"]


UNCLOSED = {
    "eof": ("# T\n\n```bash\necho hi\n\nProse that must not run: touch {m}\n", 3, "end of the file"),
    "tilde-eof": ("# T\n\n~~~~sh\necho hi\n~~~\ntouch {m}\n", 3, "end of the file"),
    "list-item": ("# T\n\n- run:\n  ```bash\n  echo hi\ntouch {m}\n  ```\n", 4, "list item or quote"),
    "quote-lazy": ("# T\n\n> ```bash\n> echo hi\ntouch {m}\n> ```\n", 3, "list item or quote"),
    "after-closed": ("# T\n\n```bash\necho one\n```\n\n```bash\necho two\ntouch {m}\n", 7, "end of the file"),
    "short-close": ("# T\n\n````bash\necho hi\n```\ntouch {m}\n", 3, "end of the file"),
    "mispaired-prose-runs": ("# T\n\n```bash\necho a\n\nProse: touch {m}\n\n```text\na\n```\n\n```bash\necho b\n```\n",
                             3, "line 8 ('```text') opens the next block"),
    "mispaired-step-vanishes": ("# T\n\n```bash\necho a\n```\n\nExpected output:\n\n```text\na\n\n## B\n\n"
                                "```bash\ntouch {m}\n```\n", 9, "line 14 ('```bash') opens the next block"),
    "output-block": ("# T\n\n```bash\necho hi\n```\n\nExpected output:\n\n```text\nhi\n\nPASS if: touch {m}\n",
                     9, "end of the file"),
}


@pytest.mark.parametrize("name", sorted(UNCLOSED))
def test_unclosed_fence_is_refused_at_its_line_and_nothing_runs(tmp_path: Path, name: str):
    template, line, where_to = UNCLOSED[name]
    marker = tmp_path / "ran"
    path = tmp_path / "doc.md"
    path.write_text(template.format(m=marker), encoding="utf-8")
    code, out = run_cli("execute", str(path), "--no-color", "--json", str(tmp_path / "r.json"))
    assert code == 2, out
    assert f"{path}:{line}: code block is never closed" in out and where_to in out
    assert "hint:" in out
    assert not marker.exists() and not (tmp_path / "r.json").exists()
    assert not (tmp_path / "doc.annotated.md").exists()
    # `check` names the same line with RB104, so check and execute agree.
    code, out = run_cli("check", str(path))
    assert code == 1 and f"{path}:{line}:" in out and "RB104" in out


def test_parse_error_for_unclosed_fence_names_the_fence_to_type():
    with pytest.raises(ParseError) as exc:
        parse_document("# T\n\n  ~~~~~ bash\n  echo hi\n", "t.md")
    assert exc.value.where == "t.md:3" and "~~~~~" in (exc.value.hint or "")


def test_empty_unclosed_fence_at_the_end_swallows_nothing_and_is_accepted():
    doc = parse_document("# T\n\n```bash\necho hi\n```\n\n```\n", "t.md")
    assert [c.text for s in doc.steps for c in s.commands] == ["echo hi"]


@pytest.mark.parametrize("a,b", list(itertools.product(["```", "~~~"], repeat=2)))
def test_closed_fences_of_either_character_parse(a, b):
    doc = parse_document(f"# T\n\n{a}bash\necho 1\n{a}\n\n{b}sh\necho 2\n{b}\n", "t.md")
    assert [c.text for s in doc.steps for c in s.commands] == ["echo 1", "echo 2"]


def test_fence_lines_that_cannot_open_a_block_inside_it_are_content():
    # Shorter or other-character fence lines, and a ``` line holding backticks, are plain content.
    text = ("# T\n\n````markdown\n```bash\nx\n```\n````\n\n~~~bash\ncat <<EOF\n```bash\nEOF\n~~~\n\n"
            "```bash\necho '```js`'\n```\n")
    doc = parse_document(text, "t.md")
    assert [c.text for s in doc.steps for c in s.commands] == ["cat <<EOF\n```bash\nEOF", "echo '```js`'"]
