"""`runbook update`: accept real output, keep the author's wildcards, touch nothing else."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from runbook.cli import cli

STALE = """\
# Update me

## 1. Several lines

```bash
printf 'alpha\\nbeta 42\\ngamma\\ndelta\\n'
```

Expected output:

```text
alpha
beta \\d+ (re)
OLD gamma
delta  \n```

PASS if: exit code is 0.

## 2. Transcript

```console
$ echo one
uno
$ printf 'x1\\nx2\\nx3\\nx4\\n'
x1
...
x4
$ echo new
```

## 3. Glob

```bash
printf 'id=%s\\nstatus: ok\\n' "$RANDOM"
```

Expected output:

```text
id=* (glob)
status: failed
```
"""


def _invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_update_then_execute_passes_and_keeps_wildcards(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(STALE, encoding="utf-8")
    assert _invoke("execute", str(doc), "-q", "--no-annotate").exit_code == 1
    res = _invoke("update", str(doc))
    assert res.exit_code == 0, res.output
    new = doc.read_text(encoding="utf-8")
    expected = (STALE.replace("OLD gamma\n", "gamma\n").replace("uno\n", "one\n")
                .replace("$ echo new\n", "$ echo new\nnew\n").replace("status: failed", "status: ok"))
    assert new == expected
    assert "beta \\d+ (re)\n" in new and "x1\n...\nx4\n" in new and "id=* (glob)\n" in new
    assert "delta  \n" in new  # untouched line keeps its trailing spaces
    assert _invoke("execute", str(doc), "-q", "--no-annotate").exit_code == 0
    assert _invoke("update", str(doc), "--check").exit_code == 0  # nothing left to change


def test_check_writes_nothing_and_exits_1(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(STALE, encoding="utf-8")
    before = doc.read_bytes()
    res = _invoke("update", str(doc), "--check")
    assert res.exit_code == 1
    assert "-OLD gamma" in res.output and "+gamma" in res.output and "would change" in res.output
    assert doc.read_bytes() == before


def test_output_option_and_step_selection(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(STALE, encoding="utf-8")
    out = tmp_path / "out.md"
    res = _invoke("update", str(doc), "--step", "2", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert doc.read_text(encoding="utf-8") == STALE
    new = out.read_text(encoding="utf-8")
    assert "uno" not in new and "one\n" in new and "OLD gamma" in new and "status: failed" in new


def test_interactive_accepts_step_by_step(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(STALE, encoding="utf-8")
    res = _invoke("update", str(doc), "--interactive", input="y\nn\nq\n")
    assert res.exit_code == 0, res.output
    assert res.output.count("accept the new output of") == 3
    assert "+gamma" in res.output  # the diff is shown before the question
    new = doc.read_text(encoding="utf-8")
    assert "OLD gamma" not in new and "uno" in new and "status: failed" in new


def test_bytes_preserved_crlf_bom_and_annotations_stripped(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    text = "# T\r\n\r\n## 1. Hi\r\n\r\n```bash\r\necho hi  \r\n```\r\n\r\nExpected output:\r\n\r\n```text\r\nho\r\n```\r\n"
    annotation = "<!-- runbook:begin result 1 lines=3 -->\r\nold result\r\n<!-- runbook:end -->\r\n"
    doc.write_bytes("\ufeff".encode() + (text + annotation).encode())
    assert _invoke("update", str(doc)).exit_code == 0
    assert doc.read_bytes() == "\ufeff".encode() + text.replace("ho\r\n", "hi\r\n").encode()


def test_secrets_are_masked_in_what_is_written(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("# T\n\n## 1. Token\n\n```bash\necho \"token=$API_TOKEN\"\n```\n\n"
                   "Expected output:\n\n```text\ntoken=old\n```\n", encoding="utf-8")
    assert _invoke("update", str(doc), "--env", "API_TOKEN=s3cr3t-value").exit_code == 0
    new = doc.read_text(encoding="utf-8")
    assert "s3cr3t" not in new and "token=••••\n" in new


def test_failing_step_is_not_updated(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    text = "# T\n\n## 1. Broken\n\n```bash\necho partial; false\n```\n\nExpected output:\n\n```text\nall good\n```\n"
    doc.write_text(text, encoding="utf-8")
    res = _invoke("update", str(doc))
    assert res.exit_code == 0
    assert "1: not updated: exit code 1" in res.output
    assert doc.read_text(encoding="utf-8") == text


def test_output_that_would_close_the_fence_lengthens_it(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("# T\n\n## 1. Fence\n\n```bash\nprintf 'a\\n```\\nb\\n'\n```\n\nExpected output:\n\n```text\nx\n```\n",
                   encoding="utf-8")
    assert _invoke("update", str(doc)).exit_code == 0
    new = doc.read_text(encoding="utf-8")
    assert "Expected output:\n\n````text\na\n```\nb\n````\n" in new
    assert _invoke("execute", str(doc), "-q", "--no-annotate").exit_code == 0
