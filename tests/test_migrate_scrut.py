"""``runbook migrate DOC --from scrut``: the rewritten document (runbook's own format) gets the
verdicts the scrut document gets, case by case, on scrut's own selftests and on small cases;
what runbook's format cannot say is refused with path:line, and nothing runs that scrut
would not run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from peer_docs import needs, peer_tree

PEERS = peer_tree("scrut")
F = "```"

SELFTESTS = [
    "cases/crlf-encoded.md", "cases/crlf-output.md", "cases/dirstack.md", "cases/escaped.md", "cases/glob.md",
    "cases/inline-setup.md", "cases/regex.md", "cases/variables.md", "cases/support-suffix.scrut",
    "complex/combine-output/test.mdtest", "complex/cram-compat/test-without-cr.mdtest",
    "complex/crlf-support/test.mdtest", "complex/custom-shell/test.mdtest",
    "complex/custom-work-directory/test.mdtest", "complex/glob-greed/greedy-good.mdtest",
    "complex/glob-greed/greedy-bad.mdtest", "complex/markdown-multi-command/no-multiple-commands-in-code-block.mdtest",
    "complex/inline-configuration/test-testcase-no-fail-fast.mdtest",
    "complex/inline-configuration/test-testcase-strip-ansi-escaping.mdtest",
    "complex/inline-configuration/test-testcase-keep-crlf-disabled.mdtest",
    "complex/inline-configuration/test-document-total-no-timeout.mdtest",
    "complex/inline-configuration/test-testcase-environment.md",
    "complex/inline-configuration/test-testcase-output-stream.md",
    "complex/inline-configuration/test-testcase-wait-timeout.md",
]

SMALL = {  # name: a scrut document's cases
    "quantifiers_fail": f"{F}scrut\n$ echo a\nx (+)\na\n{F}\n",
    "exit_code_and_subshell": f"{F}scrut\n$ echo out; exit 3\nout\n[3]\n{F}\n\n{F}scrut\n$ echo next\nnext\n{F}\n",
    "stderr_not_compared": f"{F}scrut\n$ echo out; echo err >&2\nout\n{F}\n",
    "dots_are_literal": f"{F}scrut\n$ echo a-b\na...b\n{F}\n",
    "glob_backslash_literal": f"{F}scrut\n$ echo 'a\\b'\na\\* (glob)\n{F}\n",
    "regex_alternation": f"{F}scrut\n$ echo b\na|b (regex)\n{F}\n",
    "escaped_tab": f"{F}scrut\n$ printf 'a\\tb\\n'\na\\tb (escaped)\n{F}\n",
    "silent_must_be_empty": f"{F}scrut\n$ echo surprise\n{F}\n",
    "environment_and_timeout": f"{F}scrut {{timeout: 1s}}\n% environment:\n%   FOO: bar\n$ echo $FOO; sleep 3\nbar\n{F}\n",
}


def _run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.output


def _verdicts(doc: Path, tmp: Path) -> tuple[int, list[str]]:
    """(exit status, the sorted statuses of its steps but the working-folder ones)."""
    report = tmp / f"{doc.name}.json"
    code, _ = _run("execute", str(doc), "--no-annotate", "--json", str(report))
    listed = json.loads(_run("list", str(doc), "--format", "json")[1])["steps"]
    housekeeping = {s["id"] for s in listed if s["role"] in ("setup", "teardown")}
    assert len(housekeeping) == 2, listed  # the fresh working folder, made and removed, in both
    return code, sorted(s["status"] for s in json.loads(report.read_text())["steps"] if s["id"] not in housekeeping)


def _same_verdicts(original: Path, tmp: Path) -> None:
    migrated = original.with_name(original.name + ".runbook.md")
    code, out = _run("migrate", str(original), "--from", "scrut", "-o", str(migrated))
    assert code == 0, out
    assert json.loads(_run("list", str(migrated), "--format", "json")[1])["dialect"] is None
    before, after = _verdicts(original, tmp), _verdicts(migrated, tmp)
    assert before == after, f"scrut reading {before}, migrated {after}\n{migrated.read_text()}"


@needs("scrut")
@pytest.mark.parametrize("rel", SELFTESTS)
def test_migrated_scrut_selftest_keeps_every_verdict(tmp_path: Path, rel: str) -> None:
    shutil.copytree(PEERS / "selftest", tmp_path / "selftest")
    _same_verdicts(tmp_path / "selftest" / rel, tmp_path)


@pytest.mark.parametrize("name", sorted(SMALL))
def test_migrated_scrut_case_keeps_its_verdict(tmp_path: Path, name: str) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(f"# {name}\n\nProse stays.\n\n" + SMALL[name])
    _same_verdicts(doc, tmp_path)


def test_migrated_scrut_document_runs_no_block_scrut_would_not_run(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(f"# T\n\n{F}bash\ntouch {tmp_path}/ran\n{F}\n\n{F}scrut\n$ echo hi\nhi\n{F}\n")
    assert _run("migrate", str(doc), "--from", "scrut", "-o", str(tmp_path / "new.md"))[0] == 0
    assert f"{F}bash norun\ntouch" in (tmp_path / "new.md").read_text()
    assert _run("execute", str(tmp_path / "new.md"), "--no-annotate")[0] == 0
    assert not (tmp_path / "ran").exists()


@pytest.mark.parametrize("case, said", [
    (f"{F}scrut {{detached: true}}\n$ sleep 1\n{F}\n", "`detached`"),
    (f"{F}scrut\n$ exit 80\n{F}\n", "exits 80"),
    (f"{F}scrut\n$ sleep 9 &\n{F}\n", "background"),
    (f"{F}scrut\n$ printf x\nx (no-eol)\n{F}\n", "`(no-eol)`"),
    (f"{F}scrut {{interpolated: true}}\n$ echo $HOME\n$HOME\n{F}\n", "`interpolated`"),
    (f"{F}scrut\n% mode: jsonschema\n$ echo 1\ntype: integer\n{F}\n", "`mode`"),
])
def test_migrate_refuses_what_runbooks_format_cannot_say(tmp_path: Path, case: str, said: str) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text("# T\n\n" + case)
    code, out = _run("migrate", str(doc), "--from", "scrut", "-o", str(tmp_path / "new.md"))
    assert code == 2 and f"{doc}:3" in out and said in out and not (tmp_path / "new.md").exists()
