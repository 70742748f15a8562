"""The structure pass's lean fence path (issue 13): a fence with no attribute, no directive and
no phase defaults is read by ``Fences._bare``; the full path (merge, check, drop) must read it
the same. Each document is parsed twice, the second time with ``_bare`` routed to the full path,
and everything the parse gives (phases, steps, diagnostics) must be equal."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from runbook.parse import fences
from runbook.parse.markdown import parse_and_scan

_PIECES = [
    "```bash\necho a\n```\n", "```output\na\n```\n", "```\n$ ls\nfile\n```\n", "```\n$\n```\n",
    "Expected output:\n", "The output is similar to:\n", "```text\nhello\n```\n", "```\nplain\n```\n",
    "```sh\n# Expected output: 1.2.x\nversion\n```\n", "```bash\n# a comment\nls\n```\n",
    "```console\n$ kubectl exec -it p -- sh\n/ # ls\n```\n", "```console\nuser@host:~$ id\nuid=0\n```\n",
    "```expect\nPassword: => x\n```\n", "```bash interactive\nread x\n```\n", "```powershell\ndir\n```\n",
    "```ps1\n$x = 1\n```\n", "```bash\n\n```\n", "```bash\n   \n```\n", "```expected\nout\n```\n",
    "```bash\nmysql> select 1;\n```\n", "```bash\n❯ ls\n```\n", "```zsh\n% ls\nx\n```\n",
    "```bash\necho a > b\n```\n", "```bash\necho 5m ago 0x1234 2024-01-01\n```\n", "```\n~~~\n",
    "```output\n5m ago\n```\n", "```output {match=contains}\nx\n```\n", "```bash {id=s1}\nls\n```\n",
    "<!-- runbook: timeout=5 -->\n", "<!-- a note -->\n", "## Phase 1: go\n", "## Next\n", "# Title\n",
    "Run:\n", "Run the following commands:\n", "PASS if exit code is 0\n", "- item\n",
    "> ```bash\n> echo q\n> ```\n", "1. step\n   ```bash\n   echo in list\n   ```\n", "```bash\necho <NAME>\n```\n",
    "```\n$ echo a\na\n$ echo b\nb\n```\n", "```shell-session\n$ ls\n```\n", "```bash\nexit\n```\n", "```bash",
]


def _read(text: str) -> tuple[object, object]:
    doc, scan = parse_and_scan(text, "doc.md")
    return doc, scan.blocks


def _both(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    lean = _read(text)
    with monkeypatch.context() as m:
        m.setattr(fences.Fences, "_bare", lambda self, i, b, lang, label, cur:
                  self._full(i, b, cur, lang, {}, {}, -1, label))
        full = _read(text)
    return lean, full


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=14), st.sampled_from(["\n", "\n\n"]))
def test_a_bare_fence_reads_as_the_full_path_reads_it(pieces: list[str], sep: str) -> None:
    text = sep.join(pieces)
    with pytest.MonkeyPatch.context() as mp:
        lean, full = _both(text, mp)
    assert lean == full


@pytest.mark.parametrize("path", sorted((Path(__file__).parent.parent / "examples").glob("*.md"))
                         + sorted((Path(__file__).parent / "fixtures" / "parse").glob("*.md")), ids=lambda p: p.name)
def test_every_example_reads_the_same_on_the_lean_path(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lean, full = _both(path.read_text(encoding="utf-8"), monkeypatch)
    assert lean == full


def test_a_fence_block_built_by_position_has_each_field_where_the_names_put_it() -> None:
    """markdown._blocks builds a fence's Block by position (half the cost of keywords): if Block's
    fields move, this list must change, and the call with it."""
    from dataclasses import fields

    from runbook.parse.blocks import Block

    assert [f.name for f in fields(Block)] == ["kind", "start", "end", "raw", "text", "info", "level", "items",
                                               "owner", "closed"]
    _, scan = parse_and_scan("- item\n\n  ```bash {id=a}\n  echo a\n  ```\n\n```\nopen\n", "d.md")
    fence = [b for b in scan.blocks if b.kind == "fence"]
    assert (fence[0].raw, fence[0].info, fence[0].owner, fence[0].closed, fence[0].text, fence[0].level) == \
        ("echo a\n", "bash {id=a}", 0, True, "", 0)
    assert (fence[1].raw, fence[1].closed, fence[1].owner) == ("open\n", False, -1)
    _, scan = parse_and_scan("## A *b*\n\n- item\n\n  para `x`\n\n<!-- c -->\n\n    code\n", "d.md")
    got = [(b.kind, b.start, b.end, b.raw, b.text, b.info, b.level, b.items, b.owner, b.closed) for b in scan.blocks]
    assert got == [("heading", 0, 1, "A *b*", "A b", "", 2, (), -1, True),
                   ("list", 2, 6, "", "", "", 0, (("item", 2, 6),), -1, True),
                   ("para", 2, 3, "item", "item", "", 0, (), 1, True),
                   ("para", 4, 5, "para `x`", "para x", "", 0, (), 1, True),
                   ("html", 6, 7, "<!-- c -->\n", "", "", 0, (), -1, True),
                   ("code", 8, 9, "code\n", "", "", 0, (), -1, True)]


def test_a_bare_draft_built_by_position_has_each_field_where_the_names_put_it() -> None:
    """Fences._bare builds its Draft by position: if Draft's parameters move, this list must change."""
    import inspect

    from runbook.parse.drafts import Draft

    assert list(inspect.signature(Draft.__init__).parameters)[1:] == ["index", "block", "lang", "attrs", "heading", "phase", "transcript",
                                               "commands", "skip_reason", "end", "own_id", "criteria", "dialog", "id"]
