"""Generate equivalent test documents for runbook, prysk (cram format) and byexample.

Every workload is a list of steps (command, expected output).  Each tool gets
the same steps in its own native syntax, with the same expectations, so the
tools do the same work: run each command in one persistent shell and compare
its output with the documented output.  Where a tool lacks a feature the
other tools use (prysk has no multi-line wildcard), it gets the strictest
honest equivalent (the full expected text) and the workload says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SEQ_N = 1_500_000  # `seq 1 1500000` prints 10,888,897 bytes (~10.4 MiB)

TOOLS = ("runbook", "prysk", "prysk-sh", "cram", "byexample")
RUNBOOKS = ("runbook", "runbook-before")  # this tree, and --baseline (an older install)
ALL = RUNBOOKS + TOOLS[1:]
BIG_N = 50_000


@dataclass(frozen=True)
class Step:
    """One command and what it must print.

    ``expected`` is the full literal output (None: no expectation beyond
    success).  ``elided`` is a first-line / wildcard / last-line form of it
    for tools with a multi-line wildcard (runbook `...`, byexample `<...>`).
    """

    command: str
    expected: str | None
    elided: tuple[str, str] | None = None


@dataclass(frozen=True)
class Workload:
    """A named list of steps and which tools run it."""

    name: str
    summary: str
    steps: list[Step]
    tools: tuple[str, ...] = ALL
    quick: bool = True  # part of --quick runs
    full_expected: bool = False  # runbook/byexample also get the full literal text
    notes: dict[str, str] = field(default_factory=dict)
    command: str = "execute"  # runbook only: list, check, strip, or execute-full (annotation, JSON, HTML)
    annotated: bool = False  # runbook document carries a result region after each step (strip)
    max_reps: int = 99  # big workloads: fewer timed runs
    timeout: float | None = None  # overrides --timeout for this workload


def echo_steps(n: int, prefix: str = "") -> list[Step]:
    return [Step(f"{prefix}echo step-{i}", f"step-{i}") for i in range(1, n + 1)]


def seq_step(n: int = SEQ_N) -> Step:
    full = "".join(f"{i}\n" for i in range(1, n + 1))
    return Step(f"seq 1 {n}", full, elided=("1", str(n)))


def big(command: str, annotated: bool = False) -> Workload:
    """A 50,000-step document through one runbook command (runbook versions only)."""
    return Workload(f"{command}-50k", f"`runbook {command}` of {BIG_N:,} echo steps"
                    + (" (annotated)" if annotated else ""), echo_steps(BIG_N), tools=RUNBOOKS,
                    quick=False, command=command, annotated=annotated, max_reps=3, timeout=220.0)


def workloads() -> list[Workload]:
    """Every workload, in the order they are run and reported."""
    return [
        Workload("echo-1", "1 step `echo step-1`", echo_steps(1)),
        Workload("echo-100", "100 steps `echo step-N`", echo_steps(100)),
        Workload("echo-1000", "1000 steps `echo step-N`", echo_steps(1000)),
        Workload("echo-5000", "5000 steps `echo step-N`", echo_steps(5000)),
        Workload("true-1000", "1000 steps `/bin/true; echo step-N` (one fork+exec each)",
                 echo_steps(1000, prefix="/bin/true; ")),
        Workload("seq-10mb", "1 step `seq 1 1500000` (10.4 MiB of output)", [seq_step()],
                 notes={"runbook": "expected `1` / `...` / `1500000`",
                        "byexample": "expected `1` / `<...>` / `1500000`",
                        "prysk": "full 1.5M-line expected text (cram has no multi-line wildcard)",
                        "prysk-sh": "full 1.5M-line expected text"}),
        Workload("seq-10mb-full", "as seq-10mb, runbook given the full 1.5M-line expected text "
                 "(what prysk compares)", [seq_step()], tools=RUNBOOKS, quick=False,
                 full_expected=True),
        Workload("seq-50mb", "1 step `seq 1 6500000` (52 MB of output)", [seq_step(6_500_000)],
                 tools=RUNBOOKS, quick=False, notes={"runbook": "expected `1` / `...` / `6500000`"}),
        big("list"), big("check"), big("strip", annotated=True), big("execute-full"),
        Workload("cat-stdin", "step 1 `cat` (reads stdin), step 2 `echo after-cat`",
                 [Step("cat", None), Step("echo after-cat", "after-cat")]),
    ]


def control() -> Workload:
    """Negative control: step 2 documents the wrong output, every tool must fail."""
    steps = echo_steps(3)
    steps[1] = Step("echo step-2", "step-X")
    return Workload("control", "3 steps, step 2 expects the wrong text (must FAIL)", steps)


# --- renderers -------------------------------------------------------------

def _lines(text: str) -> list[str]:
    return text.splitlines()


def runbook_doc(w: Workload) -> str:
    """A bash block per step, its expected output in an `output` block right after."""
    parts = [f"# bench {w.name}\n"]
    for s in w.steps:
        parts.append(f"```bash\n{s.command}\n```\n")
        if s.expected is None:
            continue
        if s.elided and not w.full_expected:
            body = f"{s.elided[0]}\n...\n{s.elided[1]}\n"
        else:
            body = s.expected if s.expected.endswith("\n") else s.expected + "\n"
        parts.append(f"```output\n{body}```\n")
        if w.annotated:  # what `runbook execute` leaves after a step (strip reads it)
            parts.append(f"<!-- runbook:begin result {len(parts)} lines=4 -->\n✅ **pass**\n"
                         f"_exit 0 · 0.01 s_\n<!-- runbook:end -->\n")
    return "\n".join(parts)


def cram_doc(w: Workload) -> str:
    """Cram/prysk `.t`: two-space indented `$ ` commands, output lines below."""
    out = [f"bench {w.name}\n"]
    for s in w.steps:
        out.append(f"  $ {s.command}\n")
        if s.expected is not None:
            out.extend(f"  {line}\n" for line in _lines(s.expected))
    return "".join(out)


def byexample_doc(w: Workload) -> str:
    """byexample Markdown: a `shell` block per step, `$ ` prompt then output."""
    parts = [f"# bench {w.name}\n"]
    for s in w.steps:
        if s.expected is None:
            body = ""
        elif s.elided and not w.full_expected:
            body = f"{s.elided[0]}\n<...>\n{s.elided[1]}\n"
        else:
            body = s.expected if s.expected.endswith("\n") else s.expected + "\n"
        parts.append(f"```shell\n$ {s.command}\n{body}```\n")
    return "\n".join(parts)


def write_docs(w: Workload, folder: Path, tools: list[str]) -> dict[str, Path]:
    """Write the workload's document for each of ``tools`` that runs it; return tool -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for tool in [t for t in w.tools if t in tools]:
        if tool in RUNBOOKS:
            p, text = folder / f"{w.name}.md", runbook_doc(w)
        elif tool in ("prysk", "prysk-sh", "cram"):
            p, text = folder / f"{w.name}.t", cram_doc(w)
        elif tool == "byexample":
            p, text = folder / f"{w.name}.byexample.md", byexample_doc(w)
        else:
            raise ValueError(tool)
        if not p.exists():
            p.write_text(text, encoding="utf-8")
        paths[tool] = p
    return paths
