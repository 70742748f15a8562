"""Turn benchmark results into the Markdown tables and the JSON file (and the targets verdict)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

Result = dict[str, Any]


class Log:
    """Progress lines on stderr, as they happen."""

    def __call__(self, line: str) -> None:
        print(line, file=sys.stderr, flush=True)


def _find(data: Result, tool: str, workload: str) -> Result | None:
    for r in data["results"]:
        if r["tool"] == tool and r["workload"] == workload:
            return r
    return None


def _ok(data: Result, tool: str, workload: str) -> Result | None:
    r = _find(data, tool, workload)
    return r if r and r["status"] in ("ok", "flaky") and "runs" in r else None


def overheads(data: Result) -> dict[str, float]:
    """Per-step overhead in ms per tool: the slope (T(echo-1000) - T(echo-1)) / 999."""
    out = {}
    for tool in data["settings"]["tools"]:
        a, b = _ok(data, tool, "echo-1"), _ok(data, tool, "echo-1000")
        if a and b:
            out[tool] = (b["wall_s"] - a["wall_s"]) / 999 * 1000
    return out


def _ratio(data: Result, workload: str, base: str, tool: str = "runbook") -> float | None:
    a, b = _ok(data, tool, workload), _ok(data, base, workload)
    return a["wall_s"] / b["wall_s"] if a and b else None


def _wall(data: Result, tool: str, workload: str) -> float | None:
    r = _ok(data, tool, workload)
    return r["wall_s"] if r else None


def _rss(data: Result, tool: str, workload: str) -> float | None:
    r = _ok(data, tool, workload)
    return r["rss_mb"] if r else None


def targets(data: Result) -> list[Result]:
    """Issue 13's targets: each measured for runbook (and runbook-before), PASS / MISS / n/a."""
    rows: list[Result] = []
    ver = data["version_s"]
    over = overheads(data)
    checks: list[tuple[str, str, float, str, Any]] = [
        ("1 echo step, / prysk", "<= 1.0x", 1.0, "{:.2f}x", lambda t: _ratio(data, "echo-1", "prysk", t)),
        ("1000 echo steps, / prysk", "<= 1.0x", 1.0, "{:.2f}x", lambda t: _ratio(data, "echo-1000", "prysk", t)),
        ("5000 echo steps, / prysk", "<= 1.0x", 1.0, "{:.2f}x", lambda t: _ratio(data, "echo-5000", "prysk", t)),
        ("1000 /bin/true steps, / prysk", "<= 1.1x", 1.1, "{:.2f}x",
         lambda t: _ratio(data, "true-1000", "prysk", t)),
        ("per-step overhead (T1000-T1)/999", "<= 0.05 ms", 0.05, "{:.3f} ms", lambda t: over.get(t)),
        ("`--version`", "<= 60 ms", 60, "{:.0f} ms", lambda t: ver[t] * 1000 if t in ver else None),
        ("list, 50,000 steps", "<= 2 s", 2, "{:.2f} s", lambda t: _wall(data, t, "list-50k")),
        ("check, 50,000 steps", "<= 3 s", 3, "{:.2f} s", lambda t: _wall(data, t, "check-50k")),
        ("strip, 50,000 annotated steps", "<= 1 s", 1, "{:.2f} s", lambda t: _wall(data, t, "strip-50k")),
        ("execute + annotation + JSON + HTML, 50,000 steps", "<= 10 s", 10, "{:.1f} s",
         lambda t: _wall(data, t, "execute-full-50k")),
        ("... its peak RSS", "<= 200 MiB (209.7 MB)", 209.7, "{:.0f} MB",
         lambda t: _rss(data, t, "execute-full-50k")),
        ("10 MB step, wall time", "no regression", float("inf"), "{:.2f} s", lambda t: _wall(data, t, "seq-10mb")),
        ("10 MB step, peak RSS", "no regression", float("inf"), "{:.1f} MB", lambda t: _rss(data, t, "seq-10mb")),
        ("50 MB step, wall time", "no regression", float("inf"), "{:.2f} s", lambda t: _wall(data, t, "seq-50mb")),
        ("50 MB step, peak RSS", "no regression", float("inf"), "{:.1f} MB", lambda t: _rss(data, t, "seq-50mb")),
    ]
    for name, goal, limit, fmt, get in checks:
        row: Result = {"target": name, "goal": goal}
        for tool in ("runbook", "runbook-before"):
            value = get(tool)
            row[tool] = "—" if value is None else fmt.format(value)
            if tool == "runbook":
                row["value"] = value
                if value is None:
                    row["status"] = "n/a"
                elif limit == float("inf"):  # compared with the version before
                    old = get("runbook-before")
                    row["status"] = "n/a" if old is None else "PASS" if value <= old * 1.15 else "MISS"
                else:
                    row["status"] = "PASS" if value <= limit else "MISS"
        row["measured"] = row["runbook"]
        rows.append(row)
    return rows


def _cell(r: Result | None, timeout: float) -> str:
    if r is None:
        return "—"
    if r["status"] in ("ok", "flaky") and "runs" in r:
        flaky = f" **{r['detail']}**" if r["status"] == "flaky" else ""
        spread = f" (min {r['min_s']:.3f})" if len(r.get("runs", [])) > 1 else ""
        return f"{r['wall_s']:.3f} s{spread} · {r['rss_mb']:.1f} MB{flaky}"
    if r["status"] in ("hang", "timeout"):
        return f"**{r['status']}** ({r.get('detail') or f'killed at {timeout:g} s'}, {r['rss_mb']:.0f} MB)"
    return f"**{r['status'].upper()}** ({r.get('detail', '')})"


def _cpu_cell(data: Result, tool: str, workload: str) -> str:
    r, base = _ok(data, tool, workload), _ok(data, "prysk", workload)
    if r is None or not r.get("cpu_s"):
        return "—"
    ratio = f" ({r['cpu_s'] / base['cpu_s']:.2f}x)" if base and base.get("cpu_s") and tool != "prysk" else ""
    return f"{r['cpu_s']:.3f} s{ratio}"


def markdown(data: Result) -> str:
    tools = data["settings"]["tools"]
    timeout = data["settings"]["timeout_s"]
    m = data["machine"]
    lines = [
        "# runbook benchmark results", "",
        f"Machine: {m['uname']}, {m['cpus']} CPUs, Python {m['python']}, {m['bash']}.  ",
        "Load average at start {:.2f}, at end {:.2f}. Versions: {}.  ".format(
            m["loadavg_start"][0], m["loadavg_end"][0],
            ", ".join(f"{k} `{v}`" for k, v in m["versions"].items())),
        *([f"CPU time stolen by the virtual machine's host during the run: {m['steal_pct']:.1f}% "
           "(wall times are noisier the higher it is; the CPU table below is much less so).  "]
          if m.get("steal_pct") is not None else []),
        f"Median wall time of {data['settings']['reps']} run(s) · peak RSS (largest process of the "
        f"tool's tree, MB = 10^6 bytes). Hard timeout {timeout:g} s per run.", "",
        "| workload | " + " | ".join(tools) + " |",
        "|---|" + "---|" * len(tools),
    ]
    for name in data["workloads"]:
        lines.append(f"| {name} | " + " | ".join(_cell(_find(data, t, name), timeout) for t in tools)
                     + " |")
    over = data["overhead_ms"]
    lines.append("| per-step overhead (T1000-T1)/999 | "
                 + " | ".join(f"{over[t]:.3f} ms" if t in over else "—" for t in tools) + " |")
    ver = data["version_s"]
    lines.append("| `--version` startup (median) | "
                 + " | ".join(f"{ver[t] * 1000:.0f} ms" if t in ver else "—" for t in tools) + " |")
    lines += ["", "CPU time (user + system of the tool and every process it waited for: its shell "
              "and the steps' commands), median, and its ratio to prysk:", "",
              "| workload | " + " | ".join(tools) + " |", "|---|" + "---|" * len(tools)]
    for name in data["workloads"]:
        lines.append(f"| {name} | " + " | ".join(_cpu_cell(data, t, name) for t in tools) + " |")
    lines += ["", "Workloads: " + "; ".join(f"`{k}` = {v}" for k, v in data["workloads"].items()) + ".",
              "", "Negative control (step 2 expects the wrong output, every tool must fail): "
              + ", ".join(f"{t} {'failed (good)' if s == 'fail' else '**' + str(s) + '**'}"
                          for t, s in data["control"].items()) + ".", "",
              "## Targets (issue 13)", "", "| target | goal | runbook | runbook-before | verdict |",
              "|---|---|---|---|---|"]
    for t in data["targets"]:
        lines.append(f"| {t['target']} | {t['goal']} | {t['runbook']} | {t['runbook-before']} | {t['status']} |")
    for base in ("prysk-sh", "cram", "byexample"):
        parts = []
        for name in ("echo-1000", "true-1000", "seq-10mb"):
            r = _ratio(data, name, base)
            if r is not None:
                parts.append(f"{name} {r:.2f}x")
        if parts:
            lines.append(f"\nFor reference, runbook / {base}: " + ", ".join(parts) + ".")
    notes = [f"- {r['tool']} on {r['workload']}: {r['note']}" for r in data["results"] if r.get("note")]
    failures = [f"- {r['tool']} on {r['workload']}: {r['status']} ({r.get('detail', '')}); output tail: "
                f"`{' '.join(str(r.get('tail', '')).split())[-200:]}`"
                for r in data["results"] if r["status"] != "ok"]
    if notes:
        lines += ["", "## Equivalence notes", "", *notes]
    if failures:
        lines += ["", "## Failures, hangs and timeouts", "", *failures]
    return "\n".join(lines) + "\n"


def write(data: Result, out: Path, log: Log) -> None:
    text = markdown(data)
    (out / "results.md").write_text(text, encoding="utf-8")
    (out / "results.json").write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    print(text)
    log(f"wrote {out / 'results.md'} and {out / 'results.json'}")


def write_floor(data: Result, out: Path, log: Log) -> None:
    lines = ["# Floors on this machine (pexpect + bash + markdown-it-py)", "",
             "| measurement | result |", "|---|---|"]
    lines += [f"| {row['what']} | {row['result']} |" for row in data["rows"]]
    text = "\n".join(lines) + "\n"
    (out / "floor.md").write_text(text, encoding="utf-8")
    (out / "floor.json").write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    print(text)
    log(f"wrote {out / 'floor.md'} and {out / 'floor.json'}")


__all__ = ["Log", "markdown", "overheads", "targets", "write", "write_floor"]
