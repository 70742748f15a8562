"""prysk's own test files (tests/peers/prysk, SOURCE.md) run by runbook and by the real prysk:
the same verdict on each file, and the same commands failing within it.

prysk is installed (a test dependency), so the contract is prysk itself, run on a fresh copy
of the vendored tree (prysk writes ``.err`` files beside a failing test; its own integration
tests run ``python3 -m prysk`` and so need the interpreter that has it first on PATH).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from runbook.parse.dialects.cram import commands
from runbook.source import split_lines

PEERS = Path(__file__).parent / "peers" / "prysk"
FILES = sorted(str(p.relative_to(PEERS)) for p in PEERS.rglob("*.t"))
FAILS = {"examples/fail.t"}
"""The one file prysk fails (its own examples say so: `prysk -q examples` ends ``1 failed``)."""


def _tree(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "prysk"
    shutil.copytree(PEERS, root)
    env = {"PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")}
    return root, env


def _prysk(root: Path, rel: str, env: dict[str, str]) -> tuple[int, set[int]]:
    """prysk's exit status on ``rel`` and the (1-based) commands whose output it found different."""
    done = subprocess.run([sys.executable, "-m", "prysk", rel], cwd=root, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=600)
    err = root / (rel + ".err")
    if not err.exists():
        return done.returncode, set()
    want = commands(split_lines((root / rel).read_text()))
    got = commands(split_lines(err.read_text()))
    return done.returncode, {k for k, (a, b) in enumerate(zip(want, got), 1) if a.output != b.output}


def _runbook(root: Path, rel: str, env: dict[str, str]) -> tuple[int, set[int], list[str]]:
    report = root.parent / "r.json"
    res = CliRunner().invoke(cli, ["execute", str(root / rel), "--no-annotate", "--no-color", "--json", str(report)],
                             env=env, catch_exceptions=False)
    steps = json.loads(report.read_text())["steps"]
    failed = {int(s["id"]) for s in steps if s["id"].isdigit() and s["status"] in ("fail", "error")}
    return res.exit_code, failed, [s["status"] for s in steps]


def test_every_prysk_test_file_is_compared() -> None:
    assert len(FILES) == 18 and FAILS <= set(FILES)


@pytest.mark.parametrize("rel", FILES)
def test_prysk_test_file_gets_the_verdict_real_prysk_gives(tmp_path: Path, rel: str) -> None:
    root, env = _tree(tmp_path)
    want_code, want_failed = _prysk(root, rel, env)
    assert want_code == (1 if rel in FAILS else 0), f"prysk itself: {rel} exited {want_code}"
    shutil.rmtree(root)
    root, env = _tree(tmp_path)  # a fresh copy: no .err file of prysk's run left in it
    code, failed, _ = _runbook(root, rel, env)
    assert (code, failed) == (want_code, want_failed), f"{rel}: prysk {want_code} {want_failed}, runbook {code} {failed}"


def test_prysk_exit_80_skips_the_test_file(tmp_path: Path) -> None:
    root, env = _tree(tmp_path)
    code, _, statuses = _runbook(root, "examples/skip.t", env)
    assert code == 0 and "skip" in statuses and "fail" not in statuses


def test_prysk_file_without_commands_is_skipped_not_refused(tmp_path: Path) -> None:
    root, env = _tree(tmp_path)
    assert _runbook(root, "examples/empty.t", env)[::2] == (0, ["skip"])
