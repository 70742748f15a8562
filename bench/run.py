"""Benchmark `runbook execute` beside prysk (cram format) and byexample on equivalent documents.

Usage: .venv/bin/python bench/run.py [--quick] [--reps N] [--timeout S] [--out bench/out]
       .venv/bin/python bench/run.py --floor      # pexpect / bash / parser floors only
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import measure
import report
import workloads as wl

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent if (Path(sys.executable).parent / "prysk").exists() \
    else ROOT / ".venv" / "bin"
SLOW_RUN_S = 1.0  # a first run slower than this counts as a sample (no separate warm-up)


BASELINE: Path | None = None  # --baseline: the runbook executable of an older version


def runbook_cmd(exe: str, w: wl.Workload, doc: Path, json_path: Path | None) -> list[str]:
    """runbook's command line for a workload's command (execute, list, check, strip, execute-full)."""
    if w.command == "list":
        return [exe, "list", str(doc)]
    if w.command == "check":  # echo steps have no PASS-if criterion: RB102 is expected, not a failure
        return [exe, "check", "--ignore", "RB102", str(doc)]
    if w.command == "strip":
        return [exe, "strip", str(doc), "-o", str(doc.with_suffix(".stripped.md"))]
    cmd = [exe, "execute", str(doc), "-q", "--no-color"]
    if w.command == "execute-full":
        out = doc.with_suffix("")
        json_path = json_path or Path(f"{out}.timed.json")
        return cmd + ["-o", f"{out}.annotated.md", "--html", f"{out}.html", "--json", str(json_path)]
    return cmd + ["--no-annotate"] + (["--json", str(json_path)] if json_path else [])


def tool_cmd(tool: str, doc: Path, timeout: float, json_path: Path | None = None,
             w: wl.Workload | None = None) -> list[str]:
    """The command line for one tool on one document."""
    if tool in wl.RUNBOOKS:
        exe = str(BASELINE) if tool == "runbook-before" else str(VENV_BIN / "runbook")
        return runbook_cmd(exe, w or wl.Workload("", "", []), doc, json_path)
    if tool == "cram":
        return [str(VENV_BIN / "cram"), f"--shell={shutil.which('bash') or '/bin/bash'}", str(doc)]
    if tool == "prysk":
        return [str(VENV_BIN / "prysk"), "--shell", shutil.which("bash") or "/bin/bash", str(doc)]
    if tool == "prysk-sh":
        return [str(VENV_BIN / "prysk"), str(doc)]  # prysk's default shell, /bin/sh
    if tool == "byexample":
        # Its own per-example timeout (2 s by default) is raised above the harness
        # timeout, so a blocked step shows as a hang, as for the other tools.
        return [str(VENV_BIN / "byexample"), "-l", "shell", "--no-progress-bar", "--pretty", "none",
                "--timeout", str(int(timeout * 3)), str(doc)]
    raise ValueError(tool)


def tool_env(pycache: Path) -> dict[str, str]:
    """The tools' environment: no colour, and byte-code caching on for every tool alike.

    With PYTHONDONTWRITEBYTECODE set (as in some dev shells) an editable install
    recompiles its sources on every run while wheel-installed peers load their
    .pyc files: a bias of ~50-100 ms per run.  A private PYTHONPYCACHEPREFIX
    gives every tool a warm cache after the warm-up run without writing into
    the source tree.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(NO_COLOR="1", LC_ALL=env.get("LC_ALL", "C.UTF-8"), PYTHONPYCACHEPREFIX=str(pycache))
    return env


def check_runbook_json(path: Path, workload: wl.Workload) -> str:
    """'' when runbook's JSON shows every step found and passed, else what is wrong."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        return f"no readable --json results ({err})"
    summary = data.get("summary", {})
    want = len(workload.steps)
    if summary.get("total") != want or summary.get("pass") != want:
        return f"--json summary {summary} but the document has {want} steps"
    return ""


def bench_workload(w: wl.Workload, docs: Path, tools: list[str], reps: int, timeout: float,
                   env: dict[str, str], log: Callable[[str], None]) -> list[dict[str, object]]:
    """Validate then time every tool on one workload; reps are interleaved across tools."""
    paths = wl.write_docs(w, docs, tools)
    results: dict[str, dict[str, object]] = {}
    samples: dict[str, list[measure.Measurement]] = {}
    timeout = w.timeout or timeout
    for tool in [t for t in tools if t in w.tools]:
        execute = w.command in ("execute", "execute-full")
        jpath = docs / f"{w.name}.{tool}.json" if tool in wl.RUNBOOKS and execute else None
        m = measure.run(tool_cmd(tool, paths[tool], timeout, jpath, w), docs, timeout, env)
        res: dict[str, object] = {"tool": tool, "workload": w.name, "note": w.notes.get(tool, "")}
        results[tool] = res
        status, problem = "ok", ""
        if m.timed_out:
            status = "hang" if w.name == "cat-stdin" else "timeout"
            problem = f"killed after {timeout:g} s"
        elif m.exit_code != 0:
            status, problem = "fail", f"exit {m.exit_code}"
        elif jpath is not None and (wrong := check_runbook_json(jpath, w)):
            status, problem = "fail", wrong
        if problem:
            res.update(status=status, detail=problem, tail=m.tail[-600:], rss_mb=m.rss_kib * 1024 / 1e6,
                       wall_s=m.wall_s, rss_source=m.rss_source)
            log(f"  {tool:10s} {w.name:14s} {status.upper()}: {problem}")
            continue
        res["status"] = "ok"
        samples[tool] = [m] if m.wall_s > SLOW_RUN_S else []
    reps = min(reps, w.max_reps)
    for _ in range(reps):
        for tool, got in samples.items():
            if len(got) < reps:
                got.append(measure.run(tool_cmd(tool, paths[tool], timeout, None, w), docs, timeout, env))
    for tool, got in samples.items():
        if not got:  # reps == 0: validation only
            continue
        bad = [m for m in got if not m.ok]
        good = [m for m in got if m.ok]
        if not good:
            results[tool].update(status="fail", detail=f"all {len(got)} timed runs failed",
                                 tail=bad[0].tail[-600:])
            log(f"  {tool:10s} {w.name:14s} FAIL: every timed run failed")
            continue
        # Times of failed runs are not times of the workload: stats over the good runs only.
        walls = [m.wall_s for m in good]
        results[tool].update(
            runs=walls, wall_s=statistics.median(walls), min_s=min(walls),
            cpu_s=statistics.median(m.cpu_s for m in good),
            rss_mb=max(m.rss_kib for m in good) * 1024 / 1e6, rss_source=good[0].rss_source)
        if bad:
            results[tool].update(status="flaky", detail=f"{len(bad)} of {len(got)} runs failed",
                                 tail=bad[0].tail[-600:])
        log(f"  {tool:10s} {w.name:14s} median {results[tool]['wall_s']:.3f} s "
            f"cpu {results[tool]['cpu_s']:.3f} s peak {results[tool]['rss_mb']:.1f} MB ({len(good)} good runs of {len(got)})")
    return list(results.values())


def startup(tools: list[str], n: int, env: dict[str, str]) -> dict[str, float]:
    """Median wall time of `<tool> --version` over n runs, per tool."""
    names = {"runbook": "runbook", "prysk": "prysk", "cram": "cram", "byexample": "byexample"}
    exes = {t: str(VENV_BIN / name) for t, name in names.items()}
    if BASELINE is not None:
        exes["runbook-before"] = str(BASELINE)
    out: dict[str, float] = {}
    for tool in [t for t in tools if t in exes]:
        walls = []
        for _ in range(n):
            m = measure.run([exes[tool], "--version"], ROOT, 30, env)
            if m.exit_code != 0:
                break
            walls.append(m.wall_s)
        if walls:
            out[tool] = statistics.median(walls)
    return out


def machine() -> dict[str, object]:
    def version(tool: str) -> str:
        try:
            p = subprocess.run([str(VENV_BIN / tool), "--version"], capture_output=True, text=True,
                               timeout=30)
            return (p.stdout or p.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "unavailable"

    bash = subprocess.run(["bash", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return {"uname": " ".join(platform.uname()[:3]), "cpus": os.cpu_count(),
            "python": platform.python_version(), "bash": bash, "loadavg_start": os.getloadavg(),
            "versions": {t: version(t) for t in ("runbook", "prysk", "cram", "byexample")}
            | ({"runbook-before": subprocess.run([str(BASELINE), "--version"], capture_output=True,
                                                 text=True).stdout.strip()} if BASELINE else {})}


def cpu_ticks() -> dict[str, int]:
    """The machine's CPU time so far (``/proc/stat``, clock ticks): all of it, and the part a
    virtual machine's host gave to others while this one wanted to run (``steal``)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return {}
    return {"total": sum(fields[:8]), "steal": fields[7] if len(fields) > 7 else 0}


def wait_for_quiet(limit: float, max_s: float, log: "report.Log") -> None:
    """Benchmarks on a busy machine measure the neighbours: wait for the load to drop."""
    end = time.monotonic() + max_s
    while os.getloadavg()[0] >= limit and time.monotonic() < end:
        log(f"load {os.getloadavg()[0]:.2f} >= {limit:g}: waiting")
        time.sleep(15)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1 timed run each, 20 s timeout, skip extras")
    ap.add_argument("--reps", type=int, help="timed runs per tool and workload (default 5)")
    ap.add_argument("--timeout", type=float, help="hard timeout per run in seconds (default 30)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--tools", default=",".join(wl.TOOLS), help="comma-separated subset")
    ap.add_argument("--workloads", help="comma-separated subset of workload names")
    ap.add_argument("--keep-docs", action="store_true", help="keep the generated documents in OUT/docs")
    ap.add_argument("--floor", action="store_true", help="measure the pexpect/bash/parser floors only")
    ap.add_argument("--wait-load", type=float, metavar="L",
                    help="first wait (up to --wait-max s) until the 1-minute load average is below L")
    ap.add_argument("--wait-max", type=float, default=900.0, metavar="S")
    ap.add_argument("--baseline", type=Path, metavar="EXE",
                    help="an older runbook executable, measured beside this tree as runbook-before")
    args = ap.parse_args(argv)
    global BASELINE
    BASELINE = args.baseline
    args.out.mkdir(parents=True, exist_ok=True)
    log = report.Log()
    if args.wait_load is not None:
        wait_for_quiet(args.wait_load, args.wait_max, log)
    if args.floor:
        import floor
        data = floor.run_all(quick=args.quick, log=log)
        report.write_floor(data, args.out, log)
        return 0

    reps = args.reps or (1 if args.quick else 5)
    timeout = args.timeout or (20.0 if args.quick else 30.0)
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    if BASELINE is not None and "runbook-before" not in tools:
        tools.insert(1, "runbook-before")
    tools = [t for t in tools if t != "runbook-before" or BASELINE is not None]
    tools = [t for t in tools if t in wl.RUNBOOKS or (VENV_BIN / t.replace("-sh", "")).exists()]
    chosen = set(args.workloads.split(",")) if args.workloads else None
    todo = [w for w in wl.workloads() if (w.name in chosen if chosen else (w.quick or not args.quick))]
    pycache = Path(tempfile.mkdtemp(prefix="runbook-bench-pycache-"))
    env = tool_env(pycache)
    info = machine()
    log(f"machine: {info['uname']}, {info['cpus']} cpus, load {info['loadavg_start']}")
    docs = args.out / "docs" if args.keep_docs else Path(tempfile.mkdtemp(prefix="runbook-bench-"))
    started, ticks = time.time(), cpu_ticks()
    try:
        log("negative control (every tool must FAIL a wrong expectation):")
        control = bench_workload(wl.control(), docs, tools, 0, timeout, env, log=lambda s: None)
        controls = {r["tool"]: r["status"] for r in control}
        log("  " + ", ".join(f"{t}: {'fails as it must' if s == 'fail' else 'DID NOT FAIL: ' + str(s)}"
                             for t, s in controls.items()))
        results: list[dict[str, object]] = []
        for w in todo:
            log(f"{w.name}: {w.summary}")
            results += bench_workload(w, docs, tools, reps, timeout, env, log)
        log("startup: --version, median of 20")
        versions = startup(tools, 5 if args.quick else 20, env)
    finally:
        shutil.rmtree(pycache, ignore_errors=True)
        if not args.keep_docs:
            shutil.rmtree(docs, ignore_errors=True)
    info["loadavg_end"] = os.getloadavg()
    end_ticks = cpu_ticks()
    if ticks and end_ticks and end_ticks["total"] > ticks["total"]:
        info["steal_pct"] = 100 * (end_ticks["steal"] - ticks["steal"]) / (end_ticks["total"] - ticks["total"])
    data = {"machine": info, "settings": {"reps": reps, "timeout_s": timeout, "tools": tools,
                                          "quick": args.quick},
            "duration_s": time.time() - started, "control": controls,
            "workloads": {w.name: w.summary for w in todo}, "results": results,
            "version_s": versions}
    data["targets"] = report.targets(data)
    data["overhead_ms"] = report.overheads(data)
    report.write(data, args.out, log)
    return 0


if __name__ == "__main__":
    sys.exit(main())
