"""Cost grows linearly with the document: N steps and 10*N steps in one run.

A hidden per-step scan of every step (a result looked up by walking all
results, the whole document searched for markers once per step, a pattern
compiled per step id) makes a 50,000-step document take minutes. Each test
times one stage on a document of N steps and of 10*N steps in the same process
and bounds the ratio generously (linear is 10, quadratic would be ~100): the
absolute numbers live in bench/README.md. CPU time of this process
(``time.process_time``) is measured, not wall time, so neighbours on a loaded
machine do not count; the small size is timed as the best of three runs after
a warm-up run (first-use imports and pattern compiles are not per-step costs).
"""

from __future__ import annotations

import gc
import json
import time
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from runbook.lint.check import check_document
from runbook.model import Output, RunResult, Status, StepResult
from runbook.parse.markdown import parse_document
from runbook.report.html import to_html
from runbook.report.json import to_json
from runbook.report.junit import to_junit
from runbook.write.annotate import annotate, strip
from runbook.write.update import plan_updates

N = 300
MAX_RATIO = 25.0


def playbook(n: int, info: str = "bash") -> str:
    """A realistic playbook of ``n`` steps: phases, headings, expected output, criteria."""
    parts = ["# Growth\n\nA generated playbook.\n"]
    for i in range(1, n + 1):
        if i % 100 == 1:
            parts.append(f"## Phase {i // 100 + 1}: part {i // 100 + 1}\n")
        parts.append(f"### Step {i}: say {i}\n\nRun it:\n\n```{info}\necho step-{i}\n```\n\n"
                     f"Expected output:\n\n```\nstep-{i}\n```\n\n"
                     f"PASS if: exit code is 0 and output contains `step-{i}`\n")
    return "\n".join(parts)


def cpu_time(fn: Callable[[], object]) -> float:
    """CPU time of one call; the collector is paused (its passes grow with the heap)."""
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        fn()
        return time.process_time() - start
    finally:
        gc.enable()


def median_cpu_time(fn: Callable[[], object], repeat: int = 5) -> float:
    """The median CPU time of ``repeat`` calls (the collector paused for each)."""
    return sorted(cpu_time(fn) for _ in range(repeat))[repeat // 2]


def assert_linear(make: Callable[[int], Callable[[], object]], large_repeat: int = 2, n: int = N,
                  max_ratio: float = MAX_RATIO) -> None:
    """The large size against the small one timed just before it, ``large_repeat`` times; the
    best ratio counts. Each pair is timed in the same seconds, so both see the machine's load
    of the moment (a loaded 2-core machine slows a long run more than the best of a few short
    ones: a separate best of the small size read 15-18 for a linear stage); the small size is
    the median of five runs, as typical of that moment as the large one."""
    small, large = make(n), make(10 * n)
    small()  # warm-up: imports and pattern caches
    pairs = []
    for _ in range(large_repeat):
        t_small = median_cpu_time(small)
        pairs.append((cpu_time(large) / max(t_small, 1e-3), t_small))
    ratio, t_small = min(pairs)
    assert ratio < max_ratio, (
        f"{n} steps: {t_small:.3f} s, {10 * n} steps: {ratio * max(t_small, 1e-3):.3f} s "
        f"(ratio {ratio:.1f}, linear is 10)")


def fake_run(text: str) -> tuple[str, object, RunResult]:
    """The document parsed, and a finished run of it with every step passed."""
    doc = parse_document(text, "growth.md")
    results = tuple(
        StepResult(step_id=s.id, status=Status.PASS, phase=s.phase, title=s.title, line=s.line,
                   exit_code=0, duration_s=0.001, attempts=1,
                   output=Output(f"step-{k}\n", total_bytes=len(f"step-{k}\n"), lines=1),
                   command_outputs=(f"step-{k}\n",))
        for k, s in enumerate(doc.steps, 1))
    run = RunResult(document="growth.md", runbook_version="0", started_at="2026-01-01T00:00:00Z",
                    duration_s=1.0, host="h", phases=(), steps=results)
    return text, doc, run


def test_looking_up_every_result_and_phase_grows_linearly() -> None:
    # Annotate, update and the HTML report ask for each step's result; every reporter
    # asks for each phase's results. A scan per question is steps x steps.
    def make(n: int) -> Callable[[], object]:
        steps = tuple(StepResult(step_id=f"s{k}", status=Status.PASS, phase=f"p{k // 2}")
                      for k in range(10 * n))
        ids, phases = [r.step_id for r in steps], sorted({r.phase for r in steps})

        def go() -> None:
            run = RunResult(document="d", runbook_version="0", started_at="", duration_s=0.0,
                            host="", phases=(), steps=steps)
            assert all(run.result_for(i) is not None for i in ids)
            assert sum(len(run.results_in(p)) for p in phases) == len(steps)

        return go

    assert_linear(make, large_repeat=2)  # as warm as the small size: string hashes are cached


def test_parsing_grows_linearly() -> None:
    assert_linear(lambda n: (lambda text=playbook(n): parse_document(text, "growth.md")))


def flat_playbook(n: int) -> str:
    """``n`` steps in one section (no heading), each with its output block: generated
    documents look like this, and a scan of the section's steps per block was quadratic."""
    return "\n".join(f"```bash\necho step-{i}\n```\n\n```output\nstep-{i}\n```\n" for i in range(1, n + 1))


def test_parsing_one_long_section_grows_linearly() -> None:
    # 1,000 and 10,000 steps, bound 15: a scan of the section per block adds ~1 s at
    # 10,000 steps (ratio ~19), which hides under the linear part at 300 steps or bound 25.
    assert_linear(lambda n: (lambda text=flat_playbook(n): parse_document(text, "growth.md")), n=1000,
                  max_ratio=15)


def annotated_flat_playbook(n: int) -> str:
    """:func:`flat_playbook` with a result region after each step, as bench/'s strip-50k has."""
    return "\n".join(f"```bash\necho step-{i}\n```\n\n```output\nstep-{i}\n```\n\n"
                     f"<!-- runbook:begin result {i} lines=4 -->\n✅ **pass**\n_exit 0 · 0.01 s_\n"
                     "<!-- runbook:end -->\n" for i in range(1, n + 1))


def test_strip_of_a_region_after_every_step_grows_linearly() -> None:
    # The region scanner goes from one fence or marker line to the next; a rescan from a
    # region's start, or of the whole text per region, would show here (bound 15, as above).
    def make(n: int) -> Callable[[], object]:
        text = annotated_flat_playbook(n)
        return lambda: strip(text).count("runbook:begin") == 0 or pytest.fail("a region was left")

    assert_linear(make, n=1000, max_ratio=15)


def test_check_of_one_long_section_grows_linearly() -> None:
    # Every step's commands go through the lint rules and the long-running rules (cached by
    # text): a scan of the steps so far per step would be quadratic here.
    assert_linear(lambda n: (lambda text=flat_playbook(n): check_document(text, "growth.md")), n=1000,
                  max_ratio=15)


def test_list_grows_linearly(tmp_path: Path) -> None:
    def make(n: int) -> Callable[[], object]:
        path = tmp_path / f"list-{n}.md"
        path.write_text(playbook(n), encoding="utf-8")

        def go() -> None:
            result = CliRunner().invoke(cli, ["list", str(path)])
            assert result.exit_code == 0 and f"{n} of {n} steps would run" in result.output

        return go

    assert_linear(make)


def test_check_grows_linearly() -> None:
    def make(n: int) -> Callable[[], object]:
        text = playbook(n)
        return lambda: check_document(text, "growth.md")

    assert_linear(make)


def test_annotate_and_strip_grow_linearly() -> None:
    def make(n: int) -> Callable[[], object]:
        text, doc, run = fake_run(playbook(n))

        def go() -> None:
            annotated = annotate(text, doc, run)  # type: ignore[arg-type]
            again = annotate(annotated, parse_document(annotated, "growth.md"), run)
            assert strip(again) == text

        return go

    assert_linear(make)


def test_reports_and_update_grow_linearly() -> None:
    def make(n: int) -> Callable[[], object]:
        text, doc, run = fake_run(playbook(n))

        def go() -> None:
            assert json.loads(to_json(run))["summary"]["pass"] == n
            assert to_junit(run).count("<testcase") == n
            assert to_html(run, text, doc).count('class="step st-pass"') == n  # type: ignore[arg-type]
            plan_updates(text, doc, run, None)  # type: ignore[arg-type]

        return go

    assert_linear(make)


def test_state_file_grows_linearly(tmp_path: Path) -> None:
    # The --resume state (results, a fingerprint per step) is written after every recorded
    # run, by report/jsontext.py's indented writer instead of json.dump's generator.
    from runbook.report.state_file import write_states

    def make(n: int) -> Callable[[], object]:
        text, doc, run = fake_run(playbook(n))
        path = tmp_path / f"{n}.runbook-state.json"

        def go() -> None:
            write_states([str(path)], run, text, doc, {}, {})  # type: ignore[arg-type]
            assert len(json.loads(path.read_text(encoding="utf-8"))["fingerprints"]) == n

        return go

    assert_linear(make)


@pytest.mark.parametrize("extra", [["--json", "{dir}/r.json", "--html", "{dir}/r.html", "--junit", "{dir}/r.xml"]])
def test_execute_of_a_cheap_document_grows_linearly(tmp_path: Path, extra: list[str]) -> None:
    # Steps marked skip go through planning, the runner, the annotation and every
    # report, but cost the shell nothing: what is left is runbook's own per-step work.
    def make(n: int) -> Callable[[], object]:
        folder = tmp_path / str(n)
        folder.mkdir()
        path = folder / "doc.md"
        path.write_text(playbook(n, info="bash skip"), encoding="utf-8")

        def go() -> None:
            args = ["execute", str(path), "-q", "--no-color", *(a.format(dir=folder) for a in extra)]
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 0, result.output
            data = json.loads((folder / "r.json").read_text())
            assert data["summary"]["skip"] == n
            assert (folder / "doc.annotated.md").read_text().count("runbook:begin result") == n

        return go

    assert_linear(make)



def test_running_many_steps_grows_linearly() -> None:
    # The runner's own bookkeeping after each step (what it stops, the run's time budget)
    # must not walk every result so far: a sum over the results after each step cost
    # ~60 s of a 50,000-step run. Skipped steps cost the shell nothing, so the runner's
    # per-step work is what is timed (1,000 and 10,000 steps: quadratic would be ~50x).
    from runbook.config import from_front_matter
    from runbook.run.runner import Runner

    def make(n: int) -> Callable[[], object]:
        doc = parse_document(flat_playbook(n).replace("```bash\n", "```bash skip\n"), "growth.md")

        def go() -> None:
            run = Runner(doc, from_front_matter({}, "growth.md")).run()
            assert len(run.steps) == n and all(r.status is Status.SKIP for r in run.steps)

        return go

    assert_linear(make, n=1000, max_ratio=20)


def test_execute_of_real_steps_with_every_output_grows_linearly(tmp_path: Path) -> None:
    # Real `echo` steps through the session, the annotated document, JSON, HTML and the
    # --resume state: a per-step pass over every result so far (the run-budget sum after
    # each step was one: 15 s of a 10,000-step run's 25 s) shows here, not with skipped steps.
    def make(n: int) -> Callable[[], object]:
        folder = tmp_path / f"real-{n}"
        folder.mkdir()
        path = folder / "doc.md"
        path.write_text(flat_playbook(n), encoding="utf-8")

        def go() -> None:
            args = ["execute", str(path), "-q", "--no-color", "--json", str(folder / "r.json"),
                    "--html", str(folder / "r.html")]
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 0, result.output
            assert json.loads((folder / "r.json").read_text())["summary"]["pass"] == n
            assert (folder / "doc.annotated.md").read_text().count("runbook:begin result") == n
            assert (folder / "doc.annotated.runbook-state.json").exists()

        return go

    assert_linear(make, n=400, max_ratio=15)


def test_the_reports_of_a_big_run_are_written_as_made_not_held_whole(tmp_path: Path) -> None:
    # execute's --json and --html (outputs.write_outputs, write/stream.py): a 50,000-step
    # run held its 46 MB page as text and as bytes, and the JSON the same (a 311 MB peak).
    # Written as they are made, what is held while writing grows far slower than the files.
    import tracemalloc

    from runbook.outputs import Outputs, write_outputs
    from runbook.source import Source

    def peak_and_size(n: int) -> tuple[int, int]:
        text, doc, run = fake_run(playbook(n))
        folder = tmp_path / str(n)
        folder.mkdir()
        outputs = Outputs(str(folder / "doc.md"), no_annotate=True, json=str(folder / "r.json"),
                          html=str(folder / "r.html"))
        src = Source.from_bytes(text.encode("utf-8"), outputs.doc)
        tracemalloc.start()
        try:
            write_outputs(run, src, text, doc, outputs, lambda s: s)  # type: ignore[arg-type]
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert json.loads((folder / "r.json").read_text())["summary"]["pass"] == n
        return peak, sum(p.stat().st_size for p in folder.iterdir())

    small, small_size = peak_and_size(1000)
    large, large_size = peak_and_size(10000)
    assert large < large_size / 2, f"{large / 1e6:.1f} MB held to write {large_size / 1e6:.1f} MB"
    assert large / small < 5, f"held: 1,000 steps {small / 1e6:.1f} MB, 10,000 steps {large / 1e6:.1f} MB"
