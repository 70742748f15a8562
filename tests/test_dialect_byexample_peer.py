"""byexample's own documents (tests/peers/byexample/SOURCE.md): runbook's verdict equals byexample's.

The documents are GPL-3.0 and not vendored: the test runs them from a checkout named by
``RUNBOOK_BYEXAMPLE_SRC`` (skipped, with that reason, without one or without byexample).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from peer_docs import peer_tree

VENV_BIN = Path(sys.executable).parent
BYEXAMPLE = shutil.which("byexample") or str(VENV_BIN / "byexample")
SRC = os.environ.get("RUNBOOK_BYEXAMPLE_SRC", "") or (str(peer_tree("byexample")) if peer_tree("byexample").is_dir() else "")

DOCS = [
    "languages/shell.md", "basic/input.md", "basic/normalize-whitespace.md", "basic/options.md",
    "basic/setup-and-tear-down.md", "basic/timeout.md", "advanced/capture-environment-variables.md",
    "advanced/conditional-execution.md", "advanced/echo-filtering.md", "advanced/geometry.md",
    "advanced/shebang.md", "advanced/terminal-emulation.md", "advanced/troubleshooting.md", "advanced/unicode.md",
    "overview/differences.md", "overview/faq.md", "overview/usage.md", "overview/where-should-I-write-the-examples.md",
    "recipes/advanced-checks.md", "recipes/arguments-per-environment.md", "recipes/django-integration.md",
    "recipes/handy-shell-snippets.md", "recipes/pre-commit.md", "recipes/python-doctest.md",
    "recipes/running-with-docker.md", "recipes/running-with-sudo.md",
]

KNOWN: dict[str, str] = {}
"""Documents whose verdict still differs, with the reason (docs/dialects.md, "Not read"): none.
``recipes/pre-commit.md`` carries no ``byexample:`` comment, so it is byexample's only when
declared: every document here is run as its user would, with ``--dialect byexample``."""

pytestmark = pytest.mark.skipif(not SRC or not Path(BYEXAMPLE).exists(),
                                reason="byexample's documents are third-party files, never committed here: set "
                                       "RUNBOOK_BYEXAMPLE_SRC to a checkout, or RUNBOOK_MIRRORS to a folder of git "
                                       "mirrors (tests/peers/byexample/SOURCE.md), with byexample installed")


def _fresh(root: Path) -> None:
    shutil.rmtree(root / "w", ignore_errors=True)
    (root / "w").mkdir()


def _verdicts(doc: str, tmp: Path) -> tuple[set[int], set[int], int, int, int]:
    root = Path(SRC)
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    _fresh(root)
    peer = subprocess.run([BYEXAMPLE, "-l", "shell", "--pretty", "none", "--timeout", "8", f"docs/{doc}"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=600)
    _fresh(root)
    report = tmp / "r.json"
    ours = subprocess.run([str(VENV_BIN / "runbook"), "execute", f"docs/{doc}", "--dialect", "byexample",
                           "--no-annotate", "--no-color", "--json", str(report)], cwd=root, env=env,
                          capture_output=True, text=True, timeout=900)
    if "nothing to run; byexample passes such a document" in ours.stderr:  # no example: exit 0 as byexample
        assert not re.search(r"\d+/\d+ test", peer.stdout) and peer.returncode == 0, (doc, peer.stdout)
        return set(), set(), 0, peer.returncode, ours.returncode
    steps = [s for s in json.loads(report.read_text())["steps"] if not s["id"].startswith("byexample-")]
    peer_fails = {int(n) for n in re.findall(r'^File "[^"]+", line (\d+)', peer.stdout, re.M)}
    our_fails = {s["line"] for s in steps if s["status"] in ("fail", "error")}
    return peer_fails, our_fails, len(steps), peer.returncode, ours.returncode


def test_byexample_own_documents_reach_byexample_verdict(tmp_path: Path) -> None:
    same = total = 0
    wrong: dict[str, str] = {}
    for doc in DOCS:
        peer_fails, our_fails, n, peer_rc, our_rc = _verdicts(doc, tmp_path)
        same, total = same + n - len(peer_fails ^ our_fails), total + n
        if (peer_rc == 0) != (our_rc == 0) and doc not in KNOWN:
            wrong[doc] = f"byexample exit {peer_rc}, runbook exit {our_rc}: {sorted(peer_fails ^ our_fails)}"
        if (peer_rc == 0) == (our_rc == 0) and doc in KNOWN:
            wrong[doc] = "now agrees: remove it from KNOWN"
    assert not wrong, wrong
    assert same >= 0.95 * total, f"{same}/{total} examples reach byexample's verdict"
