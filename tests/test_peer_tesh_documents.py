"""tesh's own documents (its fixtures, demo and README, vendored in tests/peers/tesh): runbook
reaches the verdict the real tesh reaches on each, through the CLI.

A document with no tesh block at all (``no_codeblocks.md``) passes under tesh (it ran
nothing). Declared tesh's (``--dialect tesh``) it passes under runbook too; left to be
recognised it exits 5, runbook's code for "nothing to run" (docs/format.md): nothing in it
says it is tesh's, and a CI job that meant to test something should be told it tested nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from peer_docs import MANIFEST, needs, peer_tree

PEERS = peer_tree("tesh")
pytestmark = needs("tesh")
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


def test_every_tesh_fixture_is_there_to_be_read() -> None:
    """All of tesh's fixtures (from the mirror or the wheel); README and demo with a mirror."""
    fixtures = {rel for rel in MANIFEST["tesh"]["files"] if rel.startswith("fixtures/") and rel.endswith(".md")}
    assert len(fixtures) == 16 and fixtures <= set(DOCS), DOCS


@pytest.mark.parametrize("name", DOCS)
def test_tesh_document_gets_tesh_verdict(copy: Path, name: str) -> None:
    path = copy / name
    peer = _tesh(path)
    res = CliRunner().invoke(cli, ["execute", str(path), "--no-annotate", "--no-color"], catch_exceptions=False)
    if name in NOTHING_TO_RUN:
        assert (peer, res.exit_code) == (0, 5), res.output
        declared = CliRunner().invoke(cli, ["execute", str(path), "--dialect", "tesh", "--no-annotate"],
                                      catch_exceptions=False)
        assert declared.exit_code == peer, declared.output
        return
    assert res.exit_code == peer, f"{name}: tesh said {peer}, runbook said {res.exit_code}\n{res.output}"
    assert "dialect: tesh" in res.output
