"""Commands meant for another shell (a container, a database client) are never run on the host."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from runbook.parse.markdown import parse_document

F = "```"


@pytest.mark.parametrize("block, where", [
    ("root@redis:/data# cd /data/redis/\nroot@redis:/data/redis# echo Hello > test-file", "root"),
    ("/ # docker version", "container"),
    ("postgres=# \\dt", "psql"),
    ("127.0.0.1:6379> ping\nPONG", "redis-cli"),
    ("mysql> SHOW TABLES;", "mysql"),
])
def test_steps_at_another_shells_prompt_are_skipped(block: str, where: str) -> None:
    d = parse_document(f"# T\n\n{F}shell\n{block}\n{F}\n", "doc.md")
    (step,) = d.steps
    assert step.skip_reason is not None and step.skip_reason.startswith("runs inside")
    assert where in step.skip_reason


@pytest.mark.parametrize("block", ["user@host:~$ ls ~/mnt", "$ ls", "% ls", "(venv) $ pip list", "echo hi"])
def test_host_prompts_and_plain_blocks_still_run(block: str) -> None:
    (step,) = parse_document(f"# T\n\n{F}shell\n{block}\n{F}\n", "doc.md").steps
    assert step.skip_reason is None


def test_front_matter_shell_says_how_to_get_there() -> None:
    doc = f"---\nrunbook:\n  shell: kubectl exec -it redis -- bash\n---\n# T\n\n{F}shell\nroot@redis:/data# ls\n{F}\n"
    (step,) = parse_document(doc, "doc.md").steps
    assert step.skip_reason is None


def test_a_container_step_is_not_run_on_the_host(tmp_path) -> None:
    marker = tmp_path / "ran"
    doc = tmp_path / "doc.md"
    doc.write_text(f"# T\n\n{F}shell\nroot@redis:/data# touch {marker}\n{F}\n\n{F}bash\necho host\n{F}\n")
    out = tmp_path / "r.json"
    res = CliRunner().invoke(cli, ["execute", str(doc), "--json", str(out), "--no-annotate", "--no-color"])
    data = json.loads(out.read_text())
    assert [s["status"] for s in data["steps"]] == ["skip", "pass"], res.output
    assert not marker.exists()
