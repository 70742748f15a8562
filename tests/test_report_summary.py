"""The Markdown CI summary ($GITHUB_STEP_SUMMARY): totals, per-phase table, failures."""

from __future__ import annotations

from dataclasses import replace

from markdown_it import MarkdownIt
from report_fixtures import XSS, make_run

from runbook.model import RunResult, Status, StepResult
from runbook.report.summary import md_text, to_markdown_summary
from runbook.wording import fmt_duration, step_label, verdict


def render(md: str) -> str:
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(md)


def test_totals_phases_and_failures() -> None:
    text = to_markdown_summary(make_run(hostile=False))
    lines = text.splitlines()
    assert lines[0] == "## ❌ runbook: docs/field-trial.md — 1 failed, 1 errored, 1 blocked, 1 need a person"
    assert "**6** steps · ✅ 1 pass · ❌ 1 fail · ⚠️ 1 error · ⏭️ 1 skip · ⛔ 1 blocked · ✋ 1 manual" in text
    assert "| Phase A — Startup (blocking) | ❌ fail | 3 | 1 | 1 | 0 | 0 | 0 | 1 | 0.48 s |" in lines
    assert "| Phase B — Data | ⛔ blocked | 1 | 0 | 0 | 0 | 0 | 1 | 0 | 0.00 s |" in lines
    attention = [line for line in lines[lines.index("### Needs attention") + 2 :] if line.startswith("- ")]
    assert attention[0] == "- ❌ **A2. Compose file** (line 32) — fail: output does not contain \\`services:\\` plain"
    assert attention[1] == "- ⚠️ **C-1 Phase C — Cleanup** (line 62) — error: timed out after 5 s"
    assert attention[2] == "- ⛔ **B1. Load** (line 54) — blocked by phase A"
    assert "### Drift (output differs from the document)" in text


def test_renders_as_a_table_and_a_list() -> None:
    html = render(to_markdown_summary(make_run(hostile=False)))
    assert html.count("<tr>") == 4 and "<h3>Needs attention</h3>" in html
    assert html.count("<li>") == 5  # 4 needing attention + 1 drift


def test_hostile_text_cannot_inject_markup() -> None:
    html = render(to_markdown_summary(make_run()))
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_all_passed_headline() -> None:
    run = make_run(hostile=False)
    passed = replace(run, steps=tuple(replace(r, status=Status.PASS, drift=False) for r in run.steps),
                     phases=tuple(replace(p, status=Status.PASS) for p in run.phases))
    text = to_markdown_summary(passed)
    assert text.startswith("## ✅ runbook: docs/field-trial.md — 6 of 6 steps passed\n")
    assert "Needs attention" not in text
    assert verdict(replace(passed, interrupted=True)) == (False, "interrupted")


def test_skips_and_drift_do_not_fail_the_headline() -> None:
    run = RunResult("d.md", "0.1.0", "2026-11-26T10:00:00Z", 1.0, "h", (),
                    (StepResult("1", Status.PASS, drift=True), StepResult("2", Status.SKIP)))
    assert verdict(run) == (True, "1 of 2 steps passed (1 skipped, 1 with drift)")


def test_helpers() -> None:
    assert step_label(StepResult("A1", Status.PASS, title="A1. Check docker")) == "A1. Check docker"
    assert step_label(StepResult("A1", Status.PASS, title="A10 other")) == "A1 A10 other"
    assert step_label(StepResult("3", Status.PASS, title="Step 3: build")) == "Step 3: build"
    assert step_label(StepResult("C-1", Status.PASS, title="Cleanup")) == "C-1 Cleanup"
    assert step_label(StepResult("C-1", Status.PASS)) == "C-1"
    assert fmt_duration(0.414) == "0.41 s" and fmt_duration(12.34) == "12.3 s"
    assert fmt_duration(125) == "2 min 05 s" and fmt_duration(7300) == "2 h 01 min"
    assert md_text("a|b *c* <d>\nnext") == "a\\|b \\*c\\* &lt;d&gt; next"
    assert XSS not in md_text(XSS)


def test_a_failed_steps_last_output_lines_show_beside_its_reason() -> None:
    run = make_run(hostile=False)
    failed = next(r for r in run.steps if r.status.value == "fail")
    tail = [line for line in failed.output.text.splitlines() if line.strip()][-5:]
    assert tail, "the fixture's failed step must have output"
    lines = to_markdown_summary(run).splitlines()
    item = next(i for i, line in enumerate(lines) if line.startswith("- ❌"))
    assert lines[item + 2].startswith("  ```") and lines[item + 3 : item + 3 + len(tail)] == [f"  {t}" for t in tail]
