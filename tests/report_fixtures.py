"""A rich, hand-built run (every status, drift, diff, troubleshooting, hostile text)
and the document it came from, shared by the report tests."""

from __future__ import annotations

from runbook.model import (
    Check,
    Command,
    Document,
    Output,
    Phase,
    PhaseResult,
    RunResult,
    Span,
    Status,
    Step,
    StepResult,
    TroubleMatch,
    TroubleRow,
)
from runbook.source import split_lines

#: Would run if any report let it through as markup: each sets a marker the tests look for.
XSS_SCRIPT = "<script>document.title='PWNED';window.__pwned=1</script>"
XSS_IMG = "\"><img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
XSS = XSS_SCRIPT + XSS_IMG
#: Characters XML 1.0 cannot hold, plus an ANSI escape and a lone surrogate (from
#: surrogateescape-decoded bytes).
HOSTILE_BYTES = "nul:\x00 bell:\x07 esc:\x1b[31m vt:\x0b ff:\x0c surrogate:\udcff end & < > ]]>"

DOC_TEXT = """\
---
runbook:
  timeout: 30
---
# Field trial

Run this *before* every release. See [the guide](https://example.org/guide).

![architecture](https://example.org/arch.png)

<!-- runbook: note for the tool -->

## Phase A — Startup
<!-- runbook: blocking -->

### A1. Check docker

```bash
docker --version
```

Expected output:

```text
Docker version 28...
```

PASS if exit code is 0.

### A2. Compose file

```bash
cat compose.yaml
```

PASS if output contains `services:` and output contains `healthcheck`

| Symptom | Cause | Fix |
|---|---|---|
| `no such file` | wrong folder | `cd` into the repo |

### A3. Health <script>document.title='PWNED'</script>

```bash
curl -s localhost:8080/health
```

PASS if output contains `"ok"` and the dashboard looks right

## Phase B — Data

### B1. Load

```bash
./load.sh
```

<details><summary>Why</summary>It seeds the <b>demo</b> data.</details>

## Phase C — Cleanup

```bash
docker compose down
```

```powershell
Get-Process
```
"""

_LINES = split_lines(DOC_TEXT)


def _block(first_line: str, occurrence: int = 0) -> Span:
    """Span of the fenced block whose opening fence is the n-th line equal to ``first_line``."""
    seen = 0
    for i, line in enumerate(_LINES):
        if line.rstrip("\n") == first_line:
            if seen == occurrence:
                end = i + 1
                while not _LINES[end].startswith("```"):
                    end += 1
                return Span(i, end + 1)
            seen += 1
    raise AssertionError(first_line)


def _line_of(text: str) -> int:
    return next(i for i, line in enumerate(_LINES) if line.startswith(text))


def _step(id: str, phase: str, title: str, span: Span, end: int, cmd: str, lang: str = "bash") -> Step:
    return Step(
        id=id,
        phase=phase,
        title=title,
        anchor="",
        lang=lang,
        span=span,
        end=end,
        prefix="",
        commands=(Command(text=cmd, line=span.start + 1),),
        transcript=False,
    )


def make_document() -> Document:
    """The parsed form of DOC_TEXT, written by hand (no dependency on the parser)."""
    a1 = _step("A1", "A", "A1. Check docker", _block("```bash", 0), _line_of("PASS if exit code") + 1,
               "docker --version")
    a2 = _step("A2", "A", "A2. Compose file", _block("```bash", 1), _line_of("PASS if output contains `serv") + 1,
               "cat compose.yaml")
    a3 = _step("A3", "A", "A3. Health " + XSS_SCRIPT.replace(";window.__pwned=1", ""),
               _block("```bash", 2), _line_of('PASS if output contains `"ok"') + 1,
               "curl -s localhost:8080/health")
    b1 = _step("B1", "B", "B1. Load", _block("```bash", 3), _block("```bash", 3).end, "./load.sh")
    c1 = _step("C-1", "C", "Phase C — Cleanup", _block("```bash", 4), _block("```bash", 4).end,
               "docker compose down")
    c2 = _step("C-2", "C", "Phase C — Cleanup", _block("```powershell"), _block("```powershell").end,
               "Get-Process", lang="powershell")
    return Document(
        path="docs/field-trial.md",
        title="Field trial",
        title_line=_line_of("# Field trial"),
        title_end=_line_of("# Field trial") + 1,
        phases=(
            Phase("A", "Phase A — Startup", _line_of("## Phase A"), True, (a1, a2, a3)),
            Phase("B", "Phase B — Data", _line_of("## Phase B"), False, (b1,)),
            Phase("C", "Phase C — Cleanup", _line_of("## Phase C"), False, (c1, c2)),
        ),
        troubleshooting=(TroubleRow("`no such file`", "wrong folder", "`cd` into the repo", _line_of("| `no such")),),
    )


TROUBLE = TroubleRow("`no such file`", "wrong folder", "`cd` into the repo", 40)

DIFF = """\
--- expected
+++ actual
@@ -1,3 +1,2 @@
 services:
-  healthcheck:
-    test: curl -f http://localhost
+  web:
"""


def make_run(hostile: bool = True) -> RunResult:
    """Every status once or more: pass (one with drift), fail (diff, troubleshooting),
    error (timeout), manual, blocked and skip; hostile strings in outputs, titles,
    criteria and details when ``hostile``."""
    L = {s.id: s.line for s in make_document().steps}
    x = XSS if hostile else "plain"
    raw = HOSTILE_BYTES if hostile else "plain"
    steps = (
        StepResult(
            step_id="A1", status=Status.PASS, phase="A", title="A1. Check docker", line=L["A1"],
            drift=True, exit_code=0, duration_s=0.41, attempts=1,
            output=Output("Docker version 27.1.0, build e6534b4\n", total_bytes=37, lines=1),
            checks=(Check("exit code is 0", True),),
            diff="--- expected\n+++ actual\n@@ -1 +1 @@\n-Docker version 28...\n+Docker version 27.1.0, build e6534b4\n",
            notes=("output differs from the documented output (drift)",),
        ),
        StepResult(
            step_id="A2", status=Status.FAIL, phase="A", title="A2. Compose file", line=L["A2"],
            exit_code=1, duration_s=0.02, attempts=3,
            output=Output(f"cat: compose.yaml: no such file\n{x}\n{raw}\n", total_bytes=120, lines=3),
            checks=(
                Check("output contains `services:`", False, "not found in 3 lines"),
                Check(f"output contains `healthcheck` {x}", False, f"detail {x}"),
            ),
            diff=DIFF,
            reason=f"output does not contain `services:` {x}",
            troubleshooting=(TroubleMatch(TROUBLE, "no such file"),),
            notes=("retried 3 times",),
        ),
        StepResult(
            step_id="A3", status=Status.MANUAL, phase="A",
            title=f"A3. Health {XSS_SCRIPT}", line=L["A3"], exit_code=0, duration_s=0.05, attempts=1,
            output=Output('{"status": "ok"}\n', total_bytes=17, lines=1),
            checks=(
                Check('output contains `"ok"`', True),
                Check(f"the dashboard looks right {x}", False, "not machine-checkable", manual=True),
            ),
        ),
        StepResult(
            step_id="B1", status=Status.BLOCKED, phase="B", title="B1. Load", line=L["B1"],
            reason="blocked by phase A",
        ),
        StepResult(
            step_id="C-1", status=Status.ERROR, phase="C", title="Phase C — Cleanup", line=L["C-1"],
            exit_code=None, duration_s=5.0, attempts=1,
            output=Output("".join(f"line {i}\n" for i in range(400)) + "[... 5000 bytes dropped ...]\nlast\n",
                          total_bytes=9000, lines=402, dropped_bytes=5000),
            reason="timed out after 5 s",
            notes=("shell restarted",),
        ),
        StepResult(
            step_id="C-2", status=Status.SKIP, phase="C", title="Phase C — Cleanup", line=L["C-2"],
            reason="powershell step: not run on Linux",
        ),
    )
    return RunResult(
        document="docs/field-trial.md",
        runbook_version="0.1.0",
        started_at="2026-11-26T10:00:00Z",
        duration_s=12.3,
        host="ci-runner-7",
        phases=(
            PhaseResult("A", "Phase A — Startup", True, Status.FAIL),
            PhaseResult("B", "Phase B — Data", False, Status.BLOCKED),
            PhaseResult("C", "Phase C — Cleanup", False, Status.ERROR),
        ),
        steps=steps,
    )
