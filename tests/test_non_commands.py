"""Never run what is not a command: sample output, files to save, no-copy blocks (issue 12).

Each hazard is a shell-tagged (or untagged) block that bash would happily run: a table row
or log line ending in ``-> FILE`` creates FILE through the redirection even though its first
word is no command. The tests run the real CLI and assert the marker file never appears.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbook.cli import cli
from runbook.parse.markdown import parse_document
from runbook.parse.shellish import first_word_problem, reading

F = "```"


def _execute(tmp_path: Path, body: str) -> list[dict[str, object]]:
    doc = tmp_path / "doc.md"
    doc.write_text(f"# T\n\n{body}")
    out = tmp_path / "r.json"
    res = CliRunner().invoke(cli, ["execute", str(doc), "--json", str(out), "--no-annotate", "--no-color"])
    assert out.exists(), res.output
    steps: list[dict[str, object]] = json.loads(out.read_text())["steps"]
    return steps


@pytest.mark.parametrize("line, why", [
    ("NAME      READY   STATUS    RESTARTS   AGE", "table"),
    ("128974848, 129e6, 129M", "value"),
    ("I1126 17:15:38.991090    3069 rpm-ostree.go:243] Executing rebase", "log"),
    ("2024-06-20T17:56:33.930222523Z E0620 writer.go:135] Marking Degraded", "timestamp"),
    ('{"kind": "Pod", "apiVersion": "v1"}', "JSON"),
    ("https://github.com/USERNAME/REPOSITORY.git", "URL"),
    ("git@github.com:USERNAME/REPOSITORY.git", "URL"),
    ("├─ docs/", "tree"),
    ("site_name: My site", "key: value"),
    ("fatal: remote origin already exists.", "message"),
    ("Switched to a new branch 'main'", "prose"),
    ("[INFO] server started", "log"),
])
def test_output_lines_do_not_read_as_shell(line: str, why: str) -> None:
    problem = first_word_problem(line)
    assert problem is not None and why.lower() in problem.lower()


@pytest.mark.parametrize("line", [
    "kubectl get pods", "FOO=bar ./run.sh", "export KUBECONFIG=~/.kube/config", "./prometheus",
    "/usr/bin/env python3", "~/bin/tool --help", "$EDITOR file", "if [ -f x ]; then echo y; fi",
    "[ -d /tmp ] && echo ok", "false; echo still", "make&& make install", "ls|wc -l", "load() { read -r x; }", "\\false", "(sleep 0.5; echo healthy > flag) &", "Foo() { :; }", "{ echo a; echo b; }", ". ./env.sh", ': "${X:=1}"', "docker-compose up -d",
])
def test_commands_read_as_shell(line: str) -> None:
    assert first_word_problem(line) is None


def test_continuations_and_heredoc_bodies_belong_to_their_command() -> None:
    r = reading(["cat <<EOF > conf.yaml", "key: value", "Name: x", "EOF", "kubectl apply \\", "  -f conf.yaml"])
    assert (r.shell, r.other) == (2, 0)


def test_a_table_after_a_step_is_its_expected_output_not_a_step(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    body = f"{F}bash\necho NAME READY\n{F}\n\n{F}shell\nNAME      READY   STATUS\nweb-1     1/1     Running -> {marker}\n{F}\n"
    d = parse_document(f"# T\n\n{body}", "doc.md")
    (step,) = d.steps
    exp = step.commands[-1].expected
    assert exp is not None and exp.text.startswith("NAME")
    _execute(tmp_path, body)
    assert not marker.exists()


def test_a_log_excerpt_shown_after_prose_is_skipped_with_the_reason(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    body = (f"{F}console\necho start\n{F}\nWhen it pivots the following will be logged.\n\n"
            f"{F}console\nI1126 17:15:38.991090    3069 update.go:2618] Running -> {marker}\n{F}\n")
    steps = _execute(tmp_path, body)
    assert [s["status"] for s in steps] == ["pass", "skip"]
    assert "not a command: reads as a log line" in str(steps[1])
    assert not marker.exists()


@pytest.mark.parametrize("prose, name", [
    ("Create a file named init.sh with:", "init.sh"),
    ("Save this as `backup.sh`:", "backup.sh"),
    ("Add the following to pg_hba.conf:", "pg_hba.conf"),
    ("`entrypoint.sh` consists of:", "entrypoint.sh"),
    ("Replace the contents of config/database.yml with the following:", "config/database.yml"),
])
def test_a_file_to_save_is_not_run(tmp_path: Path, prose: str, name: str) -> None:
    marker = tmp_path / "ran"
    body = f"{prose}\n\n{F}bash\n#!/bin/bash\ntouch {marker}\n{F}\n"
    (step,) = parse_document(f"# T\n\n{body}", "doc.md").steps
    assert step.skip_reason == f"file to save: {name}"
    _execute(tmp_path, body)
    assert not marker.exists()


def test_a_heredoc_body_without_its_command_is_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    steps = _execute(tmp_path, f"{F}bash\ntouch {marker}\nEOF\n{F}\n")
    assert [s["status"] for s in steps] == ["skip"]
    assert not marker.exists()


def test_a_no_copy_block_is_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    steps = _execute(tmp_path, f"This creates:\n\n``` {{ .sh .no-copy }}\ntouch {marker}\n{F}\n")
    assert [s["status"] for s in steps] == ["skip"]
    assert not marker.exists()


def test_an_untagged_block_the_prose_calls_a_command_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    steps = _execute(tmp_path, f"Run the following command:\n\n{F}\ntouch {marker}\n{F}\n")
    assert [s["status"] for s in steps] == ["pass"]
    assert marker.exists()


@pytest.mark.parametrize("prose", ["Run:", "At the Redis command line prompt, enter the command:", "It prints:"])
def test_untagged_output_or_another_contexts_commands_never_run(tmp_path: Path, prose: str) -> None:
    marker = tmp_path / "ran"
    block = f"touch {marker}" if "Redis" in prose or "prints" in prose else f"Hello -> {marker}"
    d = parse_document(f"# T\n\n{prose}\n\n{F}\n{block}\n{F}\n", "doc.md")
    assert d.steps == ()
    _execute(tmp_path, f"{F}bash\necho x\n{F}\n\n{prose}\n\n{F}\n{block}\n{F}\n")
    assert not marker.exists()


def test_a_shell_step_that_reads_as_shell_still_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    steps = _execute(tmp_path, f"{F}bash\necho NAME\n{F}\n\n{F}bash\ntouch {marker}\n{F}\n")
    assert [s["status"] for s in steps] == ["pass", "pass"]
    assert marker.exists()


@pytest.mark.parametrize("line", ['[ "$KEPT" = kept ] && [ "$PWD" = /tmp ]', "[[ -f x ]] && echo y", '{ "$cmd"; }'])
def test_test_brackets_and_groups_are_not_json(line: str) -> None:
    assert first_word_problem(line) is None


@pytest.mark.parametrize("line", ["{", "[", '{ "kind": "Pod" }', '["a", "b"]', "[1, 2]", '{"a": 1}'])
def test_json_is_not_shell(line: str) -> None:
    assert first_word_problem(line) == "JSON"
