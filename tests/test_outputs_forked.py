"""The HTML report written by a forked child beside the other outputs (write/forked.py).

A big run's outputs are written on both cores: the HTML by a fork of runbook, the
annotated document, JSON and state file by runbook. The child must write the same bytes,
report its errors through the parent, never leave a partial file, and never outlive the
run: waited for by the parent, stopped when the parent fails, killed when it dies.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest
from report_fixtures import DOC_TEXT, make_document, make_run

from runbook.errors import RunbookError
from runbook.outputs import Outputs, write_outputs
from runbook.source import Source
from runbook.write import forked


two_cpus = pytest.mark.skipif(forked._cpus() < 2, reason="one CPU to run on: runbook writes every output itself, "
                              "without a fork (test_with_one_cpu_to_run_on_the_report_is_written_without_a_fork)")


def _write(tmp_path: Path, name: str, fork: bool, then=None, **paths: str) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(DOC_TEXT, encoding="utf-8")
    src = Source.read(str(doc))
    outputs = Outputs(str(doc), out=paths.get("out", str(tmp_path / f"{name}.md")), json=str(tmp_path / f"{name}.json"),
                      html=paths.get("html", str(tmp_path / f"{name}.html")))
    write_outputs(make_run(), src, DOC_TEXT, make_document(), outputs, lambda s: s.replace("Field", "F***"),
                  then=then, fork_from=1 if fork else 10**9)


def _children() -> list[psutil.Process]:
    return psutil.Process().children(recursive=True)


@two_cpus
def test_the_forked_html_report_is_the_inline_one_byte_for_byte(tmp_path: Path) -> None:
    seen: list[int] = []
    _write(tmp_path, "forked", True, then=lambda: seen.extend(p.pid for p in _children()))
    _write(tmp_path, "inline", False)
    assert seen, "no child wrote the forked report"  # running or not yet waited for: listed
    for ext in ("html", "json", "md"):
        assert (tmp_path / f"forked.{ext}").read_bytes() == (tmp_path / f"inline.{ext}").read_bytes()
    assert b"F***" in (tmp_path / "forked.html").read_bytes()  # the masked text, as inline
    assert not _children()


@two_cpus
def test_an_error_in_the_forked_writer_is_raised_by_the_parent_with_its_path(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "r.html"
    with pytest.raises(RunbookError) as info:
        _write(tmp_path, "r", True, html=str(target))
    assert "missing" in str(info.value)
    assert not target.exists() and not _children()


@two_cpus
def test_a_parent_that_fails_stops_the_child_and_no_partial_report_is_left(tmp_path: Path) -> None:
    def fail() -> None:
        raise RunbookError("the state file failed")

    with pytest.raises(RunbookError, match="the state file failed"):
        _write(tmp_path, "r", True, then=fail)
    assert not _children()
    assert not [p.name for p in tmp_path.iterdir() if "tmp" in p.name or p.name.startswith(".")]


@two_cpus
def test_a_child_whose_parent_is_killed_dies_with_it(tmp_path: Path) -> None:
    # SIGKILL leaves the parent no chance to wait: the child must not go on alone.
    script = textwrap.dedent("""
        import sys, time
        from runbook.write import forked
        child = forked.start(lambda: time.sleep(120), "test")
        print(child.pid, flush=True)
        time.sleep(120)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        pid = int(proc.stdout.readline())
        assert psutil.pid_exists(pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.05)
        assert not _alive(pid)
    finally:
        proc.kill()
        proc.wait()


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@two_cpus
def test_a_child_stopped_mid_write_removes_its_temporary_file_and_is_waited_for(tmp_path: Path) -> None:
    from runbook.write.stream import atomic_write_stream

    def slow(fh) -> None:
        fh.write(b"partial")
        fh.flush()
        time.sleep(120)

    child = forked.start(lambda: atomic_write_stream(tmp_path / "r.html", slow), "test")
    assert child is not None and child.pid != os.getpid()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not list(tmp_path.iterdir()):
        time.sleep(0.02)
    assert [p.name for p in tmp_path.iterdir()][0].startswith(".r.html.")  # mid-write
    started = time.monotonic()
    child.stop()
    assert time.monotonic() - started < 30
    assert list(tmp_path.iterdir()) == []
    assert not psutil.pid_exists(child.pid) and not _children()


def test_with_one_cpu_to_run_on_the_report_is_written_without_a_fork(tmp_path: Path) -> None:
    # A fork on one CPU only adds the pages both processes copy: the writer runs inline.
    if not hasattr(os, "sched_setaffinity"):
        pytest.skip("no CPU affinity on this platform")
    script = textwrap.dedent("""
        import os
        from runbook.write import forked
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        print(forked.start(lambda: None, "test") is None)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "True", out.stderr


@pytest.mark.parametrize("fork", [False, pytest.param(True, marks=two_cpus)])
def test_a_report_that_cannot_be_written_leaves_the_results_written_before_it(tmp_path: Path, fork: bool) -> None:
    # As before the fork: the annotated document and the JSON results are written, then
    # the HTML report's error is raised (exit status 2 at the CLI).
    with pytest.raises(RunbookError):
        _write(tmp_path, "r", fork, html=str(tmp_path / "missing" / "r.html"))
    assert (tmp_path / "r.md").stat().st_size and (tmp_path / "r.json").stat().st_size
    assert not _children()
