"""``runbook migrate DOC --from ie``: the rewritten document, in runbook's own format, gets the
verdict the scenario gets read as Innovation Engine reads it (both run through the CLI)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli

PEERS = Path(__file__).parent / "peers" / "ie"
KEPT = ["docs/Common/environmentVariablesFromPrerequisites.md", "docs/Common/prerequisiteExample.md",
        "scenarios/testing/reporting.md", "scenarios/testing/variableHierarchy.md", "scenarios/testing/variables.md",
        "tests/tutorial.md"]
REFUSED = {"docs/helloWorldDemo.md": "expected_similarity=0.3", "scenarios/testing/fuzzyMatchTest.md":
           "expected_similarity=0.8", "docs/modesOfOperation.md": "no block Innovation Engine runs"}
F = "```"


def _runbook(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return res.exit_code, res.output


def _both(path: Path) -> tuple[tuple[int, int], str]:
    new = path.with_name(path.stem + ".runbook.md")
    code, out = _runbook("migrate", str(path), "--from", "ie", "-o", str(new))
    assert code == 0, out
    assert json.loads(_runbook("list", str(new), "--format", "json")[1])["dialect"] in ("", None), new.read_text()
    before, out_before = _runbook("execute", str(path), "--no-annotate", "--no-color")
    after, out_after = _runbook("execute", str(new), "--no-annotate", "--no-color")
    return (before, after), f"--- as ie:\n{out_before}\n--- migrated:\n{out_after}\n{new.read_text()}"


@pytest.mark.parametrize("name", KEPT)
def test_migrated_innovation_engine_document_keeps_its_verdict(tmp_path: Path, name: str) -> None:
    shutil.copytree(PEERS, tmp_path / "ie")
    (before, after), why = _both(tmp_path / "ie" / name)
    assert before == after == 0, why


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_innovation_engine_threshold_runbook_cannot_write_is_refused_with_its_reason(tmp_path: Path, name: str) -> None:
    code, out = _runbook("migrate", str(PEERS / name), "--from", "ie", "-o", str(tmp_path / "out.md"))
    assert code == 2 and REFUSED[name] in out, out
    assert not (tmp_path / "out.md").exists()


SCENARIO = ("<!--\n```variables\nexport GREETING=hello\n```\n-->\n\n# S\n\n"
            f"{F}azurecli\necho \"$GREETING world\"; echo noise >&2\n{F}\n\n<!-- expected_similarity=1.0 -->\n"
            f"{F}text\nhello world\n{F}\n\n{F}sh\ntouch {{tmp}}/sh-ran\n{F}\n\n"
            f"{F}bash\necho 'id: 42'\n{F}\n\n<!-- expected_similarity=\"id: \\d+\" -->\n{F}text\nid: 7\n{F}\n\n"
            f"{F}azurecli-interactive\n{{last}}\n{F}\n")


@pytest.mark.parametrize("last,verdict", [("true", 0), ("false\necho never", 1)])
def test_migrated_scenario_keeps_variables_expectations_and_first_failure(tmp_path: Path, last: str,
                                                                          verdict: int) -> None:
    path = tmp_path / "scenario.md"
    path.write_text(SCENARIO.replace("{tmp}", str(tmp_path)).replace("{last}", last))
    (before, after), why = _both(path)
    assert before == after == verdict, why
    assert not (tmp_path / "sh-ran").exists(), "a block Innovation Engine does not run ran"


@pytest.mark.parametrize("printed,verdict", [("hello world", 0), ("goodbye", 1)])
def test_migrated_exact_similarity_still_decides(tmp_path: Path, printed: str, verdict: int) -> None:
    path = tmp_path / "scenario.md"
    path.write_text(f"# S\n\n{F}azurecli\necho {printed}\n{F}\n\n<!-- expected_similarity=1.0 -->\n"
                    f"{F}text\nhello world\n{F}\n")
    (before, after), why = _both(path)
    assert before == after == verdict, why
