"""Measure the floors under any pexpect-driven runner on this machine.

A persistent bash under pexpect, tuned (``--noediting``, ``delaybeforesend=None``,
``delayafterread=None``, tty echo off): the round trip of a builtin; the same with
line editing on and with pexpect's default send delay; sourcing a temporary file
with stdin at /dev/null (how a runner isolates a step), with and without a fork;
streaming 10 MB through pexpect (in a child process, for an honest peak RSS);
and markdown-it-py parsing a 1000-block document.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import pexpect
import workloads as wl

ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
       "TERM": "dumb", "LC_ALL": "C.UTF-8", "PS1": "", "PS2": ""}


def spawn(editing: bool = False, delay: float | None = None) -> pexpect.spawn:
    args = ["--noprofile", "--norc"] + ([] if editing else ["--noediting"])
    child = pexpect.spawn("bash", args, env=ENV, echo=False, encoding=None, maxread=65536)
    child.delaybeforesend = delay
    child.delayafterread = None
    child.sendline(b"PS1=''; PS2=''; unset PROMPT_COMMAND; set +H; echo __RE\"\"ADY__")
    child.expect_exact(b"__READY__\r\n", timeout=10)
    return child


def round_trips(child: pexpect.spawn, n: int, line: Callable[[int], str]) -> float:
    """Seconds per round trip, median of 3 batches of n // 3 (a burst of load spoils one batch)."""
    k = max(1, n // 3)
    return statistics.median(_batch(child, k, line) for _ in range(3))


def _batch(child: pexpect.spawn, n: int, line: Callable[[int], str]) -> float:
    """Send n lines that each end by printing a unique sentinel, wait for each; seconds per line.

    The sentinel is split by quotes in the command, so echoed input cannot match it.
    """
    t0 = time.perf_counter()
    for i in range(n):
        child.send(f'{line(i)}; echo "__FL""R{i}__"\n'.encode())
        child.expect_exact(f"__FLR{i}__\r\n".encode(), timeout=10)
    return (time.perf_counter() - t0) / n


def stream(size_lines: int) -> tuple[float, int]:
    """Stream `seq 1 N` through a tuned read loop; (seconds, bytes). Run in a child for RSS."""
    child = spawn()
    sentinel = b"__FLEND__\r\n"
    t0 = time.perf_counter()
    child.send(f'seq 1 {size_lines}; echo "__FL""END__"\n'.encode())
    chunks: list[bytes] = []
    tail = b""
    while True:
        data = child.read_nonblocking(65536, timeout=60)
        chunks.append(data)
        window = tail + data
        if sentinel in window:
            break
        tail = window[-len(sentinel):]
    took = time.perf_counter() - t0
    total = sum(map(len, chunks))
    child.close(force=True)
    return took, total


def _stream_child() -> tuple[float, int, int]:
    """Run stream() in a fresh interpreter through GNU time; (seconds, bytes, peak KiB)."""
    code = ("import sys; sys.path.insert(0, %r); import floor; t, n = floor.stream(%d); print(t, n)"
            % (str(Path(__file__).parent), wl.SEQ_N))
    with tempfile.NamedTemporaryFile("r") as rss:
        out = subprocess.run(["/usr/bin/time", "-q", "-f", "%M", "-o", rss.name, sys.executable, "-c",
                              code], capture_output=True, text=True, check=True).stdout.split()
        return float(out[0]), int(out[1]), int(rss.read().split()[-1])


def parse_time(reps: int) -> float:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    text = wl.runbook_doc(next(w for w in wl.workloads() if w.name == "echo-1000"))
    md = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
    walls = []
    for _ in range(reps):
        t0 = time.perf_counter()
        md.parse(text)
        walls.append(time.perf_counter() - t0)
    return statistics.median(walls)


def startup(cmd: list[str], n: int) -> float:
    walls = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.perf_counter() - t0)
    return statistics.median(walls)


def run_all(quick: bool, log: Callable[[str], None]) -> dict[str, Any]:
    n = 300 if quick else 2000
    rows: list[dict[str, Any]] = []

    def add(what: str, value: float, unit: str, fmt: str = "{:.3f}") -> None:
        rows.append({"what": what, "value": value, "unit": unit, "result": f"{fmt.format(value)} {unit}"})
        log(f"  {what}: {fmt.format(value)} {unit}")

    with tempfile.TemporaryDirectory() as tmp:
        step = Path(tmp) / "step.sh"
        step.write_text("echo step-1\n")
        true_step = Path(tmp) / "true.sh"
        true_step.write_text("/bin/true; echo step-1\n")
        child = spawn()
        round_trips(child, 50, lambda i: ":")  # warm up
        add("builtin round trip (`:` + sentinel), --noediting, no delays",
            round_trips(child, n, lambda i: ":") * 1000, "ms")
        add("`echo step-N` round trip, --noediting, no delays",
            round_trips(child, n, lambda i: f"echo step-{i}") * 1000, "ms")
        add("source a temp file with stdin at /dev/null (`echo`)",
            round_trips(child, n, lambda i: f". {step} </dev/null") * 1000, "ms")
        for folder in (tmp, "/dev/shm"):
            if not os.access(folder, os.W_OK):
                continue
            with tempfile.NamedTemporaryFile("w", dir=folder, suffix=".sh") as fh:
                fd = fh.fileno()

                def fresh(i: int) -> str:  # what a runner does per step: write the step, source it
                    os.ftruncate(fd, 0)
                    os.pwrite(fd, f"echo step-{i}\n".encode(), 0)
                    return f". {fh.name} </dev/null"

                where = "/dev/shm (tmpfs)" if folder == "/dev/shm" else f"{tempfile.gettempdir()} (TMPDIR)"
                add(f"rewrite the step file in {where} (ftruncate + pwrite) + source it </dev/null",
                    round_trips(child, n, fresh) * 1000, "ms")
        add("source a temp file with stdin at /dev/null (`/bin/true; echo`)",
            round_trips(child, n // 2, lambda i: f". {true_step} </dev/null") * 1000, "ms")
        add("`/bin/true` round trip (one fork+exec)",
            round_trips(child, n // 2, lambda i: "/bin/true") * 1000, "ms")
        child.close(force=True)
        child = spawn(editing=True)
        round_trips(child, 20, lambda i: ":")
        add("builtin round trip, line editing on", round_trips(child, n // 2, lambda i: ":") * 1000, "ms")
        child.close(force=True)
        child = spawn(delay=0.05)  # pexpect's default delaybeforesend
        add("builtin round trip, pexpect default delaybeforesend=0.05",
            round_trips(child, 10 if quick else 20, lambda i: ":") * 1000, "ms")
        child.close(force=True)
    took, size, kib = _stream_child()
    add(f"stream `seq 1 {wl.SEQ_N}` ({size / 1e6:.1f} MB with the pty's CRLF) through pexpect, tuned read loop: time",
        took, "s")
    add("  same: peak RSS of the whole Python process", kib * 1024 / 1e6, "MB", "{:.1f}")
    add("markdown-it-py parse of the 1000-step runbook document (median of 5)",
        parse_time(5) * 1000, "ms", "{:.1f}")
    add("`python -c pass` startup (median of 10)", startup([sys.executable, "-c", "pass"], 10) * 1000,
        "ms", "{:.0f}")
    add("`python -c 'import click'` startup (median of 10)",
        startup([sys.executable, "-c", "import click"], 10) * 1000, "ms", "{:.0f}")
    return {"rows": rows, "loadavg": os.getloadavg(), "iterations": n}
