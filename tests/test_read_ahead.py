"""Inline lines whose end bash printed before Python asked for them (issue 13, the run loop):
``StepEnd._inline_ended`` cuts their output, status and answer out of the buffer read ahead
instead of feeding a capture. Every such step must give exactly the ``Execution`` the usual
read gives (and the same verdict as unbatched): output without a final newline, no output, a
failing status, text the capture must decode or cut (the usual way then), secrets, live output.
Real pty shell, real CLI.
"""

from __future__ import annotations

import time
from pathlib import Path

from click.testing import CliRunner

from runbook.cli import cli
from runbook.run.batch import BatchItem
from runbook.run.session import PexpectSession, ShellConfig
from test_batch import WARM, block, both, doc_of, essence

CODES = ["echo one", "echo -n no-newline", "echo", "false", "/bin/false", "true && echo two",
         "echo 'h\u00e9llo w\u00f6rld'", "echo " + "x" * 150, ":", "ls /no/such/path-rb", "echo last"]


def _session(tmp_path: Path, cap: int = 1_000_000) -> PexpectSession:
    s = PexpectSession(ShellConfig(cwd=str(tmp_path), output_cap=cap))
    s.start()
    for _ in range(3):  # batches start once the options are steady
        s.run("true", timeout=10)
    return s


def _fields(ex: object) -> tuple:
    return (ex.output, ex.exit_code, ex.timed_out, ex.shell_died, ex.note)  # type: ignore[attr-defined]


def _ran_ahead(s: PexpectSession, codes: list[str]) -> list[tuple]:
    """Run ``codes`` as one batch, letting bash finish all of it before the second is asked for."""
    assert s.queue([BatchItem(c, True, 30) for c in codes]) == len(codes)
    got = [_fields(s.run(codes[0], timeout=30))]
    time.sleep(1.0)  # bash runs the rest (a few ms): the next read takes all of it at once
    return got + [_fields(s.run(c, timeout=30)) for c in codes[1:]]


def test_steps_read_ahead_give_the_execution_the_usual_read_gives(tmp_path):
    ahead, alone = _session(tmp_path, cap=200), _session(tmp_path, cap=200)
    try:
        got = _ran_ahead(ahead, CODES)
        want = [_fields(alone.run(c, timeout=30)) for c in CODES]
        assert [g[:2] for g in got] == [w[:2] for w in want]
        assert [(g[0].text, g[0].total_bytes, g[0].lines) for g in got] == \
            [(w[0].text, w[0].total_bytes, w[0].lines) for w in want]
        assert got == want
        assert got[1][0].text == "no-newline" and got[1][0].lines == 1 and got[2][0].text == "\n"
        assert ahead.inlined == len(CODES)
        # all but the first two (read as they came), the non-ASCII one and the one over half the
        # cap were cut out of the buffer read ahead
        assert ahead.read_ahead >= len(CODES) - 4
    finally:
        ahead.close()
        alone.close()


def test_a_long_run_read_ahead_gives_the_unbatched_verdicts_and_live_output(write_doc):
    steps = [block(c) for c in CODES * 8]
    doc = write_doc(doc_of(*steps))
    plain, batched = both(doc)
    assert essence(batched) == essence(plain)
    res = CliRunner(env={"RUNBOOK_BATCH": "1"}).invoke(cli, ["execute", str(doc), "--no-annotate", "--no-color",
                                                             "-v"], catch_exceptions=False)
    assert res.output.count("no-newline") >= 8 and res.output.count("last") >= 8
    assert [s["status"] for s in batched["steps"][WARM:]] == [s["status"] for s in plain["steps"][WARM:]]


def test_steps_slower_than_the_judging_are_read_a_few_at_a_time_with_their_own_results(write_doc):
    """bash forks ``/bin/true`` (~1 ms a step): Python, which had to wait for two lines in a
    row, lets bash run 2 ms before it reads again; each step still gets its own output,
    status and verdict, as when typed alone."""
    from test_batch import FENCE, run_keeping_sessions

    n = 120
    codes = [f"/bin/true && echo step-{i}" for i in range(n)] + ["/bin/false", "echo end"]
    text = doc_of(*(block(c) + (f"\n{FENCE}output\nstep-{i}\n{FENCE}\n" if i < n else "")
                    for i, c in enumerate(codes)))
    result, sessions = run_keeping_sessions(text)
    ran = result.steps[WARM:]
    assert [s.status.value for s in ran] == ["pass"] * n + ["fail", "pass"]
    assert [s.output.text for s in ran[:n]] == [f"step-{i}\n" for i in range(n)] and ran[-1].output.text == "end\n"
    assert [s.exit_code for s in ran[-2:]] == [1, 0]
    assert sessions[0].caught_up > 0 and sessions[0].inlined >= n
    plain, batched = both(write_doc(doc_of(*(block(c) for c in codes[:20] + codes[-2:]))))
    assert essence(batched) == essence(plain)
