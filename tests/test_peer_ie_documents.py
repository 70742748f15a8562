"""Innovation Engine's own documents (vendored in tests/peers/ie): runbook's verdict is the one
Innovation Engine reaches, and nothing runs that it would not run.

Innovation Engine is a Go binary no registry here ships, so its verdicts are the ones its own
repository asserts: ``make test-local-scenarios`` runs ``ie test`` on every
``scenarios/testing/*.md`` and ``make test-docs`` on every ``docs/*.md``, each required to
pass; the ``docs/Common`` prerequisites and ``tests/tutorial.md`` are plain ``bash`` blocks that
pass. The ``scenarios/demos`` need an Azure subscription (``az``): they are listed, not run.

Two deliberate differences, asserted as such (docs/dialects.md): a document with no block to
run exits 5 ("nothing to run", neither pass nor fail), and ``brokenMarkdown.md``, whose code
block is never closed, is refused with its line (exit 2) where Innovation Engine runs the
block to the end of the file. Declared (``--dialect ie``, as its user would), it is read as
Innovation Engine reads it: the block runs to the end of the file, with a warning naming its
line, and the document passes.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from runbook.parse.dialects.ie import EXECUTABLE
from peer_docs import needs, peer_tree

PEERS = peer_tree("ie")
pytestmark = needs("ie")
NEEDS_AZURE = sorted(p.relative_to(PEERS).as_posix() for p in (PEERS / "scenarios" / "demos").glob("*.md"))
RUNNABLE = sorted(p.relative_to(PEERS).as_posix() for p in PEERS.rglob("*.md")
                  if p.relative_to(PEERS).as_posix() not in [*NEEDS_AZURE, "SOURCE.md"])
RUNBOOK_CODE = {"docs/Authoring-With-Copilot.md": 5, "docs/modesOfOperation.md": 5,
                "scenarios/testing/brokenMarkdown.md": 2}
"""Where runbook's exit code is not Innovation Engine's 0 (see the module doc); all others pass."""
_IE_FENCE = re.compile(r"^```(%s)[ \t]*$" % "|".join(map(re.escape, EXECUTABLE)), re.M)


def _runbook(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.output


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    shutil.copytree(PEERS, tmp_path / "ie")
    return tmp_path / "ie"


def test_every_innovation_engine_document_is_there_to_be_read() -> None:
    assert len(RUNNABLE) == 16 and len(NEEDS_AZURE) == 4, (RUNNABLE, NEEDS_AZURE)


@pytest.mark.parametrize("name", RUNNABLE)
def test_innovation_engine_document_gets_its_verdict(copy: Path, name: str) -> None:
    code, out = _runbook("execute", str(copy / name), "--no-annotate", "--no-color")
    assert code == RUNBOOK_CODE.get(name, 0), f"{name}: Innovation Engine passes it; runbook said {code}\n{out}"
    if name == "scenarios/testing/brokenMarkdown.md":
        assert "brokenMarkdown.md:7" in out


@pytest.mark.parametrize("name", RUNNABLE)
def test_declared_innovation_engine_document_gets_its_verdict(copy: Path, name: str) -> None:
    code, out = _runbook("execute", str(copy / name), "--dialect", "ie", "--no-annotate", "--no-color")
    assert code == 0, f"{name}: Innovation Engine passes it; runbook --dialect ie said {code}\n{out}"
    assert "dialect: ie (declared: --dialect)" in out or "it is declared ie's" in out, out
    if name == "scenarios/testing/brokenMarkdown.md":
        assert "warning: " in out and "brokenMarkdown.md:7: code block is never closed" in out, out
        assert "hello World" in _runbook("execute", str(copy / name), "--dialect", "ie", "--no-annotate", "-v")[1]


@pytest.mark.parametrize("name", NEEDS_AZURE)
def test_azure_scenario_lists_exactly_the_blocks_innovation_engine_runs(name: str) -> None:
    text = (PEERS / name).read_text()
    code, out = _runbook("list", str(PEERS / name), "--format", "json")
    assert code == 0, out
    listing = json.loads(out)
    assert listing["dialect"] == "ie"
    steps = listing["steps"]
    assert [s["line"] for s in steps] == [text[:m.start()].count("\n") + 1 for m in _IE_FENCE.finditer(text)]
    assert any("az " in c["text"] for s in steps for c in s["commands"])
