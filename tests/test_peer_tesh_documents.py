"""tesh's own documents (its fixtures, demo and README, vendored in tests/peers/tesh): runbook
reaches the verdict the real tesh reaches on each, through the CLI.

One deliberate difference, asserted as such: a document with no tesh block at all
(``no_codeblocks.md``) passes under tesh (it ran nothing) and exits 5 under runbook, its
code for "nothing to run" (docs/format.md), which is neither a pass nor a failure: a CI job
that meant to test something should be told it tested nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli

PEERS = Path(__file__).parent / "peers" / "tesh"
TESH = shutil.which("tesh") or str(Path(sys.executable).with_name("tesh"))
DOCS = sorted(p.relative_to(PEERS).as_posix() for p in PEERS.rglob("*.md") if p.name != "SOURCE.md")
NOTHING_TO_RUN = {"fixtures/no_codeblocks.md"}


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    """The vendored tree in a temporary folder (neither tool may change the originals)."""
    shutil.copytree(PEERS, tmp_path / "tesh")
    return tmp_path / "tesh"


def _tesh(path: Path) -> int:
    return subprocess.run([TESH, "--no-debug", path.name], capture_output=True, text=True, timeout=180,
                          cwd=path.parent, stdin=subprocess.DEVNULL).returncode


def test_every_tesh_document_is_vendored() -> None:
    assert len(DOCS) == 19, DOCS
    assert (PEERS / "LICENSE").read_text().startswith("MIT License")


@pytest.mark.parametrize("name", DOCS)
def test_tesh_document_gets_tesh_verdict(copy: Path, name: str) -> None:
    path = copy / name
    peer = _tesh(path)
    res = CliRunner().invoke(cli, ["execute", str(path), "--no-annotate", "--no-color"], catch_exceptions=False)
    if name in NOTHING_TO_RUN:
        assert (peer, res.exit_code) == (0, 5), res.output
        return
    assert res.exit_code == peer, f"{name}: tesh said {peer}, runbook said {res.exit_code}\n{res.output}"
    assert "dialect: tesh" in res.output
