"""scrut's own selftests (tests/peers/scrut, SOURCE.md) run by runbook: each document must get
the verdict scrut's selftests document for it, case by case.

scrut is a Rust binary no registry here ships, so the contract is what its selftests say:
``selftest/cases`` is run by scrut's CI and passes (``skip.md``: exit 80 skips the whole
document), and each ``selftest/complex`` fixture's verdict is the ``Result: … N succeeded, N
failed and N skipped`` line the ``test.md`` beside it expects from ``scrut test FIXTURE``.
A ``detached`` case is not a test case for scrut (not counted), nor are runbook's own
working-folder steps.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from peer_docs import needs, peer_tree

PEERS = peer_tree("scrut") / "selftest"
pytestmark = needs("scrut")

_IC = "complex/inline-configuration/"
DOCUMENTED: dict[str, tuple[int, int, int]] = {  # document: (succeeded, failed, skipped) as scrut says
    # selftest/cases: scrut's CI runs them and they pass
    "cases/bash-vs-output-streams.md": (6, 0, 0),
    "cases/crlf-encoded.md": (1, 0, 0),
    "cases/crlf-output.md": (1, 0, 0),
    "cases/dirstack.md": (2, 0, 0),
    "cases/environment.md": (11, 0, 0),
    "cases/escaped.md": (12, 0, 0),
    "cases/glob.md": (3, 0, 0),
    "cases/inline-setup.md": (4, 0, 0),
    "cases/jsonschema.md": (3, 0, 0),  # mode: jsonschema, judged with the jsonschema package
    "cases/multiline.md": (8, 0, 0),
    "cases/regex.md": (10, 0, 0),
    "cases/skip.md": (0, 0, 3),
    "cases/support-suffix.scrut": (1, 0, 0),
    "cases/variables.md": (5, 0, 0),
    "cram-compat/test-scrut-and-crlf.md": (1, 0, 0),
    # selftest/complex/*/test.md: `scrut test FIXTURE` and the Result line it expects
    "complex/append/actual.mdtest": (1, 0, 0),  # without --append-test-file-paths
    "complex/prepend/actual.mdtest": (0, 1, 0),  # without --prepend-test-file-paths
    "complex/command-output/fixtures/ok1.mdtest": (1, 0, 0),
    "complex/command-output/fixtures/ok2.mdtest": (1, 0, 0),
    "complex/command-output/fixtures/err1.mdtest": (0, 1, 0),
    "complex/command-output/fixtures/timeout-per-document.mdtest": (0, 1, 0),
    "complex/command-output/fixtures/timeout-per-testcase.mdtest": (0, 1, 0),
    # selftest/complex/unified-diff/*.md: the diff scrut prints names each failing case
    "complex/unified-diff/invalid.mdtest": (0, 3, 0),
    "complex/unified-diff/multi-test-1.mdtest": (0, 1, 0),
    "complex/unified-diff/multi-test-2.mdtest": (0, 2, 0),
    "complex/combine-output/test.mdtest": (0, 1, 0),
    "complex/cram-compat/test-without-cr.mdtest": (1, 0, 0),
    "complex/crlf-support/test.mdtest": (0, 1, 0),
    "complex/custom-shell/test.mdtest": (0, 1, 0),
    "complex/custom-work-directory/test.mdtest": (0, 1, 0),
    "complex/glob-greed/greedy-good.mdtest": (1, 0, 0),
    "complex/glob-greed/greedy-bad.mdtest": (0, 1, 0),
    "complex/markdown-multi-command/no-multiple-commands-in-code-block.mdtest": (0, 1, 0),
    "complex/no-eol/invalid.mdtest": (0, 2, 0),
    "complex/no-eol/valid.mdtest": (2, 0, 0),  # what `scrut update` makes of invalid.mdtest
    "complex/tailing-spaces/test.mdtest": (1, 3, 0),
    _IC + "test-document-append.mdtest": (0, 1, 0),
    _IC + "test-document-prepend.mdtest": (0, 1, 0),
    _IC + "test-document-total-no-timeout.mdtest": (3, 0, 0),
    _IC + "test-document-total-timeout.mdtest": (1, 1, 1),
    _IC + "test-testcase-detached-kill.mdtest": (1, 0, 0),
    _IC + "test-testcase-detached-no-kill.mdtest": (1, 0, 0),
    _IC + "test-testcase-fail-fast.mdtest": (1, 1, 1),
    _IC + "test-testcase-no-fail-fast.mdtest": (2, 1, 0),
    _IC + "test-testcase-keep-crlf-disabled.mdtest": (1, 0, 0),
    _IC + "test-testcase-skip-document-code-default.mdtest": (0, 0, 3),
    _IC + "test-testcase-skip-document-code-custom.mdtest": (0, 0, 3),
    _IC + "test-testcase-strip-ansi-escaping.mdtest": (2, 0, 0),
    _IC + "test-testcase-timeout.mdtest": (1, 1, 2),
    # selftest/complex/inline-configuration/*.md that run without scrut's binary: they pass
    _IC + "test-document-defaults.md": (4, 0, 0),
    _IC + "test-testcase-detached.md": (2, 0, 0),
    _IC + "test-testcase-environment.md": (3, 0, 0),
    _IC + "test-testcase-interpolation.md": (4, 0, 0),
    _IC + "test-testcase-multiline.md": (2, 0, 0),
    _IC + "test-testcase-output-stream.md": (5, 0, 0),
    _IC + "test-testcase-wait-path-and-timeout.md": (2, 0, 0),
    _IC + "test-testcase-wait-timeout.md": (2, 0, 0),
}

CRAM: dict[str, tuple[str, tuple[int, int, int]]] = {  # .t file: (how runbook reads it, scrut's verdict)
    # scrut's CI: `scrut test --cram-compat --keep-output-crlf --combine-output` on every .t but *fail*
    "cram/escaped.t": ("scrut", (11, 0, 0)),  # its `(escaped)` lines say it is scrut's
    "cases/environment.t": ("cram", (13, 0, 0)),
    "cram/cygwin.t": ("cram", (0, 0, 7)),  # exit 80 off Windows: skipped
    "cram/parse-configs.t": ("cram", (3, 0, 0)),
    "cram/simple.t": ("cram", (2, 0, 0)),
    "cram/simple-fail.t": ("cram", (0, 3, 0)),  # left out of scrut's CI by name: it fails
    "cram/skip.t": ("cram", (0, 0, 8)),
    "cram/stateful.t": ("cram", (7, 0, 0)),
    "cram-compat/test-cram-and-crlf.t": ("cram", (1, 0, 0)),
}
"""The .t files in scrut's tree. Only escaped.t says it is scrut's (docs/dialects.md): the others
cannot be told from prysk's, so runbook reads them as prysk's."""

_NOT_CASES = ("scrut-tmp", "scrut-cleanup", "cram-tmp", "cram-cleanup")


def _verdicts(tmp_path: Path, rel: str) -> tuple[int, dict[str, list[str]], list[dict[str, str]]]:
    """(exit status, step ids by status, the steps) of ``runbook execute`` on a vendored document."""
    path, report = PEERS / rel, tmp_path / "r.json"
    env = {"DELEGATED_TMPDIR": str(tmp_path)}  # the detached fixtures write there (scrut's test.md sets it)
    listing = CliRunner().invoke(cli, ["list", str(path), "--format", "json"], catch_exceptions=False)
    background = {s["id"] for s in json.loads(listing.output)["steps"] if s["role"] == "background"}
    res = CliRunner().invoke(cli, ["execute", str(path), "--no-annotate", "--no-color", "--json", str(report)],
                             env=env, catch_exceptions=False)
    steps = [s for s in json.loads(report.read_text())["steps"] if s["id"] not in (*_NOT_CASES, *background)]
    by: dict[str, list[str]] = {"pass": [], "fail": [], "skip": []}
    for s in steps:
        by["fail" if s["status"] in ("fail", "error") else s["status"]].append(s["id"])
    return res.exit_code, by, steps


def test_every_vendored_scrut_document_has_its_documented_verdict() -> None:
    vendored = {str(p.relative_to(PEERS)) for p in PEERS.rglob("*") if p.suffix in (".md", ".mdtest", ".scrut", ".t")}
    helpers = {_IC + "test-document-appended-1.mdtest", _IC + "test-document-prepended-1.mdtest",
               "cases/unicode.md"}  # included by others; unicode.md runs $SCRUT_BIN (docs/dialects.md)
    assert vendored - helpers == set(DOCUMENTED) | set(CRAM)


@pytest.mark.parametrize("rel", sorted(DOCUMENTED))
def test_scrut_selftest_gets_the_verdict_scrut_documents(tmp_path: Path, rel: str) -> None:
    code, by, _ = _verdicts(tmp_path, rel)
    got = (len(by["pass"]), len(by["fail"]), len(by["skip"]))
    assert got == DOCUMENTED[rel], f"{rel}: scrut {DOCUMENTED[rel]}, runbook {got} {by}"
    assert code == (1 if DOCUMENTED[rel][1] else 0)


def test_scrut_exit_80_skips_the_whole_document_not_fails_it(tmp_path: Path) -> None:
    code, by, steps = _verdicts(tmp_path, "cases/skip.md")
    assert code == 0 and not by["pass"] and not by["fail"]
    assert all("exited 80, which skips the whole document" in s["reason"] for s in steps)


def _counts(by: dict[str, list[str]]) -> tuple[int, int, int]:
    return len(by["pass"]), len(by["fail"]), len(by["skip"])


@pytest.mark.parametrize("rel", sorted(CRAM))
def test_scrut_t_file_is_read_as_scrut_only_when_it_says_so(tmp_path: Path, rel: str) -> None:
    reading, verdict = CRAM[rel]
    listing = CliRunner().invoke(cli, ["list", str(PEERS / rel), "--format", "json"], catch_exceptions=False)
    assert json.loads(listing.output)["dialect"] == reading
    if reading == "scrut":
        assert _counts(_verdicts(tmp_path, rel)[1]) == verdict


@pytest.mark.parametrize("rel", sorted(r for r, (reading, _) in CRAM.items() if reading == "cram"))
def test_scrut_t_file_declared_scrut_gets_scrut_verdict(tmp_path: Path, rel: str) -> None:
    """A .t file with nothing in it only scrut reads stays prysk's unless scrut is declared:
    ``runbook execute --dialect scrut FILE.t`` reads it as ``scrut test FILE.t`` does."""
    report = tmp_path / "r.json"
    res = CliRunner().invoke(cli, ["execute", str(PEERS / rel), "--dialect", "scrut", "--no-annotate", "--json",
                                   str(report)], catch_exceptions=False)
    doc = json.loads(report.read_text())
    by: dict[str, list[str]] = {"pass": [], "fail": [], "skip": []}
    for step in doc["steps"]:
        if step["id"] not in _NOT_CASES:
            by["fail" if step["status"] in ("fail", "error") else step["status"]].append(step["id"])
    assert _counts(by) == CRAM[rel][1], by
    assert res.exit_code == (1 if CRAM[rel][1][1] else 0)
