"""Command-line conventions users expect: --color / NO_COLOR / FORCE_COLOR, -v streaming a
running step's output (never a secret), help texts, `report` usage errors. Real CLI: the
console entry point in a subprocess, on a real pty where a terminal matters."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from runbook.report.terminal import wants_color

FENCE = "```"
RUNBOOK = [sys.executable, "-m", "runbook"]
_SGR = re.compile(r"\x1b\[([0-9;]*)m")


def _has_colour(text: str) -> bool:
    """Any SGR sequence that sets a foreground colour (30-37, 90-97, 38;...)."""
    for params in _SGR.findall(text):
        codes = [int(p) for p in params.split(";") if p.isdigit()]
        if any(30 <= c <= 38 or 90 <= c <= 97 for c in codes):
            return True
    return False


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "GITHUB_STEP_SUMMARY")}
    env.update(extra)
    return env


def _on_pty(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 60) -> str:
    """Run the CLI with a pty as its stdout; everything it wrote there."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=slave, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            out += data
        elif proc.poll() is not None:
            break
    proc.wait(timeout=30)
    os.close(master)
    return out.decode("utf-8", "replace")


@pytest.fixture
def slow_doc(tmp_path: Path) -> Path:
    doc = tmp_path / "slow.md"
    doc.write_text(f"# Slow\n\n## Phase A — Wait\n\n{FENCE}bash\nsleep 1.5; echo done\n{FENCE}\n")
    return doc


def test_no_color_on_a_terminal_keeps_the_live_line_but_drops_colour(slow_doc: Path):
    out = _on_pty([*RUNBOOK, "execute", slow_doc.name, "--no-annotate"], slow_doc.parent, _env(NO_COLOR="1"))
    assert "⏳" in out, out  # the live line with its timer
    assert not _has_colour(out), out
    coloured = _on_pty([*RUNBOOK, "execute", slow_doc.name, "--no-annotate"], slow_doc.parent, _env())
    assert "⏳" in coloured and _has_colour(coloured)


def test_force_color_colours_a_pipe_and_color_never_wins(slow_doc: Path):
    run = [*RUNBOOK, "execute", slow_doc.name, "--no-annotate"]
    piped = subprocess.run(run, cwd=slow_doc.parent, env=_env(FORCE_COLOR="1"), capture_output=True, text=True,
                           timeout=120)
    assert _has_colour(piped.stdout) and "⏳" not in piped.stdout  # colour, but no live line in a log
    plain = subprocess.run([*run, "--color", "never"], cwd=slow_doc.parent, env=_env(FORCE_COLOR="1"),
                           capture_output=True, text=True, timeout=120)
    assert not _has_colour(plain.stdout) and "PASS" in plain.stdout
    always = subprocess.run([*run, "--color", "always"], cwd=slow_doc.parent, env=_env(NO_COLOR="1"),
                            capture_output=True, text=True, timeout=120)
    assert _has_colour(always.stdout)


def test_color_choice_rules() -> None:
    assert wants_color("auto", tty=True, environ={}) and not wants_color("auto", tty=False, environ={})
    assert not wants_color("auto", tty=True, environ={"NO_COLOR": "1", "FORCE_COLOR": "1"})
    assert wants_color("auto", tty=False, environ={"FORCE_COLOR": "1"})
    assert wants_color("always", tty=False, environ={"NO_COLOR": "1"})
    assert not wants_color("never", tty=True, environ={"FORCE_COLOR": "1"})


def _stream_until(proc: subprocess.Popen[str], needle: str, timeout: float = 60) -> str:
    seen = ""
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while needle not in seen and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen += line
    return seen


def test_verbose_streams_a_running_steps_output_before_it_ends(tmp_path: Path):
    lines = "; ".join(f"echo progress {n}" for n in range(1, 13))
    (tmp_path / "long.md").write_text(
        f"# Long\n\n## Phase A — Install\n\n{FENCE}bash\n{lines}; while [ ! -f go ]; do sleep 0.1; done; echo finished\n"
        f"{FENCE}\n")
    proc = subprocess.Popen([*RUNBOOK, "execute", "long.md", "-v", "--no-annotate"], cwd=tmp_path, env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        seen = _stream_until(proc, "│ progress 1\n")
        assert "│ progress 1" in seen, seen  # shown while the step still waits for `go`
        assert "PASS" not in seen
        (tmp_path / "go").write_text("")
        rest = proc.communicate(timeout=60)[0]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, seen + rest
    everything = seen + rest
    assert everything.count("│ progress 12") == 1 and "│ finished" in everything  # shown once, not again at the end


def test_verbose_streaming_never_shows_a_secret_the_step_sets(tmp_path: Path):
    noise = "; ".join(f"echo line {n}" for n in range(1, 20))
    (tmp_path / "s.md").write_text(
        f"# S\n\n## Phase A — Secrets\n\n{FENCE}bash\nexport DB_PASSWORD=hunter2-swordfish; {noise}; "
        f"echo $DB_PASSWORD; echo $DB_PASSWORD | base64\n{FENCE}\n\n"
        f"{FENCE}bash\n{noise}; env | grep -e -abcdef- | sed 's/^/known: /'; {noise}\n{FENCE}\n")
    p = subprocess.run([*RUNBOOK, "execute", "s.md", "-v", "--no-annotate", "--env", "API_TOKEN=tok-abcdef-123"],
                       cwd=tmp_path, env=_env(), capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "hunter2" not in p.stdout + p.stderr and "aHVudGVy" not in p.stdout
    assert "tok-abcdef" not in p.stdout + p.stderr
    assert "│ line 19" in p.stdout and "known: API_TOKEN=••••" in p.stdout
    assert p.stdout.count("│ line 19") == 3  # the second step streamed (once), the first shown at its end


def test_help_texts_read_for_users():
    top = CliRunner().invoke(cli, ["--help"]).output
    commands = top[top.index("Commands:"):]
    assert "..." not in commands and "Run documents, judge each step, write the results." in commands
    execute = CliRunner().invoke(cli, ["execute", "--help"]).output
    assert "spec §" not in execute and "DOC.annotated.md" in execute and "130" in execute
    listing = CliRunner().invoke(cli, ["list", "--help"]).output
    assert "Run only" not in listing and "Only this phase" in listing


def test_report_without_an_output_option_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d.md").write_text(f"# D\n\n{FENCE}bash\necho hi\n{FENCE}\n")
    assert CliRunner().invoke(cli, ["execute", "d.md", "--json", "r.json", "--no-annotate"]).exit_code == 0
    res = CliRunner().invoke(cli, ["report", "r.json"])
    assert res.exit_code == 2 and "no report to write" in res.output and "--html" in res.output
    res = CliRunner().invoke(cli, ["report", "r.json", "--summary", "missing/s.md"])
    assert res.exit_code == 2 and "does not exist" in res.output


def test_report_rerenders_a_many_document_results_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    for name in ("a", "b"):
        (tmp_path / f"{name}.md").write_text(f"# {name}\n\n{FENCE}bash\necho {name}\n{FENCE}\n")
    assert CliRunner().invoke(cli, ["execute", "a.md", "b.md", "--json", "r.json", "--no-annotate"]).exit_code == 0
    res = CliRunner().invoke(cli, ["report", "r.json", "--junit", "r.xml", "--html", "i.html"])
    assert res.exit_code == 0, res.output
    assert Path("r.xml").read_text().count("<testsuite ") == 2
    assert 'href="i-01-a.html"' in Path("i.html").read_text() and Path("i-02-b.html").is_file()
