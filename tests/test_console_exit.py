"""The console script ends the process at once once ``main`` returned (``console.run``:
``os._exit`` after flushing): the exit status, every line printed and every file written are
what they were with the interpreter's own exit. Real CLI in a subprocess, output to pipes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FENCE = "```"


def _doc(tmp_path: Path, steps: list[tuple[str, str]]) -> Path:
    body = "".join(f"## S{i}\n\n{FENCE}bash\n{cmd}\n{FENCE}\n\n{FENCE}output\n{out}\n{FENCE}\n\n"
                   for i, (cmd, out) in enumerate(steps))
    doc = tmp_path / "doc.md"
    doc.write_text("# Exit\n\n" + body)
    return doc


def _runbook(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as usual
    return subprocess.run([sys.executable, "-m", "runbook", *args], capture_output=True, text=True, timeout=120,
                          env=env)


def test_the_status_the_printed_lines_and_the_files_are_whole(tmp_path):
    many = [(f"echo line-{i}", f"line-{i}") for i in range(300)]
    doc = _doc(tmp_path, [*many, ("echo wrong", "right")])
    out = tmp_path / "out.json"
    done = _runbook("execute", str(doc), "--no-color", "--json", str(out), "-o", str(tmp_path / "a.md"))
    assert done.returncode == 1, done.stderr
    assert "FAILED" in done.stdout and done.stdout.endswith("\n"), done.stdout[-300:]
    data = json.loads(out.read_text())
    assert [s["status"] for s in data["steps"]] == ["pass"] * 300 + ["fail"]
    assert (tmp_path / "a.md").read_text().count("runbook:begin") >= 301
    listed = _runbook("list", str(doc))
    assert listed.returncode == 0 and listed.stdout.count("echo line-") == 300, listed.stdout[-300:]


def test_a_passing_run_and_a_usage_error_keep_their_status(tmp_path):
    doc = _doc(tmp_path, [("echo ok", "ok")])
    assert _runbook("execute", str(doc), "--no-annotate", "-q").returncode == 0
    version = _runbook("--version")  # written without a flush of its own: the exit's flush sends it
    assert version.returncode == 0 and version.stdout.startswith("runbook "), version
    bad = _runbook("execute", str(tmp_path / "missing.md"))
    assert bad.returncode not in (0, 1) and bad.stderr.strip(), bad
