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
    """Per-step overhead in ms per tool: (T(echo-1000) - T(echo-100)) / 900."""
    out = {}
    for tool in data["settings"]["tools"]:
        a, b = _ok(data, tool, "echo-100"), _ok(data, tool, "echo-1000")
        if a and b:
            out[tool] = (b["wall_s"] - a["wall_s"]) / 900 * 1000
    return out


def _ratio(data: Result, workload: str, base: str) -> float | None:
    a, b = _ok(data, "runbook", workload), _ok(data, base, workload)
    return a["wall_s"] / b["wall_s"] if a and b else None


def targets(data: Result) -> list[Result]:
    """The issue's targets, each with what was measured and PASS / MISS (n/a: not measured)."""
    rows: list[Result] = []

    def add(name: str, goal: str, value: float | None, limit: float, fmt: str) -> None:
        status = "n/a" if value is None else ("PASS" if value <= limit else "MISS")
        rows.append({"target": name, "goal": goal, "value": value,
                     "measured": "not measured" if value is None else fmt.format(value),
                     "status": status})

    over = overheads(data).get("runbook")
    add("per-step overhead (T1000-T100)/900", "< 0.15 ms", over, 0.15, "{:.3f} ms")
    add("1000 echo steps, runbook / prysk", "<= 1.5x", _ratio(data, "echo-1000", "prysk"), 1.5, "{:.2f}x")
    add("1000 /bin/true steps, runbook / prysk", "<= 1.2x", _ratio(data, "true-1000", "prysk"), 1.2,
        "{:.2f}x")
    seq = _ok(data, "runbook", "seq-10mb")
    add("10 MB step, wall time", "< 1.5 s", seq["wall_s"] if seq else None, 1.5, "{:.2f} s")
    add("10 MB step, peak RSS", "< 100 MB", seq["rss_mb"] if seq else None, 100, "{:.1f} MB")
    ver = data["version_s"].get("runbook")
    add("`runbook --version`", "< 150 ms", ver * 1000 if ver is not None else None, 150, "{:.0f} ms")
    return rows


def _cell(r: Result | None, timeout: float) -> str:
    if r is None:
        return "—"
    if r["status"] in ("ok", "flaky") and "runs" in r:
        flaky = f" **{r['detail']}**" if r["status"] == "flaky" else ""
        spread = f" (min {r['min_s']:.3f})" if len(r.get("runs", [])) > 1 else ""
        return f"{r['wall_s']:.3f} s{spread} · {r['rss_mb']:.1f} MB{flaky}"
    if r["status"] in ("hang", "timeout"):
        return f"**{r['status']}** (killed at {timeout:g} s, {r['rss_mb']:.0f} MB)"
    return f"**{r['status'].upper()}** ({r.get('detail', '')})"


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
        f"Median wall time of {data['settings']['reps']} run(s) · peak RSS (largest process of the "
        f"tool's tree, MB = 10^6 bytes). Hard timeout {timeout:g} s per run.", "",
        "| workload | " + " | ".join(tools) + " |",
        "|---|" + "---|" * len(tools),
    ]
    for name in data["workloads"]:
        lines.append(f"| {name} | " + " | ".join(_cell(_find(data, t, name), timeout) for t in tools)
                     + " |")
    over = data["overhead_ms"]
    lines.append("| per-step overhead (T1000-T100)/900 | "
                 + " | ".join(f"{over[t]:.3f} ms" if t in over else "—" for t in tools) + " |")
    ver = data["version_s"]
    lines.append("| `--version` startup (median) | "
                 + " | ".join(f"{ver[t] * 1000:.0f} ms" if t in ver else "—" for t in tools) + " |")
    lines += ["", "Workloads: " + "; ".join(f"`{k}` = {v}" for k, v in data["workloads"].items()) + ".",
              "", "Negative control (step 2 expects the wrong output, every tool must fail): "
              + ", ".join(f"{t} {'failed (good)' if s == 'fail' else '**' + str(s) + '**'}"
                          for t, s in data["control"].items()) + ".", "",
              "## Targets (issue 2, item 10)", "", "| target | goal | measured | verdict |",
              "|---|---|---|---|"]
    for t in data["targets"]:
        lines.append(f"| {t['target']} | {t['goal']} | {t['measured']} | {t['status']} |")
    for base in ("prysk-sh", "byexample"):
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
